-- What the user sees: messages, progress of runs, result files, inlay hints
-- on Neovim versions without them, code lenses.
local compat = require('claude-ls.compat')

local M = {}

local TITLE = 'claude-ls'

function M.notify(msg, level)
  vim.notify(msg, level or vim.log.levels.INFO, { title = TITLE })
end

-- The option table of init.lua; set by it.
M.options = { progress = true }

---------------------------------------------------------------------------
-- window/showMessage: through vim.notify on every version (0.7 writes to
-- the message area directly), so notification plugins show them too.

local levels = { [1] = vim.log.levels.ERROR, [2] = vim.log.levels.WARN, [3] = vim.log.levels.INFO, [4] = vim.log.levels.DEBUG }

function M.on_show_message(_, result, _, _)
  if result and result.message then
    M.notify(result.message, levels[result.type] or vim.log.levels.INFO)
  end
  return vim.NIL
end

---------------------------------------------------------------------------
-- Runs: the token given with each command, the result file it streams
-- into, and a timer that opens the file once it exists and reloads it
-- while the reply streams in.

local runs = {} -- token -> run
local next_token = 0

function M.new_token()
  next_token = next_token + 1
  return 'claude-ls.nvim/' .. next_token
end

-- The window showing path, if any.
local function window_of(path)
  local full = vim.fn.fnamemodify(path, ':p')
  for _, win in ipairs(vim.api.nvim_list_wins()) do
    local buf = vim.api.nvim_win_get_buf(win)
    if vim.fn.fnamemodify(vim.api.nvim_buf_get_name(buf), ':p') == full then
      return win, buf
    end
  end
  return nil
end

-- Opens path in a split below, leaving the cursor where it was unless
-- opts.focus; returns the buffer. A window already showing it is reused
-- (and focused with opts.focus: from 0.8 the server's window/showDocument
-- may have opened it a moment before the command's own result arrives).
function M.open_beside(path, opts)
  opts = opts or {}
  local win, buf = window_of(path)
  if win then
    if opts.focus then
      vim.api.nvim_set_current_win(win)
    end
    return buf
  end
  local from = vim.api.nvim_get_current_win()
  vim.cmd('belowright split ' .. vim.fn.fnameescape(path))
  buf = vim.api.nvim_get_current_buf()
  if opts.autoread then
    vim.bo[buf].autoread = true
  end
  if not opts.focus and vim.api.nvim_win_is_valid(from) then
    vim.api.nvim_set_current_win(from)
  end
  return buf
end

-- Reloads a buffer from disk if it changed there (autoread is set on result
-- buffers, so this asks nothing).
local function reload(buf)
  if buf and vim.api.nvim_buf_is_valid(buf) and not vim.bo[buf].modified then
    pcall(vim.cmd, 'checktime ' .. buf)
  end
end

local function stop_timer(run)
  if run.timer then
    run.timer:stop()
    run.timer:close()
    run.timer = nil
  end
end

local POLL_MS = 250
local GIVE_UP_MS = 15000 -- no result file by then: the run did not start (a message said why)
local MAX_MS = 30 * 60 * 1000

-- Follows a run whose result file the server named.
function M.track_run(token, result_file)
  local run = runs[token] or {}
  runs[token] = run
  run.file = result_file
  run.started = compat.uv.now()
  run.timer = compat.uv.new_timer()
  run.timer:start(POLL_MS, POLL_MS, vim.schedule_wrap(function()
    if not run.timer then
      return
    end
    local elapsed = compat.uv.now() - run.started
    if not run.buf and vim.fn.filereadable(run.file) == 1 then
      run.buf = M.open_beside(run.file, { autoread = true })
    end
    reload(run.buf)
    if run.done or elapsed > MAX_MS or (not run.buf and not run.began and elapsed > GIVE_UP_MS) then
      stop_timer(run)
      if run.done then
        if not run.buf and vim.fn.filereadable(run.file) == 1 then
          run.buf = M.open_beside(run.file, { autoread = true })
        end
        reload(run.buf)
      end
      runs[token] = nil
    end
  end))
end

-- The runs in progress, for tests and statuslines: {token = {file, buf}}.
function M.runs()
  local out = {}
  for token, r in pairs(runs) do
    out[token] = { file = r.file, buf = r.buf, done = r.done == true }
  end
  return out
end

---------------------------------------------------------------------------
-- $/progress: Neovim's own handler first (statusline plugins and 0.10's
-- LspProgress read it), then a message: begin and end through vim.notify,
-- reports on the command line, at most every 200 ms.

local last_echo = 0

function M.on_progress(err, result, ctx, config)
  local default = vim.lsp.handlers['$/progress']
  if default then
    pcall(default, err, result, ctx, config)
  end
  if not result or type(result.value) ~= 'table' then
    return vim.NIL
  end
  local token, v = result.token, result.value
  local run = runs[token]
  if run == nil and type(token) == 'string' and token:match('^claude%-ls') then
    run = {}
    runs[token] = run
  end
  if run and v.kind == 'begin' then
    run.began = true
    run.title = v.title
  end
  if run and v.kind == 'end' then
    run.done = true
  end
  if M.options.progress == false then
    return vim.NIL
  end
  local title = (run and run.title) or v.title or 'Claude'
  if v.kind == 'begin' then
    M.notify(title .. '…')
  elseif v.kind == 'report' and v.message then
    local now = compat.uv.now()
    if now - last_echo >= 200 then
      last_echo = now
      vim.api.nvim_echo({ { title .. ': ' .. v.message, 'MoreMsg' } }, false, {})
    end
  elseif v.kind == 'end' then
    M.notify(title .. (v.message and v.message ~= '' and (': ' .. v.message) or ': done'))
  end
  return vim.NIL
end

---------------------------------------------------------------------------
-- window/showDocument (0.8+ advertise it): the result file of a run, opened
-- in a split without taking the cursor, as on 0.7 where the plugin opens it.

function M.on_show_document(_, result, _, _)
  if not result or not result.uri then
    return { success = false }
  end
  local path = vim.uri_to_fname(result.uri)
  if result.external then
    return { success = false }
  end
  local ok = pcall(M.open_beside, path, { autoread = true, focus = result.takeFocus == true })
  return { success = ok }
end

---------------------------------------------------------------------------
-- Inlay hints before 0.10: the same hints, asked for with
-- textDocument/inlayHint and shown as virtual text at the end of the line.

local hint_ns = vim.api.nvim_create_namespace('claude-ls.inlay-hints')
local function link_highlights()
  vim.cmd('highlight default link ClaudeLsInlayHint Comment')
end
link_highlights()
-- A colorscheme clears the links: set them again.
vim.api.nvim_create_autocmd('ColorScheme', {
  group = vim.api.nvim_create_augroup('claude-ls.highlights', { clear = true }),
  callback = link_highlights,
})

local function label_text(label)
  if type(label) == 'string' then
    return label
  end
  local parts = {}
  for _, p in ipairs(label or {}) do
    table.insert(parts, p.value or '')
  end
  return table.concat(parts)
end

function M.hints_namespace()
  return hint_ns
end

function M.refresh_hints(client, bufnr)
  if not vim.api.nvim_buf_is_valid(bufnr) or compat.is_stopped(client) then
    return
  end
  local n = vim.api.nvim_buf_line_count(bufnr)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = { start = { line = 0, character = 0 }, ['end'] = { line = n, character = 0 } },
  }
  compat.request(client, 'textDocument/inlayHint', params, function(err, hints)
    if err or not vim.api.nvim_buf_is_valid(bufnr) then
      return
    end
    vim.api.nvim_buf_clear_namespace(bufnr, hint_ns, 0, -1)
    local by_line = {}
    for _, h in ipairs(hints or {}) do
      local l = h.position.line
      by_line[l] = by_line[l] or {}
      table.insert(by_line[l], label_text(h.label))
    end
    local count = vim.api.nvim_buf_line_count(bufnr)
    for l, labels in pairs(by_line) do
      if l < count then
        vim.api.nvim_buf_set_extmark(bufnr, hint_ns, l, 0, {
          virt_text = { { '  ' .. table.concat(labels, '  '), 'ClaudeLsInlayHint' } },
          virt_text_pos = 'eol',
          hl_mode = 'combine',
        })
      end
    end
  end, bufnr)
end

---------------------------------------------------------------------------
-- Debounced refreshes of hints and lenses, per buffer.

local timers = {}

function M.debounce(key, ms, fn)
  local t = timers[key]
  if t then
    t:stop()
  else
    t = compat.uv.new_timer()
    timers[key] = t
  end
  t:start(ms, 0, vim.schedule_wrap(fn))
end

-- workspace/codeLens/refresh and workspace/inlayHint/refresh for versions
-- without handlers for them (0.7): refresh the attached buffers.
function M.on_codelens_refresh(_, _, ctx, _)
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.b[bufnr].claude_ls_codelens then
      compat.refresh_codelens(bufnr)
    end
  end
  return vim.NIL
end

function M.on_inlay_hint_refresh(_, _, ctx, _)
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  if client then
    for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_is_loaded(bufnr) and vim.b[bufnr].claude_ls_hints then
        M.refresh_hints(client, bufnr)
      end
    end
  end
  return vim.NIL
end

return M
