package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

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
		return runTests(args, stdout, stderr) // tests.go
	}
	fs := newFlags("run", "[--var NAME=VALUE]... [--test NAME] [--model ID] [--no-stream] [--yes] FILE\n       claude-ls run "+testsSynopsis, stderr)
	vars := varFlags{}
	fs.Var(vars, "var", "set a variable, `NAME=VALUE` (repeatable)")
	test := fs.String("test", "", "use the values of the test case `NAME`")
	model := fs.String("model", "", "run on model `ID` instead of the file's")
	noStream := fs.Bool("no-stream", false, "wait for the whole reply instead of streaming it")
	yes := fs.Bool("yes", false, "run without asking when the cost passes the confirmation threshold")
	files, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(files) != 1 {
		fs.Usage()
		return exitUsage
	}
	path := files[0]
	ws, err := openWorkspace(path, true)
	if err != nil {
		fmt.Fprintln(stderr, "claude-ls run:", err)
		return exitUsage
	}
	res, code := analyzeForRun(path, promptfile.Options{Vars: vars, Test: *test, Model: *model, Strict: true}, true, stderr)
	if res == nil {
		return code
	}
	key, err := workbench.LoadKey(ws.Root)
	if err != nil {
		fmt.Fprintln(stderr, "claude-ls run:", err)
		return exitUsage
	}
	if code := guard(ws, workbench.WorstCase(res), 1, *yes, stderr); code != exitOK {
		return code
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	client := workbench.NewClient(key, workbench.BaseURL(ws.Root))
	client.OnRetry = func(note string) { fmt.Fprintln(stderr, "claude-ls:", note) }
	body, _ := res.Request.MarshalJSON()
	out := bufio.NewWriter(stdout)
	reply, err := client.Send(ctx, body, res.Version, !*noStream, func(text string) {
		out.WriteString(text)
		out.Flush()
	})
	out.Flush()
	if err != nil {
		p := workbench.Explain(err, key, res)
		if p.Canceled {
			fmt.Fprintln(stderr, "\nclaude-ls run: canceled")
			return exitInterrupted
		}
		fmt.Fprintf(stderr, "claude-ls run: %s\n", pathPrefixed(path, p))
		return exitAPI
	}
	if !strings.HasSuffix(reply.Text, "\n") {
		fmt.Fprintln(stdout)
	}
	cost := workbench.CostOf(res.Model, reply.Usage, false)
	fmt.Fprintln(stderr, reply.Summary(cost, res.Model != nil))
	rel, _ := filepath.Rel(ws.Root, absPath(path))
	rec := workbench.Record{Time: time.Now().UTC(), Prompt: filepath.ToSlash(rel), Test: *test, Model: reply.Model,
		RequestHash: workbench.RequestHash(body, res.Version), Usage: reply.Usage, CostUSD: cost,
		LatencyMS: reply.Latency.Milliseconds(), StopReason: reply.StopReason, Reply: reply.Text}
	if err := workbench.AppendRecord(ws.Root, rec, key); err != nil {
		fmt.Fprintln(stderr, "claude-ls run: the run was not recorded:", err)
	}
	real := reply.Usage.TotalInput()
	workbench.Calibrate(ws.Root, res.ModelID, real, int64(res.Tokens.Raw))
	return exitOK
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

// guard applies the spending guard to n requests whose worst case together
// is worst; it asks on a terminal.
func guard(ws *workbench.Workspace, worst promptfile.USD, n int, yes bool, stderr io.Writer) int {
	records, _ := workbench.ReadRecords(ws.Root)
	verdict, msg := workbench.Guard(worst, workbench.MonthSpend(records, time.Now()), ws.Config.Budget)
	it := "it"
	if n > 1 {
		msg = strings.Replace(msg, "this run", "these "+countNoun(n, "request"), 1)
		it = "them"
	}
	switch verdict {
	case workbench.Refuse:
		fmt.Fprintln(stderr, "claude-ls run:", msg)
		return exitGuard
	case workbench.Confirm:
		if yes {
			return exitOK
		}
		if !isTerminal(os.Stdin) {
			fmt.Fprintln(stderr, "claude-ls run:", msg+"; pass --yes to run "+it+" anyway")
			return exitGuard
		}
		fmt.Fprint(stderr, "claude-ls: "+msg+". Run "+it+"? [y/N] ")
		answer, _ := bufio.NewReader(os.Stdin).ReadString('\n')
		if a := strings.ToLower(strings.TrimSpace(answer)); a != "y" && a != "yes" {
			fmt.Fprintln(stderr, "claude-ls run: not run")
			return exitGuard
		}
	}
	return exitOK
}

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }
