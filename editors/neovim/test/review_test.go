package plugintest

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/claude-ls/claude-ls/internal/fakeapi"
	"github.com/claude-ls/claude-ls/internal/nvimtest"
)

// The prompt to improve and the improver's answer: two changes (a system
// block inserted, the request rewritten) with "user:" between them.
const (
	reviewPrompt = "---\nmodel: claude-sonnet-4-6\nmax_tokens: 300\nvars:\n  topic: tides\n---\nuser:\nExplain {{topic}} in one sentence.\n"
	reviewBetter = "---\nmodel: claude-sonnet-4-6\nmax_tokens: 300\nvars:\n  topic: tides\n---\nsystem:\nYou explain science to children.\n\n" +
		"user:\n<topic>{{topic}}</topic>\nExplain the topic in one sentence.\n"
	// reviewHalf is the prompt with the first change taken.
	reviewHalf = "---\nmodel: claude-sonnet-4-6\nmax_tokens: 300\nvars:\n  topic: tides\n---\nsystem:\nYou explain science to children.\n\n" +
		"user:\nExplain {{topic}} in one sentence.\n"
)

// TestNeovimImproveReview: the improver's edit needs confirmation, so the
// plugin shows it as a diff split (review_check.lua) rather than applying
// it: one change taken with `do`, all with :ClaudeAccept, none with
// :ClaudeReject or by closing the window; refused when the prompt changed
// meanwhile. Generated test cases, which need no confirmation, are applied.
func TestNeovimImproveReview(t *testing.T) { nvimtest.Each(t, testNeovimImproveReview) }

func testNeovimImproveReview(t *testing.T, nvim nvimtest.Nvim) {
	api := fakeapi.New()
	defer api.Close()
	better := fakeapi.Response{Text: "<prompt_file>\n" + reviewBetter + "</prompt_file>"}
	slow := better
	slow.Delay = 100 * time.Millisecond // per word: the user types meanwhile
	api.Push("/v1/messages", better, better, better, slow,
		fakeapi.Response{Text: `{"cases":[{"name":"rain","topic":"rain"}]}`})
	ws := newWorkspace(t, map[string]string{"tides.prompt": reviewPrompt})
	run := runCheck(t, nvim, api, ws, "review_check.lua", "TEST_FILE="+filepath.Join(ws, "tides.prompt"))
	type ended struct {
		Text        string `json:"text"`
		ScratchGone bool   `json:"scratch_gone"`
		Diff        bool   `json:"diff"`
		Windows     int    `json:"windows"`
	}
	var r struct {
		Nvim     string `json:"nvim"`
		Original string `json:"original"`
		Shown    struct {
			Name, Text, Prompt, Buftype, Filetype, Note string
			Winbar                                      *string // 0.8+
			Listed, Attached, Diff, Vertical            bool
			CursorInPrompt                              bool `json:"cursor_in_prompt"`
		} `json:"shown"`
		OneHunk  string `json:"one_hunk"`
		Accepted ended  `json:"accepted"`
		Rejected ended  `json:"rejected"`
		Closed   ended  `json:"closed"`
		Changed  struct {
			Note   string
			Review bool
		} `json:"changed"`
		Generated struct {
			Text   string
			Review bool
		} `json:"generated"`
	}
	run.Report(&r)
	t.Logf("Neovim %s, took %s", r.Nvim, run.Took.Round(time.Millisecond))

	s := r.Shown
	if s.Text != reviewBetter || s.Prompt != reviewPrompt {
		t.Errorf("the review shows:\n%s\nbeside the prompt:\n%s\nwant the improved text beside the unchanged prompt", s.Text, s.Prompt)
	}
	if s.Name != "claude-ls://improved/tides.prompt" || s.Buftype != "nofile" || s.Filetype != "prompt" || s.Listed || s.Attached {
		t.Errorf("scratch buffer %q buftype %q filetype %q listed %v attached %v: want claude-ls://improved/tides.prompt, nofile, prompt, unlisted, no server",
			s.Name, s.Buftype, s.Filetype, s.Listed, s.Attached)
	}
	if !s.Diff || !s.Vertical || !s.CursorInPrompt {
		t.Errorf("diff mode %v, side by side %v, cursor in the prompt %v: want all", s.Diff, s.Vertical, s.CursorInPrompt)
	}
	if !strings.Contains(s.Note, "Improve prompt: rewritten by claude-sonnet-4-6") || !strings.Contains(s.Note, ":ClaudeAccept") {
		t.Errorf("message %q: want the annotation's label and description and how to take the changes", s.Note)
	}
	if s.Winbar != nil && !strings.Contains(*s.Winbar, "rewritten by claude-sonnet-4-6") {
		t.Errorf("the scratch window's winbar is %q, want the annotation's description", *s.Winbar)
	}
	if strings.Contains(run.Output(), "deprecated") {
		t.Errorf("Neovim %s warns of a deprecated function", r.Nvim)
	}
	if r.OneHunk != reviewHalf {
		t.Errorf("after ]c do the prompt is:\n%s\nwant only the first change taken:\n%s", r.OneHunk, reviewHalf)
	}
	if a := r.Accepted; a.Text != reviewBetter || !a.ScratchGone || a.Diff || a.Windows != 1 {
		t.Errorf(":ClaudeAccept left %+v, want the improved text, the scratch window gone and diff mode off", a)
	}
	for name, e := range map[string]ended{":ClaudeReject": r.Rejected, "closing the window": r.Closed} {
		if e.Text != reviewPrompt || !e.ScratchGone || e.Diff {
			t.Errorf("%s left %+v, want the prompt unchanged, the scratch gone and diff mode off", name, e)
		}
	}
	if !strings.Contains(r.Changed.Note, "Improve prompt: not applied (tides.prompt changed meanwhile)") || r.Changed.Review {
		t.Errorf("typing during the improvement: message %q, review open %v; want it refused", r.Changed.Note, r.Changed.Review)
	}
	if g := r.Generated; !strings.Contains(g.Text, "tests:\n  - name: \"rain\"") || g.Review {
		t.Errorf("generated test cases: review open %v, prompt:\n%s\nwant them applied at once", g.Review, g.Text)
	}
	if t.Failed() {
		run.Fatalf("see above")
	}
}
