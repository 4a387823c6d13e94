-- Drives the Neovim plugin (editors/neovim) for nvim_plugin_test.go, as a
-- user would: the plugin folder on the runtimepath, setup(), a prompt
-- opened, commands typed. It runs as
--
--   nvim --headless -u NONE -i NONE -n --cmd 'set rtp^=PLUGIN' -c 'luafile plugin_check.lua'
--
-- and reads from the environment:
--
--   CLAUDE_LS_BIN   the claude-ls binary        CLAUDE_LS_LOG  its log file
--   TEST_FILE       the prompt to open          TEST_FILE2     a prompt without a model
--   TEST_FIX        "old=>new": the edit that fixes the prompt's typo
--   TEST_MODEL      the model id to hover on (after the fix)
--   TEST_DOC        a folder holding a copy of doc/claude-ls.txt in doc/
--   CHECKSCRIPT_LUA checkscript.lua, the shared helpers
--   NVIMTEST_REPORT where to write the report (JSON)
--
-- It records what the editor shows: filetype, options, folds, syntax groups
-- at marked places, diagnostics, hover, inlay hints and code lenses, and the
-- effect of :ClaudeCount, :ClaudeRun, :ClaudeRunAppend, :ClaudeUsage,
-- :ClaudeExport and :checkhealth claude-ls. The Go test asserts on it. Every
-- wait has a deadline; any error lands in the report's "error" field.

local C = dofile(assert(os.getenv('CHECKSCRIPT_LUA'), 'CHECKSCRIPT_LUA is not set'))
local env, wait, find, diagnostics = C.env, C.wait, C.find, C.diagnostics
local step, note_with, buffer_text, report = C.step, C.note_with, C.text, C.report

local function has_code(list, code)
  for _, d in ipairs(list) do
    if d.code == code then
      return true
    end
  end
  return false
end

local function lens_titles(bufnr)
  local out = {}
  for _, l in ipairs(C.lenses(bufnr)) do
    table.insert(out, l.title)
  end
  return out
end

-- Inlay hints as shown: native ones (0.10+) or the plugin's virtual text.
local function hints(bufnr)
  local out = {}
  if vim.lsp.inlay_hint and vim.lsp.inlay_hint.get then
    for _, h in ipairs(vim.lsp.inlay_hint.get({ bufnr = bufnr })) do
      local label = h.inlay_hint.label
      if type(label) == 'table' then
        local parts = {}
        for _, p in ipairs(label) do
          table.insert(parts, p.value)
        end
        label = table.concat(parts)
      end
      table.insert(out, { line = h.inlay_hint.position.line, text = label })
    end
    return out, 'native'
  end
  local ns = require('claude-ls.ui').hints_namespace()
  for _, m in ipairs(vim.api.nvim_buf_get_extmarks(bufnr, ns, 0, -1, { details = true })) do
    local text = ''
    for _, chunk in ipairs(m[4].virt_text or {}) do
      text = text .. chunk[1]
    end
    table.insert(out, { line = m[2], text = vim.trim(text) })
  end
  return out, 'virtual text'
end

local function main()
  local file = env('TEST_FILE')
  local file2 = env('TEST_FILE2')
  local fix_old, fix_new = env('TEST_FIX'):match('^(.-)=>(.*)$')
  local model = env('TEST_MODEL')

  vim.cmd('filetype plugin on')
  vim.cmd('syntax on')
  local plugin = require('claude-ls')
  plugin.setup({
    cmd = C.server_cmd(),
    settings = { defaultModel = 'claude-haiku-4-5', logLevel = 'debug' },
  })
  report.api = vim.lsp.start and 'vim.lsp.start' or 'vim.lsp.start_client'

  -- Filetype, buffer options, commands.
  step('open')
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  local win = vim.api.nvim_get_current_win()
  report.filetype = vim.bo[buf].filetype
  report.commentstring = vim.bo[buf].commentstring
  report.foldmethod = vim.wo[win].foldmethod
  report.commands = {}
  for name, _ in pairs(vim.api.nvim_buf_get_commands(buf, {})) do
    table.insert(report.commands, name)
  end
  table.sort(report.commands)

  -- Syntax groups at marked places.
  step('syntax')
  local marks = {
    { name = 'front matter start', text = '---', group = 'promptFrontMatterDelim' },
    { name = 'front matter key', text = 'max_tokens', group = 'yaml' },
    { name = 'system role', text = 'system: cache=1h', group = 'promptSystem' },
    { name = 'cache attribute', text = 'cache=1h', offset = 6, group = 'promptCache' },
    { name = 'user role', text = 'user: cache', group = 'promptUser' },
    { name = 'comment', text = '{{! never sent', offset = 4, group = 'promptComment' },
    { name = 'variable', text = '{{topic}}', offset = 3, group = 'promptVariable' },
    { name = 'variable braces', text = '{{topic}}', group = 'promptDelimiter' },
    { name = 'include keyword', text = '{{file', offset = 2, group = 'promptIncludeKeyword' },
    { name = 'include path', text = '"notes.md"', offset = 2, group = 'promptIncludePath' },
    { name = 'escaped role line', text = '\\assistant:', group = 'promptEscape' },
    { name = 'escaped role name', text = '\\assistant:', offset = 2, group = '' },
    { name = 'escaped braces', text = '\\{{name}}', group = 'promptEscape' },
    { name = 'after escaped braces', text = '\\{{name}}', offset = 4, group = '' },
    { name = 'text', text = 'patient teacher', group = '' },
  }
  report.syntax = {}
  for _, m in ipairs(marks) do
    local l, c = find(buf, m.text, m.offset)
    local id = vim.fn.synID(l, c, 1)
    table.insert(report.syntax, {
      name = m.name,
      want = m.group,
      got = vim.fn.synIDattr(id, 'name'),
      linked = vim.fn.synIDattr(vim.fn.synIDtrans(id), 'name'),
      line = l,
      col = c,
    })
  end

  -- Folds: one per block, the front matter included.
  step('folds')
  vim.cmd('normal! zM')
  report.folds = {}
  for _, t in ipairs({ 'max_tokens', 'patient teacher', 'Explain' }) do
    local l = find(buf, t)
    table.insert(report.folds, { text = t, line = l, fold_start = vim.fn.foldclosed(l), fold_end = vim.fn.foldclosedend(l) })
  end
  vim.cmd('normal! zR')

  -- Attach and the first diagnostics.
  step('attach')
  local client
  wait('claude-ls to attach and initialize', function()
    client = require('claude-ls.commands').client(buf)
    return client ~= nil and client.initialized
  end)
  report.attached = true
  report.keymap = vim.fn.maparg('<LocalLeader>r', 'n')
  report.client_name = client.name
  wait('the model-unknown diagnostic', function()
    return has_code(diagnostics(buf), 'model-unknown')
  end)
  report.diagnostics_before = diagnostics(buf)

  -- Fix the typo as typed: the warning goes, the hints get prices.
  step('edit')
  local l, c = find(buf, fix_old)
  vim.api.nvim_buf_set_text(buf, l - 1, c - 1, l - 1, c - 1 + #fix_old, { fix_new })
  wait('the model-unknown diagnostic to go after the fix', function()
    return not has_code(diagnostics(buf), 'model-unknown')
  end)
  report.diagnostics_after = diagnostics(buf)

  -- Inlay hints (native or virtual text), with prices once the model is known.
  step('inlay hints')
  wait('inlay hints with a price', function()
    local hs = hints(buf)
    for _, h in ipairs(hs) do
      if h.text:find('$', 1, true) then
        return true
      end
    end
    return false
  end)
  report.hints, report.hints_mode = hints(buf)

  -- Code lens: the summary on the first line.
  step('code lens')
  wait('a code lens naming the model', function()
    for _, t in ipairs(lens_titles(buf)) do
      if t:find(model, 1, true) then
        return true
      end
    end
    return false
  end)
  report.lenses = lens_titles(buf)

  -- Hover on the model id.
  step('hover')
  local hl, hc = find(buf, model, 2)
  local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = hl - 1, character = hc - 1 } }
  local results = vim.lsp.buf_request_sync(buf, 'textDocument/hover', params, C.WAIT)
  local r = results and results[client.id]
  if r and r.result and r.result.contents then
    report.hover = table.concat(vim.lsp.util.convert_input_to_markdown_lines(r.result.contents), '\n')
  else
    report.hover = ''
  end

  -- A second prompt without a model: the same client, and the defaultModel
  -- setting in effect.
  step('second buffer')
  vim.cmd('edit ' .. vim.fn.fnameescape(file2))
  local buf2 = vim.api.nvim_get_current_buf()
  local client2
  wait('claude-ls to attach to the second prompt', function()
    client2 = require('claude-ls.commands').client(buf2)
    return client2 ~= nil and #lens_titles(buf2) > 0
  end)
  report.same_client = client2.id == client.id
  report.second = { lenses = lens_titles(buf2), diagnostics = diagnostics(buf2) }
  vim.cmd('buffer ' .. buf)

  -- :ClaudeCount: the fake API's count, in a message and then in the lens.
  step(':ClaudeCount')
  local mark = #report.notes
  vim.cmd('ClaudeCount')
  wait('the exact count message', function()
    return note_with('(exact)', mark) ~= nil
  end)
  report.count_note = note_with('(exact)', mark)
  wait('the exact count in the code lens', function()
    for _, t in ipairs(lens_titles(buf)) do
      if t:find('(exact)', 1, true) then
        return true
      end
    end
    return false
  end)
  report.count_lenses = lens_titles(buf)

  -- :ClaudeRun: the result file opens beside, the reply streams into it,
  -- the cursor stays in the prompt.
  step(':ClaudeRun')
  mark = #report.notes
  vim.cmd('ClaudeRun')
  local result_buf
  wait('the result file to open and hold the reply', function()
    for _, b in ipairs(vim.api.nvim_list_bufs()) do
      local name = vim.api.nvim_buf_get_name(b)
      if name:find('/.claude-ls/runs/', 1, true) and vim.api.nvim_buf_is_loaded(b) then
        result_buf = b
        local text = buffer_text(b)
        return text:find('slow rise and fall', 1, true) ~= nil and text:find('end_turn', 1, true) ~= nil
      end
    end
    return false
  end)
  report.run = {
    result_file = vim.api.nvim_buf_get_name(result_buf),
    result_text = buffer_text(result_buf),
    result_visible = vim.fn.bufwinid(result_buf) ~= -1,
    focus_kept = vim.api.nvim_get_current_buf() == buf,
  }
  report.run.notes = C.notes_since(mark)

  -- :ClaudeRunAppend: the reply appended to the prompt as an assistant block.
  step(':ClaudeRunAppend')
  vim.cmd('ClaudeRunAppend')
  wait('the reply appended to the prompt', function()
    return buffer_text(buf):find('\nassistant:\nTides are the slow rise', 1, true) ~= nil
  end)
  report.appended = buffer_text(buf)

  -- :ClaudeUsage: the two runs, in a usage buffer.
  step(':ClaudeUsage')
  vim.cmd('ClaudeUsage')
  local usage_buf
  wait('the usage buffer', function()
    usage_buf = vim.fn.bufnr('claude-ls://usage')
    return usage_buf > 0 and buffer_text(usage_buf):find(model, 1, true) ~= nil
  end)
  report.usage = buffer_text(usage_buf)
  vim.cmd('buffer ' .. buf)
  vim.cmd('only')

  -- :ClaudeExport python: the program, opened. The appended reply made the
  -- prompt end with a prefill, which this model refuses: undo it first.
  step(':ClaudeExport')
  vim.cmd('silent undo')
  mark = #report.notes
  local before = vim.api.nvim_get_current_buf()
  vim.cmd('ClaudeExport python')
  wait('the exported program or an error', function()
    return vim.api.nvim_get_current_buf() ~= before or note_with('claude-ls.export', mark) ~= nil
  end)
  report.export = {
    error = note_with('claude-ls.export', mark),
    name = vim.api.nvim_buf_get_name(0),
    filetype = vim.bo.filetype,
    text = buffer_text(0),
  }
  vim.cmd('buffer ' .. buf)
  vim.cmd('only')

  -- :help claude-ls: the tags build, and every |link| in it leads somewhere.
  step(':help')
  local docroot = env('TEST_DOC')
  vim.cmd('helptags ' .. vim.fn.fnameescape(docroot .. '/doc'))
  vim.opt.runtimepath:append(docroot)
  local text = table.concat(vim.fn.readfile(docroot .. '/doc/claude-ls.txt'), '\n')
  report.help = { broken = {} }
  for ref in text:gmatch('|([^|%s]+)|') do
    if not pcall(vim.cmd, 'help ' .. vim.fn.escape(ref, ' ')) then
      table.insert(report.help.broken, ref)
    end
  end
  vim.cmd('help :ClaudeExport')
  report.help.file = vim.api.nvim_buf_get_name(0)
  report.help.line = vim.api.nvim_get_current_line()
  vim.cmd('helpclose')
  vim.cmd('buffer ' .. buf)
  vim.cmd('only')

  -- :checkhealth claude-ls
  step(':checkhealth')
  vim.cmd('checkhealth claude-ls')
  report.health = buffer_text(0)
  vim.cmd('tabclose')

  -- Stop the server: it exits.
  step('stop')
  local exited = false
  client = vim.lsp.get_client_by_id(client.id)
  if vim.fn.has('nvim-0.11') == 1 then
    client:stop() -- vim.lsp.stop_client is deprecated from 0.12
  else
    vim.lsp.stop_client(client.id)
  end
  wait('claude-ls to exit', function()
    exited = vim.lsp.get_client_by_id(client.id) == nil
    return exited
  end)
  report.stopped = exited
end

C.finish(main)
