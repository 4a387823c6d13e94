// Package vscode runs the VS Code extension's own tests (type check, unit
// and grammar tests, the .vsix built) from `go test ./...`.
package vscode

import (
	"os"
	"os/exec"
	"testing"

	"github.com/claude-ls/claude-ls/internal/npmtest"
)

func TestExtension(t *testing.T) {
	if testing.Short() {
		t.Skip("runs npm test")
	}
	npmtest.Install(t, ".")
	defer npmtest.Lock(t, ".")()
	cmd := exec.Command("npm", "test")
	cmd.Env = os.Environ()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("npm test: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}
