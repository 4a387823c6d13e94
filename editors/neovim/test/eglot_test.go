package plugintest

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestEmacsEglot checks the README's Emacs configuration for real: the
// Emacs Lisp block of its "Emacs (eglot)" section is loaded as an init file
// into Emacs 28 with Debian's elpa-eglot, which then opens a prompt.
// eglot_check.el reports what Emacs got: the mode, the server eglot started,
// its diagnostics (in flymake too), the settings applied, and a hover. It lives here, beside the
// Neovim test, because it checks the same README's instructions.
//
// Without emacs or eglot the test is skipped, unless CI is set: then it
// fails (.ci/run installs emacs-nox and elpa-eglot).
func TestEmacsEglot(t *testing.T) {
	if testing.Short() {
		t.Skip("Emacs end-to-end test; skipped with -short")
	}
	emacs, err := exec.LookPath("emacs")
	if err == nil {
		err = exec.Command(emacs, "--batch", "-q", "--eval", "(require 'eglot)").Run()
	}
	if err != nil {
		if os.Getenv("CI") == "" {
			t.Skipf("emacs with eglot is not installed (Debian: apt-get install -y emacs-nox elpa-eglot): %v", err)
		}
		t.Fatalf("CI is set but emacs with eglot is not available (%v): .ci/run installs emacs-nox and elpa-eglot", err)
	}
	readme, err := os.ReadFile(filepath.Join("..", "..", "..", "README.md"))
	must(t, err)
	config := elispBlock(string(readme))
	if config == "" {
		t.Fatal("README.md has no ```elisp block (the Emacs configuration)")
	}

	bin := buildClaudeLS(t)
	tmp, _ := filepath.EvalSymlinks(t.TempDir())
	ws := filepath.Join(tmp, "ws")
	must(t, os.MkdirAll(filepath.Join(ws, ".git"), 0o755))
	file := filepath.Join(ws, "sky.prompt")
	// temprature: an unknown-key warning (did you mean temperature?). No
	// model: the README's eglot-workspace-configuration gives defaultModel.
	must(t, os.WriteFile(file, []byte("---\nmax_tokens: 200\ntemprature: 0.5\n---\nWhy is the sky blue?\n"), 0o644))
	initFile := filepath.Join(tmp, "init.el")
	must(t, os.WriteFile(initFile, []byte(config), 0o644))
	script, err := filepath.Abs("eglot_check.el")
	must(t, err)
	out := filepath.Join(tmp, "report.json")

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	args := []string{"--batch", "-q", "-l", initFile, "-l", script}
	cmd := exec.CommandContext(ctx, emacs, args...)
	cmd.Dir = ws
	cmd.Env = append(os.Environ(),
		"PATH="+filepath.Dir(bin)+string(os.PathListSeparator)+os.Getenv("PATH"),
		"HOME="+tmp, // no user init, no ~/.emacs.d
		"PROMPT_FILE="+file,
		"HOVER_TEXT=max_tokens",
		"REPORT_FILE="+out,
	)
	output, runErr := cmd.CombinedOutput()
	data, readErr := os.ReadFile(out)
	var r struct {
		Mode      string `json:"mode"`
		Server    string `json:"server"`
		Version   string `json:"version"`
		Published []struct {
			URI   string   `json:"uri"`
			Codes []string `json:"codes"`
		} `json:"published"`
		Flymake  []string `json:"flymake"`
		Hover    string   `json:"hover"`
		Shutdown bool     `json:"shutdown"`
		Error    string   `json:"error"`
	}
	if readErr == nil {
		readErr = json.Unmarshal(data, &r)
	}
	if ctx.Err() != nil || runErr != nil || readErr != nil || r.Error != "" {
		t.Fatalf("emacs %s: %v (report: %v, error %s)\n--- init file (from README.md):\n%s\n--- output:\n%s\n--- report:\n%s",
			strings.Join(args, " "), runErr, readErr, r.Error, config, tail(output, 6000), data)
	}
	t.Logf("Emacs with eglot: mode %s, server %s %s, flymake %q", r.Mode, r.Server, r.Version, r.Flymake)

	if r.Mode != "prompt-mode" {
		t.Errorf("major mode %q, want prompt-mode", r.Mode)
	}
	if r.Server != "claude-ls" {
		t.Errorf("eglot's server is %q, want claude-ls", r.Server)
	}
	// The last diagnostics of sky.prompt: the typo, and no model-missing
	// once the settings arrived (workspace/didChangeConfiguration).
	var last []string
	seen := false
	for _, p := range r.Published {
		if strings.HasSuffix(p.URI, "/sky.prompt") {
			last, seen = p.Codes, true
		}
	}
	if !seen || !slices.Contains(last, "unknown-key") || slices.Contains(last, "model-missing") {
		t.Errorf("diagnostics of sky.prompt: %q (all publications: %+v), want unknown-key and no model-missing", last, r.Published)
	}
	if !strings.Contains(strings.Join(r.Flymake, "\n"), "temperature") {
		t.Errorf("flymake shows %q, want the unknown-key warning suggesting temperature", r.Flymake)
	}
	// Hover on max_tokens names the limit of the model from the settings.
	if !strings.Contains(r.Hover, "max_tokens") || !strings.Contains(r.Hover, "claude-haiku-4-5") {
		t.Errorf("hover on max_tokens: %s, want the key's help with claude-haiku-4-5's limit", r.Hover)
	}
	if !r.Shutdown {
		t.Error("eglot did not shut the server down")
	}
}

// elispBlock is the first ```elisp block of a Markdown text.
func elispBlock(md string) string {
	const open = "```elisp\n"
	i := strings.Index(md, open)
	if i < 0 {
		return ""
	}
	rest := md[i+len(open):]
	j := strings.Index(rest, "\n```")
	if j < 0 {
		return ""
	}
	return rest[:j+1]
}
