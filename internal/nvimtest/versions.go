package nvimtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Nvim is one Neovim to test on.
type Nvim struct {
	Name string // "system", or the Debian suite it was unpacked from
	Path string // the nvim to start
}

// Suites are the Debian suites whose Neovim the tests run on besides the
// system's (Debian 12's 0.7.2): trixie has 0.10, sid 0.12.
var Suites = []string{"trixie", "sid"}

// Dir is where editors/neovim/test/install-nvim.sh unpacks each suite's
// Neovim (Dir/SUITE/bin/nvim): $CLAUDE_LS_NVIM_DIR, else
// ~/.cache/claude-ls-test/nvim.
func Dir() string {
	if d := os.Getenv("CLAUDE_LS_NVIM_DIR"); d != "" {
		return d
	}
	home, err := os.UserHomeDir()
	if err != nil {
		home = os.TempDir()
	}
	return filepath.Join(home, ".cache", "claude-ls-test", "nvim")
}

// Each runs test once per Neovim, as a subtest named after it: nvim on PATH
// and each of Suites unpacked under Dir. A missing one is skipped, unless CI
// is set: then it fails (.ci/run installs them all). With -short all are
// skipped: these are the slow end-to-end tests.
func Each(t *testing.T, test func(t *testing.T, nvim Nvim)) {
	t.Helper()
	if testing.Short() {
		t.Skip("Neovim end-to-end test; skipped with -short")
	}
	t.Run("system", func(t *testing.T) {
		test(t, Nvim{Name: "system", Path: Find(t)})
	})
	for _, suite := range Suites {
		t.Run(suite, func(t *testing.T) {
			path := filepath.Join(Dir(), suite, "bin", "nvim")
			if _, err := exec.LookPath(path); err != nil {
				msg := "Neovim of Debian " + suite + " is not unpacked at " + path +
					" (editors/neovim/test/install-nvim.sh " + suite + " " + filepath.Dir(filepath.Dir(path)) + ")"
				if os.Getenv("CI") == "" {
					t.Skip(msg)
				}
				t.Fatal("CI is set but the " + msg)
			}
			test(t, Nvim{Name: suite, Path: path})
		})
	}
}
