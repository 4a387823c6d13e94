package plugintest

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/claude-ls/claude-ls/internal/fakeapi"
	"github.com/claude-ls/claude-ls/internal/nvimtest"
	"github.com/claude-ls/claude-ls/workbench"
)

// gradePrompt has one test case, run twice by grade_check.lua.
const gradePrompt = `---
model: claude-sonnet-4-6
max_tokens: 200
vars:
  topic: tides
tests:
  - name: short
    topic: neap tides
---
Explain {{topic}} in one sentence.
`

// TestNeovimGrade grades replies as a Neovim user does (grade_check.lua):
// the lens of the first run's result document asks the grade and a note
// (vim.ui.select, vim.ui.input) and grades that run, not the latest; the
// lens on the prompt's test case grades the latest; cancelling sends
// nothing. A test report has the lens too, and a result document read
// before the server started is attached once it attaches to the prompt.
func TestNeovimGrade(t *testing.T) { nvimtest.Each(t, testNeovimGrade) }

func testNeovimGrade(t *testing.T, nvim nvimtest.Nvim) {
	api := fakeapi.New()
	defer api.Close()
	ws := newWorkspace(t, map[string]string{"tides.prompt": gradePrompt})
	run := runCheck(t, nvim, api, ws, "grade_check.lua", "TEST_FILE="+filepath.Join(ws, "tides.prompt"))
	var r struct {
		Nvim  string `json:"nvim"`
		Asked []struct {
			Prompt string   `json:"prompt"`
			Items  []string `json:"items"`
		} `json:"asked"`
		EarlierBefore  bool   `json:"earlier_attached_before"`
		Earlier        bool   `json:"earlier_attached"`
		Attached       bool   `json:"attached"`
		SecondAttached bool   `json:"second_attached"`
		Diagnostics    int    `json:"diagnostics"`
		DocLens        string `json:"doc_lens"`
		LensOnMark     bool   `json:"lens_on_mark"`
		DocLensAfter   string `json:"doc_lens_after"`
		CaseLine       string `json:"case_line"`
		ReportLenses   int    `json:"report_lenses"`
	}
	run.Report(&r)
	t.Logf("Neovim %s, took %s", r.Nvim, run.Took.Round(time.Millisecond))

	if r.EarlierBefore || !r.Earlier {
		t.Errorf("a result document read before the server started: attached before %v, once the prompt attached %v; want false, true", r.EarlierBefore, r.Earlier)
	}
	if !r.Attached || !r.SecondAttached || r.Diagnostics != 0 {
		t.Errorf("result documents: attached %v and %v, %d diagnostics; want the server attached, no diagnostics", r.Attached, r.SecondAttached, r.Diagnostics)
	}
	if r.DocLens != "Grade this reply" || !r.LensOnMark || !strings.HasPrefix(r.DocLensAfter, "Graded 4/5") {
		t.Errorf("result document lens %q (on the reply's mark: %v), then %q; want Grade this reply, then Graded 4/5", r.DocLens, r.LensOnMark, r.DocLensAfter)
	}
	if !strings.Contains(r.CaseLine, "name: short") {
		t.Errorf("the prompt's grade lens is on %q, want the test case", r.CaseLine)
	}
	if r.ReportLenses != 1 {
		t.Errorf("the test report has %d grade lenses, want 1 (one reply)", r.ReportLenses)
	}
	// Asked: cancel at the grade; grade then cancel at the note; grade and
	// note; on the prompt, grade and no note.
	if len(r.Asked) != 7 {
		t.Fatalf("questions asked: %+v, want 7", r.Asked)
	}
	if q := r.Asked[0]; !strings.Contains(q.Prompt, "short") || !strings.Contains(q.Prompt, "claude-sonnet-4-6") ||
		len(q.Items) != 5 || q.Items[0] != "1 — poor" || q.Items[4] != "5 — excellent" {
		t.Errorf("the grade question: %+v", q)
	}
	if q := r.Asked[2]; !strings.Contains(q.Prompt, "Note") {
		t.Errorf("the note question: %+v", q)
	}

	recs, err := workbench.ReadRecords(ws)
	must(t, err)
	var runs []workbench.Record
	for _, rec := range recs {
		if rec.Test == "short" {
			runs = append(runs, rec)
		}
	}
	grades, err := workbench.ReadGrades(ws)
	must(t, err)
	if len(runs) != 3 || len(grades) != 2 {
		t.Fatalf("%d runs of the test case and grades %+v: want 3 (two runs, one test run) and 2 (the cancelled ones send nothing)", len(runs), grades)
	}
	want := []struct {
		grade int
		note  string
		run   time.Time
	}{{4, "clear, a bit long", runs[0].Time}, {2, "", runs[1].Time}}
	for i, g := range grades {
		w := want[i]
		if g.Prompt != "tides.prompt" || g.Test != "short" || g.Model != "claude-sonnet-4-6" || g.Grade != w.grade || g.Note != w.note || !g.RunTime.Equal(w.run) {
			t.Errorf("grade %d: %+v, want %d %q on the run of %s of tides.prompt, short, claude-sonnet-4-6", i+1, g, w.grade, w.note, w.run)
		}
	}
	if strings.Contains(run.Output(), "deprecated") {
		t.Errorf("Neovim %s warns of a deprecated function", r.Nvim)
	}
	if t.Failed() {
		run.Fatalf("see above")
	}
}
