-- Drives the Workbench helpers' commands for workbench_test.go, as typed:
-- :ClaudeGenerateTests with a bad count (refused, nothing sent), then
-- :ClaudeImprove shorter replies (the review opens; all taken),
-- :ClaudeGenerateTests 2 (the cases appended) and :ClaudeCompare (the
-- edited buffer against HEAD; the report written, and opened where Neovim
-- has window/showDocument, 0.8+). Run like plugin_check.lua, with:
--
--   CLAUDE_LS_BIN, CLAUDE_LS_LOG      the server and its log
--   TEST_FILE                         the prompt, committed in a git repository
--   CHECKSCRIPT_LUA, NVIMTEST_REPORT  the shared helpers, the report

local C = dofile(assert(os.getenv('CHECKSCRIPT_LUA'), 'CHECKSCRIPT_LUA is not set'))
local wait, step, text, note_with, report = C.wait, C.step, C.text, C.note_with, C.report

local function main()
  local review = require('claude-ls.review')
  local buf = C.open_prompt()
  report.commands = vim.tbl_keys(vim.api.nvim_buf_get_commands(buf, {}))

  step('generate: a bad count')
  local mark = #report.notes
  vim.cmd('ClaudeGenerateTests two')
  vim.cmd('ClaudeGenerateTests 0')
  report.bad_count = C.notes_since(mark)

  step('improve')
  mark = #report.notes
  vim.cmd('ClaudeImprove shorter replies')
  wait('the review to open', function()
    return review.open_reviews()[buf] ~= nil
  end)
  report.improved = text(review.open_reviews()[buf])
  vim.cmd('ClaudeAccept')
  wait('the improvement to end', function()
    return note_with('improved by', mark) ~= nil
  end)
  report.improve_notes = C.notes_since(mark)

  step('generate tests')
  mark = #report.notes
  vim.cmd('ClaudeGenerateTests 2')
  wait('the test cases added', function()
    return note_with('test cases added', mark) ~= nil
  end)
  report.generated = text(buf)
  report.generate_notes = C.notes_since(mark)

  step('compare')
  mark = #report.notes
  vim.cmd('ClaudeCompare')
  local path
  wait('the compare report', function()
    path = vim.fn.glob(vim.fn.getcwd() .. '/.claude-ls/reports/compare-*.md', false, true)[1]
    return path ~= nil and note_with('old ', mark) ~= nil
  end)
  report.compare = {
    file = path,
    text = table.concat(vim.fn.readfile(path), '\n'),
    shown = vim.fn.bufwinid(path) ~= -1,
    notes = C.notes_since(mark),
  }
end

C.finish(main)
