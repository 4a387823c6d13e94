-- Drives the review of an improved prompt for review_test.go: the
-- improver's edit needs confirmation, so the plugin shows it as a diff
-- split instead of applying it. Run like plugin_check.lua, with:
--
--   CLAUDE_LS_BIN, CLAUDE_LS_LOG      the server and its log
--   TEST_FILE                         the prompt
--   CHECKSCRIPT_LUA, NVIMTEST_REPORT  the shared helpers, the report
--
-- The fake API answers five requests in order: three improvements (taken
-- in part then whole; rejected; closed), a slow one the user types during
-- (refused), and generated test cases (applied at once, no review).

local C = dofile(assert(os.getenv('CHECKSCRIPT_LUA'), 'CHECKSCRIPT_LUA is not set'))
local wait, step, text, note_with, report = C.wait, C.step, C.text, C.note_with, C.report

local function main()
  local commands = require('claude-ls.commands')
  local review = require('claude-ls.review')
  local buf, win = C.open_prompt()
  report.original = text(buf)

  -- Asks for an improvement, as the code action does; waits for the review.
  local function improve()
    commands.execute(buf, 'claude-ls.improve', {})
    wait('the review to open', function()
      return review.open_reviews()[buf] ~= nil
    end)
    return review.open_reviews()[buf]
  end
  local function scratch_win(scratch)
    return vim.fn.bufwinid(scratch)
  end

  step('improve: the diff')
  local mark = #report.notes
  local scratch = improve()
  report.shown = {
    name = vim.api.nvim_buf_get_name(scratch),
    text = text(scratch),
    prompt = text(buf),
    buftype = vim.bo[scratch].buftype,
    filetype = vim.bo[scratch].filetype,
    listed = vim.bo[scratch].buflisted,
    attached = commands.client(scratch) ~= nil,
    diff = vim.wo[win].diff and scratch_win(scratch) ~= -1 and vim.wo[scratch_win(scratch)].diff,
    vertical = vim.api.nvim_win_get_height(scratch_win(scratch)) == vim.api.nvim_win_get_height(win),
    cursor_in_prompt = vim.api.nvim_get_current_win() == win,
    note = note_with('review each change', mark) or '',
    winbar = vim.fn.exists('+winbar') == 1 and vim.wo[scratch_win(scratch)].winbar or nil,
  }

  step('improve: take one change')
  vim.api.nvim_win_set_cursor(win, { 1, 0 })
  vim.cmd('normal! ]c')
  vim.cmd('normal! do')
  report.one_hunk = text(buf)

  step('improve: take all')
  vim.cmd('ClaudeAccept')
  wait('the review to end', function()
    return review.open_reviews()[buf] == nil
  end)
  report.accepted = {
    text = text(buf),
    scratch_gone = not vim.api.nvim_buf_is_valid(scratch),
    diff = vim.wo[win].diff,
    windows = #vim.api.nvim_tabpage_list_wins(0),
  }
  local function restore()
    vim.api.nvim_buf_set_lines(buf, 0, -1, false, vim.split(report.original, '\n', { plain = true, trimempty = true }))
  end
  restore()

  step('improve: reject')
  scratch = improve()
  vim.api.nvim_set_current_win(scratch_win(scratch))
  vim.cmd('ClaudeReject')
  wait('the review to end', function()
    return review.open_reviews()[buf] == nil
  end)
  report.rejected = { text = text(buf), scratch_gone = not vim.api.nvim_buf_is_valid(scratch), diff = vim.wo[win].diff }

  step('improve: close the window')
  scratch = improve()
  vim.api.nvim_set_current_win(scratch_win(scratch))
  vim.cmd('close')
  wait('the review to end', function()
    return review.open_reviews()[buf] == nil and not vim.wo[win].diff
  end)
  report.closed = { text = text(buf), scratch_gone = not vim.api.nvim_buf_is_valid(scratch) }

  step('improve: typed meanwhile')
  mark = #report.notes
  local started = false
  commands.execute(buf, 'claude-ls.improve', {}, function()
    started = true
  end)
  wait('the improvement to start', function()
    return started
  end)
  vim.api.nvim_buf_set_lines(buf, -1, -1, false, { 'Thanks!' })
  wait('the refusal', function()
    return note_with('changed meanwhile', mark) ~= nil
  end)
  report.changed = { note = note_with('changed meanwhile', mark), review = review.open_reviews()[buf] ~= nil }
  restore()

  step('generate tests: applied at once')
  commands.execute(buf, 'claude-ls.generateTests', { n = 1 })
  wait('the test case added', function()
    return text(buf):find('tests:', 1, true) ~= nil
  end)
  report.generated = { text = text(buf), review = review.open_reviews()[buf] ~= nil }
end

C.finish(main)
