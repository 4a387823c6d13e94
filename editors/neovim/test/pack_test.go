package plugintest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/claude-ls/claude-ls/internal/nvimtest"
)

// TestNeovimPack installs the plugin as the README says for Neovim 0.12's
// vim.pack, from a git repository holding this tree's plugin, with claude-ls
// on PATH, and checks that it attaches and that :checkhealth says where the
// binary was found. Only Neovims with vim.pack (0.12, Debian sid) run it.
func TestNeovimPack(t *testing.T) { nvimtest.Each(t, testNeovimPack) }

func testNeovimPack(t *testing.T, nvim nvimtest.Nvim) {
	if nvim.Name != "sid" {
		t.Skip("vim.pack is new in Neovim 0.12 (Debian sid)")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("vim.pack needs git")
	}
	script, err := filepath.Abs("pack_check.lua")
	must(t, err)
	pluginDir, err := filepath.Abs("..")
	must(t, err)
	bin := nvimtest.Build(t)
	tmp := t.TempDir()

	// A repository laid out as claude-ls's: the plugin under editors/neovim.
	repo := filepath.Join(tmp, "repo")
	must(t, os.CopyFS(filepath.Join(repo, "editors", "neovim"), os.DirFS(pluginDir)))
	git := func(args ...string) {
		cmd := exec.Command("git", append([]string{"-C", repo, "-c", "user.name=t", "-c", "user.email=t@example.com"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q", "-b", "main")
	git("add", ".")
	git("commit", "-q", "-m", "plugin")

	ws := filepath.Join(tmp, "ws")
	must(t, os.MkdirAll(filepath.Join(ws, ".git"), 0o755))
	file := filepath.Join(ws, "sky.prompt")
	must(t, os.WriteFile(file, []byte(prompt2), 0o644))

	run := nvimtest.Run(t, nvimtest.Options{
		Nvim:    nvim.Path,
		Script:  script,
		Dir:     ws,
		Timeout: 60 * time.Second,
		Env: []string{
			"PATH=" + filepath.Dir(bin) + string(os.PathListSeparator) + os.Getenv("PATH"),
			"TEST_REPO=" + repo,
			"TEST_FILE=" + file,
		},
	})
	var r struct {
		Installed string   `json:"installed"`
		Filetype  string   `json:"filetype"`
		Cmd       []string `json:"cmd"`
		Health    string   `json:"health"`
	}
	run.Report(&r)
	if !strings.HasSuffix(r.Installed, filepath.Join("site", "pack", "core", "opt", "claude-ls")) {
		run.Fatalf("vim.pack installed the plugin at %q", r.Installed)
	}
	if r.Filetype != "prompt" {
		run.Fatalf("filetype %q, want prompt", r.Filetype)
	}
	if len(r.Cmd) == 0 || r.Cmd[0] != "claude-ls" {
		run.Fatalf("server started as %q, want claude-ls from PATH", r.Cmd)
	}
	if !strings.Contains(r.Health, "found on PATH: "+bin) || strings.Contains(r.Health, "ERROR") {
		run.Fatalf(":checkhealth claude-ls does not say claude-ls was found on PATH at %s:\n%s", bin, r.Health)
	}
	if strings.Contains(run.Output(), "deprecated") {
		run.Fatalf("Neovim %s warns of a deprecated function", nvim.Name)
	}
}
