-- What differs between Neovim 0.7 and 0.12, in one place. Everything here
-- is feature detection: nothing checks a version number it could test for.
local M = {}

M.uv = vim.uv or vim.loop

function M.has(version)
  return vim.fn.has('nvim-' .. version) == 1
end

-- The clients attached to a buffer, optionally of one name.
function M.buf_clients(bufnr, name)
  local list
  if vim.lsp.get_clients then -- 0.10+
    list = vim.lsp.get_clients({ bufnr = bufnr, name = name })
  elseif M.has('0.8') then
    list = vim.lsp.get_active_clients({ bufnr = bufnr, name = name })
  else -- 0.7: no filters
    list = {}
    for _, c in pairs(vim.lsp.buf_get_clients(bufnr)) do
      if not name or c.name == name then
        table.insert(list, c)
      end
    end
  end
  return list
end

-- All running clients.
function M.all_clients()
  if vim.lsp.get_clients then
    return vim.lsp.get_clients()
  end
  return vim.lsp.get_active_clients()
end

-- A client's request: a method call from 0.11 on (client:request), a field
-- holding a function before.
function M.request(client, method, params, handler, bufnr)
  if M.has('0.11') then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

function M.is_stopped(client)
  if M.has('0.11') then
    return client:is_stopped()
  end
  return client.is_stopped()
end

-- The server's capabilities (0.7 has both server_capabilities and the
-- older resolved_capabilities; only the first is the server's own).
function M.server_capabilities(client)
  return client.server_capabilities or {}
end

-- Whether this Neovim tells servers it can show documents
-- (window/showDocument, 0.8+).
function M.client_shows_documents()
  local ok, caps = pcall(vim.lsp.protocol.make_client_capabilities)
  return ok and caps.window and caps.window.showDocument and caps.window.showDocument.support == true
end

-- Native inlay hints (0.10+).
function M.native_inlay_hints()
  return vim.lsp.inlay_hint ~= nil and type(vim.lsp.inlay_hint.enable) == 'function'
end

function M.enable_inlay_hints(bufnr)
  -- 0.10 and later: enable(enable, {bufnr}).
  return pcall(vim.lsp.inlay_hint.enable, true, { bufnr = bufnr })
end

-- Code lenses that follow the buffer by themselves once enabled (0.12+,
-- where vim.lsp.codelens.refresh is deprecated).
function M.native_codelens()
  return type(vim.lsp.codelens.enable) == 'function'
end

-- Refresh one buffer's code lenses: 0.12+ enables them for the buffer;
-- 0.10 and 0.11 take {bufnr}; before, only the current buffer can be
-- refreshed.
function M.refresh_codelens(bufnr)
  if M.native_codelens() then
    return pcall(vim.lsp.codelens.enable, true, { bufnr = bufnr })
  end
  if M.has('0.10') then
    return pcall(vim.lsp.codelens.refresh, { bufnr = bufnr })
  end
  if bufnr == vim.api.nvim_get_current_buf() then
    return pcall(vim.lsp.codelens.refresh)
  end
  return false
end

-- The nearest folder at or above path's folder that holds one of markers,
-- else path's folder.
function M.find_root(path, markers)
  local dir = vim.fn.fnamemodify(path, ':p:h')
  local start = dir
  while dir and dir ~= '' do
    for _, m in ipairs(markers) do
      local p = dir .. '/' .. m
      if vim.fn.isdirectory(p) == 1 or vim.fn.filereadable(p) == 1 then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir then
      break
    end
    dir = parent
  end
  return start
end

return M
