package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/claude-ls/claude-ls/promptfile"
	"github.com/claude-ls/claude-ls/workbench"
)

const testsSynopsis = "--all-tests [--model ID[,ID]...] [--batch [--no-wait] [--poll DURATION]] [--concurrency N] [--var NAME=VALUE]... [--yes] FILE"

// wantsTests says whether run's arguments ask for the test cases rather
// than one run.
func wantsTests(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if strings.HasPrefix(a, "-") && (name == "all-tests" || name == "batch") {
			return true
		}
	}
	return false
}

// runTests is `claude-ls run --all-tests`: every test case on every model,
// directly with bounded concurrency or through the Message Batches API,
// with a table, a report and a record of each run.
// testsFlags are the flags of `run --all-tests`; run's --help lists them too.
type testsFlags struct {
	fs                 *flag.FlagSet
	vars               varFlags
	models             *string
	batch, noWait, yes *bool
	poll               *time.Duration
	concurrency        *int
}

func newTestsFlags(stderr io.Writer) *testsFlags {
	f := &testsFlags{fs: newFlags("run", testsSynopsis, stderr), vars: varFlags{}}
	fs := f.fs
	fs.Var(f.vars, "var", "set a variable in every case, `NAME=VALUE` (repeatable)")
	fs.Bool("all-tests", true, "run every test case of the file and check its expectations")
	f.models = fs.String("model", "", "run each case on each model of a comma-separated list `ID,ID` (default: the file's model)")
	f.batch = fs.Bool("batch", false, "send the cases through the Message Batches API, at half price")
	f.noWait = fs.Bool("no-wait", false, "with --batch: create the batch and exit; fetch later with 'claude-ls batch results ID'")
	f.poll = fs.Duration("poll", 2*time.Second, "with --batch: the first wait between status polls (it grows to 1 minute)")
	f.concurrency = fs.Int("concurrency", workbench.DefaultConcurrency, "at most `N` requests at once (lowered while the API answers 429)")
	f.yes = fs.Bool("yes", false, "run without asking when the cost passes the confirmation threshold")
	return f
}

func runTests(args []string, stdout, stderr io.Writer) int {
	f := newTestsFlags(stderr)
	vars, models, batch, noWait, poll, concurrency, yes := f.vars, f.models, f.batch, f.noWait, f.poll, f.concurrency, f.yes
	files, code, ok := parseFlags(f.fs, args)
	if !ok {
		return code
	}
	if *concurrency < 1 {
		fmt.Fprintf(stderr, "claude-ls run: --concurrency must be at least 1, not %d\n", *concurrency)
		return exitUsage
	}
	path, p, code := onePrompt(f.fs, files, stderr)
	if code != exitOK {
		return code
	}
	ctx, stop := interruptible()
	defer stop()
	prog := newProgress(stderr)
	var failed int
	var spent promptfile.USD
	start := time.Now()
	hooks := testHooks(prog, *yes, stderr)
	hooks.Planned = func(jobs []workbench.TestJob) { printWarnings(stderr, path, jobs) }
	hooks.Result = func(r workbench.TestResult, done, total int) {
		if r.Failed() || r.Broken() {
			failed++
		}
		spent += r.Cost
		prog.bar(done, total, fmt.Sprintf("%s · %s · %.1f s", plainCount(failed, "failed"), spent, time.Since(start).Seconds()))
	}
	hooks.BatchCreated = func(m *workbench.BatchManifest) {
		fmt.Fprintf(stderr, "claude-ls: batch %s created: %s at batch prices; Ctrl-C stops waiting, not the batch\n", m.ID, countNoun(len(m.Requests), "request"))
		if *noWait {
			fmt.Fprintf(stdout, "%s\n", m.ID)
			fmt.Fprintf(stderr, "claude-ls: follow it with 'claude-ls batch status %s'; fetch the results with 'claude-ls batch results %s'\n", m.ID, m.ID)
		}
	}
	opts := workbench.TestRunOptions{Vars: vars, Models: workbench.SplitModels(*models), Concurrency: *concurrency, Batch: *batch, NoWait: *noWait, Poll: *poll}
	run, err := workbench.RunTestCases(ctx, p, opts, hooks)
	prog.clear()
	return testRunOutcome(path, run, err, stdout, stderr)
}

// testHooks shows a test run's notes and batch polls on stderr.
func testHooks(prog *progress, yes bool, stderr io.Writer) workbench.TestHooks {
	last := ""
	return workbench.TestHooks{
		Hooks: workbench.Hooks{Ask: asker(yes), Note: func(note string) { prog.note("claude-ls: " + note) }},
		BatchStatus: func(st *workbench.BatchStatus, since time.Time) {
			line := fmt.Sprintf("batch %s · %s · %d/%d done", st.ID, strings.ReplaceAll(st.Status, "_", " "), st.Done(), st.Total())
			if prog.on {
				prog.bar(int(st.Done()), int(st.Total()), fmt.Sprintf("%s · %s", strings.ReplaceAll(st.Status, "_", " "), time.Since(since).Round(time.Second).String()))
			} else if line != last {
				fmt.Fprintln(stderr, "claude-ls:", line)
			}
			last = line
		},
	}
}

// testRunOutcome presents a test run or a collected batch and returns the
// exit code: 1 when an expectation failed, 3 when a case got no reply.
func testRunOutcome(path string, run *workbench.TestRun, err error, stdout, stderr io.Writer) int {
	var api *workbench.Problem
	if run != nil && run.Manifest != nil && run.Report == nil {
		id := run.Manifest.ID
		switch {
		case err == nil: // --no-wait
			return exitOK
		case errors.As(err, &api) && api.Canceled:
			fmt.Fprintln(stderr, "claude-ls:", workbench.BatchWaitMessage(id))
			return exitInterrupted
		default:
			fmt.Fprintf(stderr, "claude-ls: batch %s: %v; resume with 'claude-ls batch results %s'\n", id, err, id)
			return exitAPI
		}
	}
	if run == nil || run.Report == nil {
		return failure("run", path, err, stderr)
	}
	code := report(run, stdout, stderr)
	if errors.As(err, &api) && api.Canceled {
		fmt.Fprintln(stderr, "claude-ls run: interrupted; the cases that finished are recorded and in the report")
		return exitInterrupted
	}
	return code
}

// report prints the table and the summary and names the report files; it
// returns the exit code (1 when an expectation failed, 3 when a case got
// no reply, else 0).
func report(run *workbench.TestRun, stdout, stderr io.Writer) int {
	rep := run.Report
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	printTable(out, rep)
	t := workbench.TallyOf(rep.Results)
	fmt.Fprintf(out, "\n%s\n", t.Summary(rep.BatchID != ""))
	if run.ReportErr != nil {
		fmt.Fprintln(stderr, "claude-ls: the report was not written:", run.ReportErr)
	} else {
		fmt.Fprintf(out, "report: %s\n        %s\n", relTo(run.MD), relTo(run.HTML))
	}
	switch {
	case t.Failed > 0:
		return exitProblems
	case t.Errors > 0:
		return exitAPI
	}
	return exitOK
}

// printTable is one line per case and model, then what failed.
func printTable(w io.Writer, rep *workbench.Report) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "case\tmodel\tresult\tin\tout\tcost\tlatency\treply")
	var failures []string
	for _, r := range rep.Results {
		in, out, cost, lat, words := "-", "-", "-", "-", ""
		if r.Reply != nil {
			u := r.Reply.Usage
			in = promptfile.GroupDigits(int(u.TotalInput()))
			out = promptfile.GroupDigits(int(u.Output))
			cost = r.Cost.String()
			if !r.Priced {
				cost = "?"
			}
			lat = workbench.FormatLatency(r.Reply.Latency)
			if rep.BatchID != "" {
				lat = "batch"
			}
			words = workbench.FirstWords(r.Reply.Text, 8)
		} else {
			words = workbench.FirstWords(r.Error, 8)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Case, r.ModelID, r.Status, in, out, cost, lat, words)
		for _, c := range r.Checks {
			if !c.OK {
				failures = append(failures, fmt.Sprintf("  %s on %s: %s: %s", r.Case, r.ModelID, c.Name, c.Detail))
			}
		}
		if r.Broken() && r.Error != "" {
			failures = append(failures, fmt.Sprintf("  %s on %s: %s", r.Case, r.ModelID, r.Error))
		}
	}
	tw.Flush()
	if len(failures) > 0 {
		fmt.Fprintln(w, "\nproblems:")
		for _, f := range failures {
			fmt.Fprintln(w, f)
		}
	}
}

// printWarnings shows each distinct warning of the renderings once.
func printWarnings(stderr io.Writer, path string, jobs []workbench.TestJob) {
	seen := map[string]bool{}
	for _, j := range jobs {
		for _, d := range j.Result.Diagnostics {
			if d.Severity != promptfile.Warning || seen[d.Code+d.Message] {
				continue
			}
			seen[d.Code+d.Message] = true
			printDiagnostic(stderr, path, j.Result.File, d)
		}
	}
}

func plainCount(n int, word string) string { return fmt.Sprintf("%d %s", n, word) }

// relTo shows a path relative to the current folder when it is inside it.
func relTo(p string) string {
	if wd, err := os.Getwd(); err == nil {
		if r, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(r, "..") {
			return filepath.ToSlash(r)
		}
	}
	return p
}

// progress draws a bar on stderr when it is a terminal; notes go above it.
type progress struct {
	mu   sync.Mutex
	w    io.Writer
	on   bool
	line string
}

func newProgress(stderr io.Writer) *progress {
	f, ok := stderr.(*os.File)
	return &progress{w: stderr, on: ok && isTerminal(f)}
}

func (p *progress) bar(done, total int, tail string) {
	if !p.on {
		return
	}
	const width = 24
	filled := 0
	if total > 0 {
		filled = done * width / total
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.line = fmt.Sprintf("[%s%s] %d/%d · %s", strings.Repeat("█", filled), strings.Repeat("░", width-filled), done, total, tail)
	fmt.Fprint(p.w, "\r\033[K"+p.line)
}

func (p *progress) note(msg string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.on && p.line != "" {
		fmt.Fprint(p.w, "\r\033[K")
	}
	fmt.Fprintln(p.w, msg)
	if p.on && p.line != "" {
		fmt.Fprint(p.w, p.line)
	}
}

func (p *progress) clear() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.on && p.line != "" {
		fmt.Fprint(p.w, "\r\033[K")
		p.line = ""
	}
}
