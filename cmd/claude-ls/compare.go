package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/claude-ls/claude-ls/workbench"
)

// runCompare is `claude-ls compare`: the test cases on the working file and
// on the version at --rev (default HEAD), in one report side by side.
func runCompare(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("compare", "[--rev REV] [--model ID[,ID]...] [--concurrency N] [--yes] FILE", stderr)
	rev := fs.String("rev", "HEAD", "the git revision to compare with, `REV`")
	models := fs.String("model", "", "run each case on each model of a comma-separated list `ID,ID` (default: each version's model)")
	concurrency := fs.Int("concurrency", workbench.DefaultConcurrency, "at most `N` requests at once")
	yes := fs.Bool("yes", false, "run without asking when the cost passes the confirmation threshold")
	files, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if *concurrency < 1 {
		fmt.Fprintf(stderr, "claude-ls compare: --concurrency must be at least 1, not %d\n", *concurrency)
		return exitUsage
	}
	path, p, code := onePrompt(fs, files, stderr)
	if code != exitOK {
		return code
	}
	ctx, stop := interruptible()
	defer stop()
	prog := newProgress(stderr)
	hooks := testHooks(prog, *yes, stderr)
	start := time.Now()
	hooks.Result = func(r workbench.TestResult, done, total int) {
		prog.bar(done, total, fmt.Sprintf("%.1f s", time.Since(start).Seconds()))
	}
	opts := workbench.CompareOptions{Rev: *rev, Tests: workbench.TestRunOptions{Models: workbench.SplitModels(*models), Concurrency: *concurrency}}
	c, err := workbench.CompareVersions(ctx, p, opts, hooks)
	prog.clear()
	if err != nil {
		var problems *workbench.ProblemsError
		var guard *workbench.GuardError
		var api *workbench.Problem
		if errors.As(err, &problems) || errors.As(err, &guard) || errors.As(err, &api) || errors.Is(err, workbench.ErrNoKey) {
			return failure("compare", path, err, stderr)
		}
		fmt.Fprintln(stderr, "claude-ls compare:", err)
		return exitUsage // git could not give the old version
	}
	o, n := c.Totals()
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	fmt.Fprintf(out, "old  %s (%s): %s\n", c.Rev, c.OldCommit, o.Summary(false))
	fmt.Fprintf(out, "new  working file: %s\n", n.Summary(false))
	if c.OldSrcSame {
		fmt.Fprintf(out, "(the file is unchanged since %s)\n", c.Rev)
	}
	fmt.Fprintf(out, "report: %s\n        %s\n", relTo(c.MDPath), relTo(c.HTMLPath))
	return exitOK
}
