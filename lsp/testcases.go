package lsp

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
	"go.yaml.in/yaml/v3"

	"github.com/claude-ls/claude-ls/promptfile"
	"github.com/claude-ls/claude-ls/workbench"
)

// maxLensCases is how many cases the code lens renders to price a test run;
// beyond it the figure is extrapolated.
const maxLensCases = 50

// testLenses are the lenses on the `tests:` key: run every case, or run
// them as a batch at half price, each with its estimated cost.
func (s *Server) testLenses(d *Document, snap *Snapshot) []protocol.CodeLens {
	if snap == nil || snap.File == nil || snap.Result == nil || snap.ws == nil {
		return nil
	}
	e := snap.File.Front.Lookup("tests")
	if e == nil {
		return nil
	}
	n := len(snap.Result.Tests)
	if n == 0 {
		return nil
	}
	est, ok := estimateTests(d.path, snap)
	rng := toRange(snap.File.Map, e.KeyAt, s.positionEncoding())
	raw, _ := jsonMarshal(map[string]any{"uri": string(d.uri)})
	run, batch := "▶ Run "+plural(n, "test"), "Run as batch"
	if ok {
		run += fmt.Sprintf(" · ≈ %s in · out ≤ %s", est.InputUSD, est.OutputMaxUSD)
		batch += fmt.Sprintf(" · ≈ %s in · out ≤ %s", est.BatchInputUSD, est.BatchOutputMaxUSD)
	}
	return []protocol.CodeLens{
		{Range: rng, Command: protocol.Command{Title: run, Command: CommandRunTests, Arguments: []protocol.LSPAny{raw}}},
		{Range: rng, Command: protocol.Command{Title: batch, Command: CommandRunBatch, Arguments: []protocol.LSPAny{raw}}},
	}
}

// estimateTests sums the estimated input cost and the output upper bound of
// every case on the file's model, rendering at most maxLensCases of them;
// false when the model has no prices.
func estimateTests(path string, snap *Snapshot) (promptfile.Estimate, bool) {
	var sum promptfile.Estimate
	tests := snap.Result.Tests
	if snap.Result.Model == nil || len(tests) == 0 {
		return sum, false
	}
	engine := snap.ws.engine()
	k := min(len(tests), maxLensCases)
	for _, tc := range tests[:k] {
		res := promptfile.Analyze(promptfile.Parse(snap.Text), engine, promptfile.Options{Path: path, Test: tc.Name})
		if res.Model == nil {
			return sum, false
		}
		c := res.Tokens.Cost
		sum.InputUSD += c.InputUSD
		sum.OutputMaxUSD += c.OutputMaxUSD
		sum.BatchInputUSD += c.BatchInputUSD
		sum.BatchOutputMaxUSD += c.BatchOutputMaxUSD
	}
	if k < len(tests) {
		scale := func(u promptfile.USD) promptfile.USD { return u / promptfile.USD(k) * promptfile.USD(len(tests)) }
		sum.InputUSD, sum.OutputMaxUSD = scale(sum.InputUSD), scale(sum.OutputMaxUSD)
		sum.BatchInputUSD, sum.BatchOutputMaxUSD = scale(sum.BatchInputUSD), scale(sum.BatchOutputMaxUSD)
	}
	return sum, true
}

// startTests runs every test case (on each model of args.model, a comma
// separated list) in the background, directly or as a batch, and opens the
// report when it is done. A second test run of the same file cancels the
// first; cancelling a batch's progress stops the wait, not the batch.
func (s *Server) startTests(d *Document, args commandArgs, batch bool, token protocol.ProgressToken) protocol.LSPAny {
	snap := d.Snapshot()
	key := uri.URI(string(d.uri) + "#tests") // apart from single runs of the file
	st := s.runs.start(key, token, "claude-ls-tests")
	go func() {
		defer s.runs.finish(key, st)
		s.runTests(st.ctx, d, snap, args, batch, st.token, token != nil)
	}()
	raw, _ := jsonMarshal(map[string]any{"started": true, "token": st.token})
	return raw
}

func (s *Server) runTests(ctx context.Context, d *Document, snap *Snapshot, args commandArgs, batch bool, token string, given bool) {
	bg := context.WithoutCancel(ctx)
	name := filepath.Base(d.path)
	var prog *progress
	hooks := workbench.TestHooks{Hooks: workbench.Hooks{Ask: s.asker(bg), Note: func(note string) { prog.report(bg, note) }}}
	hooks.Planned = func(jobs []workbench.TestJob) {
		title := fmt.Sprintf("Claude: %s of %s", plural(len(jobs), "test run"), name)
		if batch {
			title = fmt.Sprintf("Claude: batch of %s for %s", plural(len(jobs), "request"), name)
		}
		prog = s.beginProgress(bg, token, given, title)
	}
	failed := 0
	hooks.Result = func(r workbench.TestResult, done, total int) {
		if r.Failed() || r.Broken() {
			failed++
		}
		pct := uint32(done * 100 / total)
		msg := fmt.Sprintf("%d/%d · %d failed", done, total, failed)
		prog.send(bg, protocol.WorkDoneProgressReport{Kind: "report", Message: &msg, Percentage: &pct})
	}
	hooks.BatchStatus = func(st *workbench.BatchStatus, since time.Time) {
		prog.report(bg, fmt.Sprintf("batch %s · %s · %d/%d done · %s", st.ID, strings.ReplaceAll(st.Status, "_", " "), st.Done(), st.Total(),
			time.Since(since).Round(time.Second).String()))
	}
	p := workbench.Prompt{WS: snap.ws.ws, Path: d.path, Src: snap.Text, Read: snap.ws.read}
	opts := workbench.TestRunOptions{Vars: args.Vars, Models: workbench.SplitModels(args.Model), Batch: batch, Budget: s.settingsBudget()}
	run, err := workbench.RunTestCases(ctx, p, opts, hooks)
	var api *workbench.Problem
	canceled := errors.As(err, &api) && api.Canceled
	switch {
	case run != nil && run.Manifest != nil && run.Report == nil && canceled:
		msg := fmt.Sprintf("stopped waiting; batch %s goes on: `claude-ls batch results %s` fetches its results, or run the batch lens again later", run.Manifest.ID, run.Manifest.ID)
		prog.end(bg, msg)
		s.showMessage(bg, protocol.MessageTypeInfo, msg)
		return
	case run != nil && run.Manifest != nil && run.Report == nil:
		prog.end(bg, "failed")
		s.showMessage(bg, protocol.MessageTypeError, fmt.Sprintf("batch %s: %v; `claude-ls batch results %s` resumes", run.Manifest.ID, err, run.Manifest.ID))
		return
	case run == nil || run.Report == nil:
		msg := "not run"
		var problems *workbench.ProblemsError
		if errors.As(err, &problems) {
			s.showMessage(bg, protocol.MessageTypeError, "tests not run: "+problems.Message)
		} else {
			msg = s.runFailure(bg, err)
		}
		prog.end(bg, msg)
		return
	case canceled:
		prog.end(bg, "canceled; the cases that finished are recorded")
		return
	}
	t := workbench.TallyOf(run.Report.Results)
	summary := t.Summary(batch)
	if run.ReportErr != nil {
		prog.end(bg, summary)
		s.showMessage(bg, protocol.MessageTypeError, "the report was not written: "+run.ReportErr.Error())
		return
	}
	s.showReport(bg, run.MD)
	prog.end(bg, summary)
	if t.Failed+t.Errors > 0 {
		s.showMessage(bg, protocol.MessageTypeWarning, fmt.Sprintf("%s: %s; report %s", name, summary, run.MD))
	}
}

// testCaseAt finds the test case (as promptfile names it) whose name or
// key is at off: its name and the span under the cursor.
func testCaseAt(f *promptfile.File, tests []*promptfile.TestCase, off int) (string, promptfile.Span, bool) {
	fm := f.Front
	e := fm.Lookup("tests")
	if e == nil || e.Value == nil || e.Value.Kind != yaml.SequenceNode || !e.At.Contains(off) {
		return "", promptfile.Span{}, false
	}
	for _, c := range e.Value.Content {
		at := fm.NodeSpan(c)
		if c.Kind != yaml.MappingNode || !at.Contains(off) {
			continue
		}
		for _, tc := range tests {
			if tc.At != at {
				continue
			}
			for j := 0; j+1 < len(c.Content); j += 2 {
				k, v := c.Content[j], c.Content[j+1]
				if ks := fm.NodeSpan(k); ks.Contains(off) {
					return tc.Name, ks, true
				}
				if vs := fm.NodeSpan(v); k.Value == "name" && vs.Contains(off) {
					return tc.Name, vs, true
				}
			}
		}
	}
	return "", promptfile.Span{}, false
}

// hoverTestCase shows the last result of the test case under the cursor,
// checked against its expectations as they are now; on a variable's key it
// adds the variable's hover.
func hoverTestCase(snap *Snapshot, path string, off int) (string, promptfile.Span, bool) {
	if snap == nil || snap.File == nil || snap.Result == nil || snap.ws == nil || snap.File.Front == nil || path == "" {
		return "", promptfile.Span{}, false
	}
	name, span, ok := testCaseAt(snap.File, snap.Result.Tests, off)
	if !ok {
		return "", promptfile.Span{}, false
	}
	var ex *promptfile.Expect
	for _, tc := range snap.Result.Tests {
		if tc.Name == name {
			ex = tc.Expect
		}
	}
	root := snap.ws.ws.Root
	var sb strings.Builder
	fmt.Fprintf(&sb, "**Test case `%s`**", name)
	if ex != nil {
		sb.WriteString(" · " + expectText(ex))
	}
	sb.WriteString("\n\n")
	rel, err := filepath.Rel(root, path)
	last := workbench.LastResults(root, filepath.ToSlash(rel), name)
	switch {
	case err != nil || len(last) == 0:
		sb.WriteString("Not run yet: the lens on `tests:` runs every case (`claude-ls run --all-tests` in a terminal).")
	default:
		for _, rec := range last {
			sb.WriteString(lastResultLine(rec, ex))
		}
	}
	if t := snap.File.At(off); t.Kind == promptfile.TestVarTarget {
		if v := hoverVar(snap.File, snap.Result, t.Name); v != "" {
			sb.WriteString("\n\n---\n\n" + v)
		}
	}
	return sb.String(), span, true
}

func expectText(ex *promptfile.Expect) string {
	var parts []string
	for _, c := range ex.Contains {
		parts = append(parts, fmt.Sprintf("contains %q", c))
	}
	for _, c := range ex.NotContains {
		parts = append(parts, fmt.Sprintf("not_contains %q", c))
	}
	if ex.Regex != "" {
		parts = append(parts, fmt.Sprintf("regex %q", ex.Regex))
	}
	if ex.MaxTokensOut > 0 {
		parts = append(parts, fmt.Sprintf("max_tokens_out %d", ex.MaxTokensOut))
	}
	if len(parts) == 0 {
		return "no checks"
	}
	return "expects " + strings.Join(parts, ", ")
}

// lastResultLine is one model's last result of a case, as a list item.
func lastResultLine(rec workbench.Record, ex *promptfile.Expect) string {
	when := rec.Time.UTC().Format("2006-01-02 15:04 UTC")
	if ago := time.Since(rec.Time); ago >= 0 && ago < 48*time.Hour {
		when += " (" + agoText(ago) + ")"
	}
	via := ""
	if rec.Batch {
		via = " · batch"
	}
	if rec.Error != "" {
		return fmt.Sprintf("- `%s` %s · %s%s\n  %s\n", rec.Model, workbench.StatusLabel(workbench.StatusError), when, via, rec.Error)
	}
	checks := workbench.CheckReply(ex, rec.Reply, rec.Usage)
	var sb strings.Builder
	fmt.Fprintf(&sb, "- `%s` %s · “%s” · %s · %s out · %s%s\n", rec.Model, workbench.StatusLabel(workbench.StatusOf(checks)),
		workbench.FirstWords(rec.Reply, 10), rec.CostUSD, promptfile.GroupDigits(int(rec.Usage.Output)), when, via)
	for _, c := range checks {
		if !c.OK {
			fmt.Fprintf(&sb, "  - ❌ %s: %s\n", c.Name, c.Detail)
		}
	}
	return sb.String()
}

func agoText(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return plural(int(d.Minutes()), "minute") + " ago"
	}
	return plural(int(d.Hours()), "hour") + " ago"
}
