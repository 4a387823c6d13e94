package plugintest

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/claude-ls/claude-ls/internal/fakeapi"
	"github.com/claude-ls/claude-ls/internal/fixtures"
	"github.com/claude-ls/claude-ls/internal/nvimtest"
)

// helpersPrompt is committed; the improver adds a system block to it.
const helpersPrompt = "---\nmodel: claude-sonnet-4-6\nmax_tokens: 200\nvars:\n  topic: tides\n" +
	"tests:\n  - name: short\n    topic: neap tides\n---\nuser:\nExplain {{topic}} in one sentence.\n"

var helpersBetter = strings.Replace(helpersPrompt, "---\nuser:", "---\nsystem:\nAnswer in at most twelve words.\n\nuser:", 1)

// TestNeovimWorkbenchCommands types the Workbench helpers' commands
// (workbench_check.lua): :ClaudeImprove sends the goal typed and opens the
// review, :ClaudeGenerateTests 2 appends two cases (of the three the model
// offers), a bad count is refused before anything is sent, and
// :ClaudeCompare compares the edited buffer with HEAD in one report.
func TestNeovimWorkbenchCommands(t *testing.T) { nvimtest.Each(t, testNeovimWorkbenchCommands) }

func testNeovimWorkbenchCommands(t *testing.T, nvim nvimtest.Nvim) {
	api := fakeapi.New()
	defer api.Close()
	api.Push("/v1/messages",
		fakeapi.Response{Text: "<prompt_file>\n" + helpersBetter + "</prompt_file>"},
		fakeapi.Response{Text: `{"cases":[{"name":"rain","topic":"rain"},{"name":"wind","topic":"wind"},{"name":"snow","topic":"snow"}]}`})
	ws := newWorkspace(t, map[string]string{"tides.prompt": helpersPrompt})
	commit(t, ws)
	run := runCheck(t, nvim, api, ws, "workbench_check.lua", "TEST_FILE="+filepath.Join(ws, "tides.prompt"))
	var r struct {
		Nvim          string   `json:"nvim"`
		Commands      []string `json:"commands"`
		BadCount      []string `json:"bad_count"`
		Improved      string   `json:"improved"`
		ImproveNotes  []string `json:"improve_notes"`
		Generated     string   `json:"generated"`
		GenerateNotes []string `json:"generate_notes"`
		Compare       struct {
			File, Text string
			Shown      bool
			Notes      []string
		} `json:"compare"`
	}
	run.Report(&r)
	t.Logf("Neovim %s, took %s", r.Nvim, run.Took.Round(time.Millisecond))

	for _, c := range []string{"ClaudeImprove", "ClaudeGenerateTests", "ClaudeCompare"} {
		if !slices.Contains(r.Commands, c) {
			t.Errorf("no :%s on the prompt buffer (it has %q)", c, r.Commands)
		}
	}
	bad := strings.Join(r.BadCount, "\n")
	if !containsAll(bad, "the number of test cases is a whole number from 1, not two", "not 0") {
		t.Errorf(":ClaudeGenerateTests two, then 0: messages %q, want each refused", r.BadCount)
	}

	var bodies []string
	for _, req := range api.Requests() {
		if req.Path == "/v1/messages" {
			bodies = append(bodies, string(req.Body))
		}
	}
	if len(bodies) < 2 {
		t.Fatalf("%d requests to the messages endpoint, want the improvement, the test cases and the comparison's", len(bodies))
	}
	// The first request is the improvement: the refused counts sent nothing.
	if !strings.Contains(bodies[0], "shorter replies") {
		t.Errorf("the first request (the improvement) does not carry the goal typed:\n%s", tail([]byte(bodies[0]), 600))
	}
	if r.Improved != helpersBetter {
		t.Errorf("the review shows:\n%s\nwant the improved prompt", r.Improved)
	}
	if !containsAll(strings.Join(r.ImproveNotes, "\n"), "Claude: improving tides.prompt…", "improved by claude-sonnet-4-6") {
		t.Errorf(":ClaudeImprove progress messages %q, want its begin and end", r.ImproveNotes)
	}

	if !strings.Contains(bodies[1], "Write 2 new test cases.") {
		t.Errorf("the second request does not ask for 2 test cases:\n%s", tail([]byte(bodies[1]), 600))
	}
	cases := "tests:\n  - name: short\n    topic: neap tides\n  - name: \"rain\"\n    topic: \"rain\"\n  - name: \"wind\"\n    topic: \"wind\"\n---\n"
	if !strings.Contains(r.Generated, cases) || strings.Contains(r.Generated, "snow") {
		t.Errorf("the prompt after :ClaudeGenerateTests 2:\n%s\nwant the two first cases appended:\n%s", r.Generated, cases)
	}
	if !containsAll(strings.Join(r.GenerateNotes, "\n"), "Claude: generating test cases for tides.prompt", "2 test cases added") {
		t.Errorf(":ClaudeGenerateTests progress messages %q", r.GenerateNotes)
	}

	c := r.Compare
	if !strings.HasPrefix(c.File, filepath.Join(ws, ".claude-ls", "reports", "compare-tides-")) {
		t.Errorf("compare report %s, want .claude-ls/reports/compare-tides-*.md", c.File)
	}
	// HEAD has one case, the buffer three: each version runs its own.
	if !containsAll(c.Text, "HEAD", "short", "rain", "wind") {
		t.Errorf("the compare report:\n%s\nwant HEAD and the buffer's cases", tail([]byte(c.Text), 1500))
	}
	if !containsAll(strings.Join(c.Notes, "\n"), "Claude: comparing tides.prompt with HEAD", "old $", "new $") {
		t.Errorf(":ClaudeCompare progress messages %q", c.Notes)
	}
	// Neovim 0.8 and later take window/showDocument: the report opens.
	if hasShowDocument := !strings.HasPrefix(r.Nvim, "0.7."); c.Shown != hasShowDocument {
		t.Errorf("the compare report is shown %v on Neovim %s, want %v", c.Shown, r.Nvim, hasShowDocument)
	}
	if strings.Contains(run.Output(), "deprecated") {
		t.Errorf("Neovim %s warns of a deprecated function", r.Nvim)
	}
	if t.Failed() {
		run.Fatalf("see above")
	}
}

// commit makes ws (newWorkspace's) a git repository with one commit of
// everything in it.
func commit(t *testing.T, ws string) {
	t.Helper()
	must(t, os.RemoveAll(filepath.Join(ws, ".git")))
	fixtures.Git(t, ws, "init", "-q")
	fixtures.Git(t, ws, "add", ".")
	fixtures.Git(t, ws, "commit", "-q", "-m", "the prompt")
}
