package workbench

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/claude-ls/claude-ls/promptfile"
)

// TestRunOptions choose what RunTestCases sends.
type TestRunOptions struct {
	Vars        map[string]string // set in every case
	Models      []string          // run each case on each; empty: the file's model
	Concurrency int               // direct runs: at most this many at once (default DefaultConcurrency)
	Batch       bool              // through the Message Batches API, at half price
	NoWait      bool              // batch: create it and return
	Poll        time.Duration     // batch: the first wait between polls
	Budget      *promptfile.MonthlyBudget
}

// TestHooks are Hooks plus what a test run reports as it goes.
type TestHooks struct {
	Hooks
	Planned      func(jobs []TestJob)                   // rendered, before the guard: show warnings
	Result       func(r TestResult, done, total int)    // a direct run's case finished
	BatchCreated func(m *BatchManifest)                 // the batch exists; its manifest is saved
	BatchStatus  func(st *BatchStatus, since time.Time) // a poll's answer
}

// TestRun is what a test run gave.
type TestRun struct {
	Jobs     []TestJob
	Manifest *BatchManifest // batches only
	Report   *Report        // nil when a batch was not waited for
	MD, HTML string         // the report files; empty when they could not be written
	// ReportErr says why the report files were not written.
	ReportErr error
}

// SplitModels reads a comma-separated list of model ids.
func SplitModels(list string) []string {
	var out []string
	for _, m := range strings.Split(list, ",") {
		if m = strings.TrimSpace(m); m != "" {
			out = append(out, m)
		}
	}
	return out
}

// PlanTestCases renders every test case of p on every model.
func PlanTestCases(p Prompt, opts TestRunOptions) ([]TestJob, error) {
	analyze := func(o promptfile.Options) *promptfile.Result {
		o.Vars = opts.Vars
		return p.Analyze(o)
	}
	return PlanTests(analyze(promptfile.Options{}), opts.Models, analyze)
}

// RunTestCases runs every test case of p, directly with bounded concurrency
// or as one batch, under the spending guard; each case is recorded as it
// finishes (a batch's when its results are fetched), and a report is
// written. Cancelled, the cases that finished are recorded and reported
// and the error is the *Problem "canceled"; a batch goes on and can be
// collected later with CollectBatch.
func RunTestCases(ctx context.Context, p Prompt, opts TestRunOptions, h TestHooks) (*TestRun, error) {
	jobs, err := PlanTestCases(p, opts)
	if err != nil {
		return nil, &ProblemsError{Message: err.Error()}
	}
	if h.Planned != nil {
		h.Planned(jobs)
	}
	key, err := LoadKey(p.WS.Root)
	if err != nil {
		return nil, err
	}
	if !opts.Batch { // a batch runs under limits of its own, which no header reports
		for _, need := range limitNeeds(jobs) {
			if err := FitsLimits(p.WS.Root, need, time.Now()); err != nil {
				h.note(err.Error())
			}
		}
	}
	priced := true
	for _, j := range jobs {
		priced = priced && j.Model != nil
	}
	rsv, err := p.WS.Reserve(Spend{Worst: WorstCaseOf(jobs, opts.Batch), N: len(jobs), Priced: priced, Batch: opts.Batch}, p.WS.budget(opts.Budget), h.Ask)
	if err != nil {
		return nil, err
	}
	// Cases are recorded as they finish; the batch's manifest holds its
	// worst case once it exists. Either way the reservation ends here.
	defer rsv.Release()
	if h.Started != nil && len(jobs) > 0 {
		h.Started(jobs[0].Result)
	}
	client := NewClient(key, BaseURL(p.WS.Root))
	client.OnRetry = h.Note
	run := &TestRun{Jobs: jobs}
	if opts.Batch {
		m, err := CreateBatch(ctx, client, p.WS.Root, p.Rel(), jobs)
		if err != nil {
			if m != nil { // created, but the manifest was not written
				return run, errors.New(key.Redact(err.Error()))
			}
			return run, Explain(err, key, nil)
		}
		run.Manifest = m
		rsv.Release()
		if h.BatchCreated != nil {
			h.BatchCreated(m)
		}
		if opts.NoWait {
			return run, nil
		}
		return CollectBatch(ctx, p.WS, m, opts.Poll, h)
	}
	start := time.Now().UTC()
	results := RunTests(ctx, client, jobs, TestOptions{Root: p.WS.Root, Prompt: p.Rel(), Concurrency: opts.Concurrency, OnResult: h.Result})
	run.Report = &Report{Prompt: p.Rel(), Time: start, Results: results}
	run.MD, run.HTML, run.ReportErr = WriteReports(p.WS.Root, run.Report, key)
	if ctx.Err() != nil {
		return run, &Problem{Message: "canceled", Canceled: true}
	}
	return run, nil
}

// limitNeeds is what jobs ask of each model's rate limits: requests, input
// tokens, and max_tokens of output (which the API counts at the start).
func limitNeeds(jobs []TestJob) []LimitNeed {
	var out []LimitNeed
	at := map[string]int{}
	for _, j := range jobs {
		i, ok := at[j.ModelID]
		if !ok {
			i = len(out)
			at[j.ModelID] = i
			out = append(out, LimitNeed{Model: j.ModelID})
		}
		out[i].Requests++
		if j.Result != nil {
			out[i].InputTokens += int64(j.Result.Tokens.Input)
			out[i].OutputTokens += int64(j.Result.MaxTokens)
		}
	}
	return out
}

// CollectBatch waits for a batch to end, fetches its results (recorded
// once, whoever fetches them), and writes its report. Cancelled while
// waiting, it returns the *Problem "canceled": the batch goes on.
func CollectBatch(ctx context.Context, w *Workspace, m *BatchManifest, poll time.Duration, h TestHooks) (*TestRun, error) {
	key, err := LoadKey(w.Root)
	if err != nil {
		return nil, err
	}
	client := NewClient(key, BaseURL(w.Root))
	client.OnRetry = h.Note
	run := &TestRun{Manifest: m}
	start := time.Now()
	if !m.Created.IsZero() {
		start = m.Created
	}
	_, err = WaitBatch(ctx, client, w.Root, m, WaitOptions{Poll: poll, OnStatus: func(st *BatchStatus) {
		if h.BatchStatus != nil {
			h.BatchStatus(st, start)
		}
	}})
	if err != nil {
		return run, Explain(err, key, nil)
	}
	lookup := func(id string) *promptfile.Model {
		if mod, ok := w.Catalog.Lookup(id); ok {
			return mod
		}
		return nil
	}
	results, err := BatchResults(ctx, client, w.Root, m, lookup)
	if results == nil {
		return run, Explain(err, key, nil)
	}
	if err != nil {
		h.note(err.Error())
	}
	run.Report = BatchReport(m, results)
	run.MD, run.HTML, run.ReportErr = WriteReports(w.Root, run.Report, key)
	if run.ReportErr == nil {
		m.Reports = []string{run.MD, run.HTML}
		SaveManifest(w.Root, m)
	}
	return run, nil
}

// BatchWaitMessage says what to do after the wait for a batch stopped.
func BatchWaitMessage(id string) string {
	return fmt.Sprintf("stopped waiting; batch %s goes on. Resume with 'claude-ls batch results %s' (or see it with 'claude-ls batch status %s')", id, id, id)
}
