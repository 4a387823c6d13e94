package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"golang.org/x/term"

	"github.com/claude-ls/claude-ls/promptfile"
	"github.com/claude-ls/claude-ls/workbench"
)

// Exit codes of commands that call the API, beyond exitOK/exitProblems/exitUsage.
const (
	exitAPI         = 3   // the API call failed: key refused, request refused, retries exhausted, network
	exitGuard       = 4   // refused by the spending guard, or not confirmed
	exitInterrupted = 130 // Ctrl-C
)

func runRun(args []string, stdout, stderr io.Writer) int {
	if wantsTests(args) {
		return runTests(args, stdout, stderr) // testcases.go
	}
	fs := newFlags("run", "[--var NAME=VALUE]... [--test NAME] [--model ID] [--no-stream] [--yes] FILE\n       claude-ls run "+testsSynopsis, stderr)
	vars := varFlags{}
	fs.Var(vars, "var", "set a variable, `NAME=VALUE` (repeatable)")
	test := fs.String("test", "", "use the values of the test case `NAME`")
	model := fs.String("model", "", "run on model `ID` instead of the file's")
	noStream := fs.Bool("no-stream", false, "wait for the whole reply instead of streaming it")
	yes := fs.Bool("yes", false, "run without asking when the cost passes the confirmation threshold")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: claude-ls run [--var NAME=VALUE]... [--test NAME] [--model ID] [--no-stream] [--yes] FILE\n")
		fs.PrintDefaults()
		fmt.Fprintf(stderr, "\n       claude-ls run %s\n", testsSynopsis)
		newTestsFlags(stderr).fs.PrintDefaults()
	}
	files, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	path, p, code := onePrompt(fs, files, stderr)
	if code != exitOK {
		return code
	}
	ctx, stop := interruptible()
	defer stop()
	out := bufio.NewWriter(stdout)
	got := false
	hooks := hooksFor(*yes, stderr)
	hooks.Started = func(res *promptfile.Result) { printDiagnostics(stderr, path, res, promptfile.Warning) }
	hooks.Text = func(text string) {
		got = true
		out.WriteString(text)
		out.Flush()
	}
	r, err := workbench.Run(ctx, p, workbench.RunOptions{Vars: vars, Test: *test, Model: *model, Stream: !*noStream}, hooks)
	out.Flush()
	if got && r != nil && r.Reply != nil && !strings.HasSuffix(r.Reply.Text, "\n") {
		fmt.Fprintln(stdout)
	}
	if err != nil {
		if r != nil && r.Summary != "" {
			fmt.Fprintln(stderr, r.Summary)
		}
		return failure("run", path, err, stderr)
	}
	fmt.Fprintln(stderr, r.Summary)
	if r.Headroom != "" {
		fmt.Fprintln(stderr, r.Headroom)
	}
	return exitOK
}

// onePrompt opens the one prompt file a command takes, or prints the
// command's usage; path is as the user wrote it, for messages.
func onePrompt(fs *flag.FlagSet, files []string, stderr io.Writer) (path string, p workbench.Prompt, code int) {
	if len(files) != 1 {
		fs.Usage()
		return "", workbench.Prompt{}, exitUsage
	}
	p, code = openPrompt(files[0], stderr)
	return files[0], p, code
}

// openPrompt opens a prompt file in its workspace, for the use cases.
func openPrompt(path string, stderr io.Writer) (workbench.Prompt, int) {
	ws, err := openWorkspace(path, true)
	if err != nil {
		fmt.Fprintln(stderr, "claude-ls:", err)
		return workbench.Prompt{}, exitUsage
	}
	abs := absPath(path)
	src, err := workbench.ReadFile(ws.Root, abs)
	if err != nil {
		fmt.Fprintln(stderr, "claude-ls:", err)
		return workbench.Prompt{}, exitUsage
	}
	return workbench.Prompt{WS: ws, Path: abs, Src: src}, exitOK
}

// failure prints what stopped a use case and returns its exit code.
func failure(cmd, path string, err error, stderr io.Writer) int {
	var problems *workbench.ProblemsError
	var guard *workbench.GuardError
	var api *workbench.Problem
	var rejected *workbench.RejectedError
	switch {
	case errors.As(err, &rejected):
		fmt.Fprintf(stderr, "claude-ls %s: %s: %s; nothing written\n", cmd, filepath.ToSlash(path), rejected.Message)
		return exitProblems
	case errors.As(err, &problems):
		if problems.Result != nil {
			printDiagnostics(stderr, path, problems.Result, promptfile.Warning)
		}
		fmt.Fprintf(stderr, "claude-ls %s: %s: %s: nothing sent\n", cmd, filepath.ToSlash(path), problems.Message)
		return exitProblems
	case errors.Is(err, workbench.ErrNoKey):
		fmt.Fprintf(stderr, "claude-ls %s: %v\n", cmd, err)
		return exitUsage
	case errors.As(err, &guard) && guard.Unconfirmed && !isTerminal(os.Stdin):
		fmt.Fprintf(stderr, "claude-ls %s: %s; pass --yes to run anyway\n", cmd, guard.Message)
		return exitGuard
	case errors.As(err, &guard) && guard.Unconfirmed:
		fmt.Fprintf(stderr, "claude-ls %s: %s: not run\n", cmd, guard.Message)
		return exitGuard
	case errors.As(err, &guard):
		fmt.Fprintf(stderr, "claude-ls %s: %s\n", cmd, guard.Message)
		return exitGuard
	case errors.As(err, &api) && api.Canceled:
		fmt.Fprintf(stderr, "\nclaude-ls %s: canceled\n", cmd)
		return exitInterrupted
	case errors.As(err, &api):
		fmt.Fprintf(stderr, "claude-ls %s: %s\n", cmd, pathPrefixed(path, api))
		return exitAPI
	}
	fmt.Fprintf(stderr, "claude-ls %s: %v\n", cmd, err)
	return exitAPI
}

// printDiagnostics prints the diagnostics of res at least as severe as min.
func printDiagnostics(stderr io.Writer, path string, res *promptfile.Result, min promptfile.Severity) {
	for _, d := range res.Diagnostics {
		if d.Severity <= min {
			printDiagnostic(stderr, path, res.File, d)
		}
	}
}

// interruptible is the context of a command that Ctrl-C (or SIGTERM) stops.
func interruptible() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
}

// hooksFor are the use cases' hooks on a terminal: questions asked there (or
// answered by --yes), notes on stderr.
func hooksFor(yes bool, stderr io.Writer) workbench.Hooks {
	return workbench.Hooks{Ask: asker(yes), Note: func(note string) { fmt.Fprintln(stderr, "claude-ls:", note) }}
}

// asker asks on the terminal, or answers yes with --yes; with neither it
// cannot ask, and says how to go on.
func asker(yes bool) workbench.Asker {
	if yes {
		return func(string) bool { return true }
	}
	if !isTerminal(os.Stdin) {
		return nil
	}
	return func(question string) bool {
		fmt.Fprint(os.Stderr, "claude-ls: "+question+" [y/N] ")
		answer, _ := bufio.NewReader(os.Stdin).ReadString('\n')
		a := strings.ToLower(strings.TrimSpace(answer))
		return a == "y" || a == "yes"
	}
}

func pathPrefixed(path string, p *workbench.Problem) string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", filepath.ToSlash(path), p.Line, p.Message)
	}
	return p.Message
}

func absPath(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	return a
}

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }
