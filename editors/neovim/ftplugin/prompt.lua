-- Buffer settings for .prompt files (claude-ls).
if vim.b.did_ftplugin then
  return
end
vim.b.did_ftplugin = 1

local bufnr = vim.api.nvim_get_current_buf()

-- Comments are {{! ... }}: never sent, never counted.
vim.bo[bufnr].commentstring = '{{! %s }}'
vim.bo[bufnr].comments = ''

local undo = { 'setlocal commentstring< comments<' }

-- One fold per block: the front matter, then each role line's block. Turn
-- it off with vim.g.claude_ls_folding = false.
if vim.g.claude_ls_folding ~= false and vim.g.claude_ls_folding ~= 0 then
  -- opt_local: like :setlocal, so other windows keep their folding.
  vim.opt_local.foldmethod = 'expr'
  vim.opt_local.foldexpr = "v:lua.require'claude-ls.fold'.expr(v:lnum)"
  vim.opt_local.foldtext = "v:lua.require'claude-ls.fold'.text()"
  if vim.o.foldlevelstart < 0 then
    vim.opt_local.foldlevel = 99 -- open when the file opens
  end
  table.insert(undo, 'setlocal foldmethod< foldexpr< foldtext< foldlevel<')
end

-- :ClaudeRun, :ClaudeCount, ... on this buffer (they need the server attached).
require('claude-ls.commands').define(bufnr)
table.insert(undo, 'lua require("claude-ls.commands").undefine(' .. bufnr .. ')')

vim.b.undo_ftplugin = table.concat(undo, ' | ')
