-- Helpers for the Lua scripts of the Neovim tests (lsp/testdata/nvim/check.lua,
-- editors/neovim/test/plugin_check.lua). nvimtest.Run passes this file's
-- path as NVIMTEST_LUA; a script loads it with
--
--   local T = dofile(os.getenv('NVIMTEST_LUA'))

local T = {}

-- How long any one wait may take, in ms.
T.WAIT = 20000

-- The running Neovim's version, as "0.7.2".
function T.version()
  local v = vim.version()
  return string.format('%d.%d.%d', v.major, v.minor, v.patch)
end

-- The value of an environment variable, which must be set.
function T.env(name)
  local v = os.getenv(name)
  assert(v and v ~= '', 'environment variable ' .. name .. ' is not set')
  return v
end

-- Waits until fn returns true; an error after T.WAIT ms.
function T.wait(what, fn)
  local ok = vim.wait(T.WAIT, fn, 10)
  assert(ok, 'timed out after ' .. T.WAIT .. ' ms waiting for ' .. what)
end

-- 1-based line and column of the first occurrence of text (plain), plus an
-- offset into it.
function T.find(bufnr, text, offset)
  for i, l in ipairs(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)) do
    local s = l:find(text, 1, true)
    if s then
      return i, s + (offset or 0)
    end
  end
  error('text not found in the buffer: ' .. text)
end

-- Neovim's view of a buffer's diagnostics: what vim.diagnostic holds.
function T.diagnostics(bufnr)
  local out = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(out, {
      code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code),
      message = d.message,
      severity = d.severity,
      lnum = d.lnum,
      col = d.col,
    })
  end
  return out
end

-- Runs main, then writes the report to NVIMTEST_REPORT as JSON, with an
-- "error" field (and a traceback) if main failed, and quits Neovim: exit
-- status 0, or 1 after an error.
function T.finish(report, main)
  local ok, err = xpcall(main, debug.traceback)
  if not ok then
    report.error = tostring(err)
  end
  local out = os.getenv('NVIMTEST_REPORT')
  if out and out ~= '' then
    vim.fn.writefile({ vim.fn.json_encode(report) }, out)
  else
    io.stderr:write(vim.fn.json_encode(report) .. '\n')
  end
  if ok then
    vim.cmd('qall!')
  else
    io.stderr:write(tostring(err) .. '\n')
    vim.cmd('cquit! 1')
  end
end

return T
