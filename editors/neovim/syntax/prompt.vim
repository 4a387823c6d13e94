" Vim syntax file
" Language:    claude-ls .prompt files (one Anthropic Messages API request)
" Maintainer:  claude-ls
" Format:      docs/promptfile.md of claude-ls
"
" The same elements as the TextMate grammar of the VS Code extension: the
" front matter (YAML), role lines with their cache attribute, {{variables}},
" {{! comments }}, {{file "includes"}}, {{image "…"}} and {{document "…"}}
" lines, tool turn lines (tool_use:, tool_result:), and the escapes \user:,
" \tool_use: and \{{.

if exists('b:current_syntax')
  finish
endif

let s:cpo_save = &cpo
set cpo&vim

" Front matter: from a first line of --- to the next ---, highlighted as YAML.
syntax include @promptYaml syntax/yaml.vim
unlet! b:current_syntax
syntax region promptFrontMatter matchgroup=promptFrontMatterDelim
      \ start=/\%^---[ \t]*$/ end=/^---[ \t]*$/ keepend contains=@promptYaml

" {{ that is neither a variable, a comment nor an include is an error; the
" items defined after this one win where they match.
syntax match promptTemplateError /{{/
syntax match promptVariable /{{[ \t]*[A-Za-z0-9_-]\+[ \t]*}}/ contains=promptDelimiter
syntax match promptInclude /{{[ \t]*file[ \t]*"[^"]*"[ \t]*}}/
      \ contains=promptDelimiter,promptIncludeKeyword,promptIncludePath
syntax match promptDelimiter /{{\|}}/ contained
syntax match promptIncludeKeyword /file/ contained
syntax match promptIncludePath /"[^"]*"/ contained
" An image or document alone on its line (elsewhere it is an error).
syntax match promptMedia
      \ /^[ \t]*{{[ \t]*\%(image\|document\)[ \t]*"[^"]*"\%([ \t]\+citations[ \t]*[:=][ \t]*\%(true\|false\)\)\=[ \t]*}}[ \t]*$/
      \ contains=promptDelimiter,promptMediaKeyword,promptIncludePath,promptMediaAttr
syntax match promptMediaKeyword /\%({{[ \t]*\)\@<=\%(image\|document\)/ contained
syntax match promptMediaAttr /citations[ \t]*[:=][ \t]*\%(true\|false\)/ contained
" A comment may span lines and ends at the first }}.
syntax region promptComment start=/{{!/ end=/}}/ contains=@Spell,promptTodo
syntax keyword promptTodo TODO FIXME XXX NOTE contained

" Role lines: system:, user: or assistant:, alone on the line but for a
" cache attribute (cache, cache=5m, cache=1h; any other cache... is an error).
" "user: Explain tides" is text, not a role line.
syntax match promptRoleLine
      \ /^[ \t]*\%(system\|user\|assistant\)[ \t]*:[ \t]*\%(cache\%([ \t=].*\)\=\)\=$/
      \ contains=promptSystem,promptUser,promptAssistant,promptRoleColon,promptCacheError,promptCache
syntax match promptSystem /system\ze[ \t]*:/ contained
syntax match promptUser /user\ze[ \t]*:/ contained
syntax match promptAssistant /assistant\ze[ \t]*:/ contained
syntax match promptRoleColon /:/ contained
syntax match promptCacheError /cache.*$/ contained
syntax match promptCache /cache\%([ \t]*=[ \t]*\%(5m\|1h\)\)\=[ \t]*$/ contained

" Tool turns: `tool_use: NAME id=ID` and `tool_result: id=ID [error]`.
syntax match promptToolLine /^[ \t]*tool_\%(use\|result\):.*$/
      \ contains=promptToolKeyword,promptRoleColon,promptToolName,promptToolId,promptToolError,promptCache
syntax match promptToolKeyword /tool_\%(use\|result\)\ze:/ contained
syntax match promptToolName /\%(tool_use:[ \t]*\)\@<=[A-Za-z0-9_-]\+/ contained
syntax match promptToolId /\<id=\zs[A-Za-z0-9_-]\+/ contained
syntax match promptToolError /\<error\>/ contained

" Escapes: a backslash before what would be a role line, and \{{.
syntax match promptEscape
      \ /^[ \t]*\zs\\\ze\%(system\|user\|assistant\)[ \t]*:[ \t]*\%(cache\%([ \t=].*\)\=\)\=$/
syntax match promptEscape /^[ \t]*\zs\\\ze\%(tool_use\|tool_result\):/
syntax match promptEscape /\\{{/

syntax sync fromstart

highlight default link promptFrontMatterDelim PreProc
highlight default link promptSystem           Statement
highlight default link promptUser             Statement
highlight default link promptAssistant        Statement
highlight default link promptRoleColon        Delimiter
highlight default link promptCache            Special
highlight default link promptCacheError       Error
highlight default link promptVariable         Identifier
highlight default link promptDelimiter        Delimiter
highlight default link promptInclude          Include
highlight default link promptIncludeKeyword   Include
highlight default link promptIncludePath      String
highlight default link promptComment          Comment
highlight default link promptTodo             Todo
highlight default link promptEscape           SpecialChar
highlight default link promptTemplateError    Error
highlight default link promptMedia            Include
highlight default link promptMediaKeyword     Include
highlight default link promptMediaAttr        Special
highlight default link promptToolKeyword      Statement
highlight default link promptToolName         Function
highlight default link promptToolId           Constant
highlight default link promptToolError        Exception

let b:current_syntax = 'prompt'

let &cpo = s:cpo_save
unlet s:cpo_save
