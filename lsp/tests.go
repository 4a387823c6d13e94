package lsp

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
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
	ctx, cancel := context.WithCancel(context.Background())
	st := &runState{cancel: cancel, done: make(chan struct{})}
	key := uri.URI(string(d.uri) + "#tests") // apart from single runs of the file
	s.runs.mu.Lock()
	if prev := s.runs.byURI[key]; prev != nil {
		prev.cancel()
	}
	s.runs.next++
	st.token = fmt.Sprintf("claude-ls-tests-%d", s.runs.next)
	if t, ok := token.(protocol.String); ok && t != "" {
		st.token = string(t)
	}
	s.runs.byURI[key] = st
	s.runs.byToken[st.token] = st
	s.runs.mu.Unlock()
	go func() {
		defer close(st.done)
		defer func() {
			s.runs.mu.Lock()
			if s.runs.byURI[key] == st {
				delete(s.runs.byURI, key)
			}
			delete(s.runs.byToken, st.token)
			s.runs.mu.Unlock()
			cancel()
		}()
		s.runTests(ctx, d, snap, args, batch, st.token, token != nil)
	}()
	raw, _ := jsonMarshal(map[string]any{"started": true, "token": st.token})
	return raw
}

func (s *Server) runTests(ctx context.Context, d *Document, snap *Snapshot, args commandArgs, batch bool, token string, given bool) {
	bg := context.WithoutCancel(ctx)
	ws := snap.ws
	root := ws.ws.Root
	analyze := func(o promptfile.Options) *promptfile.Result {
		o.Path, o.Vars = d.path, args.Vars
		return promptfile.Analyze(promptfile.Parse(snap.Text), ws.engine(), o)
	}
	var models []string
	for _, m := range strings.Split(args.Model, ",") {
		if m = strings.TrimSpace(m); m != "" {
			models = append(models, m)
		}
	}
	jobs, err := workbench.PlanTests(analyze(promptfile.Options{}), models, analyze)
	if err != nil {
		s.showMessage(bg, protocol.MessageTypeError, "tests not run: "+err.Error())
		return
	}
	key, err := workbench.LoadKey(root)
	if err != nil {
		s.showMessage(bg, protocol.MessageTypeError, err.Error())
		return
	}
	if !s.allowSpend(bg, ws, workbench.WorstCaseOf(jobs, batch), len(jobs)) {
		return
	}
	rel, _ := filepath.Rel(root, d.path)
	rel = filepath.ToSlash(rel)
	name := filepath.Base(d.path)
	title := fmt.Sprintf("Claude: %s of %s", plural(len(jobs), "test run"), name)
	if batch {
		title = fmt.Sprintf("Claude: batch of %s for %s", plural(len(jobs), "request"), name)
	}
	prog := s.beginProgress(bg, token, given, title)
	client := workbench.NewClient(key, workbench.BaseURL(root))
	client.OnRetry = func(note string) { prog.report(bg, note) }

	var rep *workbench.Report
	var m *workbench.BatchManifest
	if batch {
		m, err = workbench.CreateBatch(ctx, client, root, rel, jobs)
		if err != nil {
			msg := err.Error()
			if m == nil {
				p := workbench.Explain(err, key, nil)
				msg = p.Message
				if p.Canceled {
					prog.end(bg, "canceled")
					return
				}
			}
			prog.end(bg, "failed")
			s.showMessage(bg, protocol.MessageTypeError, "the batch was not created: "+key.Redact(msg))
			return
		}
		start := time.Now()
		_, err = workbench.WaitBatch(ctx, client, root, m, workbench.WaitOptions{OnStatus: func(st *workbench.BatchStatus) {
			prog.report(bg, fmt.Sprintf("batch %s · %s · %d/%d done · %s", st.ID, strings.ReplaceAll(st.Status, "_", " "), st.Done(), st.Total(),
				time.Since(start).Round(time.Second).String()))
		}})
		if err != nil {
			if ctx.Err() != nil {
				msg := fmt.Sprintf("stopped waiting; batch %s goes on: `claude-ls batch results %s` fetches its results, or run the batch lens again later", m.ID, m.ID)
				prog.end(bg, msg)
				s.showMessage(bg, protocol.MessageTypeInfo, msg)
				return
			}
			prog.end(bg, "failed")
			s.showMessage(bg, protocol.MessageTypeError, fmt.Sprintf("batch %s: %s; `claude-ls batch results %s` resumes", m.ID, workbench.Explain(err, key, nil).Message, m.ID))
			return
		}
		results, err := workbench.BatchResults(bg, client, root, m, func(id string) *promptfile.Model {
			if mod, ok := ws.ws.Catalog.Lookup(id); ok {
				return mod
			}
			return nil
		})
		if results == nil {
			prog.end(bg, "failed")
			s.showMessage(bg, protocol.MessageTypeError, fmt.Sprintf("batch %s: %s; `claude-ls batch results %s` resumes", m.ID, workbench.Explain(err, key, nil).Message, m.ID))
			return
		}
		if err != nil {
			s.showMessage(bg, protocol.MessageTypeWarning, err.Error())
		}
		rep = workbench.BatchReport(m, results)
	} else {
		start := time.Now().UTC()
		failed := 0
		results := workbench.RunTests(ctx, client, jobs, workbench.TestOptions{Root: root, Prompt: rel,
			OnResult: func(r workbench.TestResult, done, total int) {
				if r.Failed() || r.Broken() {
					failed++
				}
				pct := uint32(done * 100 / total)
				msg := fmt.Sprintf("%d/%d · %d failed", done, total, failed)
				prog.send(bg, protocol.WorkDoneProgressReport{Kind: "report", Message: &msg, Percentage: &pct})
			}})
		if ctx.Err() != nil {
			prog.end(bg, "canceled; the cases that finished are recorded")
			return
		}
		rep = &workbench.Report{Prompt: rel, Time: start, Results: results}
	}
	md, _, err := workbench.WriteReports(root, rep, key)
	t := workbench.TallyOf(rep.Results)
	summary := fmt.Sprintf("%s · %s", t, t.CostText())
	if batch {
		summary += " at batch prices"
	}
	if err != nil {
		prog.end(bg, summary)
		s.showMessage(bg, protocol.MessageTypeError, "the report was not written: "+err.Error())
		return
	}
	if m != nil {
		m.Reports = []string{md, strings.TrimSuffix(md, ".md") + ".html"}
		workbench.SaveManifest(root, m)
	}
	s.showDocument(bg, md)
	prog.end(bg, summary)
	if t.Failed+t.Errors > 0 {
		s.showMessage(bg, protocol.MessageTypeWarning, fmt.Sprintf("%s: %s; report %s", name, summary, md))
	}
}

// testCaseAt finds the test case whose name or key is at off: its name and
// the span under the cursor.
func testCaseAt(f *promptfile.File, off int) (string, promptfile.Span, bool) {
	fm := f.Front
	e := fm.Lookup("tests")
	if e == nil || e.Value == nil || e.Value.Kind != yaml.SequenceNode || !e.At.Contains(off) {
		return "", promptfile.Span{}, false
	}
	for i, c := range e.Value.Content {
		if c.Kind != yaml.MappingNode {
			continue
		}
		name := "case " + strconv.Itoa(i+1)
		var hit *promptfile.Span
		for j := 0; j+1 < len(c.Content); j += 2 {
			k, v := c.Content[j], c.Content[j+1]
			if ks := fm.NodeSpan(k); ks.Contains(off) {
				hit = &ks
			}
			if k.Value == "name" {
				name = v.Value
				if vs := fm.NodeSpan(v); vs.Contains(off) {
					hit = &vs
				}
			}
		}
		if hit != nil {
			return name, *hit, true
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
	name, span, ok := testCaseAt(snap.File, off)
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
	last := lastResults(root, filepath.ToSlash(rel), name)
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

// recordsCache keeps the records of each root while the file is unchanged,
// so hovering does not re-read it.
var recordsCache struct {
	mu    sync.Mutex
	byDir map[string]cachedRecords
}

type cachedRecords struct {
	size    int64
	mod     time.Time
	records []workbench.Record
}

// lastResults is the last record of a case on each model, oldest first.
func lastResults(root, prompt, name string) []workbench.Record {
	path := filepath.Join(root, workbench.DataDir, "runs.jsonl")
	fi, err := os.Stat(path)
	if err != nil {
		return nil
	}
	recordsCache.mu.Lock()
	c, ok := recordsCache.byDir[root]
	if !ok || c.size != fi.Size() || !c.mod.Equal(fi.ModTime()) {
		recs, _ := workbench.ReadRecords(root)
		c = cachedRecords{size: fi.Size(), mod: fi.ModTime(), records: recs}
		if recordsCache.byDir == nil {
			recordsCache.byDir = map[string]cachedRecords{}
		}
		recordsCache.byDir[root] = c
	}
	recordsCache.mu.Unlock()
	byModel := map[string]int{}
	var out []workbench.Record
	for _, r := range c.records {
		if r.Prompt != prompt || r.Test != name {
			continue
		}
		if i, ok := byModel[r.Model]; ok {
			out[i] = r
			continue
		}
		byModel[r.Model] = len(out)
		out = append(out, r)
	}
	return out
}
