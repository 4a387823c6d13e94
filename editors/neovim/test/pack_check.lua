-- The README's install with Neovim 0.12's vim.pack, as a user's init.lua
-- would do it: the plugin comes from a git repository (TEST_REPO, a copy of
-- this tree's editors/neovim), claude-ls from PATH (setup() with no cmd).
-- Reports the filetype, the client, and what :checkhealth claude-ls says.
local T = dofile(os.getenv('NVIMTEST_LUA'))

local report = { nvim = T.version(), steps = {} }

T.finish(report, function()
  local repo = T.env('TEST_REPO')
  local file = T.env('TEST_FILE')

  table.insert(report.steps, 'vim.pack.add')
  -- As in the README, with confirm = false: headless, nobody answers the
  -- "install these plugins?" question.
  vim.pack.add({ { src = 'file://' .. repo, name = 'claude-ls' } }, {
    confirm = false,
    load = function(p)
      vim.opt.rtp:append(p.path .. '/editors/neovim')
    end,
  })
  report.installed = vim.pack.get({ 'claude-ls' })[1].path
  require('claude-ls').setup()

  table.insert(report.steps, 'open')
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  report.filetype = vim.bo[buf].filetype
  T.wait('claude-ls to attach', function()
    return #vim.lsp.get_clients({ bufnr = buf, name = 'claude_ls' }) > 0
  end)
  local client = vim.lsp.get_clients({ bufnr = buf, name = 'claude_ls' })[1]
  report.cmd = client.config.cmd

  table.insert(report.steps, ':checkhealth')
  vim.cmd('checkhealth claude-ls')
  report.health = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
  vim.cmd('tabclose')

  table.insert(report.steps, 'stop')
  client:stop()
  T.wait('claude-ls to exit', function()
    return vim.lsp.get_client_by_id(client.id) == nil
  end)
end)
