package lsp

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

func textPos(u uri.URI, p protocol.Position) protocol.TextDocumentPositionParams {
	return protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: u}, Position: p}
}

// definition asks where the thing at p is defined; nil for null.
func (c *testClient) definition(u uri.URI, p protocol.Position) *protocol.Location {
	c.t.Helper()
	res, err := c.server.Definition(c.ctx, &protocol.DefinitionParams{TextDocumentPositionParams: textPos(u, p)})
	if err != nil {
		c.t.Fatalf("definition: %v", err)
	}
	switch r := res.(type) {
	case nil:
		return nil
	case *protocol.Location:
		return r
	}
	c.t.Fatalf("definition answered %#v, want one location", res)
	return nil
}

func (c *testClient) references(u uri.URI, p protocol.Position, withDecl bool) []protocol.Location {
	c.t.Helper()
	res, err := c.server.References(c.ctx, &protocol.ReferenceParams{TextDocumentPositionParams: textPos(u, p),
		Context: protocol.ReferenceContext{IncludeDeclaration: withDecl}})
	if err != nil {
		c.t.Fatalf("references: %v", err)
	}
	return res
}

func (c *testClient) prepareRename(u uri.URI, p protocol.Position) *protocol.PrepareRenamePlaceholder {
	c.t.Helper()
	res, err := c.server.PrepareRename(c.ctx, &protocol.PrepareRenameParams{TextDocumentPositionParams: textPos(u, p)})
	if err != nil {
		c.t.Fatalf("prepareRename: %v", err)
	}
	switch r := res.(type) {
	case nil:
		return nil
	case *protocol.PrepareRenamePlaceholder:
		return r
	}
	c.t.Fatalf("prepareRename answered %#v", res)
	return nil
}

// renamed asks to rename the thing at p and returns the document's text
// with the answered edits applied.
func (c *testClient) renamed(u uri.URI, p protocol.Position, newName string, utf8Cols bool) (string, error) {
	c.t.Helper()
	res, err := c.server.Rename(c.ctx, &protocol.RenameParams{TextDocumentPositionParams: textPos(u, p), NewName: newName})
	if err != nil {
		return "", err
	}
	if len(res.Changes) != 1 || res.DocumentChanges != nil {
		c.t.Fatalf("rename answered %+v, want changes to one document", res)
	}
	c.mu.Lock()
	doc := c.texts[u]
	c.mu.Unlock()
	return applyTextEdits(c.t, doc, res.Changes[u], utf8Cols), nil
}

// applyTextEdits applies non-overlapping edits, reading positions
// independently of the server's mapper.
func applyTextEdits(t testing.TB, text string, edits []protocol.TextEdit, utf8Cols bool) string {
	t.Helper()
	type span struct {
		start, end int
		text       string
	}
	var spans []span
	for _, e := range edits {
		spans = append(spans, span{byteOffset(text, e.Range.Start, utf8Cols), byteOffset(text, e.Range.End, utf8Cols), e.NewText})
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start > spans[j].start })
	for i, s := range spans {
		if s.end < s.start || (i > 0 && s.end > spans[i-1].start) {
			t.Fatalf("edits overlap or are reversed: %+v", edits)
		}
		text = text[:s.start] + s.text + text[s.end:]
	}
	return text
}

func byteOffset(text string, p protocol.Position, utf8Cols bool) int {
	start := 0
	for range p.Line {
		i := strings.IndexByte(text[start:], '\n')
		if i < 0 {
			return len(text)
		}
		start += i + 1
	}
	if utf8Cols {
		return start + int(p.Character)
	}
	units := 0
	for i, r := range text[start:] {
		if units >= int(p.Character) {
			return start + i
		}
		units++
		if r >= 0x10000 {
			units++
		}
	}
	return len(text)
}

// nameRange is the range of marker's text at offset, length n, as found
// independently of the server.
func (c *testClient) nameRange(u uri.URI, marker string, offset, n int) protocol.Range {
	return protocol.Range{Start: c.pos(u, marker, offset), End: c.pos(u, marker, offset+n)}
}

func describeLocations(locs []protocol.Location) string {
	var out []string
	for _, l := range locs {
		out = append(out, fmt.Sprintf("%d:%d-%d:%d", l.Range.Start.Line, l.Range.Start.Character, l.Range.End.Line, l.Range.End.Character))
	}
	return strings.Join(out, " ")
}

func TestDefinitionOfVariable(t *testing.T) {
	c := newTestClient(t, map[string]string{"a.prompt": specExamplePrompt})
	u := openReady(c, "a.prompt")
	def := c.nameRange(u, "  topic: tides", 2, 5)
	for _, from := range []struct {
		what string
		at   protocol.Position
	}{
		{"a use", c.pos(u, "{{topic}}", 4)},
		{"a use's braces", c.pos(u, "{{topic}}")},
		{"the end of a use's name", c.pos(u, "{{topic}}", 7)},
		{"a test case's key", c.pos(u, "    topic: volcanoes", 4)},
		{"the vars key itself", c.pos(u, "topic: tides", 3)},
	} {
		loc := c.definition(u, from.at)
		if loc == nil || loc.URI != u || loc.Range != def {
			t.Errorf("definition from %s = %+v, want %+v", from.what, loc, def)
		}
	}
	// Elsewhere, and out of range, the answer is null.
	for _, p := range []protocol.Position{c.pos(u, "Explain"), c.pos(u, "model"), {Line: 13, Character: 500}, {Line: 999, Character: 999}} {
		if loc := c.definition(u, p); loc != nil {
			t.Errorf("definition at %+v = %+v, want null", p, loc)
		}
	}
}

func TestDefinitionFromTestCasesUTF16(t *testing.T) {
	text := "---\ntests:\n  - name: one\n    \"subject\": 中文\n  - subject: 😀\n---\nuser:\n😀 中文 {{subject}} {{ name }}\n"
	c := newTestClient(t, nil)
	u := openReady(c, "t.prompt", text)
	// Without a vars entry, the first test case that sets the variable.
	want := c.nameRange(u, `"subject"`, 1, len("subject"))
	if loc := c.definition(u, c.pos(u, "{{subject}}", 3)); loc == nil || loc.Range != want {
		t.Errorf("definition = %+v, want %+v", loc, want)
	}
	if loc := c.definition(u, c.pos(u, "subject: 😀")); loc == nil || loc.Range != want {
		t.Errorf("definition from the second case = %+v, want %+v", loc, want)
	}
	// A test case's name is not a variable.
	if loc := c.definition(u, c.pos(u, "{{ name }}", 4)); loc != nil {
		t.Errorf("definition of an undefined variable = %+v, want null", loc)
	}
}

func TestDefinitionOfInclude(t *testing.T) {
	c := newTestClient(t, map[string]string{
		"p/a.prompt":    "---\nsystem: 'See {{file \"style.md\"}}'\n---\nuser:\n😀 {{file \"notes/x.md\"}} and {{file \"missing.md\"}} {{file \"../../outside.md\"}}\n",
		"p/notes/x.md":  "hello",
		"p/style.md":    "terse",
		"../outside.md": "no",
	})
	u := openReady(c, "p/a.prompt")
	loc := c.definition(u, c.pos(u, "notes/x.md", 2))
	if loc == nil || loc.URI != c.uri("p/notes/x.md") || loc.Range != (protocol.Range{}) {
		t.Errorf("definition of the include = %+v, want %s at 0:0", loc, c.uri("p/notes/x.md"))
	}
	if loc := c.definition(u, c.pos(u, "style.md")); loc == nil || loc.URI != c.uri("p/style.md") {
		t.Errorf("definition of the system string's include = %+v", loc)
	}
	// Files that cannot be read are no destination.
	for _, marker := range []string{"missing.md", "outside.md"} {
		if loc := c.definition(u, c.pos(u, marker)); loc != nil {
			t.Errorf("definition of %s = %+v, want null", marker, loc)
		}
	}
}

func TestReferences(t *testing.T) {
	text := "---\nsystem: \"Talk about {{topic}}\"\nvars:\n  topic: tides\ntests:\n  - topic: waves\n---\nuser:\n😀 {{topic}} and {{ topic }}\n"
	c := newTestClient(t, nil)
	u := openReady(c, "r.prompt", text)
	all := []protocol.Range{
		c.nameRange(u, "{{topic}}\"", 2, 5),
		c.nameRange(u, "  topic: tides", 2, 5),
		c.nameRange(u, "- topic", 2, 5),
		c.nameRange(u, "😀 {{topic}}", len("😀 {{"), 5),
		c.nameRange(u, "{{ topic }}", 3, 5),
	}
	want := func(ranges ...protocol.Range) string {
		var locs []protocol.Location
		for _, r := range ranges {
			locs = append(locs, protocol.Location{URI: u, Range: r})
		}
		return describeLocations(locs)
	}
	for _, at := range []protocol.Position{c.pos(u, "{{ topic }}", 5), c.pos(u, "topic: tides"), c.pos(u, "{{topic}}\"", 3), c.pos(u, "- topic", 2)} {
		if got := describeLocations(c.references(u, at, true)); got != want(all...) {
			t.Errorf("references from %+v =\n %s\nwant\n %s", at, got, want(all...))
		}
		// Without the declaration: the vars entry is left out.
		if got := describeLocations(c.references(u, at, false)); got != want(all[0], all[2], all[3], all[4]) {
			t.Errorf("references without declaration from %+v = %s", at, got)
		}
	}
	for _, loc := range c.references(u, c.pos(u, "topic: tides"), true) {
		if loc.URI != u {
			t.Errorf("reference in %s", loc.URI)
		}
	}
	// Not a variable, or out of range: an empty list.
	for _, p := range []protocol.Position{c.pos(u, "Talk"), {Line: 99, Character: 3}} {
		if refs, err := c.server.References(c.ctx, &protocol.ReferenceParams{TextDocumentPositionParams: textPos(u, p)}); err != nil || refs == nil || len(refs) != 0 {
			t.Errorf("references at %+v = %v, %v; want []", p, refs, err)
		}
	}
}

func TestPrepareRename(t *testing.T) {
	c := newTestClient(t, map[string]string{"a.prompt": specExamplePrompt})
	u := openReady(c, "a.prompt")
	for _, at := range []protocol.Position{c.pos(u, "{{topic}}"), c.pos(u, "topic: volcanoes"), c.pos(u, "topic: tides", 5)} {
		p := c.prepareRename(u, at)
		if p == nil || p.Placeholder != "topic" {
			t.Errorf("prepareRename at %+v = %+v", at, p)
		}
	}
	if p := c.prepareRename(u, c.pos(u, "{{topic}}")); p == nil || p.Range != c.nameRange(u, "{{topic}}", 2, 5) {
		t.Errorf("prepareRename range = %+v", p)
	}
	for _, at := range []protocol.Position{c.pos(u, "Explain"), c.pos(u, "name: volcanoes"), c.pos(u, "system:"), {Line: 1000, Character: 0}} {
		if p := c.prepareRename(u, at); p != nil {
			t.Errorf("prepareRename at %+v = %+v, want null", at, p)
		}
	}
}

func TestRename(t *testing.T) {
	c := newTestClient(t, map[string]string{"a.prompt": specExamplePrompt})
	u := openReady(c, "a.prompt")
	want := strings.NewReplacer("  topic: tides", "  subject: tides", "    topic: volcanoes", "    subject: volcanoes", "{{topic}}", "{{subject}}").Replace(specExamplePrompt)
	for _, at := range []protocol.Position{c.pos(u, "{{topic}}", 3), c.pos(u, "topic: tides"), c.pos(u, "topic: volcanoes", 2)} {
		got, err := c.renamed(u, at, "subject", false)
		if err != nil || got != want {
			t.Errorf("rename from %+v: %v\n%s", at, err, got)
		}
	}
	// The same name: nothing to change.
	if got, err := c.renamed(u, c.pos(u, "{{topic}}"), "topic", false); err != nil || got != specExamplePrompt {
		t.Errorf("rename to itself: %v\n%s", err, got)
	}
	// Invalid names are refused with the rule.
	for _, bad := range []string{"two words", "", "a.b", "{{x}}", "naïve"} {
		_, err := c.renamed(u, c.pos(u, "{{topic}}"), bad, false)
		if err == nil || !strings.Contains(err.Error(), "letters, digits, _ and -") {
			t.Errorf("rename to %q: %v", bad, err)
		}
	}
	// Not on a variable: refused, and the server stays up.
	if _, err := c.renamed(u, c.pos(u, "Explain"), "x", false); err == nil || !strings.Contains(err.Error(), "only variables") {
		t.Errorf("rename of text: %v", err)
	}
	if _, err := c.renamed(u, protocol.Position{Line: 500, Character: 500}, "x", false); err == nil {
		t.Errorf("rename out of range: no error")
	}
	if p := c.prepareRename(u, c.pos(u, "{{topic}}")); p == nil {
		t.Errorf("server gone after refused renames")
	}
}

func TestRenameRefusesMerge(t *testing.T) {
	c := newTestClient(t, nil)
	u := openReady(c, "m.prompt", "---\nvars:\n  a: 1\n  b: 2\n---\nuser:\n{{a}} {{b}} {{c}}\n")
	for _, name := range []string{"b", "c"} {
		_, err := c.renamed(u, c.pos(u, "{{a}}"), name, false)
		if err == nil || !strings.Contains(err.Error(), "already a variable") {
			t.Errorf("rename a to %s: %v", name, err)
		}
	}
}

// renamePrompt has every kind of site: a quoted key in a flow map, uses in
// the front matter's system string, emoji and CJK before uses, CRLF line
// endings; and a variable named like a test case's name key, which is not
// renamed with it.
const renamePrompt = "---\r\n" +
	"system: \"中文 {{ name }} 😀 {{name}}\"\r\n" +
	"vars: {\"name\": Ada}\r\n" +
	"tests:\r\n" +
	"  - name: first\r\n" +
	"    expect: {contains: name}\r\n" +
	"---\r\n" +
	"user:\r\n" +
	"😀 中文 {{name}}, {{ name }}; name {{names}}\r\n"

const renamedPrompt = "---\r\n" +
	"system: \"中文 {{ who }} 😀 {{who}}\"\r\n" +
	"vars: {\"who\": Ada}\r\n" +
	"tests:\r\n" +
	"  - name: first\r\n" +
	"    expect: {contains: name}\r\n" +
	"---\r\n" +
	"user:\r\n" +
	"😀 中文 {{who}}, {{ who }}; name {{names}}\r\n"

func TestRenameEverySiteUTF16CRLF(t *testing.T) {
	c := newTestClient(t, nil)
	u := openReady(c, "r.prompt", renamePrompt)
	for _, at := range []protocol.Position{c.pos(u, "😀 中文 {{name}}", len("😀 中文 {{")), c.pos(u, "{{ name }}", 4), c.pos(u, `"name": Ada`, 1), c.pos(u, "{{name}}\"", 3)} {
		got, err := c.renamed(u, at, "who", false)
		if err != nil || got != renamedPrompt {
			t.Errorf("rename from %+v: %v\n got  %q\n want %q", at, err, got, renamedPrompt)
		}
	}
	if refs := c.references(u, c.pos(u, "{{name}},", 2), true); len(refs) != 5 {
		t.Errorf("references = %s, want 5", describeLocations(refs))
	}
}

func TestRenameUTF8(t *testing.T) {
	c := newTestClient(t, nil, clientOptions{utf8: true})
	u := openReady(c, "r.prompt", renamePrompt)
	// Positions in bytes: found here without the UTF-16 helper.
	i := strings.Index(renamePrompt, "😀 中文 {{name}}") + len("😀 中文 {{")
	line := strings.Count(renamePrompt[:i], "\n")
	at := protocol.Position{Line: uint32(line), Character: uint32(i - strings.LastIndex(renamePrompt[:i], "\n") - 1)}
	got, err := c.renamed(u, at, "who", true)
	if err != nil || got != renamedPrompt {
		t.Errorf("rename: %v\n got  %q\n want %q", err, got, renamedPrompt)
	}
	p := c.prepareRename(u, at)
	if p == nil || p.Range.Start != at || p.Range.End.Character != at.Character+4 {
		t.Errorf("prepareRename = %+v", p)
	}
}

func TestNavigationHalfTyped(t *testing.T) {
	c := newTestClient(t, nil)
	u := openReady(c, "half.prompt", halfTypedPrompt)
	if loc := c.definition(u, c.pos(u, "{{topic}}", 2)); loc == nil || loc.Range != c.nameRange(u, "topic: tides", 0, 5) {
		t.Errorf("definition in a half-typed file = %+v", loc)
	}
	want := strings.ReplaceAll(halfTypedPrompt, "topic", "t")
	if got, err := c.renamed(u, c.pos(u, "topic: tides"), "t", false); err != nil || got != want {
		t.Errorf("rename in a half-typed file: %v\n%s", err, got)
	}
	// A broken template and a document that is not open are answered.
	v := openReady(c, "broken.prompt", "---\nvars:\n  x: [\n---\nuser:\n{{x {{file \"\n")
	for l := range uint32(7) {
		for ch := range uint32(12) {
			p := protocol.Position{Line: l, Character: ch}
			c.definition(v, p)
			c.references(v, p, true)
			c.prepareRename(v, p)
		}
	}
	if _, err := c.server.Definition(c.ctx, &protocol.DefinitionParams{TextDocumentPositionParams: textPos(c.uri("closed.prompt"), protocol.Position{})}); err == nil {
		t.Errorf("definition in a document that is not open: no error")
	}
}
