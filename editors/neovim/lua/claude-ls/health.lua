-- :checkhealth claude-ls
--
-- The binary (found, and its version), the API key (present, from the
-- environment or the workspace's .env, never shown), the workspace config
-- (valid, as `claude-ls check` reads it), and the editor side (filetype,
-- syntax, the server attached to the current buffer).
local compat = require('claude-ls.compat')

local M = {}

-- vim.health.start/ok/... (0.10+), vim.health.report_* (0.8, 0.9),
-- require('health').report_* (0.7).
local h = vim.health or require('health')
local start = h.start or h.report_start
local ok = h.ok or h.report_ok
local warn = h.warn or h.report_warn
local err = h.error or h.report_error
local info = h.info or h.report_info

local KEY = 'ANTHROPIC_API_KEY'

-- Runs argv with a timeout; returns exit code and stdout.
local function run(argv, cwd, timeout_ms)
  local out = {}
  local job = vim.fn.jobstart(argv, {
    cwd = cwd,
    stdout_buffered = true,
    on_stdout = function(_, data)
      out = data or {}
    end,
  })
  if job <= 0 then
    return -1, ''
  end
  local code = vim.fn.jobwait({ job }, timeout_ms or 10000)[1]
  if code == -1 then
    vim.fn.jobstop(job)
  end
  return code, table.concat(out, '\n')
end

-- The value of KEY in a .env file, or nil. Only its presence is reported.
local function dotenv_has_key(path)
  if vim.fn.filereadable(path) ~= 1 then
    return false
  end
  for _, line in ipairs(vim.fn.readfile(path)) do
    local v = line:match('^%s*export%s+' .. KEY .. '%s*=%s*(.-)%s*$') or line:match('^%s*' .. KEY .. '%s*=%s*(.-)%s*$')
    if v then
      v = v:gsub('^["\']', ''):gsub('["\']$', '')
      if v ~= '' then
        return true
      end
    end
  end
  return false
end

local function current_prompt()
  -- :checkhealth runs in a buffer of its own: the prompt is the alternate
  -- buffer (the one before) there.
  for _, bufnr in ipairs({ vim.api.nvim_get_current_buf(), vim.fn.bufnr('#') }) do
    if bufnr > 0 then
      local name = vim.api.nvim_buf_get_name(bufnr)
      if name:match('%.prompt$') then
        return bufnr, name
      end
    end
  end
  return nil, nil
end

function M.check()
  local plugin = require('claude-ls')
  local o = plugin.options
  local v = vim.version()

  start('claude-ls: editor')
  info(string.format('Neovim %d.%d.%d: %s; inlay hints %s', v.major, v.minor, v.patch,
    vim.lsp.start and 'vim.lsp.start' or 'vim.lsp.start_client',
    compat.native_inlay_hints() and 'native' or 'as end-of-line virtual text'))
  if #vim.api.nvim_get_runtime_file('syntax/prompt.vim', true) > 0 then
    ok('syntax/prompt.vim and ftplugin/prompt.lua are on the runtimepath')
  else
    err('syntax/prompt.vim is not on the runtimepath: add the plugin folder (editors/neovim) to it')
  end

  start('claude-ls: binary')
  local exe = o.cmd[1]
  local path = vim.fn.exepath(exe)
  -- A name with a slash is the configured path (setup's cmd); a bare name is
  -- looked up on PATH, where Mason puts its bin folder too.
  local where = exe:find('/', 1, true) and 'the configured path' or 'PATH'
  if path ~= '' and where == 'PATH' and path:find('/mason/bin/', 1, true) then
    where = "PATH (Mason's bin folder)"
  end
  if path == '' then
    err(string.format('%s was not found on %s', exe, where), {
      'download a release archive (or :MasonInstall claude-ls, or go install ./cmd/claude-ls from a clone) and put claude-ls on PATH',
      "or give the full path: require('claude-ls').setup({ cmd = { '/path/to/claude-ls', 'serve' } })",
    })
  else
    local code, out = run({ path, 'version' })
    local version = vim.trim(out)
    if code == 0 and version ~= '' then
      ok(string.format('%s, found on %s: %s', version, where, path))
    else
      err(string.format('%s version failed (exit %s): %s', path, tostring(code), version))
    end
  end

  local bufnr, file = current_prompt()
  local root = compat.find_root(file or (vim.fn.getcwd() .. '/x'), o.root_markers)

  start('claude-ls: API key')
  local env_key = vim.env[KEY]
  if env_key and vim.trim(env_key) ~= '' then
    ok(KEY .. ' is set in the environment (not shown)')
  elseif dotenv_has_key(root .. '/.env') then
    ok(KEY .. ' is in ' .. root .. '/.env (not shown)')
    if vim.fn.isdirectory(root .. '/.git') == 1 and vim.fn.executable('git') == 1 then
      local code = run({ 'git', '-C', root, 'check-ignore', '-q', '.env' })
      if code == 1 then
        warn('git does not ignore ' .. root .. '/.env: the key would be committed', { 'add .env to .gitignore' })
      end
    end
  else
    warn('no API key: :ClaudeRun and :ClaudeCount need one (counts shown inline do not)', {
      'export ' .. KEY .. '=… before starting Neovim',
      'or put ' .. KEY .. '=… in ' .. root .. '/.env (and .env in .gitignore)',
    })
  end

  start('claude-ls: workspace')
  info('workspace root: ' .. root)
  local config_name = (o.settings and o.settings.configPath) or '.claude-ls.yaml'
  local config = config_name:sub(1, 1) == '/' and config_name or (root .. '/' .. config_name)
  if vim.fn.filereadable(config) ~= 1 then
    info('no ' .. config_name .. ' in the workspace: the defaults apply')
  elseif path == '' then
    warn('cannot check ' .. config .. ' without the binary')
  else
    -- check reads the workspace of the file it is given and reports the
    -- config's problems with code "config"; given the config file itself it
    -- also complains about it as a prompt, which is ignored here.
    local target = file or config
    local code, out = run({ path, 'check', '--format', 'json', target }, root, 15000)
    local decoded_ok, problems = pcall(vim.fn.json_decode, out)
    if code == -1 then
      warn('claude-ls check did not finish within 15 s')
    elseif not decoded_ok or type(problems) ~= 'table' then
      err('claude-ls check failed (exit ' .. tostring(code) .. '): ' .. out)
    else
      local bad = 0
      for _, p in ipairs(problems) do
        if p.code == 'config' then
          bad = bad + 1
          err(string.format('%s:%d:%d: %s', p.file, p.line, p.column, p.message))
        end -- env-not-ignored: reported with the key above
      end
      if bad == 0 then
        ok(config .. ' is valid')
      end
    end
  end

  start('claude-ls: server')
  if not bufnr then
    info('open a .prompt file and run :checkhealth claude-ls again to see the server attached')
    return
  end
  local client = require('claude-ls.commands').client(bufnr)
  if client then
    ok(string.format('attached to %s (client %d, %s)', vim.fn.fnamemodify(file, ':~:.'), client.id, client.name))
  else
    warn('claude-ls is not attached to ' .. file, {
      "call require('claude-ls').setup() in your config, or vim.lsp.enable('claude_ls') on 0.11+",
    })
  end
end

return M
