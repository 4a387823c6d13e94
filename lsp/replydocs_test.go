package lsp

import (
	"encoding/json"
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

// openMarkdown opens a file the server wrote, as an editor does: Markdown.
func (c *testClient) openMarkdown(path string) uri.URI {
	c.t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		c.t.Fatal(err)
	}
	u := uri.File(path)
	if err := c.server.DidOpen(c.ctx, &protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{URI: u, LanguageID: "markdown", Version: 1, Text: string(data)}}); err != nil {
		c.t.Fatal(err)
	}
	return u
}

func (c *testClient) lensesOf(u uri.URI) []protocol.CodeLens {
	c.t.Helper()
	lenses, err := c.server.CodeLens(c.ctx, &protocol.CodeLensParams{TextDocument: protocol.TextDocumentIdentifier{URI: u}})
	if err != nil {
		c.t.Fatalf("codeLens: %v", err)
	}
	return lenses
}

// runLens executes a lens's command with more arguments, as a client that
// asks the grade and a note does.
func (c *testClient) runLens(l protocol.CodeLens, extra map[string]any) map[string]any {
	c.t.Helper()
	var arg map[string]any
	json.Unmarshal(l.Command.Arguments[0], &arg)
	for k, v := range extra {
		arg[k] = v
	}
	raw, _ := json.Marshal(arg)
	got, err := c.server.ExecuteCommand(c.ctx, &protocol.ExecuteCommandParams{Command: l.Command.Command, Arguments: []protocol.LSPAny{raw}})
	if err != nil {
		c.t.Fatalf("%s: %v", l.Command.Command, err)
	}
	var out map[string]any
	json.Unmarshal(got, &out)
	return out
}

func TestGradeFromTheResultDocument(t *testing.T) {
	withAPI(t)
	c := newTestClient(t, map[string]string{"a.prompt": runPrompt})
	u := c.open("a.prompt")
	c.waitVersion(u, 1)
	// Two runs: each result document grades its own run, not the latest.
	var results []string
	for _, tok := range []string{"run-1", "run-2"} {
		got := c.execute(CommandRun, u, nil, tok)
		c.progressEnd(tok)
		results = append(results, got["resultFile"].(string))
	}
	first := c.openMarkdown(results[0])
	text, _ := os.ReadFile(results[0])
	lenses := c.lensesOf(first)
	if len(lenses) != 1 || lenses[0].Command.Title != "Grade this reply" || lenses[0].Command.Command != CommandGrade {
		t.Fatalf("lenses of the result document: %+v\n%s", lenses, text)
	}
	markLine := strings.Split(string(text), "\n")[lenses[0].Range.Start.Line]
	if !strings.HasPrefix(markLine, "<!-- claude-ls reply ") {
		t.Errorf("the lens is on %q", markLine)
	}
	got := c.runLens(lenses[0], map[string]any{"grade": 2, "note": "too long"})
	if got["graded"] != true || got["grade"] != float64(2) || got["note"] != "too long" {
		t.Fatalf("grade answer %v", got)
	}
	recs, _ := workbench.ReadRecords(c.dir)
	grades, _ := workbench.ReadGrades(c.dir)
	if len(recs) != 2 || len(grades) != 1 || !grades[0].RunTime.Equal(recs[0].Time) || grades[0].Prompt != "a.prompt" || grades[0].Note != "too long" {
		t.Fatalf("the grade is not of the first run: records %v, grades %+v", recs, grades)
	}
	if l := c.lensesOf(first); len(l) != 1 || l[0].Command.Title != "Graded 2/5 — too long · change" {
		t.Errorf("lens after grading: %+v", l)
	}
	// The second run's document is not graded by it.
	if l := c.lensesOf(c.openMarkdown(results[1])); len(l) != 1 || l[0].Command.Title != "Grade this reply" {
		t.Errorf("second result document: %+v", l)
	}
	// Without a grade the server asks, with 1–5 as buttons.
	c.mu.Lock()
	c.answer = "4"
	c.mu.Unlock()
	if got := c.runLens(lenses[0], nil); got["grade"] != float64(4) {
		t.Errorf("asked grade %v", got)
	}
	// A reply document is not a prompt: no diagnostics, nothing else.
	c.mu.Lock()
	_, published := c.diagnostics[first]
	c.mu.Unlock()
	if published {
		t.Error("diagnostics published for a result document")
	}
	if h, err := c.server.Hover(c.ctx, &protocol.HoverParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: first}}}); err != nil || h != nil {
		t.Errorf("hover on a result document: %v %v", h, err)
	}
	if syms, err := c.server.DocumentSymbol(c.ctx, &protocol.DocumentSymbolParams{TextDocument: protocol.TextDocumentIdentifier{URI: first}}); err != nil || len(syms.(protocol.DocumentSymbolSlice)) != 0 {
		t.Errorf("outline of a result document: %v %v", syms, err)
	}
	// The document follows its edits (an editor reloading the file): a mark
	// edited to name a run that is not recorded gets its lens, which is
	// refused with the reason.
	edited := regexp.MustCompile(`"run":"[^"]*"`).ReplaceAllString(string(text), `"run":"1999-01-01T00:00:00Z"`)
	if edited == string(text) {
		t.Fatalf("no run in the mark:\n%s", text)
	}
	c.server.DidChange(c.ctx, &protocol.DidChangeTextDocumentParams{TextDocument: protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: first}, Version: 2},
		ContentChanges: []protocol.TextDocumentContentChangeEvent{&protocol.TextDocumentContentChangeWholeDocument{Text: edited}}})
	l := c.lensesOf(first)
	if len(l) != 1 || l[0].Command.Title != "Grade this reply" {
		t.Fatalf("lenses after the edit: %+v", l)
	}
	var arg map[string]any
	json.Unmarshal(l[0].Command.Arguments[0], &arg)
	arg["grade"] = 3
	raw, _ := json.Marshal(arg)
	if _, err := c.server.ExecuteCommand(c.ctx, &protocol.ExecuteCommandParams{Command: CommandGrade, Arguments: []protocol.LSPAny{raw}}); err == nil || !strings.Contains(err.Error(), "not in the records") {
		t.Errorf("grading an unrecorded run: %v (argument %s)", err, raw)
	}
	noKeyIn(t, c.dir)
}

func TestGradeFromATestReport(t *testing.T) {
	withAPI(t)
	c := newTestClient(t, map[string]string{"a.prompt": fixtures.PassFailNothing})
	u := c.open("a.prompt")
	c.waitVersion(u, 1)
	c.execute(CommandRunTests, u, nil, "tests-1")
	c.progressEnd("tests-1")
	var report string
	c.waitFor("the report shown", func() bool {
		for _, p := range c.shown {
			if strings.HasSuffix(p, ".md") && filepath.Base(filepath.Dir(p)) == "reports" {
				report = p
			}
		}
		return report != ""
	})
	r := c.openMarkdown(report)
	lenses := c.lensesOf(r)
	cases := map[string]protocol.CodeLens{}
	for _, l := range lenses {
		var arg struct{ Test, Model string }
		json.Unmarshal(l.Command.Arguments[0], &arg)
		cases[arg.Test] = l
	}
	recs, _ := workbench.ReadRecords(c.dir)
	replied := 0
	for _, rec := range recs {
		if rec.Error == "" {
			replied++
		}
	}
	if len(lenses) != replied || len(lenses) == 0 {
		t.Fatalf("%d lenses for %d replies: %+v", len(lenses), replied, lenses)
	}
	for name, l := range cases {
		c.runLens(l, map[string]any{"grade": 5})
		grades, _ := workbench.ReadGrades(c.dir)
		if g := grades[len(grades)-1]; g.Test != name || g.Grade != 5 {
			t.Errorf("grade of %s: %+v", name, g)
		}
	}
	for _, l := range c.lensesOf(r) {
		if l.Command.Title != "Graded 5/5 · change" {
			t.Errorf("report lens after grading: %q", l.Command.Title)
		}
	}
}

// TestReportPathForAClientThatCannotOpenIt: a client without
// window/showDocument is told where a test run's report is.
func TestReportPathForAClientThatCannotOpenIt(t *testing.T) {
	withAPI(t)
	c := newTestClient(t, map[string]string{"a.prompt": fixtures.PassFailNothing}, clientOptions{noShowDoc: true})
	u := c.open("a.prompt")
	c.waitVersion(u, 1)
	c.execute(CommandRunTests, u, nil, "tests-1")
	c.progressEnd("tests-1")
	msg := c.message("the report is in ")
	_, path, _ := strings.Cut(msg, "the report is in ")
	if filepath.Base(filepath.Dir(path)) != "reports" || !strings.HasSuffix(path, ".md") {
		t.Errorf("message %q", msg)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("the report named: %v", err)
	}
	if len(c.shown) != 0 {
		t.Errorf("showDocument sent to a client without it: %v", c.shown)
	}
}
