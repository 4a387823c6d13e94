-- Folding by block for .prompt buffers: the front matter is one fold, and
-- each role line (system:, user:, assistant:) starts one. Used as
--   foldexpr=v:lua.require'claude-ls.fold'.expr(v:lnum)
local M = {}

-- A role line: the role, a colon, and at most a cache attribute
-- (docs/promptfile.md, section 3). "user: Explain tides" is text.
local roles = { system = true, user = true, assistant = true }

function M.is_role_line(line)
  local role, rest = line:match('^[ \t]*(%a+)[ \t]*:(.*)$')
  if not role or not roles[role] then
    return false
  end
  rest = rest:gsub('^[ \t]+', ''):gsub('[ \t]+$', '')
  if rest == '' then
    return true
  end
  return rest == 'cache' or rest:match('^cache[ \t=]') ~= nil
end

-- The last line (1-based) of the front matter, or 0 without one; cached per
-- change of the buffer.
local cache = {}

local function front_matter_end(bufnr)
  local tick = vim.api.nvim_buf_get_changedtick(bufnr)
  local c = cache[bufnr]
  if c and c.tick == tick then
    return c.last
  end
  local last = 0
  local first = vim.api.nvim_buf_get_lines(bufnr, 0, 1, false)[1]
  if first and first:match('^%-%-%-[ \t]*$') then
    local n = vim.api.nvim_buf_line_count(bufnr)
    local step = 200
    local from = 1
    last = -1
    while from < n and last < 0 do
      local lines = vim.api.nvim_buf_get_lines(bufnr, from, math.min(from + step, n), false)
      for i, l in ipairs(lines) do
        if l:match('^%-%-%-[ \t]*$') then
          last = from + i
          break
        end
        -- Unterminated: the front matter ends before the first role line.
        if M.is_role_line(l) then
          last = from + i - 1
          break
        end
      end
      from = from + step
    end
    if last < 0 then
      last = n
    end
  end
  cache[bufnr] = { tick = tick, last = last }
  return last
end

function M.expr(lnum)
  local bufnr = vim.api.nvim_get_current_buf()
  local fm = front_matter_end(bufnr)
  if fm > 0 then
    if lnum == 1 then
      return '>1'
    elseif lnum <= fm then
      return '1'
    elseif lnum == fm + 1 then
      -- The body starts a fold of its own even before any role line.
      return '>1'
    end
  end
  local line = vim.fn.getline(lnum)
  if M.is_role_line(line) then
    return '>1'
  end
  return '='
end

-- foldtext: the role line (or ---) and the number of lines folded.
function M.text()
  local first = vim.fn.getline(vim.v.foldstart)
  local n = vim.v.foldend - vim.v.foldstart + 1
  return string.format('%s  (%d lines)', first, n)
end

return M
