//go:build !windows

package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// runBounded runs the binary under a memory limit (GOMEMLIMIT, and `ulimit
// -v` of 4 GiB so that a regression fails instead of taking the machine)
// and a 20 s time bound, and fails when its peak resident memory passes
// 300 MiB: expanding a billion laughs or reading /dev/zero goes far past it.
func runBounded(t *testing.T, dir string, args ...string) (string, string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", append([]string{"-c", `ulimit -v 4194304 && exec "$0" "$@"`, binary}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOMEMLIMIT=256MiB", "ANTHROPIC_API_KEY=")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("claude-ls %s: still running after 20 s", strings.Join(args, " "))
	}
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(stderr.String(), "out of memory") || strings.Contains(stderr.String(), "panic") {
		t.Fatalf("claude-ls %s crashed:\n%s", strings.Join(args, " "), stderr.String())
	}
	checkPeakMemory(t, cmd.ProcessState, args)
	return stdout.String(), stderr.String(), code
}

// checkPeakMemory fails when a finished process's peak resident memory
// passed 300 MiB.
func checkPeakMemory(t *testing.T, ps *os.ProcessState, args []string) {
	t.Helper()
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok && ru.Maxrss > 300<<10 { // KiB on Linux
		t.Errorf("claude-ls %s: peak memory %d MiB", strings.Join(args, " "), ru.Maxrss>>10)
	}
}

// laughsYAML is a billion laughs under key, under 500 bytes: nine levels of
// nine aliases, as list items when list.
func laughsYAML(key string, list bool) string {
	var b strings.Builder
	b.WriteString(key + ":\n")
	prev := "lol"
	for i := 0; i < 9; i++ {
		name := string(rune('a' + i))
		items := strings.TrimSuffix(strings.Repeat(prev+",", 9), ",")
		if list {
			fmt.Fprintf(&b, "  - &%s [%s]\n", name, items)
		} else {
			fmt.Fprintf(&b, "  %s: &%s [%s]\n", name, name, items)
		}
		prev = "*" + name
	}
	return b.String()
}

const hostileHead = "---\nmodel: claude-sonnet-4-6\nmax_tokens: 100\n"

func TestBillionLaughsThroughTheCLI(t *testing.T) {
	for _, c := range []struct {
		key  string
		list bool
	}{{"metadata", false}, {"tools", true}, {"tool_choice", false}, {"thinking", false}, {"vars", false}, {"tests", true}} {
		t.Run(c.key, func(t *testing.T) {
			attack := laughsYAML(c.key, c.list)
			if len(attack) >= 500 {
				t.Fatalf("attack of %d bytes", len(attack))
			}
			dir := newWorkspace(t, map[string]string{"x.prompt": hostileHead + attack + "---\nuser:\nHi\n"})
			for _, cmd := range []string{"check", "render", "count"} {
				stdout, stderr, code := runBounded(t, dir, cmd, "x.prompt")
				out := stdout + stderr
				// The error is at an alias on a line after the key (line 4).
				if !strings.Contains(out, "alias *") || !strings.Contains(out, "x.prompt:") || strings.Contains(out, "x.prompt:4:") {
					t.Errorf("%s: no alias error:\n%s", cmd, out)
				}
				// A prompt with errors exits 1 from every command that reads it.
				if want := exitProblems; code != want {
					t.Errorf("%s: exit %d, want %d", cmd, code, want)
				}
			}
		})
	}
}

func TestBillionLaughsInTheConfigThroughTheCLI(t *testing.T) {
	dir := newWorkspace(t, map[string]string{
		".claude-ls.yaml": laughsYAML("models", true),
		"x.prompt":        hostileHead + "---\nuser:\nHi\n",
	})
	stdout, _, code := runBounded(t, dir, "check", ".")
	var line, col int
	fmt.Sscanf(stdout, ".claude-ls.yaml:%d:%d:", &line, &col)
	lines := strings.Split(laughsYAML("models", true), "\n")
	if line < 1 || line > len(lines) || col < 1 || col > len(lines[line-1]) || lines[line-1][col-1] != '*' {
		t.Errorf("the error is not at an alias:\n%s", stdout)
	}
	if !strings.Contains(stdout, "alias *") || code != exitProblems {
		t.Errorf("exit %d:\n%s", code, stdout)
	}
	for _, cmd := range []string{"render", "count"} {
		if _, stderr, code := runBounded(t, dir, cmd, "x.prompt"); code != exitOK {
			t.Errorf("%s: exit %d\n%s", cmd, code, stderr)
		}
	}
}

// hostileFiles makes name in dir a FIFO, a link to a device or to
// /etc/passwd, or a sparse 2 GiB file.
func hostileFile(t *testing.T, dir, name, kind string) {
	t.Helper()
	p := filepath.Join(dir, name)
	var err error
	switch kind {
	case "fifo":
		err = syscall.Mkfifo(p, 0o644)
	case "2GiB":
		var f *os.File
		if f, err = os.Create(p); err == nil {
			err = f.Truncate(2 << 30)
			f.Close()
		}
	default:
		err = os.Symlink(kind, p)
	}
	if err != nil {
		t.Fatal(err)
	}
}

func TestHostilePromptFilesAreRefusedWithExit2(t *testing.T) {
	for kind, says := range map[string]string{
		"fifo": "named pipe", "/dev/zero": "character device", "/dev/stdin": "refusing",
		"/etc/passwd": "outside the workspace", "2GiB": "too large",
	} {
		t.Run(strings.ReplaceAll(kind, "/", "_"), func(t *testing.T) {
			dir := newWorkspace(t, nil)
			hostileFile(t, dir, "x.prompt", kind)
			for _, cmd := range []string{"check", "render", "count"} {
				_, stderr, code := runBounded(t, dir, cmd, "x.prompt")
				if code != exitUsage || !strings.Contains(stderr, "x.prompt") || !strings.Contains(stderr, says) {
					t.Errorf("%s: exit %d, want %d and a message naming x.prompt saying %q:\n%s", cmd, code, exitUsage, says, stderr)
				}
			}
		})
	}
}

func TestHostileIncludeTestsFileEnvAndConfig(t *testing.T) {
	for _, kind := range []string{"fifo", "/dev/zero"} {
		t.Run(strings.ReplaceAll(kind, "/", "_"), func(t *testing.T) {
			dir := newWorkspace(t, map[string]string{
				"inc.prompt":   hostileHead + "---\nuser:\n{{file \"inc.txt\"}}\n",
				"cases.prompt": hostileHead + "tests:\n  file: cases.csv\n---\nuser:\nHi {{name}}\n",
			})
			for _, name := range []string{"inc.txt", "cases.csv", ".env", ".claude-ls.yaml"} {
				hostileFile(t, dir, name, kind)
			}
			_, stderr, code := runBounded(t, dir, "check", "inc.prompt", "cases.prompt")
			if code != exitUsage || !strings.Contains(stderr, ".claude-ls.yaml") {
				t.Errorf("check with a hostile config: exit %d\n%s", code, stderr)
			}
			os.Remove(filepath.Join(dir, ".claude-ls.yaml"))
			stdout, stderr, code := runBounded(t, dir, "check", "inc.prompt", "cases.prompt")
			for _, want := range []string{"inc.prompt:6:9: error: cannot read include", "cases.prompt:5:"} {
				if !strings.Contains(stdout, want) || code != exitProblems {
					t.Errorf("check: exit %d, want %d and an error at %s\n%s%s", code, exitProblems, want, stdout, stderr)
				}
			}
			if !strings.Contains(stdout, "not a regular file") {
				t.Errorf("the errors do not say why:\n%s", stdout)
			}
		})
	}
}

// TestServeScanNeverReadsStdin: a prompt linked to /dev/stdin, where the
// protocol arrives, must not eat the client's requests; a FIFO must not
// block them.
func TestServeScanNeverReadsStdin(t *testing.T) {
	dir := newWorkspace(t, map[string]string{"ok.prompt": hostileHead + "---\nuser:\nHi\n",
		"laughs.prompt": hostileHead + laughsYAML("metadata", false) + "---\nuser:\nHi\n"})
	dir, _ = filepath.EvalSymlinks(dir)
	hostileFile(t, dir, "stdin.prompt", "/dev/stdin")
	hostileFile(t, dir, "fifo.prompt", "fifo")
	hostileFile(t, dir, "zero.prompt", "/dev/zero")
	hostileFile(t, dir, "huge.prompt", "2GiB")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", `ulimit -v 4194304 && exec "$0" serve`, binary)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOMEMLIMIT=256MiB")
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	root := "file://" + dir
	in.Write(frame(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": map[string]any{"capabilities": map[string]any{},
		"rootUri": root, "workspaceFolders": []map[string]any{{"uri": root, "name": "ws"}}}}))
	in.Write(frame(map[string]any{"jsonrpc": "2.0", "method": "initialized", "params": map[string]any{}}))
	time.Sleep(2 * time.Second) // the scan runs now; it would read what follows from stdin
	in.Write(frame(map[string]any{"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
	in.Write(frame(map[string]any{"jsonrpc": "2.0", "method": "exit"}))
	io.WriteString(in, "")
	err = cmd.Wait()
	if ctx.Err() != nil {
		t.Fatalf("serve did not answer shutdown and exit:\n%s\n%s", stdout.String(), stderr.String())
	}
	if err != nil {
		t.Fatalf("serve: %v\n%s", err, stderr.String())
	}
	checkPeakMemory(t, cmd.ProcessState, []string{"serve"})
	out := stdout.String()
	if !strings.Contains(out, `"id":2,"result":null`) {
		t.Errorf("no answer to shutdown:\n%s", out)
	}
	for _, name := range []string{"stdin.prompt", "fifo.prompt", "zero.prompt", "huge.prompt"} {
		if !regexpQuote(out, name, "file-refused") {
			t.Errorf("no file-refused diagnostic for %s:\n%s", name, out)
		}
	}
	if !regexpQuote(out, "laughs.prompt", "alias *") {
		t.Errorf("no alias error for laughs.prompt:\n%s", out)
	}
}

// regexpQuote reports whether a publishDiagnostics frame for name holds want.
func regexpQuote(out, name, want string) bool {
	for _, frame := range strings.Split(out, "Content-Length: ") {
		if strings.Contains(frame, "/"+name+`"`) && strings.Contains(frame, want) {
			return true
		}
	}
	return false
}
