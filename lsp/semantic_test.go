package lsp

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// semTok is a decoded semantic token: absolute position, length and the
// names of its type and modifiers.
type semTok struct {
	Line, Col, Len uint32
	Type           string
	Mods           string
}

func (t semTok) String() string {
	s := fmt.Sprintf("%d:%d+%d %s", t.Line, t.Col, t.Len, t.Type)
	if t.Mods != "" {
		s += "." + t.Mods
	}
	return s
}

// semanticTokens asks for the tokens of an open document and decodes them
// with the legend the server advertises.
func (c *testClient) semanticTokens(u uri.URI) []semTok {
	c.t.Helper()
	res, err := c.server.SemanticTokensFull(c.ctx, &protocol.SemanticTokensParams{TextDocument: protocol.TextDocumentIdentifier{URI: u}})
	if err != nil {
		c.t.Fatalf("semanticTokens/full: %v", err)
	}
	if res == nil || res.Data == nil || len(res.Data)%5 != 0 {
		c.t.Fatalf("semanticTokens/full answered %+v", res)
	}
	legend := semanticLegend()
	var out []semTok
	var line, col uint32
	for i := 0; i < len(res.Data); i += 5 {
		d := res.Data[i : i+5]
		if d[0] > 0 {
			col = 0
		}
		line += d[0]
		col += d[1]
		if int(d[3]) >= len(legend.TokenTypes) {
			c.t.Fatalf("token %d has type %d, outside the legend", i/5, d[3])
		}
		var mods []string
		for b, name := range legend.TokenModifiers {
			if d[4]&(1<<b) != 0 {
				mods = append(mods, name)
			}
		}
		out = append(out, semTok{line, col, d[2], legend.TokenTypes[d[3]], strings.Join(mods, ".")})
	}
	return out
}

// semWant is an expected token: the text it covers, found by marker (plus
// an offset into it), and its type.
type semWant struct {
	marker string
	offset int
	text   string
	typ    string
}

// tok makes the expected token of marker at offset, covering text; columns
// and lengths in UTF-16 or, with utf8, bytes.
func (c *testClient) tok(u uri.URI, w semWant, utf8Cols bool) semTok {
	c.t.Helper()
	c.mu.Lock()
	doc := c.texts[u]
	c.mu.Unlock()
	i := strings.Index(doc, w.marker)
	if i < 0 {
		c.t.Fatalf("marker %q not in %s", w.marker, u)
	}
	i += w.offset
	if !strings.HasPrefix(doc[i:], w.text) {
		c.t.Fatalf("%q at %q+%d is not %q", doc[i:min(i+len(w.text), len(doc))], w.marker, w.offset, w.text)
	}
	p := utf16Pos(doc, i)
	n := uint32(semUTF16Len(w.text))
	if utf8Cols {
		p.Character = uint32(i - (strings.LastIndex(doc[:i], "\n") + 1))
		n = uint32(len(w.text))
	}
	typ, mods, _ := strings.Cut(w.typ, ".")
	return semTok{p.Line, p.Character, n, typ, mods}
}

func semUTF16Len(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r >= 0x10000 {
			n++
		}
	}
	return n
}

func (c *testClient) checkTokens(u uri.URI, wants []semWant, utf8Cols bool) {
	c.t.Helper()
	var want []semTok
	for _, w := range wants {
		want = append(want, c.tok(u, w, utf8Cols))
	}
	got := c.semanticTokens(u)
	if !slices.Equal(got, want) {
		c.t.Errorf("tokens:\n got  %v\n want %v", got, want)
	}
}

func TestSemanticTokensLegend(t *testing.T) {
	c := newTestClient(t, nil, clientOptions{noInitialize: true})
	res := c.initialize(clientOptions{})
	opts, ok := res.Capabilities.SemanticTokensProvider.(*protocol.SemanticTokensOptions)
	if !ok {
		t.Fatalf("semanticTokensProvider = %#v", res.Capabilities.SemanticTokensProvider)
	}
	if full, _ := opts.Full.(protocol.Boolean); !bool(full) {
		t.Errorf("full = %#v", opts.Full)
	}
	if opts.Range != nil {
		t.Errorf("range requests are advertised but not implemented")
	}
	standard := []protocol.SemanticTokenTypes{protocol.SemanticTokenTypesKeyword, protocol.SemanticTokenTypesDecorator,
		protocol.SemanticTokenTypesVariable, protocol.SemanticTokenTypesComment, protocol.SemanticTokenTypesString,
		protocol.SemanticTokenTypesProperty, protocol.SemanticTokenTypesOperator}
	for _, typ := range opts.Legend.TokenTypes {
		if !slices.Contains(standard, protocol.SemanticTokenTypes(typ)) {
			t.Errorf("token type %q is not one of the standard types", typ)
		}
	}
	if !slices.Equal(opts.Legend.TokenModifiers, []string{"declaration"}) {
		t.Errorf("modifiers = %v", opts.Legend.TokenModifiers)
	}
}

// specExampleTokens are the tokens of specExamplePrompt, in order.
var specExampleTokens = []semWant{
	{"model", 0, "model", "property"},
	{"max_tokens", 0, "max_tokens", "property"},
	{"vars:", 0, "vars", "property"},
	{"  topic: tides", 2, "topic", "variable.declaration"},
	{"tests:", 0, "tests", "property"},
	{"    topic: volcanoes", 4, "topic", "variable"},
	{"system: cache", 0, "system", "keyword"},
	{"system: cache", 8, "cache", "decorator"},
	{"{{! this", 0, "{{! this comment is never sent }}", "comment"},
	{"user:", 0, "user", "keyword"},
	{"{{topic}}", 0, "{{", "operator"},
	{"{{topic}}", 2, "topic", "variable"},
	{"{{topic}}", 7, "}}", "operator"},
	{"assistant:", 0, "assistant", "keyword"},
}

func TestSemanticTokens(t *testing.T) {
	c := newTestClient(t, map[string]string{"a.prompt": specExamplePrompt})
	u := openReady(c, "a.prompt")
	c.checkTokens(u, specExampleTokens, false)

	// CRLF line endings give the same tokens.
	crlf := openReady(c, "crlf.prompt", strings.ReplaceAll(specExamplePrompt, "\n", "\r\n"))
	if a, b := c.semanticTokens(u), c.semanticTokens(crlf); !slices.Equal(a, b) {
		t.Errorf("CRLF tokens differ:\n LF   %v\n CRLF %v", a, b)
	}
}

// richPrompt has every kind of token, after emoji and CJK text, with a
// comment over several lines and a system prompt in the front matter.
const richPrompt = "---\n" +
	"system: \"Be 😀 brief {{! why }} about {{ topic }}\"\n" +
	"vars: {\"topic\": x}\n" +
	"---\n" +
	"  user:  cache=1h\n" +
	"😀 中文 {{x}} and {{file \"notes/😀.md\"}} \\{{ raw\n" +
	"\\assistant:\n" +
	"is text {{! a 中文\n" +
	"comment 😀\n" +
	"}} end\n" +
	"\n" +
	"assistant:\n"

var richTokens = []semWant{
	{"system", 0, "system", "property"},
	{"{{! why", 0, "{{! why }}", "comment"},
	{"{{ topic", 0, "{{", "operator"},
	{"{{ topic", 3, "topic", "variable"},
	{"{{ topic", 9, "}}", "operator"},
	{"vars", 0, "vars", "property"},
	{`"topic"`, 0, `"topic"`, "variable.declaration"},
	{"user", 0, "user", "keyword"},
	{"cache=1h", 0, "cache=1h", "decorator"},
	{"{{x}}", 0, "{{", "operator"},
	{"{{x}}", 2, "x", "variable"},
	{"{{x}}", 3, "}}", "operator"},
	{"{{file", 0, "{{", "operator"},
	{"{{file", 2, "file", "keyword"},
	{`"notes`, 0, `"notes/😀.md"`, "string"},
	{`.md"}}`, 4, "}}", "operator"},
	{`\{{ raw`, 0, `\`, "comment"},
	{`\assistant`, 0, `\`, "comment"},
	// A comment over three lines is a token on each of its lines.
	{"{{! a", 0, "{{! a 中文", "comment"},
	{"comment 😀", 0, "comment 😀", "comment"},
	{"}} end", 0, "}}", "comment"},
	{"\nassistant:", 1, "assistant", "keyword"},
}

func TestSemanticTokensUTF16(t *testing.T) {
	c := newTestClient(t, nil)
	u := openReady(c, "rich.prompt", richPrompt)
	c.checkTokens(u, richTokens, false)
}

func TestSemanticTokensUTF8(t *testing.T) {
	c := newTestClient(t, nil, clientOptions{utf8: true})
	u := openReady(c, "rich.prompt", richPrompt)
	c.checkTokens(u, richTokens, true)
	if !utf8.ValidString(richPrompt) {
		t.Fatal("richPrompt must be valid UTF-8")
	}
}

func TestSemanticTokensHalfTyped(t *testing.T) {
	c := newTestClient(t, nil)
	u := openReady(c, "half.prompt", halfTypedPrompt)
	c.checkTokens(u, []semWant{
		{"model", 0, "model", "property"},
		{"vars", 0, "vars", "property"},
		{"topic: tides", 0, "topic", "variable.declaration"},
		{"user:", 0, "user", "keyword"},
		{"{{topic}}", 0, "{{", "operator"},
		{"{{topic}}", 2, "topic", "variable"},
		{"{{topic}}", 7, "}}", "operator"},
	}, false)
	// Unclosed forms while typing are not tokens, and nothing fails.
	for i, text := range []string{"", "---", "---\nsystem: \"{{! open\n", "user:\n{{! open\nmore", "user:\n{{file \"half", "\xff\xfe user:\n{{x}}"} {
		v := openReady(c, fmt.Sprintf("typing%d.prompt", i), text)
		for _, tok := range c.semanticTokens(v) {
			if tok.Len == 0 {
				t.Errorf("%q: empty token %v", text, tok)
			}
		}
	}
}
