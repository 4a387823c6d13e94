package lsp

import (
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// caOffset is the byte offset of a UTF-16 position in text, computed
// independently of the server's mapper; positions past the end clamp.
func caOffset(text string, p protocol.Position) int {
	off := 0
	for line := uint32(0); line < p.Line; line++ {
		i := strings.IndexByte(text[off:], '\n')
		if i < 0 {
			return len(text)
		}
		off += i + 1
	}
	end := len(text)
	if i := strings.IndexByte(text[off:], '\n'); i >= 0 {
		end = off + i
	}
	col := uint32(0)
	for i, r := range text[off:end] {
		if col >= p.Character {
			return off + i
		}
		col++
		if r >= 0x10000 {
			col++
		}
	}
	return end
}

// caApplyEdits applies text edits, which must not overlap, to text.
func caApplyEdits(text string, edits []protocol.TextEdit) string {
	sorted := slices.Clone(edits)
	sort.SliceStable(sorted, func(i, j int) bool {
		return caOffset(text, sorted[i].Range.Start) > caOffset(text, sorted[j].Range.Start)
	})
	for _, e := range sorted {
		start, end := caOffset(text, e.Range.Start), caOffset(text, e.Range.End)
		text = text[:start] + e.NewText + text[end:]
	}
	return text
}

// caApply applies a workspace edit as an editor does: it returns the new
// text of every file it touches, open documents from the editor's text and
// others from disk; a file it creates starts empty.
func caApply(t *testing.T, c *testClient, we *protocol.WorkspaceEdit) map[uri.URI]string {
	t.Helper()
	if we == nil {
		t.Fatal("action without an edit")
	}
	out := map[uri.URI]string{}
	current := func(u uri.URI) string {
		if s, ok := out[u]; ok {
			return s
		}
		c.mu.Lock()
		s, ok := c.texts[u]
		c.mu.Unlock()
		if ok {
			return s
		}
		data, err := os.ReadFile(u.FsPath())
		if err != nil {
			t.Fatalf("edit of %s, which does not exist: %v", u, err)
		}
		return string(data)
	}
	if len(we.Changes) > 0 && len(we.DocumentChanges) > 0 {
		t.Error("edit has both changes and documentChanges")
	}
	for u, edits := range we.Changes {
		out[u] = caApplyEdits(current(u), edits)
	}
	for _, dc := range we.DocumentChanges {
		switch dc := dc.(type) {
		case *protocol.CreateFile:
			if _, err := os.Stat(dc.URI.FsPath()); err == nil {
				t.Errorf("creates %s, which exists", dc.URI)
			}
			out[dc.URI] = ""
		case *protocol.TextDocumentEdit:
			var edits []protocol.TextEdit
			for _, e := range dc.Edits {
				te, ok := e.(*protocol.TextEdit)
				if !ok {
					t.Fatalf("edit of type %T", e)
				}
				edits = append(edits, *te)
			}
			out[dc.TextDocument.URI] = caApplyEdits(current(dc.TextDocument.URI), edits)
		default:
			t.Fatalf("document change of type %T", dc)
		}
	}
	return out
}

// caSend replaces an open document's text, as an editor does after applying
// an edit, and returns the diagnostics of the new version.
func caSend(c *testClient, u uri.URI, text string) *protocol.PublishDiagnosticsParams {
	c.t.Helper()
	c.mu.Lock()
	c.texts[u] = text
	c.versions[u]++
	v := c.versions[u]
	c.mu.Unlock()
	err := c.server.DidChange(c.ctx, &protocol.DidChangeTextDocumentParams{
		TextDocument:   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: u}, Version: v},
		ContentChanges: []protocol.TextDocumentContentChangeEvent{&protocol.TextDocumentContentChangeWholeDocument{Text: text}},
	})
	if err != nil {
		c.t.Fatal(err)
	}
	return c.waitVersion(u, v)
}

// caActions asks for the code actions at the first occurrence of marker,
// passing the diagnostics the editor holds there, as editors do.
func caActions(c *testClient, u uri.URI, marker string, only ...protocol.CodeActionKind) []*protocol.CodeAction {
	c.t.Helper()
	r := protocol.Range{Start: c.pos(u, marker), End: c.pos(u, marker, len(marker))}
	var held []protocol.Diagnostic
	c.mu.Lock()
	if p := c.diagnostics[u]; p != nil {
		for _, d := range p.Diagnostics {
			if !(d.Range.End.Line < r.Start.Line || d.Range.Start.Line > r.End.Line) {
				held = append(held, d)
			}
		}
	}
	c.mu.Unlock()
	return caRequest(c, u, r, held, only...)
}

func caRequest(c *testClient, u uri.URI, r protocol.Range, held []protocol.Diagnostic, only ...protocol.CodeActionKind) []*protocol.CodeAction {
	c.t.Helper()
	params := &protocol.CodeActionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: u},
		Range:        r,
		Context:      protocol.CodeActionContext{Diagnostics: held, Only: only},
	}
	// The raw answer is decoded here: the typed client decodes a list of
	// actions into strings that alias a frame buffer it reuses.
	var raw jsonrpc2.RawMessage
	if err := c.call(protocol.MethodTextDocumentCodeAction, params, &raw); err != nil {
		c.t.Fatalf("codeAction: %v", err)
	}
	if string(raw) == "null" {
		c.t.Fatal("codeAction: null result")
	}
	var res []protocol.CommandOrCodeAction
	if err := protocol.Unmarshal(raw, &res); err != nil {
		c.t.Fatalf("codeAction answer %s: %v", raw, err)
	}
	var out []*protocol.CodeAction
	for _, a := range res {
		ca, ok := a.(*protocol.CodeAction)
		if !ok {
			c.t.Fatalf("codeAction returned %T, want code actions", a)
		}
		// The workbench's source actions come with every unfiltered answer;
		// the quick-fix tests look at the rest (TestSourceActions checks them).
		if len(only) == 0 && ca.Kind != nil && *ca.Kind == sourceKind {
			continue
		}
		out = append(out, ca)
	}
	return out
}

func caTitles(actions []*protocol.CodeAction) []string {
	out := make([]string, len(actions))
	for i, a := range actions {
		out[i] = a.Title
	}
	return out
}

func caFind(t *testing.T, actions []*protocol.CodeAction, title string) *protocol.CodeAction {
	t.Helper()
	for _, a := range actions {
		if a.Title == title {
			return a
		}
	}
	t.Fatalf("no action %q in %q", title, caTitles(actions))
	return nil
}

// caCheck asserts an action is a quick fix for a diagnostic with code, and
// whether it is preferred.
func caCheck(t *testing.T, a *protocol.CodeAction, code string, preferred bool) {
	t.Helper()
	if a.Kind == nil || *a.Kind != protocol.CodeActionKindQuickFix {
		t.Errorf("%q: kind %v", a.Title, a.Kind)
	}
	if len(a.Diagnostics) != 1 || text(a.Diagnostics[0].Code) != code {
		t.Errorf("%q: diagnostics %+v, want one %s", a.Title, a.Diagnostics, code)
	}
	if got := a.IsPreferred != nil && *a.IsPreferred; got != preferred {
		t.Errorf("%q: preferred = %v, want %v", a.Title, got, preferred)
	}
}

func TestCodeActionNearestModel(t *testing.T) {
	src := "---\nmodel: claude-sonet-4-6\nmax_tokens: 100\n---\nuser:\nhi\n"
	c := newTestClient(t, nil)
	u := c.open("m.prompt", src)
	published := c.waitVersion(u, 1)
	actions := caActions(c, u, "claude-sonet-4-6")
	a := caFind(t, actions, "Change to `claude-sonnet-4-6`")
	caCheck(t, a, "model-unknown", true)
	// The editor's own diagnostic is attached, so it can tell what is fixed.
	if text(a.Diagnostics[0].Message) != text(published.Diagnostics[0].Message) || a.Diagnostics[0].Range != published.Diagnostics[0].Range {
		t.Errorf("attached %+v, published %+v", a.Diagnostics[0], published.Diagnostics[0])
	}
	got := caApply(t, c, a.Edit)[u]
	if want := strings.Replace(src, "claude-sonet-4-6", "claude-sonnet-4-6", 1); got != want {
		t.Errorf("applied:\n%s\nwant:\n%s", got, want)
	}
	if p := caSend(c, u, got); len(p.Diagnostics) != 0 {
		t.Errorf("after the fix: %s", describe(p))
	}
}

func TestCodeActionSamplingParameter(t *testing.T) {
	src := "---\nmodel: claude-sonnet-4-6\nmax_tokens: 100\ntemperature: 0.5\n---\nuser:\nhi 😀\n"
	c := newTestClient(t, nil)
	u := c.open("t.prompt", src)
	if p := c.waitVersion(u, 1); !slices.Contains(codes(p), "sampling-removed") {
		t.Fatalf("diagnostics: %s", describe(p))
	}
	// The cursor anywhere on the key is enough: an empty range.
	at := c.pos(u, "temperature", 4)
	actions := caRequest(c, u, protocol.Range{Start: at, End: at}, nil)
	if got := caTitles(actions); !slices.Equal(got, []string{"Remove `temperature`", "Pin `anthropic_version: 2023-06-01`"}) {
		t.Fatalf("actions = %q", got)
	}
	remove, pin := actions[0], actions[1]
	caCheck(t, remove, "sampling-removed", true)
	caCheck(t, pin, "sampling-removed", false)
	removed := caApply(t, c, remove.Edit)[u]
	pinned := caApply(t, c, pin.Edit)[u]
	if want := strings.Replace(src, "temperature: 0.5\n", "", 1); removed != want {
		t.Errorf("removed:\n%s\nwant:\n%s", removed, want)
	}
	if !strings.Contains(pinned, "anthropic_version: 2023-06-01\n") || !strings.Contains(pinned, "temperature: 0.5\n") {
		t.Errorf("pinned:\n%s", pinned)
	}
	for name, fixed := range map[string]string{"remove": removed, "pin": pinned} {
		if p := caSend(c, u, fixed); len(p.Diagnostics) != 0 {
			t.Errorf("after %s: %s", name, describe(p))
		}
	}
}

func TestCodeActionDefineVariable(t *testing.T) {
	src := "---\nmodel: claude-sonnet-4-6\nmax_tokens: 100\n---\nuser:\nExplain {{topic}}\n"
	c := newTestClient(t, nil)
	u := c.open("v.prompt", src)
	c.waitVersion(u, 1)
	a := caFind(t, caActions(c, u, "topic"), "Define `topic` in vars")
	caCheck(t, a, "var-undefined", true)
	got := caApply(t, c, a.Edit)[u]
	if want := "---\nmodel: claude-sonnet-4-6\nmax_tokens: 100\nvars:\n  topic: \"\"\n---\nuser:\nExplain {{topic}}\n"; got != want {
		t.Errorf("applied:\n%s\nwant:\n%s", got, want)
	}
	if p := caSend(c, u, got); slices.Contains(codes(p), "var-undefined") {
		t.Errorf("after the fix: %s", describe(p))
	}
}

func TestCodeActionMoveKeyToEnv(t *testing.T) {
	key := "sk-ant-" + "api03-" + strings.Repeat("Ab9_", 6)
	src := "---\nmodel: claude-sonnet-4-6\nmax_tokens: 100\n---\nuser:\nMy key is " + key + ", say hi\n"
	for _, tc := range []struct {
		name      string
		env       *string // nil: no .env
		title     string
		wantEnv   string
		documents bool // documentChanges (creating .env) rather than changes
	}{
		{name: "missing", title: "Move the key to .env", wantEnv: "ANTHROPIC_API_KEY=" + key + "\n", documents: true},
		{name: "other keys", env: caStr("OTHER=1"), title: "Move the key to .env", wantEnv: "OTHER=1\nANTHROPIC_API_KEY=" + key + "\n"},
		{name: "older key", env: caStr("export ANTHROPIC_API_KEY=\"old\"\nX=2\n"), title: "Move the key to .env, replacing its ANTHROPIC_API_KEY",
			wantEnv: "export ANTHROPIC_API_KEY=\"" + key + "\"\nX=2\n"},
		{name: "same key", env: caStr("ANTHROPIC_API_KEY=" + key + "\n"), title: "Remove the key (.env already sets ANTHROPIC_API_KEY to it)",
			wantEnv: "ANTHROPIC_API_KEY=" + key + "\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := map[string]string{}
			if tc.env != nil {
				files[".env"] = *tc.env
			}
			c := newTestClient(t, files)
			u := c.open("sub/k.prompt", src)
			p := c.waitVersion(u, 1)
			if !slices.Contains(codes(p), "secret") {
				t.Fatalf("diagnostics: %s", describe(p))
			}
			actions := caActions(c, u, key)
			for _, a := range actions {
				if strings.Contains(a.Title, key) {
					t.Errorf("a title shows the key: %q", a.Title)
				}
				for _, d := range a.Diagnostics {
					if strings.Contains(text(d.Message), key) {
						t.Errorf("a message shows the key: %q", text(d.Message))
					}
				}
			}
			caCheck(t, caFind(t, actions, "Remove the key"), "secret", true)
			move := caFind(t, actions, tc.title)
			caCheck(t, move, "secret", false)
			if got := len(move.Edit.DocumentChanges) > 0; got != tc.documents {
				t.Errorf("documentChanges used = %v, want %v", got, tc.documents)
			}
			if tc.documents {
				if cf, ok := move.Edit.DocumentChanges[0].(*protocol.CreateFile); !ok || cf.URI != c.uri(".env") {
					t.Errorf("first change = %#v, want creating .env at the root", move.Edit.DocumentChanges[0])
				}
			}
			applied := caApply(t, c, move.Edit)
			env, ok := applied[c.uri(".env")]
			if !ok {
				env = *tc.env // untouched
			}
			if env != tc.wantEnv {
				t.Errorf(".env = %q, want %q", env, tc.wantEnv)
			}
			prompt := applied[u]
			if want := strings.Replace(src, key, "", 1); prompt != want {
				t.Errorf("prompt:\n%s\nwant:\n%s", prompt, want)
			}
			writeFile(t, filepath.Join(c.dir, ".env"), env)
			if p := caSend(c, u, prompt); slices.Contains(codes(p), "secret") {
				t.Errorf("after the move: %s", describe(p))
			}
		})
	}
}

func caStr(s string) *string { return &s }

// A key in an included file is reported at the include; it is not in the
// prompt, so there is nothing to move.
func TestCodeActionKeyInInclude(t *testing.T) {
	key := "sk-ant-" + "api03-" + strings.Repeat("Zz0-", 6)
	c := newTestClient(t, map[string]string{
		"leak.txt": "key " + key,
	})
	u := c.open("i.prompt", "---\nmodel: claude-sonnet-4-6\nmax_tokens: 100\n---\nuser:\n{{file \"leak.txt\"}}\n")
	if p := c.waitVersion(u, 1); !slices.Contains(codes(p), "secret") {
		t.Fatalf("diagnostics: %s", describe(p))
	}
	for _, a := range caActions(c, u, "leak.txt") {
		if strings.Contains(a.Title, ".env") {
			t.Errorf("offered %q for a key in another file", a.Title)
		}
	}
}

func TestCodeActionNothingToDo(t *testing.T) {
	src := "---\nmodel: claude-sonet-4-6\nmax_tokens: 100\n---\nuser:\nhi\n"
	c := newTestClient(t, nil)
	u := c.open("n.prompt", src)
	c.waitVersion(u, 1)
	if got := caActions(c, u, "hi"); len(got) != 0 {
		t.Errorf("no diagnostic there, got %q", caTitles(got))
	}
	// Source actions (Run, Export, …) whatever the position, commands only.
	got := caActions(c, u, "claude-sonet", protocol.CodeActionKindSource)
	// One export action per language of workbench's table, js included.
	if len(got) != 10 || got[0].Title != "Claude: Run prompt" || got[0].Command.Command != CommandRun || got[0].Edit != nil ||
		got[3].Command.Command != CommandImprove || got[4].Command.Command != CommandGenerateTests ||
		got[8].Title != "Claude: Export as JavaScript" {
		t.Errorf("source actions: %q", caTitles(got))
	}
	if got := caActions(c, u, "claude-sonet", protocol.CodeActionKindQuickFix); len(got) != 1 {
		t.Errorf("quick fixes: %q", caTitles(got))
	}
	// Out of range: answered, nothing there.
	far := protocol.Position{Line: 999, Character: 999}
	if got := caRequest(c, u, protocol.Range{Start: far, End: far}, nil); len(got) != 0 {
		t.Errorf("past the end: %q", caTitles(got))
	}
	// A reversed range covering the model line still finds its fix.
	if got := caRequest(c, u, protocol.Range{Start: protocol.Position{Line: 2}, End: protocol.Position{Line: 1}}, nil); len(got) != 1 {
		t.Errorf("reversed range: %q", caTitles(got))
	}
	if got := caRequest(c, c.uri("closed.prompt"), protocol.Range{}, nil); len(got) != 0 {
		t.Errorf("unopened document: %q", caTitles(got))
	}
}

// TestCodeActionOutputFormatToFormat: the deprecated key's warning offers
// the rename, and the renamed file is clean.
func TestCodeActionOutputFormatToFormat(t *testing.T) {
	src := "---\nmodel: claude-sonnet-4-6\nmax_tokens: 100\noutput_format:\n  type: object\n  properties:\n    a: {type: string}\n  additionalProperties: false\n---\nuser:\nhi\n"
	c := newTestClient(t, nil)
	u := c.open("f.prompt", src)
	if p := c.waitVersion(u, 1); !slices.Contains(codes(p), "output-format-deprecated") {
		t.Fatalf("diagnostics: %s", describe(p))
	}
	a := caFind(t, caActions(c, u, "output_format"), "Rename to `format`")
	caCheck(t, a, "output-format-deprecated", true)
	got := caApply(t, c, a.Edit)[u]
	if want := strings.Replace(src, "output_format:", "format:", 1); got != want {
		t.Errorf("applied:\n%s\nwant:\n%s", got, want)
	}
	if p := caSend(c, u, got); len(p.Diagnostics) != 0 {
		t.Errorf("after the fix: %s", describe(p))
	}
}

// TestCodeActionToolChoiceRefusedByModel: Opus 5.5 refuses tool_choice any;
// the fix makes it auto.
func TestCodeActionToolChoiceRefusedByModel(t *testing.T) {
	src := "---\nmodel: claude-opus-5-5\nmax_tokens: 100\ntools:\n  - name: lookup\n    description: Look up\n    input_schema: {type: object}\ntool_choice: {type: any}\n---\nuser:\nhi\n"
	c := newTestClient(t, nil)
	u := c.open("t.prompt", src)
	c.waitVersion(u, 1)
	a := caFind(t, caActions(c, u, "any"), "Use `auto`")
	caCheck(t, a, "tool-choice-model", true)
	got := caApply(t, c, a.Edit)[u]
	if want := strings.Replace(src, "{type: any}", "{type: auto}", 1); got != want {
		t.Errorf("applied:\n%s\nwant:\n%s", got, want)
	}
	if p := caSend(c, u, got); len(p.Diagnostics) != 0 {
		t.Errorf("after the fix: %s", describe(p))
	}
}
