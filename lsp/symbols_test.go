package lsp

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/claude-ls/claude-ls/internal/fixtures"
)

// specExamplePrompt is the example of the format's spec; the outline,
// folding, semantic token and navigation tests share it.
const specExamplePrompt = "---\n" + fixtures.TidesFrontMatter + `---
system: cache
You are a patient teacher. {{! this comment is never sent }}

user:
Explain {{topic}} to a ten-year-old.

assistant:
Imagine the ocean
`

// halfTypedPrompt has front matter that is not closed yet.
const halfTypedPrompt = `---
model: claude-sonnet-4-6
vars:
  topic: tides
user:
Explain {{topic}} to me.
`

// openReady opens a document and waits until the server has analyzed it:
// the server handles notifications concurrently with the requests after
// them, so a request sent at once could overtake the open.
func openReady(c *testClient, name string, text ...string) uri.URI {
	c.t.Helper()
	u := c.open(name, text...)
	c.waitVersion(u, 1)
	return u
}

// documentSymbols asks for the outline of an open document.
func (c *testClient) documentSymbols(u uri.URI) []protocol.DocumentSymbol {
	c.t.Helper()
	res, err := c.server.DocumentSymbol(c.ctx, &protocol.DocumentSymbolParams{TextDocument: protocol.TextDocumentIdentifier{URI: u}})
	if err != nil {
		c.t.Fatalf("documentSymbol: %v", err)
	}
	syms, ok := res.(protocol.DocumentSymbolSlice)
	if !ok {
		c.t.Fatalf("documentSymbol answered %T, want a hierarchical DocumentSymbol list", res)
	}
	return syms
}

func symbolNames(syms []protocol.DocumentSymbol) string {
	names := make([]string, len(syms))
	for i, s := range syms {
		names[i] = s.Name
	}
	return strings.Join(names, ",")
}

func symDetail(s protocol.DocumentSymbol) string {
	if s.Detail == nil {
		return ""
	}
	return *s.Detail
}

var tokDetailRE = regexp.MustCompile(`≈ ([\d,]+) tok`)

// detailTokens reads the token count of a symbol's detail; -1 without one.
func detailTokens(s protocol.DocumentSymbol) int {
	m := tokDetailRE.FindStringSubmatch(symDetail(s))
	if m == nil {
		return -1
	}
	n, _ := strconv.Atoi(strings.ReplaceAll(m[1], ",", ""))
	return n
}

// afterMarker is the position just after the first occurrence of marker.
func (c *testClient) afterMarker(u uri.URI, marker string) protocol.Position {
	return c.pos(u, marker, len(marker))
}

func TestDocumentSymbolOutline(t *testing.T) {
	c := newTestClient(t, map[string]string{"a.prompt": specExamplePrompt})
	u := openReady(c, "a.prompt")
	syms := c.documentSymbols(u)
	if got := symbolNames(syms); got != "front matter,system,user,assistant" {
		t.Fatalf("outline = %s", got)
	}
	fm, system, user, assistant := syms[0], syms[1], syms[2], syms[3]

	if got := symbolNames(fm.Children); got != "model,max_tokens,vars,tests" {
		t.Errorf("front matter children = %s", got)
	}
	if fm.Range.Start != (protocol.Position{}) || fm.Range.End != c.pos(u, "---\nsystem", 3) {
		t.Errorf("front matter range = %+v", fm.Range)
	}
	if fm.Kind != protocol.SymbolKindModule {
		t.Errorf("front matter kind = %v", fm.Kind)
	}
	model := fm.Children[0]
	if symDetail(model) != "claude-sonnet-4-6" || model.SelectionRange.Start != c.pos(u, "model") || model.Range.End != c.afterMarker(u, "claude-sonnet-4-6") {
		t.Errorf("model = %q %+v", symDetail(model), model.Range)
	}
	vars := fm.Children[2]
	if symbolNames(vars.Children) != "topic" || symDetail(vars.Children[0]) != "tides" || vars.Children[0].Kind != protocol.SymbolKindVariable {
		t.Errorf("vars children = %s %q", symbolNames(vars.Children), symDetail(vars.Children[0]))
	}
	if tests := fm.Children[3]; symbolNames(tests.Children) != "volcanoes" || symDetail(tests) != "1 item" {
		t.Errorf("tests = %q, children %s", symDetail(tests), symbolNames(tests.Children))
	}

	// A block reaches from its role line to its last non-blank line; its
	// selection is the role name.
	if user.SelectionRange.Start != c.pos(u, "user:") || user.SelectionRange.End != c.pos(u, ":\nExplain") {
		t.Errorf("user selection = %+v", user.SelectionRange)
	}
	if user.Range.Start != c.pos(u, "user:") || user.Range.End != c.afterMarker(u, "ten-year-old.") {
		t.Errorf("user range = %+v", user.Range)
	}
	if !strings.HasPrefix(symDetail(user), "Explain {{topic}} to a ten-year-old. · ≈ ") {
		t.Errorf("user detail = %q", symDetail(user))
	}
	for _, s := range []protocol.DocumentSymbol{system, user, assistant} {
		if n := detailTokens(s); n <= 0 {
			t.Errorf("%s: no token count in %q", s.Name, symDetail(s))
		}
	}
	// The comment is not part of the system prompt's words; its cache is.
	if d := symDetail(system); !strings.HasPrefix(d, "You are a patient teacher. · ≈ ") || !strings.HasSuffix(d, " · cache") {
		t.Errorf("system detail = %q", d)
	}
	if system.Range.End != c.afterMarker(u, "never sent }}") {
		t.Errorf("system range = %+v", system.Range)
	}
	if !strings.HasPrefix(symDetail(assistant), "Imagine the ocean · ≈ ") || assistant.Range.End != c.afterMarker(u, "Imagine the ocean") {
		t.Errorf("assistant = %q %+v", symDetail(assistant), assistant.Range)
	}
}

func TestDocumentSymbolImplicitUserAndLongText(t *testing.T) {
	long := "Summarize 😀 the following report in three sentences for a busy executive reader"
	c := newTestClient(t, nil)
	u := openReady(c, "implicit.prompt", "\n\n"+long+"\nsecond line\n\nassistant:\n")
	syms := c.documentSymbols(u)
	if got := symbolNames(syms); got != "user,assistant" {
		t.Fatalf("outline = %s", got)
	}
	implicit := syms[0]
	want := "Summarize 😀 the following report in…" // at most 40 characters
	if d := symDetail(implicit); !strings.HasPrefix(d, want+" · ≈ ") || !strings.HasSuffix(d, " · implicit") {
		t.Errorf("implicit detail = %q, want it to start with %q", d, want)
	}
	if implicit.Range.Start != c.pos(u, "Summarize") || implicit.Range.End != c.afterMarker(u, "second line") {
		t.Errorf("implicit range = %+v", implicit.Range)
	}
	// The selection is the first line, counted in UTF-16 after the emoji.
	if implicit.SelectionRange.End != c.afterMarker(u, "executive reader") {
		t.Errorf("implicit selection = %+v", implicit.SelectionRange)
	}
	empty := syms[1]
	if symDetail(empty) != "empty" || empty.Range.Start != c.pos(u, "assistant:") || empty.Range.End != c.afterMarker(u, "assistant:") {
		t.Errorf("empty block = %q %+v", symDetail(empty), empty.Range)
	}
}

func TestDocumentSymbolUTF16AndCRLF(t *testing.T) {
	text := "---\r\nmodel: claude-sonnet-4-6\r\n---\r\nuser:\r\n😀 中文 {{x}} end\r\n\r\nassistant:\r\nok\r\n"
	c := newTestClient(t, nil)
	u := openReady(c, "crlf.prompt", text)
	syms := c.documentSymbols(u)
	if got := symbolNames(syms); got != "front matter,user,assistant" {
		t.Fatalf("outline = %s", got)
	}
	if syms[0].Range.End != c.afterMarker(u, "4-6\r\n---") {
		t.Errorf("front matter range = %+v", syms[0].Range)
	}
	// The line ends before its CR, in UTF-16 units after the emoji and CJK.
	if got, want := syms[1].Range.End, c.afterMarker(u, "{{x}} end"); got != want || want.Character != 15 {
		t.Errorf("user range end = %+v, want %+v (character 15)", got, want)
	}
	if !strings.HasPrefix(symDetail(syms[1]), "😀 中文 {{x}} end · ≈ ") {
		t.Errorf("user detail = %q", symDetail(syms[1]))
	}
}

func TestDocumentSymbolHalfTyped(t *testing.T) {
	c := newTestClient(t, nil)
	u := openReady(c, "half.prompt", halfTypedPrompt)
	syms := c.documentSymbols(u)
	if got := symbolNames(syms); got != "front matter,user" {
		t.Fatalf("outline = %s", got)
	}
	fm := syms[0]
	if symDetail(fm) != "not closed" || symbolNames(fm.Children) != "model,vars" {
		t.Errorf("front matter = %q, children %s", symDetail(fm), symbolNames(fm.Children))
	}
	if fm.Range.End != c.afterMarker(u, "topic: tides") {
		t.Errorf("front matter range = %+v", fm.Range)
	}
	// Every state of typing is answered: an empty document, a lone ---.
	for i, text := range []string{"", "---", "---\n", "user:", "\\user:\n{{! open", "---\nvars:\n  topic: [\n"} {
		syms := c.documentSymbols(openReady(c, "typing"+strconv.Itoa(i)+".prompt", text))
		for _, s := range syms {
			if s.Range.Start.Line > s.Range.End.Line || (s.Range.Start.Line == s.Range.End.Line && s.Range.Start.Character > s.Range.End.Character) {
				t.Errorf("%q: %s has a reversed range %+v", text, s.Name, s.Range)
			}
		}
	}
}

func TestDocumentSymbolNotOpen(t *testing.T) {
	c := newTestClient(t, nil)
	_, err := c.server.DocumentSymbol(c.ctx, &protocol.DocumentSymbolParams{TextDocument: protocol.TextDocumentIdentifier{URI: c.uri("nope.prompt")}})
	if err == nil || !strings.Contains(err.Error(), "not open") {
		t.Errorf("symbols of a closed document: %v", err)
	}
	// The server is still there.
	u := openReady(c, "a.prompt", "user:\nhi\n")
	if got := symbolNames(c.documentSymbols(u)); got != "user" {
		t.Errorf("outline after the error = %s", got)
	}
}

func TestGroupThousands(t *testing.T) {
	for n, want := range map[int]string{0: "0", 42: "42", 999: "999", 1000: "1,000", 1234567: "1,234,567", -1234: "-1,234"} {
		if got := groupThousands(n); got != want {
			t.Errorf("groupThousands(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestSymbolFoldingSemanticNavigationCapabilities(t *testing.T) {
	c := newTestClient(t, nil, clientOptions{noInitialize: true})
	caps := c.initialize(clientOptions{}).Capabilities
	for name, p := range map[string]any{
		"documentSymbolProvider": caps.DocumentSymbolProvider,
		"foldingRangeProvider":   caps.FoldingRangeProvider,
		"definitionProvider":     caps.DefinitionProvider,
		"referencesProvider":     caps.ReferencesProvider,
	} {
		if b, ok := p.(protocol.Boolean); !ok || !bool(b) {
			t.Errorf("%s = %#v, want true", name, p)
		}
	}
	if r, ok := caps.RenameProvider.(*protocol.RenameOptions); !ok || r.PrepareProvider == nil || !*r.PrepareProvider {
		t.Errorf("renameProvider = %#v, want prepareProvider", caps.RenameProvider)
	}
	if _, ok := caps.SemanticTokensProvider.(*protocol.SemanticTokensOptions); !ok {
		t.Errorf("semanticTokensProvider = %#v", caps.SemanticTokensProvider)
	}
}

func TestDocumentSymbolFrontMatterSystem(t *testing.T) {
	c := newTestClient(t, nil)
	u := openReady(c, "rich.prompt", richPrompt)
	syms := c.documentSymbols(u)
	if got := symbolNames(syms); got != "front matter,user,assistant" {
		t.Fatalf("outline = %s", got)
	}
	fm := syms[0]
	if got := symbolNames(fm.Children); got != "system,vars" {
		t.Fatalf("front matter children = %s", got)
	}
	// The system string is shown as sent: comment removed, variable filled.
	if d := symDetail(fm.Children[0]); !strings.HasPrefix(d, "Be 😀 brief about x · ≈ ") || detailTokens(fm.Children[0]) <= 0 {
		t.Errorf("system detail = %q", d)
	}
	if d := symDetail(syms[1]); !strings.HasPrefix(d, "😀 中文 {{x}} and {{file") || !strings.HasSuffix(d, " · cache=1h") {
		t.Errorf("user detail = %q", d)
	}
	// The user block runs over the escaped role line up to "}} end".
	if syms[1].Range.Start != c.pos(u, "  user:") || syms[1].Range.End != c.afterMarker(u, "}} end") {
		t.Errorf("user range = %+v", syms[1].Range)
	}
}
