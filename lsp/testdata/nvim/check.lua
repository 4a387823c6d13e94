-- Drives claude-ls from a real Neovim (0.7.2 on Debian 12; newer ones too)
-- for lsp/nvim_test.go. It runs as
--
--   nvim --headless -u NONE -i NONE -n -c 'luafile check.lua'
--
-- and reads its inputs from the environment:
--
--   CLAUDE_LS_BIN   the claude-ls binary
--   CLAUDE_LS_LOG   where claude-ls writes its log (--log)
--   NVIM_TEST_ROOT  the workspace root (root_dir)
--   NVIM_TEST_FILE  the .prompt file to open
--   NVIM_TEST_FIX   "old=>new": an edit to make after the first diagnostics
--   NVIM_TEST_HOVER text to hover on, after the edit (first occurrence)
--   NVIMTEST_LUA    internal/nvimtest/nvimtest.lua, the shared helpers
--   NVIMTEST_REPORT where to write the report, as JSON
--
-- The report holds what the editor received: every publishDiagnostics
-- notification, Neovim's own view of the buffer's diagnostics before and
-- after the edit, the hover answer, and the server's exit code. On any error
-- the report gets an "error" field (with a traceback) and Neovim exits 1.
-- Every wait has a deadline, so the script cannot hang.

local T = dofile(assert(os.getenv('NVIMTEST_LUA'), 'NVIMTEST_LUA is not set'))
local env, wait = T.env, T.wait

local report = {
  nvim = T.version(),
  publications = {},
}

local function simplify(diags)
  local out = {}
  for _, d in ipairs(diags or {}) do
    table.insert(out, {
      code = d.code,
      message = d.message,
      severity = d.severity,
      source = d.source,
      line = d.range.start.line,
      character = d.range.start.character,
      end_line = d.range['end'].line,
      end_character = d.range['end'].character,
    })
  end
  return out
end

local function main()
  local bin = env('CLAUDE_LS_BIN')
  local log = env('CLAUDE_LS_LOG')
  local root = env('NVIM_TEST_ROOT')
  local file = env('NVIM_TEST_FILE')
  local fix_old, fix_new = env('NVIM_TEST_FIX'):match('^(.-)=>(.*)$')
  local hover_at = env('NVIM_TEST_HOVER')
  assert(fix_old, 'NVIM_TEST_FIX must be "old=>new"')

  -- Filetype: *.prompt is "prompt". -u NONE leaves detection off.
  vim.cmd('filetype on')
  if vim.filetype and vim.filetype.add then
    vim.filetype.add({ extension = { prompt = 'prompt' } })
  end
  vim.cmd('autocmd BufRead,BufNewFile *.prompt setfiletype prompt')

  local exited = nil
  local config = {
    name = 'claude-ls',
    cmd = { bin, 'serve', '--log', log },
    root_dir = root,
    handlers = {
      ['textDocument/publishDiagnostics'] = function(err, result, ctx, cfg)
        table.insert(report.publications, {
          uri = result.uri,
          version = result.version, -- absent (nil) for version 0 or a file not open
          diagnostics = simplify(result.diagnostics),
        })
        return vim.lsp.diagnostic.on_publish_diagnostics(err, result, ctx, cfg)
      end,
    },
    on_exit = function(code, signal)
      exited = { code = code, signal = signal }
    end,
  }

  -- Start and attach on FileType, as a plugin does: vim.lsp.start (0.8+)
  -- when there is one, else vim.lsp.start_client + buf_attach_client (0.7).
  local client_id = nil
  vim.api.nvim_create_autocmd('FileType', {
    pattern = 'prompt',
    callback = function(args)
      if vim.lsp.start then
        report.api = 'vim.lsp.start'
        client_id = vim.lsp.start(config, { bufnr = args.buf })
      else
        report.api = 'vim.lsp.start_client'
        client_id = client_id or vim.lsp.start_client(config)
        vim.lsp.buf_attach_client(args.buf, client_id)
      end
    end,
  })

  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  report.filetype = vim.bo[bufnr].filetype
  assert(client_id, 'claude-ls was not started (filetype ' .. report.filetype .. ')')
  local uri = vim.uri_from_bufnr(bufnr)
  report.uri = uri

  wait('claude-ls to initialize', function()
    local c = vim.lsp.get_client_by_id(client_id)
    return c ~= nil and c.initialized
  end)
  local client = vim.lsp.get_client_by_id(client_id)
  report.attached = vim.lsp.buf_is_attached(bufnr, client_id)

  -- The version Neovim sent last: 0.7 opens with version 0 and then sends
  -- the changedtick; newer ones send the changedtick throughout.
  local function buf_version()
    local bv = vim.lsp.util.buf_versions
    if bv and bv[bufnr] then
      return bv[bufnr]
    end
    return vim.b[bufnr].changedtick
  end

  -- Publications for this buffer's current version. Neovim 0.7 opens with
  -- version 0, which the server publishes without a version.
  local function published_for_current()
    local v = buf_version()
    for i = #report.publications, 1, -1 do
      local p = report.publications[i]
      if p.uri == uri and (p.version == v or (p.version == nil and v == 0)) then
        return p
      end
    end
    return nil
  end

  wait('diagnostics for ' .. uri, function() return published_for_current() ~= nil end)
  report.before = {
    version = buf_version(),
    published = published_for_current(),
    nvim = T.diagnostics(bufnr),
  }

  -- An edit, as typed: Neovim sends it as an incremental didChange.
  local row, col = T.find(bufnr, fix_old)
  vim.api.nvim_buf_set_text(bufnr, row - 1, col - 1, row - 1, col - 1 + #fix_old, { fix_new })

  wait('diagnostics for the edited version ' .. tostring(buf_version()), function()
    local p = published_for_current()
    return p ~= nil and p.version ~= nil
  end)
  report.after = {
    version = buf_version(),
    published = published_for_current(),
    nvim = T.diagnostics(bufnr),
  }

  -- Hover two characters into the first occurrence of hover_at, synchronously.
  local hrow, hcol = T.find(bufnr, hover_at, 2)
  -- The line is ASCII up to there, so bytes are UTF-16 units.
  local params = { textDocument = { uri = uri }, position = { line = hrow - 1, character = hcol - 1 } }
  local advertised
  if client.server_capabilities then
    advertised = client.server_capabilities.hoverProvider and true or false
  else
    advertised = client.resolved_capabilities.hover and true or false
  end
  report.hover = { advertised = advertised, line = hrow - 1, character = hcol - 1 }
  if advertised then
    local results, err = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover', params, T.WAIT)
    assert(results, 'hover: ' .. tostring(err))
    local r = results[client_id]
    report.hover.answered = r ~= nil
    if r then
      report.hover.error = r.err and (r.err.message or tostring(r.err)) or nil
      if r.result and r.result.contents then
        local md = vim.lsp.util.convert_input_to_markdown_lines(r.result.contents)
        report.hover.text = table.concat(md, '\n')
      end
    end
  else
    -- Neovim sends no request for a method the server did not advertise;
    -- ask anyway, to record what the server answers.
    local r, err = client.request_sync('textDocument/hover', params, T.WAIT, bufnr)
    report.hover.answered = r ~= nil
    if r then
      report.hover.error = r.err and (r.err.message or tostring(r.err)) or nil
    else
      report.hover.error = tostring(err)
    end
  end

  -- Stop: shutdown then exit; the server must exit 0.
  vim.lsp.stop_client(client_id)
  wait('claude-ls to exit after shutdown', function() return exited ~= nil end)
  report.exit = exited
end

T.finish(report, main)
