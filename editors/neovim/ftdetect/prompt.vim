" claude-ls: a *.prompt file is one Anthropic Messages API request.
autocmd BufRead,BufNewFile *.prompt setfiletype prompt
