package plugintest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/claude-ls/claude-ls/internal/fakeapi"
	"github.com/claude-ls/claude-ls/internal/nvimtest"
)

// What the tests of the check scripts share: a workspace, and Neovim
// running a script in it with the plugin, the server and the fake API.

// newWorkspace makes a workspace root (a folder with .git, as the plugin's
// root markers want) holding files, name → text; it returns its path.
func newWorkspace(t *testing.T, files map[string]string) string {
	t.Helper()
	tmp, err := filepath.EvalSymlinks(t.TempDir())
	must(t, err)
	ws := filepath.Join(tmp, "ws")
	must(t, os.MkdirAll(filepath.Join(ws, ".git"), 0o755))
	for name, text := range files {
		must(t, os.MkdirAll(filepath.Dir(filepath.Join(ws, name)), 0o755))
		must(t, os.WriteFile(filepath.Join(ws, name), []byte(text), 0o644))
	}
	return ws
}

// runCheck runs script, a file of this folder, in nvim from ws: the plugin
// on the runtimepath, the claude-ls of this tree (CLAUDE_LS_BIN) logging to
// CLAUDE_LS_LOG (shown on failure), the fake API and its key, and the
// shared checkscript.lua (CHECKSCRIPT_LUA); env adds the script's own
// inputs.
func runCheck(t *testing.T, nvim nvimtest.Nvim, api *fakeapi.Server, ws, script string, env ...string) *nvimtest.Result {
	t.Helper()
	dir, err := filepath.Abs(".")
	must(t, err)
	pluginDir := filepath.Dir(dir)
	serverLog := filepath.Join(t.TempDir(), "claude-ls.log")
	return nvimtest.Run(t, nvimtest.Options{
		Nvim:    nvim.Path,
		Script:  filepath.Join(dir, script),
		Args:    []string{"--cmd", "set rtp^=" + pluginDir},
		Dir:     ws,
		Timeout: timeout,
		Env: append([]string{
			"CLAUDE_LS_BIN=" + nvimtest.Build(t),
			"CLAUDE_LS_LOG=" + serverLog,
			"CHECKSCRIPT_LUA=" + filepath.Join(dir, "checkscript.lua"),
			"ANTHROPIC_API_KEY=" + fakeKey,
			"ANTHROPIC_BASE_URL=" + api.URL,
		}, env...),
		Logs: []nvimtest.Log{{Name: "claude-ls log", Path: serverLog}},
	})
}
