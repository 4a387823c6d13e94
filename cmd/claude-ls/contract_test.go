package main

import (
	"strings"
	"testing"
)

// Every command keeps one contract: exit codes as the README says, the
// reason on stderr after "claude-ls CMD:", nothing on stdout when refused.
func TestOneContractForEveryCommand(t *testing.T) {
	bad := "---\nmodel: claude-sonnet-4-6\nmax_tokens: 100\n---\nuser:\nHi {{x}}\n"
	good := "---\nmodel: claude-sonnet-4-6\nmax_tokens: 100\ntests:\n  - name: one\n---\nuser:\nHi\n"
	dir := newWorkspace(t, map[string]string{"bad.prompt": bad, "good.prompt": good})
	for _, tc := range []struct {
		args     []string
		code     int
		stderr   string
		noStdout bool
	}{
		// A prompt with errors exits 1 from each command that reads it.
		{[]string{"render", "bad.prompt"}, exitProblems, "claude-ls render: bad.prompt: line 6: `x` has no value", true},
		{[]string{"export", "--lang", "go", "bad.prompt"}, exitProblems, "claude-ls export: bad.prompt: line 6", true},
		{[]string{"run", "bad.prompt"}, exitProblems, "claude-ls run: bad.prompt: line 6", true},
		{[]string{"count", "bad.prompt"}, exitProblems, "bad.prompt:6:6: error: `x` has no value", false},
		// Usage problems exit 2 with the reason.
		{[]string{"render", "--test", "nope", "good.prompt"}, exitUsage, "claude-ls render: --test nope: no test case of that name (its cases are one)", true},
		{[]string{"count", "--test", "nope", "good.prompt"}, exitUsage, "claude-ls count: --test nope", true},
		{[]string{"export", "good.prompt"}, exitUsage, "claude-ls export: --lang is required", true},
		{[]string{"run", "--all-tests", "--concurrency", "0", "good.prompt"}, exitUsage, "claude-ls run: --concurrency must be at least 1", true},
		{[]string{"batch", "frob", "x"}, exitUsage, `claude-ls batch: unknown verb "frob": use status or results`, true},
		// count names the nearest id of an unknown model.
		{[]string{"count", "--model", "claude-sonet-4-6", "good.prompt"}, exitOK, "did you mean `claude-sonnet-4-6`?", false},
	} {
		out, errOut, code := runCLI(t, dir, tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.stderr) || (tc.noStdout && out != "") {
			t.Errorf("%v: exit %d (want %d)\nstdout %q\nstderr %s", tc.args, code, tc.code, out, errOut)
		}
	}
	// --help lists every flag a command takes: run's includes the test runs'.
	_, help, code := runCLI(t, dir, "run", "--help")
	for _, flag := range []string{"-no-stream", "-test", "-all-tests", "-batch", "-no-wait", "-concurrency", "-poll"} {
		if code != exitOK || !strings.Contains(help, "  "+flag) {
			t.Errorf("run --help (exit %d) lacks %s:\n%s", code, flag, help)
		}
	}
}

// A binary file is one error, not one per line of noise; a failed include is
// its own error, not also an "empty block" or "no message".
func TestOneErrorForOneProblem(t *testing.T) {
	dir := newWorkspace(t, map[string]string{
		"bin.prompt": "\x7fELF\x02\x01\x01\x00\x00\x00garbage\xff\xfe\n\x00\x00more\n",
		"inc.prompt": "---\nmodel: claude-sonnet-4-6\nmax_tokens: 100\n---\nuser:\n{{file \"nope.txt\"}}\n",
	})
	for name, want := range map[string]string{"bin.prompt": "[binary]", "inc.prompt": "[include-missing]"} {
		out, _, code := runCLI(t, dir, "check", name)
		if lines := strings.Split(strings.TrimSpace(out), "\n"); code != exitProblems || len(lines) != 1 || !strings.HasSuffix(lines[0], want) {
			t.Errorf("check %s: exit %d:\n%s", name, code, out)
		}
	}
}
