-- Edits the user confirms (the prompt improver's): instead of applying
-- them, the plugin shows the edited text in a scratch buffer diffed against
-- the prompt, to take change by change (do / dp) or whole (:ClaudeAccept),
-- or to discard (:ClaudeReject, or close the window). Other edits go to
-- Neovim's own workspace/applyEdit handler.
local ui = require('claude-ls.ui')

local M = {}

M.PREFIX = 'claude-ls://improved/'

local reviews = {} -- prompt bufnr -> { scratch = bufnr, group = augroup id }

-- The change annotations of edit that need confirmation, by id.
local function confirming(edit)
  local out = {}
  for id, a in pairs(type(edit.changeAnnotations) == 'table' and edit.changeAnnotations or {}) do
    if type(a) == 'table' and a.needsConfirmation == true then
      out[id] = a
    end
  end
  return out
end

-- The annotation needing confirmation that one of edit's text edits
-- carries; nil when none does, or when the edit also creates, renames or
-- deletes files (those have no diff to show).
local function annotation_to_confirm(edit)
  local anns = confirming(edit)
  if next(anns) == nil or type(edit.documentChanges) ~= 'table' then
    return nil
  end
  local found
  for _, dc in ipairs(edit.documentChanges) do
    if dc.kind ~= nil or type(dc.textDocument) ~= 'table' then
      return nil
    end
    for _, e in ipairs(dc.edits or {}) do
      found = found or anns[e.annotationId]
    end
  end
  return found
end

local function windows_of(bufnr)
  local out = {}
  for _, win in ipairs(vim.api.nvim_tabpage_list_wins(0)) do
    if vim.api.nvim_win_get_buf(win) == bufnr then
      table.insert(out, win)
    end
  end
  return out
end

-- Ends the review of prompt: diff mode off in its windows, the commands
-- gone. The scratch buffer wipes itself when hidden.
local function finish(prompt)
  local r = reviews[prompt]
  if not r then
    return
  end
  reviews[prompt] = nil
  pcall(vim.api.nvim_del_augroup_by_id, r.group)
  if vim.api.nvim_buf_is_valid(prompt) then
    for _, name in ipairs({ 'ClaudeAccept', 'ClaudeReject' }) do
      pcall(vim.api.nvim_buf_del_user_command, prompt, name)
    end
    for _, win in ipairs(vim.api.nvim_list_wins()) do
      if vim.api.nvim_win_get_buf(win) == prompt and vim.wo[win].diff then
        vim.api.nvim_win_call(win, function()
          vim.cmd('diffoff')
        end)
      end
    end
  end
  if vim.api.nvim_buf_is_valid(r.scratch) then
    pcall(vim.api.nvim_buf_delete, r.scratch, { force = true })
  end
end

-- The prompt a buffer (the prompt or its scratch copy) is under review in.
local function prompt_of(bufnr)
  if reviews[bufnr] then
    return bufnr
  end
  for prompt, r in pairs(reviews) do
    if r.scratch == bufnr then
      return prompt
    end
  end
  return nil
end

-- Discards the rest of the review of bufnr's prompt.
function M.reject(bufnr)
  local prompt = prompt_of(bufnr or vim.api.nvim_get_current_buf())
  if prompt then
    finish(prompt)
  end
end

-- Takes the whole edited text into the prompt (one undo step; the lines
-- both share at the start and the end stay as they are), then ends the review.
function M.accept(bufnr)
  local prompt = prompt_of(bufnr or vim.api.nvim_get_current_buf())
  if not prompt then
    return
  end
  local old = vim.api.nvim_buf_get_lines(prompt, 0, -1, false)
  local new = vim.api.nvim_buf_get_lines(reviews[prompt].scratch, 0, -1, false)
  local head = 0
  while head < #old and head < #new and old[head + 1] == new[head + 1] do
    head = head + 1
  end
  local tail = 0
  while tail < #old - head and tail < #new - head and old[#old - tail] == new[#new - tail] do
    tail = tail + 1
  end
  if head < #old - tail or head < #new - tail then
    vim.api.nvim_buf_set_lines(prompt, head, #old - tail, false, vim.list_slice(new, head + 1, #new - tail))
  end
  finish(prompt)
end

local function define_commands(buf, prompt)
  vim.api.nvim_buf_create_user_command(buf, 'ClaudeAccept', function()
    M.accept(prompt)
  end, { nargs = 0, desc = 'claude-ls: take all of the suggested changes' })
  vim.api.nvim_buf_create_user_command(buf, 'ClaudeReject', function()
    M.reject(prompt)
  end, { nargs = 0, desc = 'claude-ls: discard the suggested changes left' })
end

-- Opens the review of one text document edit: the prompt's lines with the
-- edits applied, in a scratch buffer beside the prompt, both in diff mode.
-- Why the edit no longer fits the buffer (it changed since the server read
-- it), or nil.
local function stale(dc)
  local bufnr = vim.uri_to_bufnr(dc.textDocument.uri)
  local version, now = dc.textDocument.version, vim.lsp.util.buf_versions[bufnr]
  if type(version) == 'number' and type(now) == 'number' and now ~= version then
    return vim.fn.fnamemodify(vim.api.nvim_buf_get_name(bufnr), ':t') .. ' changed meanwhile'
  end
  return nil
end

local function open(client, dc, ann)
  local bufnr = vim.uri_to_bufnr(dc.textDocument.uri)
  if not vim.api.nvim_buf_is_loaded(bufnr) then
    vim.fn.bufload(bufnr)
  end
  local name = vim.api.nvim_buf_get_name(bufnr)
  finish(bufnr) -- a review left open on this prompt
  -- Plain edits: the annotation would make Neovim 0.12 ask to confirm again.
  local edits = {}
  for _, e in ipairs(dc.edits or {}) do
    table.insert(edits, { range = e.range, newText = e.newText })
  end
  local scratch = vim.api.nvim_create_buf(false, true)
  vim.api.nvim_buf_set_lines(scratch, 0, -1, false, vim.api.nvim_buf_get_lines(bufnr, 0, -1, false))
  vim.lsp.util.apply_text_edits(edits, scratch, client.offset_encoding or 'utf-16')
  vim.bo[scratch].buflisted = false -- apply_text_edits lists the buffer
  vim.bo[scratch].bufhidden = 'wipe'
  pcall(vim.api.nvim_buf_set_name, scratch, M.PREFIX .. vim.fn.fnamemodify(name, ':~:.'))
  -- Highlighting only: no ftplugin (commands, folds), and nofile keeps the
  -- language server away.
  vim.b[scratch].did_ftplugin = 1
  vim.bo[scratch].filetype = 'prompt'

  local group = vim.api.nvim_create_augroup('claude-ls.review.' .. bufnr, { clear = true })
  reviews[bufnr] = { scratch = scratch, group = group }
  define_commands(bufnr, bufnr)
  define_commands(scratch, bufnr)
  -- Closing the scratch window (which wipes it) discards what was not
  -- taken; unloading the prompt ends its review too.
  local function ended()
    vim.schedule(function()
      if reviews[bufnr] and reviews[bufnr].scratch == scratch then
        finish(bufnr)
      end
    end)
  end
  vim.api.nvim_create_autocmd('BufWipeout', { group = group, buffer = scratch, callback = ended })
  vim.api.nvim_create_autocmd('BufUnload', { group = group, buffer = bufnr, callback = ended })

  local win = windows_of(bufnr)[1]
  if vim.api.nvim_win_get_buf(0) == bufnr then
    win = vim.api.nvim_get_current_win()
  end
  if not win then
    vim.cmd('split')
    win = vim.api.nvim_get_current_win()
    vim.api.nvim_win_set_buf(win, bufnr)
  end
  vim.api.nvim_set_current_win(win)
  vim.cmd('rightbelow vsplit')
  local swin = vim.api.nvim_get_current_win()
  vim.api.nvim_win_set_buf(swin, scratch)
  vim.cmd('diffthis')
  vim.api.nvim_win_call(win, function()
    vim.cmd('diffthis')
  end)
  local what = ann.label .. (type(ann.description) == 'string' and (': ' .. ann.description) or '')
  if vim.fn.exists('+winbar') == 1 then -- 0.8+
    vim.wo[swin].winbar = ' ' .. what:gsub('%%', '%%%%') .. ' · :ClaudeAccept all · :ClaudeReject'
  end
  vim.api.nvim_set_current_win(win)
  ui.notify(what .. '\nIn the diff: ]c next change, do take it (dp from the suggestion), '
    .. ':ClaudeAccept take all, :ClaudeReject or close the window to discard the rest.')
end

-- workspace/applyEdit for the claude-ls client. Neovim cannot hold the
-- request open while the user reviews the diff, so an edit to confirm is
-- answered applied once the diff is shown: what the user takes goes in
-- as their own edits (the server hears of them as didChange).
function M.on_apply_edit(err, params, ctx, config)
  local edit = type(params) == 'table' and params.edit or nil
  local ann = edit and annotation_to_confirm(edit)
  if not ann then
    return vim.lsp.handlers['workspace/applyEdit'](err, params, ctx, config)
  end
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  if not client then
    return { applied = false, failureReason = 'the client stopped' }
  end
  for _, dc in ipairs(edit.documentChanges) do
    local why = stale(dc)
    if why then
      return { applied = false, failureReason = why }
    end
  end
  for _, dc in ipairs(edit.documentChanges) do
    local ok, msg = pcall(open, client, dc, ann)
    if not ok then
      return { applied = false, failureReason = tostring(msg) }
    end
  end
  return { applied = true }
end

-- The reviews open, for tests and statuslines: { [prompt bufnr] = scratch bufnr }.
function M.open_reviews()
  local out = {}
  for prompt, r in pairs(reviews) do
    out[prompt] = r.scratch
  end
  return out
end

return M
