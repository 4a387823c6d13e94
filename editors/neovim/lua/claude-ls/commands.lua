-- The server's commands (workspace/executeCommand) and the Ex commands on
-- prompt buffers that call them: :ClaudeRun, :ClaudeRunAppend, :ClaudeCount,
-- :ClaudeExport, :ClaudeUsage, :ClaudeSummary, and the Workbench helpers
-- :ClaudeImprove, :ClaudeGenerateTests, :ClaudeCompare.
local compat = require('claude-ls.compat')
local ui = require('claude-ls.ui')
local grade = require('claude-ls.grade')

local M = {}

M.RUN = 'claude-ls.run'
M.RUN_APPEND = 'claude-ls.runAppend'
M.COUNT_EXACT = 'claude-ls.countExact'
M.EXPORT = 'claude-ls.export'
M.SUMMARY = 'claude-ls.summary'
M.USAGE = 'claude-ls.usage'
M.IMPROVE = 'claude-ls.improve'
M.GENERATE_TESTS = 'claude-ls.generateTests'
M.COMPARE = 'claude-ls.compare'

-- The export languages the server announced (initialize's
-- capabilities.experimental.exportLanguages, from workbench's one table):
-- a list of { id, title, ext, languageId }.
function M.export_languages(bufnr)
  local c = M.client(bufnr)
  local caps = c and (c.server_capabilities or {}) or {}
  local exp = caps.experimental
  if type(exp) == 'table' and type(exp.exportLanguages) == 'table' then
    return exp.exportLanguages
  end
  return {}
end

-- The ids of those languages, e.g. { 'go', 'python', ... }.
function M.export_langs(bufnr)
  local ids = {}
  for _, l in ipairs(M.export_languages(bufnr)) do
    table.insert(ids, l.id)
  end
  return ids
end

-- The claude-ls client attached to bufnr: by name (claude_ls from this
-- plugin and vim.lsp.enable, claude-ls or claude_ls from other configs),
-- else any client that executes claude-ls.run.
function M.client(bufnr)
  for _, c in ipairs(compat.buf_clients(bufnr)) do
    if c.name == 'claude_ls' or c.name == 'claude-ls' then
      return c
    end
  end
  for _, c in ipairs(compat.buf_clients(bufnr)) do
    local p = compat.server_capabilities(c).executeCommandProvider
    if type(p) == 'table' and vim.tbl_contains(p.commands or {}, M.RUN) then
      return c
    end
  end
  return nil
end

-- Sends a command about bufnr; on_result(result) gets the answer.
function M.execute(bufnr, command, arg, on_result, token)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local client = M.client(bufnr)
  if not client then
    ui.notify('claude-ls is not attached to this buffer (see :checkhealth claude-ls)', vim.log.levels.ERROR)
    return false
  end
  arg = arg or {}
  arg.uri = vim.uri_from_bufnr(bufnr)
  local params = { command = command, arguments = { arg } }
  if token then
    params.workDoneToken = token
  end
  compat.request(client, 'workspace/executeCommand', params, function(err, result)
    if err then
      ui.notify(command .. ': ' .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
      if on_result then
        on_result(nil, err)
      end
      return
    end
    if on_result then
      on_result(result)
    end
  end, bufnr)
  return true
end

-- Parses [test=NAME] [model=ID] [NAME=VALUE]... into a command argument.
function M.parse_run_args(fargs)
  local arg = {}
  for _, a in ipairs(fargs or {}) do
    local k, v = a:match('^([^=]+)=(.*)$')
    if not k then
      error('arguments are test=NAME, model=ID or NAME=VALUE, not ' .. a, 0)
    end
    if k == 'test' then
      arg.test = v
    elseif k == 'model' then
      arg.model = v
    else
      arg.vars = arg.vars or {}
      arg.vars[k] = v
    end
  end
  return arg
end

-- Runs the prompt; the reply streams into a result file opened in a split.
-- opts: {test, model, vars, append}.
function M.run(bufnr, opts)
  opts = opts or {}
  local token = ui.new_token()
  local arg = { test = opts.test, model = opts.model, vars = opts.vars }
  local command = opts.append and M.RUN_APPEND or M.RUN
  return M.execute(bufnr, command, arg, function(result)
    if type(result) == 'table' and result.resultFile then
      ui.track_run(token, result.resultFile)
    end
  end, token)
end

-- The Workbench helpers answer {started, token} at once and report through
-- $/progress (ui.on_progress shows it, as for runs); what they produce
-- comes as the server's own requests: the improved prompt as an edit to
-- review (review.lua), the test cases as an edit, the compare report
-- through window/showDocument.
local function helper(bufnr, command, arg)
  return M.execute(bufnr, command, arg, nil, ui.new_token())
end

-- Asks a model to rewrite the prompt, towards goal if given ('' or nil:
-- none).
function M.improve(bufnr, goal)
  goal = goal and vim.trim(goal) or ''
  return helper(bufnr, M.IMPROVE, { goal = goal ~= '' and goal or nil })
end

-- The number of test cases :ClaudeGenerateTests was given: nil for none
-- (the server's default), else a whole number from 1; an error otherwise.
function M.parse_count(s)
  s = vim.trim(s or '')
  if s == '' then
    return nil
  end
  local n = s:match('^%d+$') and tonumber(s)
  if not n or n < 1 then
    error('the number of test cases is a whole number from 1, not ' .. s, 0)
  end
  return n
end

-- Asks a model for n new test cases (nil: the server's default), appended
-- to tests:.
function M.generate_tests(bufnr, n)
  return helper(bufnr, M.GENERATE_TESTS, { n = n })
end

-- Runs the test cases on the buffer and on git revision rev (nil: HEAD) and
-- opens the report.
function M.compare(bufnr, rev)
  rev = rev and vim.trim(rev) or ''
  return helper(bufnr, M.COMPARE, { rev = rev ~= '' and rev or nil })
end

-- Revisions to complete :ClaudeCompare with: HEAD and its parents, the
-- branches and tags of the buffer's repository.
local function complete_revs(lead)
  local revs = { 'HEAD', 'HEAD~1', 'HEAD~2' }
  local dir = vim.fn.expand('%:p:h')
  local refs = vim.fn.systemlist({ 'git', '-C', dir, 'for-each-ref', '--format=%(refname:short)', 'refs/heads', 'refs/tags' })
  if vim.v.shell_error == 0 then
    vim.list_extend(revs, refs)
  end
  return vim.tbl_filter(function(r)
    return r:sub(1, #lead) == lead
  end, revs)
end

function M.count(bufnr)
  return M.execute(bufnr, M.COUNT_EXACT, {}, function()
    ui.notify('counting exactly…')
  end)
end

-- Neovim's filetype for an LSP language id, where the two differ.
local filetype_of = { shellscript = 'sh' }

-- Exports the request as a program and opens it: the file the server wrote,
-- or a new buffer holding the code.
function M.export(bufnr, lang)
  local chosen
  for _, l in ipairs(M.export_languages(bufnr)) do
    if l.id == lang then
      chosen = l
    end
  end
  if not chosen then
    ui.notify('export: the languages are ' .. table.concat(M.export_langs(bufnr), ', '), vim.log.levels.ERROR)
    return false
  end
  return M.execute(bufnr, M.EXPORT, { lang = lang }, function(result)
    if type(result) ~= 'table' then
      return
    end
    local file = result.file ~= vim.NIL and result.file or nil
    if file and file ~= '' and vim.fn.filereadable(file) == 1 then
      -- Written by the server: open it.
      ui.open_beside(file, { focus = true })
    elseif type(result.code) == 'string' then
      -- Not written: a new buffer with the code, named after the suggested
      -- file (if any) so that :w saves it there.
      vim.cmd('belowright new')
      local buf = vim.api.nvim_get_current_buf()
      vim.api.nvim_buf_set_lines(buf, 0, -1, false, vim.split(result.code, '\n', { plain = true }))
      if file and file ~= '' then
        pcall(vim.api.nvim_buf_set_name, buf, file)
      else
        vim.bo[buf].buftype = 'nofile'
        vim.bo[buf].bufhidden = 'wipe'
      end
      vim.bo[buf].filetype = filetype_of[chosen.languageId] or chosen.languageId
    end
  end)
end

-- A scratch buffer in a split, reused by name.
local function scratch(name, lines, filetype)
  local buf = vim.fn.bufnr(name)
  if buf == -1 or not vim.api.nvim_buf_is_valid(buf) then
    buf = vim.api.nvim_create_buf(false, true)
    vim.api.nvim_buf_set_name(buf, name)
  end
  vim.bo[buf].modifiable = true
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].modifiable = false
  vim.bo[buf].filetype = filetype or ''
  if vim.fn.bufwinid(buf) == -1 then
    vim.cmd('belowright sbuffer ' .. buf)
  end
  return buf
end

local function group(n)
  local s = tostring(math.floor(tonumber(n) or 0))
  local out = s:reverse():gsub('(%d%d%d)', '%1,'):reverse()
  return (out:gsub('^,', ''))
end

-- The lines of a usage report ({days, models, total, month_usd}).
function M.format_usage(r)
  local lines = { 'claude-ls usage · this month $' .. tostring(r.month_usd or '0'), '' }
  local fmt = '%-10s  %-24s %5s %12s %12s %12s %12s  %s'
  local function row(label, x)
    local u = x.usage or {}
    return string.format(fmt, label, x.model or '', tostring(x.runs or 0), group(u.input_tokens), group(u.output_tokens),
      group(u.cache_write_tokens), group(u.cache_read_tokens), '$' .. tostring(x.cost_usd or '0'))
  end
  table.insert(lines, string.format(fmt, 'day', 'model', 'runs', 'input', 'output', 'cache write', 'cache read', 'cost'))
  for _, d in ipairs(r.days or {}) do
    table.insert(lines, row(d.day, d))
  end
  if #(r.days or {}) == 0 then
    table.insert(lines, '(no runs recorded in this workspace yet)')
  end
  if #(r.models or {}) > 0 then
    table.insert(lines, '')
    for _, m in ipairs(r.models) do
      table.insert(lines, row('by model', m))
    end
  end
  if r.total then
    table.insert(lines, row('total', r.total))
  end
  -- The rate-limit headroom each model's last answer reported.
  if type(r.limitsText) == 'table' and next(r.limitsText) ~= nil then
    local models = vim.tbl_keys(r.limitsText)
    table.sort(models)
    table.insert(lines, '')
    for _, m in ipairs(models) do
      table.insert(lines, m .. ': ' .. tostring(r.limitsText[m]))
    end
  end
  return lines
end

function M.usage(bufnr)
  return M.execute(bufnr, M.USAGE, {}, function(result)
    if type(result) == 'table' then
      scratch('claude-ls://usage', M.format_usage(result), 'claudeusage')
    end
  end)
end

-- The lines of a summary ({model, inputTokens, exactTokens, inputUsd, ...};
-- its amounts are formatted, with the dollar sign).
function M.format_summary(s)
  local head = (s.model ~= '' and s.model or 'no model') .. ' · ≈ ' .. group(s.inputTokens) .. ' tok in'
  if s.exactTokens and s.exactTokens > 0 then
    head = head .. ' (exact ' .. group(s.exactTokens) .. ')'
  end
  if s.inputUsd then
    head = head .. ' · ' .. s.inputUsd
  end
  if s.outputMaxUsd then
    head = head .. ' · out ≤ ' .. s.outputMaxUsd .. ' (max_tokens ' .. group(s.maxTokens) .. ')'
  end
  if (s.errors or 0) > 0 then
    head = head .. ' · ' .. s.errors .. ' error(s)'
  end
  local lines = { head }
  for _, b in ipairs(s.blocks or {}) do
    table.insert(lines, string.format('  line %-5d %-9s ≈ %8s tok  %s%s', b.line + 1, b.role, group(b.tokens),
      b.inputUsd or '', b.cache and b.cache ~= '' and ('  ' .. b.cache) or ''))
  end
  return lines
end

function M.summary(bufnr)
  return M.execute(bufnr, M.SUMMARY, {}, function(result)
    if type(result) == 'table' then
      ui.notify(table.concat(M.format_summary(result), '\n'))
    end
  end)
end

-- Client-side handlers for the code lenses' commands, so that a lens run
-- with vim.lsp.codelens.run() opens its result like :ClaudeRun, and a grade
-- lens asks the grade and a note.
function M.lens_commands()
  return {
    [M.RUN] = function(_, ctx)
      M.run(ctx.bufnr, {})
    end,
    [M.RUN_APPEND] = function(_, ctx)
      M.run(ctx.bufnr, { append = true })
    end,
    [M.COUNT_EXACT] = function(_, ctx)
      M.count(ctx.bufnr)
    end,
    [grade.COMMAND] = grade.lens_command,
    [M.EXPORT] = function(_, ctx)
      vim.ui.select(M.export_langs(ctx.bufnr), { prompt = 'Export as' }, function(lang)
        if lang then
          M.export(ctx.bufnr, lang)
        end
      end)
    end,
  }
end

---------------------------------------------------------------------------
-- Ex commands, defined on each prompt buffer by ftplugin/prompt.lua.

local names = { 'ClaudeRun', 'ClaudeRunAppend', 'ClaudeCount', 'ClaudeExport', 'ClaudeUsage', 'ClaudeSummary',
  'ClaudeImprove', 'ClaudeGenerateTests', 'ClaudeCompare' }

local function guarded(fn)
  return function(o)
    local ok, err = pcall(fn, o)
    if not ok then
      ui.notify(tostring(err), vim.log.levels.ERROR)
    end
  end
end

function M.define(bufnr)
  local cmd = vim.api.nvim_buf_create_user_command
  cmd(bufnr, 'ClaudeRun', guarded(function(o)
    local a = M.parse_run_args(o.fargs)
    M.run(0, a)
  end), { nargs = '*', desc = 'claude-ls: run the prompt [test=NAME] [model=ID] [NAME=VALUE]...' })
  cmd(bufnr, 'ClaudeRunAppend', guarded(function(o)
    local a = M.parse_run_args(o.fargs)
    a.append = true
    M.run(0, a)
  end), { nargs = '*', desc = 'claude-ls: run the prompt and append the reply as an assistant: block' })
  cmd(bufnr, 'ClaudeCount', guarded(function()
    M.count(0)
  end), { nargs = 0, desc = 'claude-ls: count input tokens exactly (API count endpoint)' })
  cmd(bufnr, 'ClaudeExport', guarded(function(o)
    M.export(0, o.args)
  end), {
    nargs = 1,
    complete = function(lead)
      return vim.tbl_filter(function(l)
        return l:sub(1, #lead) == lead
      end, M.export_langs(0))
    end,
    desc = 'claude-ls: export the request in one of the languages the server lists',
  })
  cmd(bufnr, 'ClaudeUsage', guarded(function()
    M.usage(0)
  end), { nargs = 0, desc = "claude-ls: this workspace's recorded spend by day and model" })
  cmd(bufnr, 'ClaudeSummary', guarded(function()
    M.summary(0)
  end), { nargs = 0, desc = 'claude-ls: model, tokens and cost per block' })
  cmd(bufnr, 'ClaudeImprove', guarded(function(o)
    M.improve(0, o.args)
  end), { nargs = '*', desc = 'claude-ls: a model rewrites the prompt [towards the goal typed], shown as a diff to review' })
  cmd(bufnr, 'ClaudeGenerateTests', guarded(function(o)
    M.generate_tests(0, M.parse_count(o.args))
  end), { nargs = '?', desc = 'claude-ls: a model adds [N, default 3] test cases to tests:' })
  cmd(bufnr, 'ClaudeCompare', guarded(function(o)
    M.compare(0, o.args)
  end), {
    nargs = '?',
    complete = complete_revs,
    desc = 'claude-ls: the test cases on the buffer and on a git revision [default HEAD], one report',
  })
end

function M.undefine(bufnr)
  for _, n in ipairs(names) do
    pcall(vim.api.nvim_buf_del_user_command, bufnr, n)
  end
end

return M
