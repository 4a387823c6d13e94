-- Neovim 0.11+: vim.lsp.enable('claude_ls') starts claude-ls on prompt
-- buffers with this configuration. Change it with
--   vim.lsp.config('claude_ls', { cmd = { '/path/to/claude-ls', 'serve' } })
-- and pass server settings with `settings = { ['claude-ls'] = { ... } }`
-- (or through require('claude-ls').setup({ settings = ... })).
local config = {
  cmd = { 'claude-ls', 'serve' },
  filetypes = { 'prompt' },
  root_markers = { '.claude-ls.yaml', '.git' },
}

-- The plugin's progress, messages, result files, inlay hints, code lenses
-- and keymaps, when the rest of the plugin is on the runtimepath too.
local ok, plugin = pcall(require, 'claude-ls')
if ok then
  config.handlers = plugin.handlers()
  config.commands = plugin.lens_commands()
  config.on_attach = plugin.on_attach
  config.before_init = plugin.before_init
end

return config
