package lsp

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/claude-ls/claude-ls/internal/fixtures"
	"github.com/claude-ls/claude-ls/workbench"
)

// lensTestsPrompt has a case that passes, one that fails and one with
// nothing to check, against the fake's reply.
const lensTestsPrompt = fixtures.PassFailNothing

// testLensesOf returns the run and batch lenses of a document.
func testLensesOf(t *testing.T, c *testClient, name string) (run, batch protocol.CodeLens) {
	t.Helper()
	for _, l := range codeLenses(t, c, name) {
		switch l.Command.Command {
		case CommandRunTests:
			run = l
		case CommandRunBatch:
			batch = l
		}
	}
	return run, batch
}

// hoverCase hovers at the first occurrence of marker (plus offset) in u.
func hoverCase(t *testing.T, c *testClient, u uri.URI, marker string, offset int) string {
	t.Helper()
	h, err := c.server.Hover(c.ctx, &protocol.HoverParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: u}, Position: c.pos(u, marker, offset)}})
	if err != nil || h == nil {
		t.Fatalf("hover at %q: %v %v", marker, h, err)
	}
	return text(h.Contents)
}

func TestTestsLensPricesTheRun(t *testing.T) {
	c := newTestClient(t, map[string]string{"a.prompt": lensTestsPrompt})
	u := openSettled(c, "a.prompt")
	run, batch := testLensesOf(t, c, "a.prompt")
	// Output bound: 3 cases × 300 × $15/MTok = $0.0135; the batch half of it.
	if !regexp.MustCompile(`^▶ Run 3 tests · ≈ \$0\.0\d+ in · out ≤ \$0\.0135$`).MatchString(run.Command.Title) {
		t.Errorf("run lens %q", run.Command.Title)
	}
	if !regexp.MustCompile(`^Run as batch · ≈ \$0\.0\d+ in · out ≤ \$0\.0068$`).MatchString(batch.Command.Title) {
		t.Errorf("batch lens %q", batch.Command.Title)
	}
	if line := c.pos(u, "tests:").Line; run.Range.Start.Line != line || batch.Range.Start.Line != line {
		t.Errorf("lenses on lines %d and %d, want the tests: line %d", run.Range.Start.Line, batch.Range.Start.Line, line)
	}
	// No tests, no lenses; an unknown model, no prices.
	openSettled(c, "b.prompt", runPrompt)
	if r, b := testLensesOf(t, c, "b.prompt"); r.Command.Command != "" || b.Command.Command != "" {
		t.Errorf("lenses without tests: %+v %+v", r, b)
	}
	openSettled(c, "c.prompt", strings.Replace(lensTestsPrompt, "claude-sonnet-4-6", "claude-sonet-4-6", 1))
	if r, _ := testLensesOf(t, c, "c.prompt"); r.Command.Title != "▶ Run 3 tests" {
		t.Errorf("unknown model: %q", r.Command.Title)
	}
}

func TestRunTestsFromTheEditor(t *testing.T) {
	withAPI(t)
	c := newTestClient(t, map[string]string{"a.prompt": lensTestsPrompt})
	u := openSettled(c, "a.prompt")
	if h := hoverCase(t, c, u, "name: volcanoes", 0); !strings.Contains(h, "**Test case `volcanoes`** · expects contains \"lava\"") || !strings.Contains(h, "Not run yet") {
		t.Errorf("hover before a run:\n%s", h)
	}
	got := c.execute(CommandRunTests, u, map[string]any{"model": "claude-sonnet-4-6, claude-haiku-4-5"}, "tests-1")
	if got["started"] != true {
		t.Fatalf("answer %v", got)
	}
	end := c.progressEnd("tests-1")
	if !regexp.MustCompile(`^6 runs: 2 passed, 2 failed, 2 with nothing to check · in 90 · out 84 · \$0\.\d+$`).MatchString(end) {
		t.Errorf("progress end %q", end)
	}
	var report string
	c.waitFor("the report shown", func() bool {
		for _, p := range c.shown {
			if strings.HasSuffix(p, ".md") {
				report = p
				return true
			}
		}
		return false
	})
	if filepath.Dir(report) != filepath.Join(c.dir, ".claude-ls", "reports") {
		t.Errorf("report at %s", report)
	}
	data, _ := os.ReadFile(report)
	if !strings.Contains(string(data), "# Tests of `a.prompt`") || !strings.Contains(string(data), "3 cases × 2 models") {
		t.Errorf("report:\n%s", data)
	}
	if _, err := os.Stat(strings.TrimSuffix(report, ".md") + ".html"); err != nil {
		t.Error("no HTML report")
	}
	c.message("2 failed")
	recs, _ := workbench.ReadRecords(c.dir)
	if len(recs) != 6 {
		t.Errorf("%d records", len(recs))
	}
	c.mu.Lock()
	var reports int
	for _, p := range c.progress {
		if p.Token == "tests-1" && p.Kind == "report" {
			reports++
		}
	}
	c.mu.Unlock()
	if reports < 6 {
		t.Errorf("%d progress reports, want one per case at least", reports)
	}
	// Hover on the case: its last result on each model.
	h := hoverCase(t, c, u, "name: volcanoes", 2)
	for _, want := range []string{"- `claude-sonnet-4-6` ❌ fail · “Tides are the slow rise and fall of the sea,…” · $0.", "- `claude-haiku-4-5` ❌ fail", "just now", "  - ❌ contains \"lava\": not in the reply"} {
		if !strings.Contains(h, want) {
			t.Errorf("hover lacks %q:\n%s", want, h)
		}
	}
	// On the value of name, and on a variable's key (with the variable's hover).
	if h := hoverCase(t, c, u, "name: tides", 7); !strings.Contains(h, "✅ pass") {
		t.Errorf("hover on the name:\n%s", h)
	}
	if h := hoverCase(t, c, u, "topic: wind", 1); !strings.Contains(h, "◻ ok") || !strings.Contains(h, "---") || !strings.Contains(h, "topic") {
		t.Errorf("hover on a variable of a case:\n%s", h)
	}
	// Elsewhere, hover is as before.
	if h := hoverCase(t, c, u, "max_tokens", 1); strings.Contains(h, "Test case") {
		t.Errorf("hover on max_tokens:\n%s", h)
	}
	noKeyIn(t, c.dir)
}

func TestRunBatchFromTheEditor(t *testing.T) {
	api := withAPI(t)
	api.SetBatchPolls(0)
	c := newTestClient(t, map[string]string{"a.prompt": lensTestsPrompt})
	u := openSettled(c, "a.prompt")
	c.execute(CommandRunBatch, u, nil, "batch-1")
	end := c.progressEnd("batch-1")
	if !regexp.MustCompile(`^3 runs: 1 passed, 1 failed, 1 with nothing to check · in 45 · out 42 · \$0\.\d+ at batch prices$`).MatchString(end) {
		t.Errorf("progress end %q", end)
	}
	c.waitFor("the batch report", func() bool {
		return len(c.shown) == 1 && filepath.Base(c.shown[0]) == "a-msgbatch_fake0001.md"
	})
	recs, _ := workbench.ReadRecords(c.dir)
	if len(recs) != 3 {
		t.Fatalf("%d records", len(recs))
	}
	for _, r := range recs {
		if !r.Batch {
			t.Errorf("record not flagged batch: %+v", r)
		}
	}
	if h := hoverCase(t, c, u, "name: tides", 2); !strings.Contains(h, "✅ pass") || !strings.Contains(h, " · batch") {
		t.Errorf("hover:\n%s", h)
	}
	m, err := workbench.LoadManifest(c.dir, "msgbatch_fake0001")
	if err != nil || !m.Recorded || len(m.Reports) != 2 {
		t.Errorf("manifest %+v %v", m, err)
	}
}

func TestCancellingABatchStopsTheWaitNotTheBatch(t *testing.T) {
	api := withAPI(t)
	api.SetBatchPolls(100000)
	c := newTestClient(t, map[string]string{"a.prompt": lensTestsPrompt})
	u := openSettled(c, "a.prompt")
	c.execute(CommandRunBatch, u, nil, "batch-2")
	c.waitFor("a poll", func() bool {
		for _, p := range c.progress {
			if p.Token == "batch-2" && strings.Contains(p.Message, "in progress · 0/3 done") {
				return true
			}
		}
		return false
	})
	if err := c.server.WorkDoneProgressCancel(c.ctx, &protocol.WorkDoneProgressCancelParams{Token: protocol.String("batch-2")}); err != nil {
		t.Fatal(err)
	}
	end := c.progressEnd("batch-2")
	if !strings.Contains(end, "stopped waiting; batch msgbatch_fake0001 goes on: `claude-ls batch results msgbatch_fake0001`") {
		t.Errorf("end %q", end)
	}
	if _, err := workbench.LoadManifest(c.dir, "msgbatch_fake0001"); err != nil {
		t.Errorf("no manifest to resume from: %v", err)
	}
	if recs, _ := workbench.ReadRecords(c.dir); len(recs) != 0 {
		t.Errorf("%d records", len(recs))
	}
}
