package lsp

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.lsp.dev/protocol"

	"github.com/claude-ls/claude-ls/internal/fakeapi"
	"github.com/claude-ls/claude-ls/internal/fixtures"
	"github.com/claude-ls/claude-ls/promptfile"
	"github.com/claude-ls/claude-ls/workbench"
)

// applyLSPEdits applies the edits of a text document edit to ASCII text
// (where UTF-16 positions are byte columns), from the last to the first.
func applyLSPEdits(t *testing.T, text string, te *protocol.TextDocumentEdit) (string, []string) {
	t.Helper()
	m := promptfile.NewMapper([]byte(text))
	var ids []string
	type edit struct {
		start, end int
		text       string
	}
	var edits []edit
	for _, el := range te.Edits {
		var e protocol.TextEdit
		switch x := el.(type) {
		case *protocol.AnnotatedTextEdit:
			e = x.TextEdit
			ids = append(ids, string(x.AnnotationID))
		case *protocol.TextEdit:
			e = *x
		default:
			t.Fatalf("edit of type %T", el)
		}
		off := func(p protocol.Position) int { return m.LineStart(int(p.Line)) + int(p.Character) }
		edits = append(edits, edit{off(e.Range.Start), off(e.Range.End), e.NewText})
	}
	for i := len(edits) - 1; i >= 0; i-- {
		e := edits[i]
		text = text[:e.start] + e.text + text[e.end:]
	}
	return text, ids
}

const improvedPrompt = `---
model: claude-sonnet-4-6
max_tokens: 300
vars:
  topic: tides
---
system:
You explain science to children.

user:
<topic>{{topic}}</topic>
Explain the topic in one sentence.
`

func TestImproveFromTheEditorIsAnEditToConfirm(t *testing.T) {
	api := withAPI(t)
	src := "---\nmodel: claude-sonnet-4-6\nmax_tokens: 300\nvars:\n  topic: tides\n---\nuser:\nExplain {{topic}} in one sentence.\n"
	c := newTestClient(t, map[string]string{"a.prompt": src})
	u := openSettled(c, "a.prompt")
	api.Push("/v1/messages", fakeapi.Response{Text: "<prompt_file>\n" + improvedPrompt + "</prompt_file>"})
	c.execute(CommandImprove, u, map[string]any{"goal": "for children", "model": "claude-haiku-4-5"}, "improve-1")
	if end := c.progressEnd("improve-1"); end != "improved by claude-haiku-4-5" {
		t.Fatalf("progress end %q", end)
	}
	c.waitFor("applyEdit", func() bool { return len(c.applied) == 1 })
	p := c.applied[0]
	ann, ok := p.Edit.ChangeAnnotations["claude-ls.helper"]
	if !ok || ann.NeedsConfirmation == nil || !*ann.NeedsConfirmation || ann.Label != "Improve prompt" || ann.Description == nil || !strings.Contains(*ann.Description, "claude-haiku-4-5") {
		t.Errorf("annotations %+v", p.Edit.ChangeAnnotations)
	}
	te := p.Edit.DocumentChanges[0].(*protocol.TextDocumentEdit)
	if te.TextDocument.Version == nil || *te.TextDocument.Version != 1 || len(te.Edits) < 2 {
		t.Errorf("edit on %+v with %d edits (one per changed run of lines)", te.TextDocument, len(te.Edits))
	}
	got, ids := applyLSPEdits(t, src, te)
	if got != improvedPrompt {
		t.Errorf("the edits give:\n%s", got)
	}
	for _, id := range ids {
		if id != "claude-ls.helper" {
			t.Errorf("annotation id %q", id)
		}
	}
	if recs, _ := workbench.ReadRecords(c.dir); len(recs) != 1 || recs[0].Kind != "improve" {
		t.Errorf("records %+v", recs)
	}
	// An answer that lost a variable is shown, not applied.
	api.Push("/v1/messages", fakeapi.Response{Text: "<prompt_file>\n" + strings.NewReplacer("{{topic}}", "tides", "vars:\n  topic: tides\n", "").Replace(improvedPrompt) + "</prompt_file>"})
	c.execute(CommandImprove, u, nil, "improve-2")
	if end := c.progressEnd("improve-2"); end != "not applied" {
		t.Errorf("progress end %q", end)
	}
	c.message("lost the variable {{topic}}; nothing changed")
	noKeyIn(t, c.dir)
}

func TestGenerateTestsFromTheEditorAppends(t *testing.T) {
	api := withAPI(t)
	c := newTestClient(t, map[string]string{"a.prompt": fixtures.PassFailNothing})
	u := openSettled(c, "a.prompt")
	api.Push("/v1/messages", fakeapi.Response{Text: `{"cases":[{"name":"tides","topic":"neap tides"},{"name":"rain","topic":"rain"}]}`})
	c.execute(CommandGenerateTests, u, map[string]any{"n": 2}, "gen-1")
	if end := c.progressEnd("gen-1"); end != "2 test cases added" {
		t.Fatalf("progress end %q", end)
	}
	var body map[string]any
	json.Unmarshal(api.Last("/v1/messages").Body, &body)
	if oc, _ := json.Marshal(body["output_config"]); !strings.Contains(string(oc), `"type":"json_schema"`) {
		t.Errorf("output_config %s", oc)
	}
	c.waitFor("applyEdit", func() bool { return len(c.applied) == 1 })
	got, _ := applyLSPEdits(t, fixtures.PassFailNothing, c.applied[0].Edit.DocumentChanges[0].(*protocol.TextDocumentEdit))
	if !strings.HasSuffix(strings.Split(got, "\n---\n")[0], "  - name: wind\n    topic: wind\n  - name: \"tides (2)\"\n    topic: \"neap tides\"\n  - name: \"rain\"\n    topic: \"rain\"") {
		t.Errorf("after the edit:\n%s", got)
	}
	res := promptfile.Analyze(promptfile.Parse([]byte(got)), nil, promptfile.Options{})
	if res.ErrorCount() != 0 || len(res.Tests) != 5 {
		t.Errorf("%d errors, %d cases", res.ErrorCount(), len(res.Tests))
	}
	// More than a generation asks for is refused before anything is sent.
	sent := len(api.Requests())
	c.execute(CommandGenerateTests, u, map[string]any{"n": workbench.MaxGeneratedCases + 1}, "gen-2")
	if end := c.progressEnd("gen-2"); end != "failed" || len(api.Requests()) != sent {
		t.Errorf("n over the limit: progress end %q, %d requests sent", end, len(api.Requests())-sent)
	}
	c.message(fmt.Sprintf("ask for 1 to %d test cases, not %d", workbench.MaxGeneratedCases, workbench.MaxGeneratedCases+1))
}

func TestGradeAndCompareFromTheEditor(t *testing.T) {
	api := withAPI(t)
	api.ReplyFor = func(body []byte) string {
		if strings.Contains(string(body), "ten-year-old") {
			return "The Moon pulls the sea up and down."
		}
		return ""
	}
	v1 := fixtures.PassFailNothing
	v2 := strings.Replace(v1, "in one sentence.", "in one sentence a ten-year-old understands.", 1)
	c := newTestClient(t, map[string]string{"a.prompt": v1})
	fixtures.GitHistory(t, c.dir, "a.prompt", v1)
	os.WriteFile(filepath.Join(c.dir, "a.prompt"), []byte(v2), 0o644)
	u := c.open("a.prompt", v2)
	c.waitVersion(u, 1)
	// The lens.
	found := false
	for _, l := range codeLenses(t, c, "a.prompt") {
		found = found || (l.Command.Title == "Compare with HEAD" && l.Command.Command == CommandCompare)
	}
	if !found {
		t.Error("no Compare with HEAD lens")
	}
	// Grade needs a recorded reply first.
	c.execute(CommandRunTests, u, nil, "tests-1")
	c.progressEnd("tests-1")
	var gradeLens *protocol.CodeLens
	for _, l := range codeLenses(t, c, "a.prompt") {
		if l.Command.Command == CommandGrade && l.Command.Title == "Grade claude-sonnet-4-6 reply" && l.Range.Start.Line == c.pos(u, "- name: wind").Line {
			gradeLens = &l
		}
	}
	if gradeLens == nil {
		t.Fatalf("no grade lens on the wind case: %+v", codeLenses(t, c, "a.prompt"))
	}
	got := c.execute(CommandGrade, u, map[string]any{"test": "wind", "grade": 5, "note": "lovely"}, "")
	for _, l := range codeLenses(t, c, "a.prompt") {
		if l.Command.Command == CommandGrade && l.Range.Start.Line == c.pos(u, "- name: wind").Line && l.Command.Title != "Graded 5/5 on claude-sonnet-4-6" {
			t.Errorf("grade lens after grading: %q", l.Command.Title)
		}
	}
	if got["graded"] != true || got["grade"] != float64(5) || got["promptHash"] != workbench.PromptHash([]byte(v2)) {
		t.Errorf("grade answer %v", got)
	}
	// Without a grade it asks, with 1–5 as buttons.
	c.mu.Lock()
	c.answer = "3"
	c.mu.Unlock()
	if got := c.execute(CommandGrade, u, map[string]any{"test": "tides"}, ""); got["grade"] != float64(3) {
		t.Errorf("asked grade %v", got)
	}
	// Compare the buffer with HEAD: one report, shown.
	c.execute(CommandCompare, u, nil, "cmp-1")
	end := c.progressEnd("cmp-1")
	if !strings.HasPrefix(end, "old $") {
		t.Fatalf("progress end %q", end)
	}
	var report string
	c.waitFor("the comparison shown", func() bool {
		for _, p := range c.shown {
			if strings.Contains(filepath.Base(p), "compare-a-") {
				report = p
			}
		}
		return report != ""
	})
	data, _ := os.ReadFile(report)
	for _, want := range []string{"# Compare `a.prompt`: HEAD (", "> The Moon pulls the sea up and down.", "> Tides are the slow rise", "grade 5/5 — lovely"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("report lacks %q:\n%s", want, data)
		}
	}
	noKeyIn(t, c.dir)
}
