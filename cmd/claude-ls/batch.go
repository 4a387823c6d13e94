package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/claude-ls/claude-ls/workbench"
)

const batchSynopsis = "status ID | results [--poll DURATION] ID"

// runBatch is `claude-ls batch status|results ID`: a batch started by
// `run --all-tests --batch`, found by its id in .claude-ls/batches/ of the
// workspace of the current folder.
func runBatch(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("batch", batchSynopsis, stderr)
	poll := fs.Duration("poll", 2*time.Second, "results: the first wait between status polls (it grows to 1 minute)")
	rest, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	switch {
	case len(rest) > 0 && rest[0] != "status" && rest[0] != "results":
		fmt.Fprintf(stderr, "claude-ls batch: unknown verb %q: use status or results\n", rest[0])
		return exitUsage
	case len(rest) != 2:
		fmt.Fprintln(stderr, "claude-ls batch: want a verb (status or results) and a batch id")
		fs.Usage()
		return exitUsage
	}
	sub, id := rest[0], rest[1]
	wd, _ := os.Getwd()
	root := workbench.FindRoot(wd)
	m, merr := workbench.LoadManifest(root, id)
	if merr != nil && sub == "results" {
		fmt.Fprintln(stderr, "claude-ls batch:", merr)
		return exitUsage
	}
	key, err := workbench.LoadKey(root)
	if err != nil {
		fmt.Fprintln(stderr, "claude-ls batch:", err)
		return exitUsage
	}
	ctx, stop := interruptible()
	defer stop()
	prog := newProgress(stderr)
	client := workbench.NewClient(key, workbench.BaseURL(root))
	client.OnRetry = func(note string) { prog.note("claude-ls: " + note) }

	if sub == "status" {
		version := ""
		if m != nil {
			version = m.Version
		}
		st, err := workbench.GetBatch(ctx, client, id, version)
		if err != nil {
			return failure("batch", "", workbench.Explain(err, key, nil), stderr)
		}
		fmt.Fprintf(stdout, "batch %s · %s · %d/%d done", st.ID, st.Status, st.Done(), st.Total())
		if st.IsEnded() {
			fmt.Fprintf(stdout, ": %d succeeded, %d errored, %d expired, %d canceled", st.Succeeded, st.Errored, st.Expired, st.Canceled)
		}
		fmt.Fprintln(stdout)
		if !st.Created.IsZero() {
			fmt.Fprintf(stdout, "created %s", st.Created.UTC().Format("2006-01-02 15:04:05 UTC"))
			if st.IsEnded() && !st.Ended.IsZero() {
				fmt.Fprintf(stdout, " · ended %s (after %s)", st.Ended.UTC().Format("2006-01-02 15:04:05 UTC"), workbench.FormatLatency(st.Ended.Sub(st.Created)))
			} else if !st.Expires.IsZero() {
				fmt.Fprintf(stdout, " · expires %s", st.Expires.UTC().Format("2006-01-02 15:04:05 UTC"))
			}
			fmt.Fprintln(stdout)
		}
		if m != nil {
			fmt.Fprintf(stdout, "prompt %s · %s", m.Prompt, countNoun(len(m.Requests), "request"))
			if m.Recorded {
				fmt.Fprint(stdout, " · results recorded")
			}
			fmt.Fprintln(stdout)
			if st.Status != m.Status {
				m.Status, m.Ended = st.Status, st.Ended
				workbench.SaveManifest(root, m)
			}
			if len(m.Reports) > 0 {
				fmt.Fprintf(stdout, "report %s\n", relTo(m.Reports[len(m.Reports)-1]))
			}
		} else {
			fmt.Fprintln(stdout, "not started from this workspace: its results cannot be matched to test cases here")
		}
		if st.IsEnded() {
			fmt.Fprintf(stdout, "results: claude-ls batch results %s\n", st.ID)
		}
		return exitOK
	}

	ws, err := openWorkspace(filepath.Join(root, filepath.FromSlash(m.Prompt)), false)
	if err != nil {
		fmt.Fprintln(stderr, "claude-ls batch:", err)
		return exitUsage
	}
	run, err := workbench.CollectBatch(ctx, ws, m, *poll, testHooks(prog, false, stderr))
	prog.clear()
	return testRunOutcome(m.Prompt, run, err, stdout, stderr)
}
