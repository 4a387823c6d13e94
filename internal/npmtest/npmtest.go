// Package npmtest installs the npm packages a Go test needs, so `go test
// ./...` alone runs every test on a fresh machine.
package npmtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Lock holds dir for one test process while it builds there (esbuild,
// vsce): go test runs packages in parallel, and two packages build in
// editors/vscode. Take it after Install, and call the result when done.
func Lock(t testing.TB, dir string) func() { return lockDir(t, dir) }

// Install runs `npm ci` in dir when its node_modules is missing or older
// than its package-lock.json. Without npm the test is skipped, or fails
// when CI is set.
func Install(t testing.TB, dir string) {
	t.Helper()
	lock, err := os.Stat(filepath.Join(dir, "package-lock.json"))
	if err != nil {
		t.Fatalf("no package-lock.json in %s: %v", dir, err)
	}
	marker := filepath.Join(dir, "node_modules", ".package-lock.json")
	fresh := func() bool {
		mods, err := os.Stat(marker)
		return err == nil && !mods.ModTime().Before(lock.ModTime())
	}
	if fresh() {
		return
	}
	// go test runs packages in parallel processes, and two of them may need
	// the same folder: one installs while the other waits, then finds it done.
	unlock := lockDir(t, dir)
	defer unlock()
	if fresh() {
		return
	}
	if _, err := exec.LookPath("npm"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("npm is missing (CI is set, so this fails rather than skips)")
		}
		t.Skip("npm is missing: install Node.js 20 and npm")
	}
	cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund")
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm ci in %s: %v\n%s", dir, err, out)
	}
}
