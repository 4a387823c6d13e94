// Package nvimtest tests the Neovim plugin in editors/neovim with a real
// Neovim (Debian 12's 0.7.2 in CI, see .ci/run): the plugin folder on the
// runtimepath of `nvim --headless -u NONE`, claude-ls built from this tree,
// and the fake Anthropic API of internal/fakeapi for the commands that call
// it. plugin_check.lua does what a user does and reports what the editor
// shows; this file asserts on it. internal/nvimtest runs Neovim and shows
// all it can on failure.
//
// Without nvim on PATH the test is skipped, unless CI is set: then it fails.
package plugintest

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/claude-ls/claude-ls/internal/fakeapi"
	"github.com/claude-ls/claude-ls/internal/nvimtest"
)

// prompt has a typo'd model (model-unknown), which the script fixes, and one
// of each element the syntax file knows.
const prompt = `---
model: claude-sonet-4-6
max_tokens: 1024
vars:
  topic: tides
---
system: cache=1h
You are a patient teacher. {{! never sent }}

user: cache
Explain {{topic}} to a ten-year-old, with these notes:
{{file "notes.md"}}
\assistant:
In Mustache, \{{name}} prints a name.
`

// prompt2 names no model: the defaultModel setting given to setup() applies.
const prompt2 = `---
max_tokens: 200
---
Why is the sky blue?
`

const (
	typo  = "claude-sonet-4-6"
	model = "claude-sonnet-4-6"
	// defaultModel is what setup() passes as the defaultModel setting.
	defaultModel = "claude-haiku-4-5"
	// fakeKey must never appear in what :checkhealth shows.
	fakeKey = "sk-ant-api03-nvim-plugin-test-key-0123456789"
	timeout = 150 * time.Second
)

// report is what plugin_check.lua writes (nvimtest reads its error and steps).
type report struct {
	Nvim          string   `json:"nvim"`
	API           string   `json:"api"`
	Notes         []note   `json:"notes"`
	Filetype      string   `json:"filetype"`
	Commentstring string   `json:"commentstring"`
	Foldmethod    string   `json:"foldmethod"`
	Commands      []string `json:"commands"`
	Syntax        []struct {
		Name   string `json:"name"`
		Want   string `json:"want"`
		Got    string `json:"got"`
		Linked string `json:"linked"`
		Line   int    `json:"line"`
		Col    int    `json:"col"`
	} `json:"syntax"`
	Folds []struct {
		Text      string `json:"text"`
		Line      int    `json:"line"`
		FoldStart int    `json:"fold_start"`
		FoldEnd   int    `json:"fold_end"`
	} `json:"folds"`
	Attached          bool         `json:"attached"`
	Keymap            string       `json:"keymap"`
	ClientName        string       `json:"client_name"`
	DiagnosticsBefore []diagnostic `json:"diagnostics_before"`
	DiagnosticsAfter  []diagnostic `json:"diagnostics_after"`
	Hints             []struct {
		Line int    `json:"line"`
		Text string `json:"text"`
	} `json:"hints"`
	HintsMode  string   `json:"hints_mode"`
	Lenses     []string `json:"lenses"`
	Hover      string   `json:"hover"`
	SameClient bool     `json:"same_client"`
	Second     *struct {
		Lenses      []string     `json:"lenses"`
		Diagnostics []diagnostic `json:"diagnostics"`
	} `json:"second"`
	CountNote   string   `json:"count_note"`
	CountLenses []string `json:"count_lenses"`
	Run         *struct {
		ResultFile    string   `json:"result_file"`
		ResultText    string   `json:"result_text"`
		ResultVisible bool     `json:"result_visible"`
		FocusKept     bool     `json:"focus_kept"`
		Notes         []string `json:"notes"`
	} `json:"run"`
	Appended string `json:"appended"`
	Usage    string `json:"usage"`
	Export   *struct {
		Error    string `json:"error"`
		Name     string `json:"name"`
		Filetype string `json:"filetype"`
		Text     string `json:"text"`
	} `json:"export"`
	Help *struct {
		Broken []string `json:"broken"`
		File   string   `json:"file"`
		Line   string   `json:"line"`
	} `json:"help"`
	Health  string `json:"health"`
	Stopped bool   `json:"stopped"`
}

type note struct {
	Msg   string `json:"msg"`
	Level int    `json:"level"`
}

type diagnostic struct {
	Code     string `json:"code"`
	Severity int    `json:"severity"`
	Lnum     int    `json:"lnum"`
	Col      int    `json:"col"`
	Message  string `json:"message"`
}

func TestNeovimPlugin(t *testing.T) { nvimtest.Each(t, testNeovimPlugin) }

func testNeovimPlugin(t *testing.T, nvim nvimtest.Nvim) {
	api := fakeapi.New()
	defer api.Close()
	ws := newWorkspace(t, map[string]string{
		"tides.prompt":    prompt,
		"sky.prompt":      prompt2,
		"notes.md":        "The Moon pulls the oceans.\n",
		".claude-ls.yaml": "default_max_tokens: 512\n",
	})
	// The help file is tagged in a copy, so the test writes nothing into the tree.
	docRoot := filepath.Join(t.TempDir(), "docroot")
	must(t, os.MkdirAll(filepath.Join(docRoot, "doc"), 0o755))
	help, err := os.ReadFile(filepath.Join("..", "doc", "claude-ls.txt"))
	must(t, err)
	must(t, os.WriteFile(filepath.Join(docRoot, "doc", "claude-ls.txt"), help, 0o644))

	run := runCheck(t, nvim, api, ws, "plugin_check.lua",
		"TEST_FILE="+filepath.Join(ws, "tides.prompt"),
		"TEST_FILE2="+filepath.Join(ws, "sky.prompt"),
		"TEST_FIX="+typo+"=>"+model,
		"TEST_MODEL="+model,
		"TEST_DOC="+docRoot,
	)
	var r report
	run.Report(&r)
	// Neovim warns of a deprecated API the plugin uses (vim.deprecate).
	if strings.Contains(run.Output(), "deprecated") {
		run.Fatalf("Neovim %s warns of a deprecated function", r.Nvim)
	}
	t.Logf("Neovim %s, started with %s, inlay hints as %s, took %s", r.Nvim, r.API, r.HintsMode, run.Took.Round(time.Millisecond))

	// ftdetect and ftplugin.
	if r.Filetype != "prompt" {
		t.Errorf("filetype %q, want prompt", r.Filetype)
	}
	if r.Commentstring != "{{! %s }}" {
		t.Errorf("commentstring %q, want {{! %%s }}", r.Commentstring)
	}
	if r.Foldmethod != "expr" {
		t.Errorf("foldmethod %q, want expr", r.Foldmethod)
	}
	for _, c := range []string{"ClaudeCount", "ClaudeExport", "ClaudeRun", "ClaudeRunAppend", "ClaudeUsage"} {
		if !slices.Contains(r.Commands, c) {
			t.Errorf("no :%s on the prompt buffer (it has %q)", c, r.Commands)
		}
	}

	// Syntax: each marked place has its group ("" = none; "yaml" = any YAML group).
	for _, s := range r.Syntax {
		ok := s.Got == s.Want
		if s.Want == "yaml" {
			ok = strings.HasPrefix(s.Got, "yaml")
		}
		if !ok {
			t.Errorf("syntax at %s (%d:%d): group %q, want %q", s.Name, s.Line, s.Col, s.Got, s.Want)
		}
	}

	// Folds: the front matter (lines 1-6), the system block (7-9), the user block (10-).
	wantFolds := map[string][2]int{"max_tokens": {1, 6}, "patient teacher": {7, 9}, "Explain": {10, 14}}
	for _, f := range r.Folds {
		if w := wantFolds[f.Text]; f.FoldStart != w[0] || f.FoldEnd != w[1] {
			t.Errorf("fold around line %d (%s): %d-%d, want %d-%d", f.Line, f.Text, f.FoldStart, f.FoldEnd, w[0], w[1])
		}
	}

	// Attach and diagnostics: the typo, then none of it after the fix.
	if !r.Attached || r.ClientName != "claude_ls" {
		t.Errorf("attached %v as %q, want true as claude_ls", r.Attached, r.ClientName)
	}
	if !strings.Contains(r.Keymap, "ClaudeRun") {
		t.Errorf("<LocalLeader>r maps to %q, want :ClaudeRun", r.Keymap)
	}
	if d, ok := find(r.DiagnosticsBefore, "model-unknown"); !ok {
		t.Errorf("no model-unknown diagnostic before the fix: %+v", r.DiagnosticsBefore)
	} else if d.Lnum != 1 || d.Col != len("model: ") || !strings.Contains(d.Message, model) {
		t.Errorf("model-unknown at %d:%d %q, want 1:%d naming %s", d.Lnum, d.Col, d.Message, len("model: "), model)
	}
	if _, ok := find(r.DiagnosticsAfter, "model-unknown"); ok {
		t.Errorf("model-unknown after the fix: %+v", r.DiagnosticsAfter)
	}

	// Inlay hints after each role line (0-based lines 6 and 9), with prices,
	// and after the include (line 11).
	for _, line := range []int{6, 9} {
		if h, ok := hintOn(r, line); !ok || !strings.Contains(h, "tok") || !strings.Contains(h, "$") {
			t.Errorf("inlay hint on line %d: %q (present %v), want tokens and a price; all: %+v", line, h, ok, r.Hints)
		}
	}
	if h, ok := hintOn(r, 11); !ok || !strings.Contains(h, "tok") {
		t.Errorf("no token hint after the include on line 11: %+v", r.Hints)
	}

	// Code lens: the summary and the actions.
	if !containsAll(strings.Join(r.Lenses, " | "), model, "tok in", "$", "Run", "Count exactly") {
		t.Errorf("code lenses %q: want the model, tokens, cost, Run and Count exactly", r.Lenses)
	}

	// Hover on the model: its card.
	if !strings.Contains(strings.ToLower(r.Hover), "context") {
		t.Errorf("hover on %s has no context window:\n%s", model, r.Hover)
	}

	// The second prompt: same client, the defaultModel setting applied.
	if !r.SameClient {
		t.Error("the second prompt of the workspace got a client of its own")
	}
	if r.Second == nil || !strings.Contains(strings.Join(r.Second.Lenses, " "), defaultModel) {
		t.Errorf("the prompt without a model does not use defaultModel %s from setup(): %+v", defaultModel, r.Second)
	} else if _, ok := find(r.Second.Diagnostics, "model-missing"); ok {
		t.Errorf("model-missing despite defaultModel: %+v", r.Second.Diagnostics)
	}

	// :ClaudeCount: the fake API was asked, and its count is shown.
	if api.Last("/v1/messages/count_tokens") == nil {
		t.Error(":ClaudeCount did not reach the count endpoint")
	}
	if !strings.Contains(r.CountNote, "input tokens (exact)") {
		t.Errorf(":ClaudeCount message %q", r.CountNote)
	}
	if !strings.Contains(strings.Join(r.CountLenses, " "), "(exact)") {
		t.Errorf("code lenses after :ClaudeCount: %q, want the exact count", r.CountLenses)
	}

	// :ClaudeRun: the result file beside the prompt, with the reply; progress shown.
	if r.Run == nil {
		t.Fatal("no :ClaudeRun in the report")
	}
	if !strings.HasPrefix(r.Run.ResultFile, filepath.Join(ws, ".claude-ls", "runs")+string(filepath.Separator)) {
		t.Errorf("result file %s is not under the workspace's .claude-ls/runs", r.Run.ResultFile)
	}
	if !r.Run.ResultVisible || !r.Run.FocusKept {
		t.Errorf("result file visible %v, cursor kept in the prompt %v: want both", r.Run.ResultVisible, r.Run.FocusKept)
	}
	if !containsAll(strings.Join(r.Run.Notes, "\n"), "Claude: running tides.prompt", model) {
		t.Errorf(":ClaudeRun progress messages: %q, want the begin and the end with the usage summary", r.Run.Notes)
	}
	if api.Last("/v1/messages") == nil {
		t.Error(":ClaudeRun did not reach the messages endpoint")
	}

	// :ClaudeRunAppend: the reply appended as an assistant block.
	if !strings.HasSuffix(strings.TrimRight(r.Appended, "\n"), "assistant:\n"+strings.TrimSpace(api.Reply)) {
		t.Errorf("the prompt after :ClaudeRunAppend ends with:\n%s", tail([]byte(r.Appended), 300))
	}

	// :ClaudeUsage: the two runs.
	if !containsAll(r.Usage, "claude-ls usage", model, "total") {
		t.Errorf(":ClaudeUsage shows:\n%s", r.Usage)
	}

	// :ClaudeExport python: the program, opened.
	switch e := r.Export; {
	case e == nil:
		t.Error("no :ClaudeExport in the report")
	case e.Error != "":
		t.Errorf(":ClaudeExport python failed: %s", e.Error)
	case e.Filetype != "python" || !strings.Contains(e.Text, "anthropic"):
		t.Errorf(":ClaudeExport python opened %s (filetype %q):\n%s", e.Name, e.Filetype, tail([]byte(e.Text), 600))
	}

	// :help: the tags, and every |link| resolves.
	switch h := r.Help; {
	case h == nil:
		t.Error("no :help in the report")
	case len(h.Broken) > 0:
		t.Errorf("doc/claude-ls.txt links to tags that :help does not find: %q", h.Broken)
	case !strings.HasSuffix(h.File, "claude-ls.txt") || !strings.Contains(h.Line, "*:ClaudeExport*"):
		t.Errorf(":help :ClaudeExport opened %s at %q", h.File, h.Line)
	}

	// :checkhealth claude-ls: binary and version, key present but not shown,
	// config valid, server attached.
	if strings.Contains(r.Health, fakeKey) || strings.Contains(r.Health, fakeKey[len(fakeKey)-10:]) {
		t.Errorf(":checkhealth shows the API key:\n%s", r.Health)
	}
	if !containsAll(r.Health, "claude-ls 0", "found on the configured path: "+nvimtest.Build(t), "ANTHROPIC_API_KEY is set in the environment (not shown)",
		".claude-ls.yaml is valid", "attached to") {
		t.Errorf(":checkhealth claude-ls:\n%s", r.Health)
	}
	if strings.Contains(r.Health, "ERROR") {
		t.Errorf(":checkhealth claude-ls reports an error:\n%s", r.Health)
	}

	if !r.Stopped {
		t.Error("claude-ls did not stop")
	}
	if t.Failed() {
		run.Fatalf("see above")
	}
}

func find(ds []diagnostic, code string) (diagnostic, bool) {
	for _, d := range ds {
		if d.Code == code {
			return d, true
		}
	}
	return diagnostic{}, false
}

func hintOn(r report, line int) (string, bool) {
	var parts []string
	for _, h := range r.Hints {
		if h.Line == line {
			parts = append(parts, h.Text)
		}
	}
	return strings.Join(parts, " "), len(parts) > 0
}

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

// buildClaudeLS is nvimtest.Build, for eglot_test.go.
func buildClaudeLS(t *testing.T) string { return nvimtest.Build(t) }

// TestMain removes the claude-ls binary nvimtest.Build built.
func TestMain(m *testing.M) { os.Exit(nvimtest.Main(m)) }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func tail(data []byte, n int) string {
	if len(data) > n {
		return "…" + string(data[len(data)-n:])
	}
	return string(data)
}
