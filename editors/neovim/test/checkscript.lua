-- What the plugin's check scripts share (plugin_check.lua, review_check.lua,
-- grade_check.lua, workbench_check.lua): nvimtest.lua's helpers, a report
-- that records every vim.notify and the steps done, and a prompt opened
-- with the plugin set up. runCheck (checkscript_test.go) passes this file's
-- path as CHECKSCRIPT_LUA; a script loads it with
--
--   local C = dofile(assert(os.getenv('CHECKSCRIPT_LUA'), 'CHECKSCRIPT_LUA is not set'))
--
-- and reads CLAUDE_LS_BIN, CLAUDE_LS_LOG (the server and its log) and
-- TEST_FILE (the prompt) through it.

local T = dofile(assert(os.getenv('NVIMTEST_LUA'), 'NVIMTEST_LUA is not set'))

-- C.env, C.wait, C.find, ... are nvimtest.lua's.
local C = setmetatable({}, { __index = T })

-- What the Go test reads: the Neovim version, every message, the steps
-- done (shown on failure); each script adds its own fields.
C.report = { nvim = T.version(), notes = {}, steps = {} }

-- Every vim.notify, recorded (the plugin reports through it).
vim.notify = function(msg, level)
  table.insert(C.report.notes, { msg = tostring(msg), level = level or vim.log.levels.INFO })
end

function C.step(name)
  table.insert(C.report.steps, name)
end

-- The buffer's text as a file holds it: each line ends with a newline.
function C.text(bufnr)
  return table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n') .. '\n'
end

-- The first message after index from (0 for any) whose text contains s,
-- and its index; nil if none.
function C.note_with(s, from)
  for i = (from or 0) + 1, #C.report.notes do
    if C.report.notes[i].msg:find(s, 1, true) then
      return C.report.notes[i].msg, i
    end
  end
  return nil
end

-- The messages after index from.
function C.notes_since(from)
  local out = {}
  for i = from + 1, #C.report.notes do
    table.insert(out, C.report.notes[i].msg)
  end
  return out
end

-- The code lenses of a buffer that have a command: { title, command,
-- line }. 0.12 takes a filter and returns {client_id, lens} items; before,
-- a buffer number and the lenses themselves.
function C.lenses(bufnr)
  local list
  if type(vim.lsp.codelens.enable) == 'function' then
    list = vim.lsp.codelens.get({ bufnr = bufnr }) or {}
  else
    list = vim.lsp.codelens.get(bufnr) or {}
  end
  local out = {}
  for _, item in ipairs(list) do
    local l = item.lens or item
    if l.command and l.command.title then
      table.insert(out, { title = l.command.title, command = l.command.command, line = l.range.start.line })
    end
  end
  return out
end

-- The server command: CLAUDE_LS_BIN serve, logging to CLAUDE_LS_LOG.
function C.server_cmd()
  return { T.env('CLAUDE_LS_BIN'), 'serve', '--log', T.env('CLAUDE_LS_LOG') }
end

local set_up = false

-- Filetypes, syntax and setup() with the test's server.
function C.setup()
  vim.cmd('filetype plugin on')
  vim.cmd('syntax on')
  require('claude-ls').setup({ cmd = C.server_cmd() })
  set_up = true
end

-- TEST_FILE opened (after C.setup(), called here if not yet); returns its
-- buffer and window once claude-ls is attached and initialized.
function C.open_prompt()
  if not set_up then
    C.setup()
  end
  C.step('open')
  vim.cmd('edit ' .. vim.fn.fnameescape(T.env('TEST_FILE')))
  local buf = vim.api.nvim_get_current_buf()
  T.wait('claude-ls to attach', function()
    local c = require('claude-ls.commands').client(buf)
    return c ~= nil and c.initialized
  end)
  return buf, vim.api.nvim_get_current_win()
end

-- Runs main, writes the report and quits (nvimtest.lua's T.finish).
function C.finish(main)
  T.finish(C.report, main)
end

return C
