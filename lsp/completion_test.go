package lsp

import (
	"slices"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/claude-ls/claude-ls/promptfile"
)

// completeAt asks for completion at pos, as the editor does when the user
// invokes it, or after typing trigger when one is given.
func completeAt(c *testClient, u uri.URI, pos protocol.Position, trigger ...string) []protocol.CompletionItem {
	c.t.Helper()
	params := &protocol.CompletionParams{}
	params.TextDocument.URI = u
	params.Position = pos
	params.Context.TriggerKind = protocol.CompletionTriggerKindInvoked
	if len(trigger) > 0 {
		params.Context.TriggerKind = protocol.CompletionTriggerKindTriggerCharacter
		params.Context.TriggerCharacter = &trigger[0]
	}
	res, err := c.server.Completion(c.ctx, params)
	if err != nil {
		c.t.Fatalf("completion at %+v: %v", pos, err)
	}
	switch r := res.(type) {
	case *protocol.CompletionList:
		if r.Items == nil {
			c.t.Fatalf("completion at %+v: items is null", pos)
		}
		return r.Items
	case protocol.CompletionItemSlice:
		return r
	case nil:
		c.t.Fatalf("completion at %+v: null result", pos)
	}
	c.t.Fatalf("completion: unexpected result %T", res)
	return nil
}

// complOpen opens a prompt that is not on disk (so the startup check of the
// workspace never publishes it) and waits until the server has analyzed it:
// requests run concurrently with notifications, so a request sent at once
// could overtake the open.
func complOpen(c *testClient, name, text string) uri.URI {
	c.t.Helper()
	u := c.open(name, text)
	c.waitVersion(u, 1)
	return u
}

// complChange edits an open prompt and waits until the server has the edit.
func complChange(c *testClient, u uri.URI, old, new string) {
	c.t.Helper()
	c.waitVersion(u, c.edit(u, old, new))
}

func complLabels(items []protocol.CompletionItem) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.Label
	}
	return out
}

// complItem finds the item labelled label.
func complItem(t *testing.T, items []protocol.CompletionItem, label string) protocol.CompletionItem {
	t.Helper()
	for _, it := range items {
		if it.Label == label {
			return it
		}
	}
	t.Fatalf("no item %q in %q", label, complLabels(items))
	return protocol.CompletionItem{}
}

// complEdit is an item's text edit, which every item has.
func complEdit(t *testing.T, it protocol.CompletionItem) *protocol.TextEdit {
	t.Helper()
	e, ok := it.TextEdit.(*protocol.TextEdit)
	if !ok {
		t.Fatalf("item %q has no text edit (%T)", it.Label, it.TextEdit)
	}
	return e
}

// complRange is the range of the first occurrence of word in u's text.
func complRange(c *testClient, u uri.URI, word string) protocol.Range {
	c.t.Helper()
	return protocol.Range{Start: c.pos(u, word), End: c.pos(u, word, len(word))}
}

// complAccept applies an item's edit to the text, as the editor does (the
// edit replaces a range on one line); UTF-16 positions.
func complAccept(t *testing.T, text string, e *protocol.TextEdit) string {
	t.Helper()
	if e.Range.Start.Line != e.Range.End.Line {
		t.Fatalf("edit range spans lines: %+v", e.Range)
	}
	start, end := caOffset(text, e.Range.Start), caOffset(text, e.Range.End)
	return text[:start] + e.NewText + text[end:]
}

func TestCompletionFrontMatterKeys(t *testing.T) {
	src := "---\nmodel: claude-sonnet-4-6\nmax_tokens: 4096\nthi\n---\nuser:\nhi\n"
	c := newTestClient(t, nil)
	u := complOpen(c, "k.prompt", src)
	items := completeAt(c, u, c.pos(u, "thi\n", 3))
	labels := complLabels(items)
	for _, want := range []string{"thinking", "tools", "tests", "temperature", "vars", "anthropic_version"} {
		if !slices.Contains(labels, want) {
			t.Errorf("no %q in %q", want, labels)
		}
	}
	for _, present := range []string{"model", "max_tokens"} {
		if slices.Contains(labels, present) {
			t.Errorf("%q is offered though the file has it", present)
		}
	}

	temp := complItem(t, items, "temperature")
	if d, _ := temp.Detail.Get(); d != "Randomness of the reply, 0 to 1" {
		t.Errorf("temperature detail = %q", d)
	}
	if spec, _ := promptfile.LookupKey("temperature"); text(temp.Documentation) != spec.Doc {
		got := text(temp.Documentation)
		t.Errorf("temperature documentation = %q", got)
	}
	if e := complEdit(t, temp); e.NewText != "temperature: " || e.Range != complRange(c, u, "thi") {
		t.Errorf("temperature edit = %+v, want %q over %+v", e, "temperature: ", complRange(c, u, "thi"))
	}

	// The model takes adaptive thinking: the plain form is all it needs.
	thinking := complItem(t, items, "thinking")
	e := complEdit(t, thinking)
	if e.NewText != "thinking:\n  type: adaptive" || thinking.InsertTextFormat == protocol.InsertTextFormatSnippet {
		t.Errorf("thinking inserts %q (format %v)", e.NewText, thinking.InsertTextFormat)
	}
	res := promptfile.Analyze(promptfile.Parse([]byte(complAccept(t, src, e))), nil, promptfile.Options{})
	for _, d := range res.Diagnostics {
		if d.Severity == promptfile.Error {
			t.Errorf("after accepting thinking: %s %s", d.Code, d.Message)
		}
	}

	for label, want := range map[string]string{
		"tools": "tools:\n  - name: ${1:get_weather}\n",
		"tests": "tests:\n  - name: ${1:first case}\n",
	} {
		it := complItem(t, items, label)
		if e := complEdit(t, it); !strings.HasPrefix(e.NewText, want) || it.InsertTextFormat != protocol.InsertTextFormatSnippet {
			t.Errorf("%s inserts %q (format %v), want a snippet starting %q", label, e.NewText, it.InsertTextFormat, want)
		}
	}
}

func TestCompletionKeyBeforeColon(t *testing.T) {
	c := newTestClient(t, nil)
	u := complOpen(c, "k.prompt", "---\nmodel: claude-sonnet-4-6\nmax_tokns: 100\n---\nhi\n")
	items := completeAt(c, u, c.pos(u, "max_tok", 7))
	e := complEdit(t, complItem(t, items, "max_tokens"))
	if e.NewText != "max_tokens" || e.Range != complRange(c, u, "max_tokns") {
		t.Errorf("edit = %+v: the key is replaced whole and the colon kept", e)
	}
}

// A client without snippet support gets the same keys as plain text.
func TestCompletionPlainTextWithoutSnippets(t *testing.T) {
	c := newTestClient(t, nil, clientOptions{noInitialize: true})
	root := uri.File(c.dir)
	params := &protocol.InitializeParams{RootURI: &root}
	if _, err := c.server.Initialize(c.ctx, params); err != nil {
		t.Fatal(err)
	}
	if err := c.server.Initialized(c.ctx, &protocol.InitializedParams{}); err != nil {
		t.Fatal(err)
	}
	u := complOpen(c, "k.prompt", "---\nmodel: claude-haiku-4-5\nmax_tokens: 8192\n\n---\nhi\n")
	items := completeAt(c, u, c.pos(u, "\n\n---", 1))
	for _, it := range items {
		if it.InsertTextFormat == protocol.InsertTextFormatSnippet || strings.Contains(complEdit(t, it).NewText, "${") {
			t.Errorf("%q is a snippet for a client without snippets", it.Label)
		}
	}
	// claude-haiku-4-5 takes only budgeted thinking: half of max_tokens.
	if e := complEdit(t, complItem(t, items, "thinking")); e.NewText != "thinking:\n  type: enabled\n  budget_tokens: 4096" {
		t.Errorf("thinking inserts %q", e.NewText)
	}
	if e := complEdit(t, complItem(t, items, "tools")); !strings.HasPrefix(e.NewText, "tools:\n  - name: get_weather\n") {
		t.Errorf("tools inserts %q", e.NewText)
	}
}

func TestCompletionModels(t *testing.T) {
	c := newTestClient(t, nil)
	u := complOpen(c, "m.prompt", "---\nmodel: claude-son\nmax_tokens: 100\n---\nhi\n")
	items := completeAt(c, u, c.pos(u, "claude-son", len("claude-son")))
	it := complItem(t, items, "claude-sonnet-4-6")
	if d, _ := it.Detail.Get(); d != "$3 / $15 per MTok · 1M context" {
		t.Errorf("detail = %q", d)
	}
	if it.LabelDetails == nil || it.LabelDetails.Description == nil || *it.LabelDetails.Description != "Claude Sonnet 4.6" {
		t.Errorf("label details = %+v", it.LabelDetails)
	}
	if doc := text(it.Documentation); !strings.Contains(doc, "Claude Sonnet 4.6") || !strings.Contains(doc, "1,000,000") {
		t.Errorf("documentation = %q", doc)
	}
	if e := complEdit(t, it); e.NewText != "claude-sonnet-4-6" || e.Range != complRange(c, u, "claude-son") {
		t.Errorf("edit = %+v", e)
	}
	// Dated ids are offered too, sorted after the canonical ids.
	dated := complItem(t, items, "claude-haiku-4-5-20251001")
	ds, _ := dated.SortText.Get()
	cs, _ := it.SortText.Get()
	if ds <= cs {
		t.Errorf("dated id sorts %q before canonical %q", ds, cs)
	}
	if d, _ := dated.Detail.Get(); d != "$1 / $5 per MTok · 200K context" {
		t.Errorf("haiku detail = %q", d)
	}

	// Right after typing the colon, the id comes with the space YAML needs.
	complChange(c, u, "model: claude-son", "model:")
	items = completeAt(c, u, c.pos(u, "model:", 6), ":")
	e := complEdit(t, complItem(t, items, "claude-sonnet-4-6"))
	if e.NewText != " claude-sonnet-4-6" || e.Range.Start != c.pos(u, "model:", 6) || e.Range.End != e.Range.Start {
		t.Errorf("edit after colon = %+v", e)
	}
}

func TestCompletionRolesAndCache(t *testing.T) {
	src := "---\nmodel: claude-sonnet-4-6\nmax_tokens: 100\n---\nuser:\nHello\n\n"
	c := newTestClient(t, nil)
	u := complOpen(c, "r.prompt", src)
	end := c.pos(u, "Hello\n\n", len("Hello\n\n"))
	if got := complLabels(completeAt(c, u, end)); !slices.Equal(got, []string{"system:", "user:", "assistant:"}) {
		t.Errorf("roles = %q", got)
	}
	complChange(c, u, "Hello\n\n", "Hello\n\nas")
	items := completeAt(c, u, c.pos(u, "\nas", 3))
	if e := complEdit(t, complItem(t, items, "assistant:")); e.NewText != "assistant:" || e.Range != complRange(c, u, "as") {
		t.Errorf("assistant edit = %+v", e)
	}

	// With a system block, a second one is not offered.
	complChange(c, u, "user:\nHello", "system:\nBe brief.\n\nuser:\nHello")
	if got := complLabels(completeAt(c, u, c.pos(u, "\nas", 3))); slices.Contains(got, "system:") {
		t.Errorf("system: offered twice: %q", got)
	}

	// After a role line's colon: the cache attributes.
	items = completeAt(c, u, c.pos(u, "user:", 5), ":")
	if got := complLabels(items); !slices.Equal(got, []string{"cache", "cache=1h"}) {
		t.Fatalf("attributes = %q", got)
	}
	if e := complEdit(t, items[1]); e.NewText != " cache=1h" || e.Range.Start != c.pos(u, "user:", 5) {
		t.Errorf("cache=1h edit = %+v", e)
	}
	complChange(c, u, "user:", "user: cache=")
	items = completeAt(c, u, c.pos(u, "cache=", 6), "=")
	if e := complEdit(t, complItem(t, items, "cache=1h")); e.NewText != "cache=1h" || e.Range != complRange(c, u, "cache=") {
		t.Errorf("cache=1h over cache= = %+v", e)
	}

	// A space typed in prose completes nothing.
	if items := completeAt(c, u, c.pos(u, "Be ", 3), " "); len(items) != 0 {
		t.Errorf("space in text: %q", complLabels(items))
	}
}

const complVarsPrompt = `---
model: claude-sonnet-4-6
max_tokens: 100
vars:
  topic: tides
tests:
  - name: volcanoes
    topic: volcanoes
    level: expert
---
user:
Explain 🌊 {{to`

func TestCompletionVariables(t *testing.T) {
	c := newTestClient(t, nil)
	u := complOpen(c, "v.prompt", complVarsPrompt)
	items := completeAt(c, u, c.pos(u, "{{to", 4), "{")
	topic := complItem(t, items, "topic")
	if d, _ := topic.Detail.Get(); d != "tides" {
		t.Errorf("topic detail = %q", d)
	}
	if doc := text(topic.Documentation); !strings.Contains(doc, "`tides`") || !strings.Contains(doc, "test `volcanoes`: `volcanoes`") {
		t.Errorf("topic documentation = %q", doc)
	}
	if d, _ := complItem(t, items, "level").Detail.Get(); d != "expert (test volcanoes)" {
		t.Errorf("level detail = %q", d)
	}
	// After the emoji: "Explain " is 8 units, the wave 2, then " {{".
	e := complEdit(t, topic)
	want := protocol.Range{Start: protocol.Position{Line: 11, Character: 13}, End: protocol.Position{Line: 11, Character: 15}}
	if e.Range != want || e.Range.Start != c.pos(u, "{{to", 2) {
		t.Errorf("range = %+v, want %+v (UTF-16)", e.Range, want)
	}
	if e.NewText != "topic}}" {
		t.Errorf("new text = %q", e.NewText)
	}

	// Inside a closed {{ }}, only the name is replaced.
	complChange(c, u, "{{to", "{{ to }}")
	e = complEdit(t, complItem(t, completeAt(c, u, c.pos(u, "{{ to", 5)), "topic"))
	if want := (protocol.Range{Start: c.pos(u, "to }}"), End: c.pos(u, "to }}", 2)}); e.NewText != "topic" || e.Range != want {
		t.Errorf("closed edit = %+v, want %q over %+v", e, "topic", want)
	}
	// {{! is a comment; \{{ a literal.
	complChange(c, u, "{{ to }}", `{{! to \{{ to`)
	if items := completeAt(c, u, c.pos(u, "{{! to", 6)); len(items) != 0 {
		t.Errorf("completion in a comment: %q", complLabels(items))
	}
	if items := completeAt(c, u, c.pos(u, `\{{ to`, 6)); len(items) != 0 {
		t.Errorf("completion after a literal \\{{: %q", complLabels(items))
	}
}

func TestCompletionVariablesUTF8(t *testing.T) {
	c := newTestClient(t, nil, clientOptions{utf8: true})
	u := complOpen(c, "v.prompt", complVarsPrompt)
	// Columns are bytes: "Explain " 8, the wave 4, " {{" 3.
	items := completeAt(c, u, protocol.Position{Line: 11, Character: 17})
	e := complEdit(t, complItem(t, items, "topic"))
	want := protocol.Range{Start: protocol.Position{Line: 11, Character: 15}, End: protocol.Position{Line: 11, Character: 17}}
	if e.Range != want {
		t.Errorf("range = %+v, want %+v (UTF-8)", e.Range, want)
	}
}

func TestCompletionIncludePaths(t *testing.T) {
	c := newTestClient(t, map[string]string{
		"prompts/p.prompt":  "---\nmodel: claude-sonnet-4-6\nmax_tokens: 100\n---\nuser:\nHi\n",
		"prompts/notes.txt": "notes",
		"prompts/.hidden":   "x",
		"prompts/docs/a.md": "a",
		"shared/style.md":   "s",
		"root.txt":          "r",
	})
	// The prompt is on disk, clean, so that listing its folder can leave it
	// out; the editor's text is being typed.
	u := complOpen(c, "prompts/p.prompt", "---\nmodel: claude-sonnet-4-6\nmax_tokens: 100\n---\nuser:\nUse {{file \"")
	at := func(marker string) []protocol.CompletionItem {
		return completeAt(c, u, c.pos(u, marker, len(marker)), `"`)
	}
	items := at(`{{file "`)
	if got := complLabels(items); !slices.Equal(got, []string{"docs/", "notes.txt"}) {
		t.Errorf("prompt folder = %q (hidden files and the prompt itself left out)", got)
	}
	if e := complEdit(t, complItem(t, items, "notes.txt")); e.NewText != `notes.txt"}}` || e.Range.Start != e.Range.End || e.Range.Start != c.pos(u, `{{file "`, 8) {
		t.Errorf("notes.txt edit = %+v", e)
	}
	if e := complEdit(t, complItem(t, items, "docs/")); e.NewText != "docs/" || complItem(t, items, "docs/").Kind != protocol.CompletionItemKindFolder {
		t.Errorf("docs/ edit = %+v", e)
	}

	complChange(c, u, `{{file "`, `{{file "docs/"}}`)
	items = completeAt(c, u, c.pos(u, `docs/`, 5), "/")
	if e := complEdit(t, complItem(t, items, "a.md")); e.NewText != "a.md" || e.Range.Start != c.pos(u, `docs/`, 5) {
		t.Errorf("a.md edit = %+v (the closing quote is already there)", e)
	}

	complChange(c, u, `{{file "docs/"}}`, `{{file "../sh`)
	items = completeAt(c, u, c.pos(u, `../sh`, 5))
	if got := complLabels(items); !slices.Equal(got, []string{"prompts/", "root.txt", "shared/"}) {
		t.Errorf("workspace root = %q", got)
	}
	if e := complEdit(t, complItem(t, items, "shared/")); e.Range != complRange(c, u, "sh") {
		t.Errorf("shared/ replaces %+v, want the typed segment", e.Range)
	}

	// Never outside the workspace root.
	complChange(c, u, `{{file "../sh`, `{{file "../../`)
	if items := at(`{{file "../../`); len(items) != 0 {
		t.Errorf("outside the root: %q", complLabels(items))
	}
	complChange(c, u, `{{file "../../`, `{{file "/etc/`)
	if items := at(`{{file "/etc/`); len(items) != 0 {
		t.Errorf("absolute path: %q", complLabels(items))
	}
}

// Positions past the end of a line or of the document, and documents that
// are not open, are answered with no items, and the server stays up.
func TestCompletionOutOfRange(t *testing.T) {
	c := newTestClient(t, nil)
	u := complOpen(c, "o.prompt", "---\r\nmodel: claude-sonnet-4-6\r\nmax_tokens: 100\r\n---\r\nuser:\r\nhi {{")
	for _, pos := range []protocol.Position{{Line: 999, Character: 999}, {Line: 0, Character: 9999}, {Line: 5, Character: 99}} {
		completeAt(c, u, pos)
	}
	// Past the end of the last line is its end: inside {{.
	if items := completeAt(c, u, protocol.Position{Line: 5, Character: 99}); len(items) != 0 {
		t.Errorf("no variables defined, got %q", complLabels(items))
	}
	// CRLF: the key line ends before "\r".
	items := completeAt(c, u, protocol.Position{Line: 2, Character: 99})
	for _, it := range items {
		t.Errorf("after a value, nothing to complete; got %q", it.Label)
	}
	if items := completeAt(c, c.uri("nope.prompt"), protocol.Position{}); len(items) != 0 {
		t.Errorf("unopened document: %q", complLabels(items))
	}
	if items := completeAt(c, u, protocol.Position{Line: 1, Character: 0}); !slices.Contains(complLabels(items), "model") {
		t.Errorf("server not answering after out-of-range requests: %q", complLabels(items))
	}
}

// TestCompletionEffortFollowsTheModel: effort levels come from the engine's
// key registry, filtered by what the file's model takes.
func TestCompletionEffortFollowsTheModel(t *testing.T) {
	c := newTestClient(t, nil)
	u := complOpen(c, "e.prompt", "---\nmodel: claude-opus-4-7\nmax_tokens: 100\neffort: \n---\nhi\n")
	labels := func(items []protocol.CompletionItem) []string {
		var out []string
		for _, it := range items {
			out = append(out, it.Label)
		}
		return out
	}
	items := completeAt(c, u, c.pos(u, "effort: ", len("effort: ")))
	if got := labels(items); !slices.Equal(got, []string{"low", "medium", "high", "xhigh", "max"}) {
		t.Errorf("opus-4-7 effort values = %q", got)
	}
	if spec, _ := promptfile.LookupKey("effort"); text(complItem(t, items, "max").Documentation) != spec.Doc {
		t.Errorf("effort documentation is not the registry's")
	}
	complChange(c, u, "claude-opus-4-7", "claude-opus-4-5")
	items = completeAt(c, u, c.pos(u, "effort: ", len("effort: ")))
	if got := labels(items); !slices.Equal(got, []string{"low", "medium", "high"}) {
		t.Errorf("opus-4-5 effort values = %q", got)
	}
}
