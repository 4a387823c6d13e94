// Package nvimtest runs a Lua script in a headless Neovim for the editor
// tests (lsp/nvim_test.go, editors/neovim/test): it finds nvim, builds
// claude-ls from this tree, runs the script with a home of its own, reads
// the JSON report the script writes, and on failure shows everything there
// is to see.
//
// The script's side of it is nvimtest.lua, whose path (of a copy) Run
// hands to the script as NVIMTEST_LUA, to load with dofile. Its T.finish
// writes the report to NVIMTEST_REPORT, with an "error" field when the
// script failed; a "steps" field, if any, is shown on failure.
package nvimtest

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Find returns the path of nvim. Without nvim on PATH the test is skipped,
// unless CI is set: then it fails (.ci/run installs neovim).
func Find(t testing.TB) string {
	t.Helper()
	nvim, err := exec.LookPath("nvim")
	if err != nil {
		if os.Getenv("CI") == "" {
			t.Skip("nvim is not installed (Debian: apt-get install -y neovim); the Neovim tests run in CI, where a missing nvim fails")
		}
		t.Fatalf("CI is set but nvim is not on PATH (%v): .ci/run installs neovim", err)
	}
	return nvim
}

var build struct {
	once sync.Once
	dir  string
	bin  string
	err  error
	out  []byte
}

// Build builds the claude-ls binary of this tree, once per test binary, into
// a temporary folder that Main removes.
func Build(t testing.TB) string {
	t.Helper()
	build.once.Do(func() {
		goBin, err := exec.LookPath("go")
		if err != nil {
			build.err = fmt.Errorf("go is not on PATH: %w", err)
			return
		}
		build.dir, build.err = os.MkdirTemp("", "claude-ls-nvimtest-")
		if build.err != nil {
			return
		}
		build.bin = filepath.Join(build.dir, "claude-ls")
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, goBin, "build", "-o", build.bin, "github.com/claude-ls/claude-ls/cmd/claude-ls")
		build.out, build.err = cmd.CombinedOutput()
	})
	if build.err != nil {
		t.Fatalf("go build: %v\n%s", build.err, build.out)
	}
	return build.bin
}

// Main runs the tests and removes what Build built; a package that calls
// Build has func TestMain(m *testing.M) { os.Exit(nvimtest.Main(m)) }.
func Main(m *testing.M) int {
	code := m.Run()
	if build.dir != "" {
		os.RemoveAll(build.dir)
	}
	return code
}

//go:embed nvimtest.lua
var lua []byte

// Options say what to run.
type Options struct {
	Nvim    string        // the nvim to start (see Each); "" means Find's
	Script  string        // the Lua file, run with -c 'luafile Script'
	Args    []string      // more nvim arguments, before the -c (e.g. --cmd 'set rtp^=…')
	Dir     string        // the working directory
	Env     []string      // added to the environment (the script's inputs)
	Timeout time.Duration // for the whole run; 0 means 60 s
	Logs    []Log         // files to show on failure, after the report
}

// Log is a file shown on failure.
type Log struct{ Name, Path string }

// Result is a finished run.
type Result struct {
	Took time.Duration // how long nvim ran

	t        testing.TB
	opts     Options
	nvim     string
	args     []string
	err      error
	timedOut bool
	output   bytes.Buffer // stdout and stderr
	report   string
	xdg      string
	steps    []string
}

// Run runs nvim --headless -u NONE -i NONE -n [Args] -c 'luafile Script' in
// Dir, with Env, NVIMTEST_LUA, NVIMTEST_REPORT and XDG folders of its own (so
// Neovim stays away from the user's files), and waits for it to exit.
func Run(t testing.TB, o Options) *Result {
	t.Helper()
	r := &Result{t: t, opts: o, nvim: o.Nvim}
	if r.nvim == "" {
		r.nvim = Find(t)
	}
	if r.opts.Timeout == 0 {
		r.opts.Timeout = 60 * time.Second
	}
	tmp := t.TempDir()
	helpers := filepath.Join(tmp, "nvimtest.lua")
	if err := os.WriteFile(helpers, lua, 0o644); err != nil {
		t.Fatal(err)
	}
	r.report = filepath.Join(tmp, "report.json")
	r.xdg = filepath.Join(tmp, "xdg")

	ctx, cancel := context.WithTimeout(context.Background(), r.opts.Timeout)
	defer cancel()
	r.args = append([]string{"--headless", "-u", "NONE", "-i", "NONE", "-n"}, o.Args...)
	r.args = append(r.args, "-c", "luafile "+o.Script)
	cmd := exec.CommandContext(ctx, r.nvim, r.args...)
	cmd.Dir = o.Dir
	cmd.Env = append(os.Environ(), o.Env...)
	cmd.Env = append(cmd.Env,
		"NVIMTEST_LUA="+helpers,
		"NVIMTEST_REPORT="+r.report,
		"XDG_CONFIG_HOME="+filepath.Join(r.xdg, "config"),
		"XDG_DATA_HOME="+filepath.Join(r.xdg, "data"),
		"XDG_STATE_HOME="+filepath.Join(r.xdg, "state"),
		"XDG_CACHE_HOME="+filepath.Join(r.xdg, "cache"),
	)
	cmd.Stdout, cmd.Stderr = &r.output, &r.output
	cmd.WaitDelay = 5 * time.Second // the pipes may be held by claude-ls
	start := time.Now()
	r.err = cmd.Run()
	r.Took = time.Since(start)
	r.timedOut = ctx.Err() != nil
	return r
}

// Output is what nvim printed (stdout and stderr).
func (r *Result) Output() string { return r.output.String() }

// Report decodes the script's report into v. It fails the test when nvim
// timed out or failed, or the report is missing, broken or has an error.
func (r *Result) Report(v any) {
	r.t.Helper()
	name := filepath.Base(r.opts.Script)
	if r.timedOut {
		r.Fatalf("nvim did not finish within %s", r.opts.Timeout)
	}
	data, err := os.ReadFile(r.report)
	if err != nil {
		r.Fatalf("no report from %s: %v", name, err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		r.Fatalf("report: %v", err)
	}
	var common struct {
		Error string          `json:"error"`
		Steps json.RawMessage `json:"steps"`
	}
	json.Unmarshal(data, &common)
	json.Unmarshal(common.Steps, &r.steps)
	if common.Error != "" || r.err != nil {
		r.Fatalf("%s failed: %s", name, common.Error)
	}
}

// Fatalf fails the test with the message, the command, the steps the
// script reports done, Neovim's output, the report and the logs.
func (r *Result) Fatalf(format string, a ...any) {
	r.t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, format, a...)
	fmt.Fprintf(&b, "\n--- command: %s %s (in %s, took %s, err %v)", r.nvim, strings.Join(quoteArgs(r.args), " "), r.opts.Dir, r.Took.Round(time.Millisecond), r.err)
	if r.steps != nil {
		fmt.Fprintf(&b, "\n--- steps done: %q", r.steps)
	}
	fmt.Fprintf(&b, "\n--- nvim output:\n%s", r.output.String())
	logs := append([]Log{{"report", r.report}}, r.opts.Logs...)
	logs = append(logs,
		Log{"nvim lsp.log", filepath.Join(r.xdg, "cache", "nvim", "lsp.log")}, // Neovim 0.7
		Log{"nvim lsp.log", filepath.Join(r.xdg, "state", "nvim", "lsp.log")}, // 0.8 and later
	)
	for _, f := range logs {
		if data, err := os.ReadFile(f.Path); err == nil {
			fmt.Fprintf(&b, "\n--- %s (%s):\n%s", f.Name, f.Path, tail(data, 8000))
		}
	}
	r.t.Fatal(b.String())
}

func quoteArgs(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if strings.ContainsAny(a, " '\"") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		out[i] = a
	}
	return out
}

func tail(data []byte, n int) string {
	if len(data) > n {
		return "…" + string(data[len(data)-n:])
	}
	return string(data)
}
