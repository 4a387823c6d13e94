-- Grading replies: the client side of the claude-ls.grade lenses (on each
-- reply of a result document or report, and on each test case of a
-- prompt), which asks the grade and a note before sending the command (the
-- server alone could only ask the grade, with buttons); and the result
-- documents and reports, to which the running server is attached.
local compat = require('claude-ls.compat')
local ui = require('claude-ls.ui')

local M = {}

M.COMMAND = 'claude-ls.grade'

M.WORDS = { 'poor', 'weak', 'acceptable', 'good', 'excellent' }

local function describe(arg)
  local what = 'this reply'
  if type(arg.test) == 'string' and arg.test ~= '' then
    what = 'the reply of case ' .. arg.test
  end
  if type(arg.model) == 'string' and arg.model ~= '' then
    what = what .. ' on ' .. arg.model
  end
  return what
end

-- Asks the grade (vim.ui.select) then an optional note (vim.ui.input), and
-- sends claude-ls.grade with the lens's argument plus both. Cancelling
-- either question sends nothing.
function M.ask(client, bufnr, arg)
  local items = {}
  for i, w in ipairs(M.WORDS) do
    items[i] = i .. ' — ' .. w
  end
  vim.ui.select(items, { prompt = 'Grade ' .. describe(arg) .. ':', kind = 'claude-ls.grade' }, function(_, grade)
    if not grade then
      return
    end
    vim.ui.input({ prompt = 'Note (optional, Enter for none): ' }, function(note)
      if note == nil then
        return
      end
      local a = vim.tbl_extend('force', {}, arg, { grade = grade })
      if vim.trim(note) ~= '' then
        a.note = vim.trim(note)
      end
      compat.request(client, 'workspace/executeCommand', { command = M.COMMAND, arguments = { a } }, function(err, result)
        if err then
          ui.notify(M.COMMAND .. ': ' .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
          return
        end
        if type(result) == 'table' and result.graded then
          ui.notify('graded ' .. tostring(result.grade) .. '/5: ' .. describe(arg))
        end
        if vim.api.nvim_buf_is_valid(bufnr) then
          compat.refresh_codelens(bufnr)
        end
      end, bufnr)
    end)
  end)
end

-- The lens command handler: function(command, ctx) for client.commands.
function M.lens_command(command, ctx)
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  local arg = command.arguments and command.arguments[1]
  if not client or type(arg) ~= 'table' then
    ui.notify(M.COMMAND .. ': no reply to grade', vim.log.levels.ERROR)
    return
  end
  M.ask(client, ctx.bufnr, arg)
end

---------------------------------------------------------------------------
-- Result documents (.claude-ls/runs/*.md) and reports
-- (.claude-ls/reports/*.md): the server serves them for the grade lenses.

M.PATTERNS = { '*/.claude-ls/runs/*.md', '*/.claude-ls/reports/*.md' }

function M.is_reply_document(path)
  return path:match('/%.claude%-ls/runs/[^/]+%.md$') ~= nil or path:match('/%.claude%-ls/reports/[^/]+%.md$') ~= nil
end

-- Whether client c serves the workspace of the reply document at path.
local function serves(c, path)
  local root = c.config and c.config.root_dir
  return root ~= nil and vim.fn.fnamemodify(root, ':p'):gsub('/$', '') == vim.fn.fnamemodify(path, ':h:h:h')
end

-- The running client (named name) whose root holds path.
local function client_for(path, name)
  for _, c in ipairs(compat.all_clients()) do
    if c.name == name and serves(c, path) and not compat.is_stopped(c) then
      return c
    end
  end
  return nil
end

-- Attaches the running server of the document's workspace, if any.
function M.attach(bufnr, name)
  local path = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(bufnr), ':p')
  if not M.is_reply_document(path) then
    return
  end
  local c = client_for(path, name)
  if c then
    vim.lsp.buf_attach_client(bufnr, c.id)
  end
end

-- Attaches client to the reply documents of its workspace read before it
-- started.
function M.attach_loaded(client)
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    local path = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(b), ':p')
    if vim.api.nvim_buf_is_loaded(b) and M.is_reply_document(path) and serves(client, path) then
      vim.lsp.buf_attach_client(b, client.id)
    end
  end
end

local watching = false

-- Attaches result documents and reports when they are read (once; setup()
-- and the first attach both call it, for vim.lsp.enable without setup()).
function M.watch(name)
  if watching then
    return
  end
  watching = true
  vim.api.nvim_create_autocmd({ 'BufReadPost' }, {
    group = vim.api.nvim_create_augroup('claude-ls.replies', { clear = true }),
    pattern = M.PATTERNS,
    callback = function(args)
      M.attach(args.buf, name)
    end,
  })
end

return M
