-- claude-ls for Neovim: starts `claude-ls serve` on prompt buffers and wires
-- its inline counts, progress and commands. :help claude-ls
--
--   require('claude-ls').setup({
--     cmd = { 'claude-ls', 'serve' },
--     settings = { defaultModel = 'claude-sonnet-4-6', monthlyBudgetUsd = '20' },
--     keymaps = true,
--   })
--
-- Works on Neovim 0.7 (vim.lsp.start_client) through 0.11 (vim.lsp.start),
-- by feature detection. On 0.11+ `vim.lsp.enable('claude_ls')` works too,
-- with lsp/claude_ls.lua from this plugin.
local compat = require('claude-ls.compat')
local ui = require('claude-ls.ui')
local commands = require('claude-ls.commands')
local review = require('claude-ls.review')
local grade = require('claude-ls.grade')

local M = {}

M.name = 'claude_ls'

M.defaults = {
  -- The server: a list, as for vim.lsp.start. Add '--log', FILE to debug.
  cmd = { 'claude-ls', 'serve' },
  -- Server settings: configPath, defaultModel, monthlyBudgetUsd,
  -- confirmAboveUsd (decimal strings), exactCounts (bool), logLevel.
  settings = {},
  -- <LocalLeader> mappings on prompt buffers (see :help claude-ls-keymaps).
  keymaps = true,
  -- Per-block token and cost hints: native inlay hints on 0.10+, virtual
  -- text at the end of the role line before.
  inlay_hints = true,
  -- The summary lens on the first line, and Run / Count / Export lenses.
  codelens = true,
  -- Progress of runs through vim.notify.
  progress = true,
  filetypes = { 'prompt' },
  -- The workspace root: the nearest folder holding one of these.
  root_markers = { '.claude-ls.yaml', '.git' },
  -- Called after the plugin's own on_attach.
  on_attach = nil,
  capabilities = nil,
}

M.options = vim.deepcopy(M.defaults)
ui.options = M.options

local function merge(opts)
  local o = vim.tbl_deep_extend('force', vim.deepcopy(M.defaults), opts or {})
  -- Lists replace, not merge.
  if opts and opts.cmd then
    o.cmd = opts.cmd
  end
  if opts and opts.root_markers then
    o.root_markers = opts.root_markers
  end
  return o
end

-- Handlers for this client: progress, messages, documents and edits to
-- confirm on every version; lens and hint refreshes where Neovim has no
-- handler for them.
function M.handlers()
  local h = {
    ['$/progress'] = ui.on_progress,
    ['window/showMessage'] = ui.on_show_message,
    ['window/showDocument'] = ui.on_show_document,
    -- Edits to confirm (the prompt improver's) as a diff to take in part.
    ['workspace/applyEdit'] = review.on_apply_edit,
  }
  if vim.lsp.handlers['workspace/codeLens/refresh'] == nil then
    h['workspace/codeLens/refresh'] = ui.on_codelens_refresh
  end
  if not compat.native_inlay_hints() then
    h['workspace/inlayHint/refresh'] = ui.on_inlay_hint_refresh
  end
  return h
end

M.lens_commands = commands.lens_commands

local function map(bufnr, lhs, rhs, desc, loud)
  vim.keymap.set('n', lhs, rhs, { buffer = bufnr, silent = not loud, desc = desc })
end

local function map_lens(bufnr)
  map(bufnr, '<LocalLeader>l', function()
    vim.lsp.codelens.run()
  end, 'claude-ls: run the code lens of this line')
end

local function set_keymaps(bufnr)
  map(bufnr, '<LocalLeader>r', '<Cmd>ClaudeRun<CR>', 'claude-ls: run')
  map(bufnr, '<LocalLeader>a', '<Cmd>ClaudeRunAppend<CR>', 'claude-ls: run and append the reply')
  map(bufnr, '<LocalLeader>c', '<Cmd>ClaudeCount<CR>', 'claude-ls: count exactly')
  map(bufnr, '<LocalLeader>e', ':ClaudeExport ', 'claude-ls: export as…', true) -- type the language
  map(bufnr, '<LocalLeader>u', '<Cmd>ClaudeUsage<CR>', 'claude-ls: usage')
  map(bufnr, '<LocalLeader>s', '<Cmd>ClaudeSummary<CR>', 'claude-ls: summary')
  map_lens(bufnr)
  -- 0.10+ maps K to hover itself.
  if not compat.has('0.10') and vim.fn.maparg('K', 'n') == '' then
    map(bufnr, 'K', vim.lsp.buf.hover, 'hover')
  end
end

local refreshers = {} -- bufnr -> debounced refresh of its hints and lenses

-- What the plugin does when claude-ls attaches to a buffer, whichever way
-- it was started (setup() or vim.lsp.enable). A result document or report
-- gets its grade lenses and the lens mapping only.
function M.on_attach(client, bufnr)
  local o = M.options
  grade.watch(M.name)
  local reply_doc = grade.is_reply_document(vim.api.nvim_buf_get_name(bufnr))
  if not reply_doc then
    grade.attach_loaded(client)
  end
  local group = vim.api.nvim_create_augroup('claude-ls.buffer.' .. bufnr, { clear = true })
  local refresh = {} -- what to refresh, debounced, when the buffer changes or is entered
  if o.inlay_hints and not reply_doc then
    if compat.native_inlay_hints() then
      compat.enable_inlay_hints(bufnr)
    else
      vim.b[bufnr].claude_ls_hints = true
      ui.refresh_hints(client, bufnr)
      table.insert(refresh, function()
        ui.refresh_hints(client, bufnr)
      end)
    end
  end
  if o.codelens then
    vim.b[bufnr].claude_ls_codelens = true
    compat.refresh_codelens(bufnr)
    if not compat.native_codelens() then
      table.insert(refresh, function()
        compat.refresh_codelens(bufnr)
      end)
    end
  end
  if #refresh > 0 then
    local function later()
      ui.debounce('refresh' .. bufnr, 250, function()
        if vim.api.nvim_buf_is_valid(bufnr) then
          for _, fn in ipairs(refresh) do
            fn()
          end
        end
      end)
    end
    vim.api.nvim_create_autocmd({ 'BufEnter', 'InsertLeave' }, { group = group, buffer = bufnr, callback = later })
    -- Every change, typed or made by a plugin or by the server's edits;
    -- one listener per buffer, calling the latest attach's refresh.
    if not refreshers[bufnr] then
      vim.api.nvim_buf_attach(bufnr, false, {
        on_lines = function()
          local f = refreshers[bufnr]
          if not f then
            return true -- detach
          end
          f()
        end,
        on_detach = function()
          refreshers[bufnr] = nil
        end,
      })
    end
    refreshers[bufnr] = later
  end
  if o.keymaps and reply_doc then
    map_lens(bufnr)
  elseif o.keymaps then
    set_keymaps(bufnr)
  end
  if type(o.on_attach) == 'function' then
    o.on_attach(client, bufnr)
  end
end

-- Settings go both ways the server reads them: initializationOptions, and
-- workspace/didChangeConfiguration (Neovim sends config.settings after
-- initialize).
function M.before_init(params, config)
  local s = M.options.settings or {}
  if next(s) then
    params.initializationOptions = vim.tbl_deep_extend('force', params.initializationOptions or {}, s)
    config.settings = vim.tbl_deep_extend('force', config.settings or {}, { ['claude-ls'] = s })
  end
end

-- The client config for a root.
function M.client_config(root)
  local o = M.options
  return {
    name = M.name,
    cmd = o.cmd,
    root_dir = root,
    init_options = next(o.settings or {}) ~= nil and o.settings or nil, -- {} would be sent as []
    settings = { ['claude-ls'] = o.settings },
    handlers = M.handlers(),
    commands = commands.lens_commands(),
    capabilities = o.capabilities,
    on_attach = M.on_attach,
  }
end

local clients_07 = {} -- root -> client id, for 0.7's start_client
local warned_missing = false

-- Starts (or reuses) the server for bufnr's workspace and attaches it.
function M.start(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  if vim.bo[bufnr].buftype ~= '' then -- not a file: a suggestion's scratch copy
    return nil
  end
  local o = M.options
  if vim.fn.executable(o.cmd[1]) ~= 1 then
    if not warned_missing then
      warned_missing = true
      ui.notify(o.cmd[1] .. ' is not executable: install it (go install ./cmd/claude-ls) or set cmd in setup(); see :checkhealth claude-ls',
        vim.log.levels.ERROR)
    end
    return nil
  end
  local name = vim.api.nvim_buf_get_name(bufnr)
  local root = compat.find_root(name ~= '' and name or vim.fn.getcwd() .. '/x', o.root_markers)
  local config = M.client_config(root)
  if vim.lsp.start then -- 0.8+: reuses a client with the same name and root
    return vim.lsp.start(config, { bufnr = bufnr })
  end
  local id = clients_07[root]
  local client = id and vim.lsp.get_client_by_id(id)
  if not client or compat.is_stopped(client) then
    id = vim.lsp.start_client(config)
    if not id then
      return nil
    end
    clients_07[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  return id
end

-- setup(opts): options, and starting the server on prompt buffers.
function M.setup(opts)
  M.options = merge(opts)
  ui.options = M.options
  local group = vim.api.nvim_create_augroup('claude-ls', { clear = true })
  grade.watch(M.name) -- result documents and reports get the grade lenses
  -- The filetype, also when the plugin folder joined the runtimepath after
  -- startup (ftdetect/ is read only at startup).
  if vim.filetype and vim.filetype.add then
    vim.filetype.add({ extension = { prompt = 'prompt' } })
  end
  vim.api.nvim_create_autocmd({ 'BufRead', 'BufNewFile' }, {
    group = group,
    pattern = '*.prompt',
    command = 'setfiletype prompt',
  })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = M.options.filetypes,
    callback = function(args)
      M.start(args.buf)
    end,
  })
  -- Prompt buffers opened before setup (a lazy-loaded plugin).
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(M.options.filetypes, vim.bo[bufnr].filetype) then
      M.start(bufnr)
    end
  end
end

-- The commands, for mappings of your own: require('claude-ls').run({test = 'short'}).
function M.run(opts)
  return commands.run(0, opts)
end

function M.run_append(opts)
  opts = vim.tbl_extend('force', opts or {}, { append = true })
  return commands.run(0, opts)
end

function M.count()
  return commands.count(0)
end

function M.export(lang)
  return commands.export(0, lang)
end

function M.usage()
  return commands.usage(0)
end

function M.summary()
  return commands.summary(0)
end

-- The Workbench helpers: improve('shorter replies'), generate_tests(5),
-- compare('HEAD~1'); every argument is optional.
function M.improve(goal)
  return commands.improve(0, goal)
end

function M.generate_tests(n)
  return commands.generate_tests(0, commands.parse_count(n and tostring(n)))
end

function M.compare(rev)
  return commands.compare(0, rev)
end

return M
