-- Grades replies from Neovim for grade_test.go. A result document read
-- before the server started is attached once a prompt opens. A test case
-- is run twice (:ClaudeRun test=short); the first run's result document is
-- graded with its lens (the grade and a note asked with vim.ui.select and
-- vim.ui.input, stubbed here as a user answers them), then the prompt's
-- lens on the test case grades the latest reply. Cancelling either
-- question sends nothing. Last, a test report gets the lens too. Run like
-- plugin_check.lua, with:
--
--   CLAUDE_LS_BIN, CLAUDE_LS_LOG      the server and its log
--   TEST_FILE                         the prompt, with a test case "short"
--   CHECKSCRIPT_LUA, NVIMTEST_REPORT  the shared helpers, the report

local C = dofile(assert(os.getenv('CHECKSCRIPT_LUA'), 'CHECKSCRIPT_LUA is not set'))
local wait, step, text, report = C.wait, C.step, C.text, C.report

report.asked = {}

-- The user's answers: the index chosen in vim.ui.select (nil: Esc) and the
-- note typed in vim.ui.input (nil: Esc). Each question asked is recorded.
local answer = {}
vim.ui.select = function(items, opts, on_choice)
  table.insert(report.asked, { prompt = opts.prompt, items = items })
  local i = answer.grade
  on_choice(i and items[i] or nil, i)
end
vim.ui.input = function(opts, on_confirm)
  table.insert(report.asked, { prompt = opts.prompt })
  on_confirm(answer.note)
end

-- The grade lenses of a buffer.
local function lenses(bufnr)
  return vim.tbl_filter(function(l)
    return l.command == 'claude-ls.grade'
  end, C.lenses(bufnr))
end

local function grade_lens(bufnr, title)
  for _, l in ipairs(lenses(bufnr)) do
    if l.title:find(title, 1, true) then
      return l
    end
  end
  return nil
end

local function grades_file()
  local f = vim.fn.getcwd() .. '/.claude-ls/grades.jsonl'
  return vim.fn.filereadable(f) == 1 and vim.fn.readfile(f) or {}
end

local function main()
  local commands = require('claude-ls.commands')
  -- A result document read before the server started (a run of an
  -- earlier session): attached once the server attaches to the prompt.
  C.setup()
  local earlier = vim.fn.getcwd() .. '/.claude-ls/runs/earlier.md'
  vim.fn.mkdir(vim.fn.fnamemodify(earlier, ':h'), 'p')
  vim.fn.writefile({ '# An earlier run' }, earlier)
  vim.cmd('split ' .. vim.fn.fnameescape(earlier))
  local earlier_buf = vim.api.nvim_get_current_buf()
  vim.cmd('wincmd p')
  report.earlier_attached_before = commands.client(earlier_buf) ~= nil
  local prompt, prompt_win = C.open_prompt()
  vim.wait(2000, function()
    return commands.client(earlier_buf) ~= nil
  end, 10)
  report.earlier_attached = commands.client(earlier_buf) ~= nil

  -- Runs the test case; returns the buffer of its result document, once
  -- it holds the reply's mark.
  local seen = {}
  local function run()
    vim.cmd('ClaudeRun test=short')
    local found
    wait('the result document with its reply mark', function()
      for _, b in ipairs(vim.api.nvim_list_bufs()) do
        local name = vim.api.nvim_buf_get_name(b)
        if not seen[b] and name:find('/.claude-ls/runs/', 1, true) and vim.api.nvim_buf_is_loaded(b)
          and text(b):find('<!-- claude-ls reply', 1, true) then
          found = b
          return true
        end
      end
      return false
    end)
    seen[found] = true
    return found
  end
  step('run twice')
  local first = run()
  local second = run()
  report.second_attached = commands.client(second) ~= nil

  step('result document: the lens')
  vim.api.nvim_set_current_win(vim.fn.bufwinid(first))
  report.attached = commands.client(first) ~= nil
  report.diagnostics = #vim.diagnostic.get(first)
  local lens
  wait('the grade lens of the result document', function()
    lens = grade_lens(first, 'Grade this reply')
    return lens ~= nil
  end)
  report.doc_lens = lens.title
  report.lens_on_mark = vim.api.nvim_buf_get_lines(first, lens.line, lens.line + 1, false)[1]:find('<!-- claude-ls reply', 1, true) == 1

  -- Runs the lens under the cursor with these answers; waits until the
  -- questions were asked (0.12 runs the lens asynchronously).
  local function run_lens(a, questions)
    answer = a
    local before = #report.asked
    vim.lsp.codelens.run()
    wait('the lens to ask', function()
      return #report.asked == before + questions
    end)
  end

  step('result document: cancel')
  vim.api.nvim_win_set_cursor(0, { lens.line + 1, 0 })
  run_lens({ grade = nil }, 1)
  run_lens({ grade = 3, note = nil }, 2)

  step('result document: grade')
  run_lens({ grade = 4, note = '  clear, a bit long ' }, 2)
  wait('the grade recorded', function()
    return #grades_file() > 0
  end)
  wait('the lens to show the grade', function()
    return grade_lens(first, 'Graded 4/5') ~= nil
  end)
  report.doc_lens_after = grade_lens(first, 'Graded 4/5').title

  step('prompt: the test case lens')
  vim.api.nvim_set_current_win(prompt_win)
  wait('the grade lens on the test case', function()
    lens = lenses(prompt)[1]
    return lens ~= nil
  end)
  report.case_line = vim.api.nvim_buf_get_lines(prompt, lens.line, lens.line + 1, false)[1]
  vim.api.nvim_win_set_cursor(0, { lens.line + 1, 0 })
  run_lens({ grade = 2, note = '' }, 2)
  wait('the second grade recorded', function()
    return #grades_file() > 1
  end)
  report.grades = grades_file()

  -- A test report: opened by the server on 0.8 and later, by the user on
  -- 0.7 (no window/showDocument); its reply has the lens too.
  step('test report: the lens')
  commands.execute(prompt, 'claude-ls.runTests', {})
  local path
  wait('the test report with its reply mark', function()
    path = vim.fn.glob(vim.fn.getcwd() .. '/.claude-ls/reports/*.md', false, true)[1]
    return path ~= nil and table.concat(vim.fn.readfile(path), '\n'):find('<!-- claude-ls reply', 1, true) ~= nil
  end)
  if vim.fn.bufwinid(path) == -1 then
    vim.cmd('split ' .. vim.fn.fnameescape(path))
  end
  vim.api.nvim_set_current_win(vim.fn.bufwinid(path))
  vim.cmd('checktime')
  local rbuf = vim.fn.bufnr(path)
  wait('the grade lens of the report', function()
    return grade_lens(rbuf, 'Grade this reply') ~= nil
  end)
  report.report_lenses = #lenses(rbuf)
end

C.finish(main)
