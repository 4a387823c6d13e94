package lsp

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/claude-ls/claude-ls/internal/nvimtest"
	"github.com/claude-ls/claude-ls/promptfile"
)

// The editor test: a real Neovim (Debian 12's 0.7.2 in CI, see .ci/run)
// opens a prompt with claude-ls attached, as a user's config would, and
// lsp/testdata/nvim/check.lua reports what the editor got. It asserts on the
// diagnostics before and after an edit typed into the buffer (incremental
// didChange), on hover, and on a clean shutdown. internal/nvimtest runs
// Neovim and shows all it can on failure.
//
// Without nvim on PATH the test is skipped, unless CI is set: then it fails.

// nvimPrompt has two problems: a typo'd model (model-unknown, a warning)
// and temperature without the legacy API version (sampling-removed, an
// error). The script fixes the typo, after which only sampling-removed stays.
const nvimPrompt = `---
model: claude-sonet-4-6
max_tokens: 1024
temperature: 0.5
---
system:
You are a patient teacher.

user:
Explain tides to a ten-year-old.
`

const (
	nvimTypo  = "claude-sonet-4-6"
	nvimModel = "claude-sonnet-4-6"
	// nvimTimeout bounds the whole Neovim run; the script's own waits are 20 s.
	nvimTimeout = 60 * time.Second
)

// nvimReport is what check.lua writes (nvimtest reads its error).
type nvimReport struct {
	Nvim         string            `json:"nvim"`
	API          string            `json:"api"`
	Filetype     string            `json:"filetype"`
	URI          string            `json:"uri"`
	Attached     bool              `json:"attached"`
	Publications []nvimPublication `json:"publications"`
	Before       *nvimState        `json:"before"`
	After        *nvimState        `json:"after"`
	Hover        *struct {
		Advertised bool   `json:"advertised"`
		Answered   bool   `json:"answered"`
		Error      string `json:"error"`
		Text       string `json:"text"`
		Line       int    `json:"line"`
		Character  int    `json:"character"`
	} `json:"hover"`
	Exit *struct {
		Code   int `json:"code"`
		Signal int `json:"signal"`
	} `json:"exit"`
}

type nvimPublication struct {
	URI         string  `json:"uri"`
	Version     *int    `json:"version"`
	Diagnostics []nvimD `json:"diagnostics"`
}

// nvimD is a diagnostic as published (Line, Character: 0-based, UTF-16)
// and as Neovim holds it (Lnum, Col: 0-based).
type nvimD struct {
	Code         string `json:"code"`
	Message      string `json:"message"`
	Severity     int    `json:"severity"`
	Source       string `json:"source"`
	Line         int    `json:"line"`
	Character    int    `json:"character"`
	EndLine      int    `json:"end_line"`
	EndCharacter int    `json:"end_character"`
	Lnum         int    `json:"lnum"`
	Col          int    `json:"col"`
}

type nvimState struct {
	Version   int              `json:"version"`
	Published *nvimPublication `json:"published"`
	Nvim      []nvimD          `json:"nvim"`
}

// TestMain removes the claude-ls binary nvimtest.Build built.
func TestMain(m *testing.M) { os.Exit(nvimtest.Main(m)) }

func TestNeovim(t *testing.T) { nvimtest.Each(t, testNeovim) }

func testNeovim(t *testing.T, nvim nvimtest.Nvim) {
	script, err := filepath.Abs(filepath.Join("testdata", "nvim", "check.lua"))
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	tmp, _ = filepath.EvalSymlinks(tmp)
	bin := nvimtest.Build(t)

	root := filepath.Join(tmp, "ws")
	os.MkdirAll(filepath.Join(root, ".git"), 0o755)
	file := filepath.Join(root, "tides.prompt")
	writeFile(t, file, nvimPrompt)
	serverLog := filepath.Join(tmp, "claude-ls.log")

	run := nvimtest.Run(t, nvimtest.Options{
		Nvim:    nvim.Path,
		Script:  script,
		Dir:     root,
		Timeout: nvimTimeout,
		Env: []string{
			"CLAUDE_LS_BIN=" + bin,
			"CLAUDE_LS_LOG=" + serverLog,
			"NVIM_TEST_ROOT=" + root,
			"NVIM_TEST_FILE=" + file,
			"NVIM_TEST_FIX=" + nvimTypo + "=>" + nvimModel,
			"NVIM_TEST_HOVER=" + nvimModel,
		},
		Logs: []nvimtest.Log{{Name: "claude-ls log", Path: serverLog}},
	})
	var r nvimReport
	run.Report(&r)
	t.Logf("Neovim %s, started with %s, took %s", r.Nvim, r.API, run.Took.Round(time.Millisecond))

	if r.Filetype != "prompt" || !r.Attached {
		run.Fatalf("filetype %q, attached %v: want prompt, true", r.Filetype, r.Attached)
	}

	// Before the edit: both problems, at their places, in what the server
	// published and in what Neovim holds.
	typo := utf16Pos(nvimPrompt, strings.Index(nvimPrompt, nvimTypo))
	temp := utf16Pos(nvimPrompt, strings.Index(nvimPrompt, "temperature"))
	want := []nvimD{
		{Code: "model-unknown", Severity: 2, Line: int(typo.Line), Character: int(typo.Character), EndLine: int(typo.Line), EndCharacter: int(typo.Character) + len(nvimTypo)},
		{Code: "sampling-removed", Severity: 1, Line: int(temp.Line), Character: int(temp.Character), EndLine: int(temp.Line), EndCharacter: int(temp.Character) + len("temperature: 0.5")},
	}
	if r.Before == nil || r.Before.Published == nil {
		run.Fatalf("no diagnostics before the edit")
	}
	checkPublished(t, "before the edit", r.Before.Published.Diagnostics, want)
	checkNvim(t, "before the edit", r.Before.Nvim, want)
	for _, d := range r.Before.Published.Diagnostics {
		if d.Source != "claude-ls" {
			t.Errorf("before the edit: %s has source %q", d.Code, d.Source)
		}
		if d.Code == "model-unknown" && !strings.Contains(d.Message, nvimModel) {
			t.Errorf("model-unknown does not suggest %s: %q", nvimModel, d.Message)
		}
		if d.Code == "sampling-removed" && !strings.Contains(d.Message, "2023-06-01") {
			t.Errorf("sampling-removed does not name the legacy version: %q", d.Message)
		}
	}

	// After the typo is fixed in the buffer: the diagnostics of the edited
	// version (Neovim sends its changedtick) hold only sampling-removed.
	if r.After == nil || r.After.Published == nil {
		run.Fatalf("no diagnostics after the edit")
	}
	if v := r.After.Published.Version; v == nil || *v != r.After.Version || *v <= r.Before.Version {
		t.Errorf("after the edit: published version %v, buffer version %d (before %d)", deref(v), r.After.Version, r.Before.Version)
	}
	checkPublished(t, "after the edit", r.After.Published.Diagnostics, want[1:])
	checkNvim(t, "after the edit", r.After.Nvim, want[1:])

	// Hover on the model id: a model card with the context window.
	h := r.Hover
	switch {
	case h == nil:
		t.Error("no hover in the report")
	case !h.Advertised:
		t.Errorf("the server does not advertise hoverProvider, so Neovim sends no hover (the script asked anyway: answered=%v error=%q)", h.Answered, h.Error)
	case !h.Answered || h.Error != "":
		t.Errorf("hover at %d:%d: answered=%v error=%q", h.Line, h.Character, h.Answered, h.Error)
	default:
		m, ok := promptfile.DefaultCatalog().Lookup(nvimModel)
		if !ok {
			t.Fatalf("%s is not in the models data", nvimModel)
		}
		t.Logf("hover on %s:\n%s", nvimModel, h.Text)
		forms := windowForms(m.ContextWindow)
		lower := strings.ToLower(h.Text)
		if !strings.Contains(lower, "context") || !slices.ContainsFunc(forms, func(f string) bool { return strings.Contains(lower, strings.ToLower(f)) }) {
			t.Errorf("hover on %s does not give its context window (one of %q):\n%s", nvimModel, forms, h.Text)
		}
	}

	if r.Exit == nil || r.Exit.Code != 0 || r.Exit.Signal != 0 {
		t.Errorf("claude-ls exit after shutdown: %+v, want code 0", r.Exit)
	}
	if t.Failed() {
		run.Fatalf("see above")
	}
}

// checkPublished compares published diagnostics with want, by code, range
// and severity, in any order.
func checkPublished(t *testing.T, when string, got, want []nvimD) {
	t.Helper()
	key := func(d nvimD) string {
		return fmt.Sprintf("%s %d:%d-%d:%d sev %d", d.Code, d.Line, d.Character, d.EndLine, d.EndCharacter, d.Severity)
	}
	compareKeys(t, when+": published", got, want, key)
}

// checkNvim compares Neovim's diagnostics with want, by code and line.
func checkNvim(t *testing.T, when string, got, want []nvimD) {
	t.Helper()
	compareKeys(t, when+": vim.diagnostic.get", got, want,
		func(d nvimD) string { return fmt.Sprintf("%s %d:%d", d.Code, d.Lnum, d.Col) },
		func(d nvimD) string { return fmt.Sprintf("%s %d:%d", d.Code, d.Line, d.Character) })
}

// compareKeys compares got and want as sets of keys.
func compareKeys(t *testing.T, what string, got, want []nvimD, gotKey func(nvimD) string, wantKey ...func(nvimD) string) {
	t.Helper()
	wk := gotKey
	if len(wantKey) > 0 {
		wk = wantKey[0]
	}
	var g, w []string
	for _, d := range got {
		g = append(g, gotKey(d))
	}
	for _, d := range want {
		w = append(w, wk(d))
	}
	slices.Sort(g)
	slices.Sort(w)
	if !slices.Equal(g, w) {
		t.Errorf("%s:\n got  %q\n want %q", what, g, w)
	}
}

// windowForms are the ways a hover may write a context window: 1000000,
// 1,000,000, 1M, 1000K.
func windowForms(n int) []string {
	forms := []string{strconv.Itoa(n), promptfile.GroupDigits(n)}
	if n%1_000_000 == 0 {
		forms = append(forms, strconv.Itoa(n/1_000_000)+"M", strconv.Itoa(n/1_000_000)+" M")
	}
	if n%1000 == 0 {
		forms = append(forms, strconv.Itoa(n/1000)+"K", strconv.Itoa(n/1000)+" K")
	}
	return forms
}

func deref(v *int) any {
	if v == nil {
		return "none"
	}
	return *v
}
