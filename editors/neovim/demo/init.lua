-- The Neovim of the README's picture: make-screenshot.sh starts it in tmux.
local here = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h')
vim.opt.rtp:prepend(vim.fn.fnamemodify(here, ':h'))
vim.o.termguicolors = true
vim.cmd('colorscheme desert')
vim.o.number = true
vim.o.signcolumn = 'yes'
vim.o.laststatus = 2
vim.o.ruler = false
vim.o.showmode = false
vim.cmd('filetype plugin on')
vim.cmd('syntax on')
vim.cmd('highlight LspCodeLens guifg=#87afd7 gui=italic')
vim.cmd('highlight ClaudeLsInlayHint guifg=#a8a8a8 gui=italic')
vim.cmd('highlight DiagnosticVirtualTextWarn guifg=#d7af5f gui=italic')
require('claude-ls').setup({ cmd = { os.getenv('CLAUDE_LS_BIN') or 'claude-ls', 'serve' } })
