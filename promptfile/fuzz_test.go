package promptfile

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func addSeeds(f *testing.F) {
	for _, s := range []string{
		"",
		"---\nmodel: claude-sonnet-4-6\nmax_tokens: 10\n---\nuser:\nhi {{x}}",
		"---\r\nmodel: [\r\n---\r\nsystem: cache\r\n{{! c }}\r\nuser:\r\n\\{{ {{file \"a\"}}",
		"\uFEFF---\nvars: {a: 1}\ntests: [{a: 2, expect: {contains: x}}]\n---\n{{a}}\nassistant: cache=1h\n",
		"---\nsystem: \"{{a}} {{! x\"\nthinking: {type: enabled, budget_tokens: 2000}\n---\n\xff\xfe",
	} {
		f.Add([]byte(s))
	}
}

// FuzzParse: any bytes parse without panicking, spans stay inside the file
// and in order, and positions round-trip through the mapper.
func FuzzParse(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, src []byte) {
		file := Parse(src)
		check := func(what string, s Span) {
			if s.Start < 0 || s.End > len(src) || s.Start > s.End {
				t.Fatalf("%s span %v outside file of %d bytes", what, s, len(src))
			}
		}
		prev := 0
		for _, b := range file.Blocks {
			check("content", b.Content)
			if b.Content.Start < prev {
				t.Fatalf("blocks out of order")
			}
			prev = b.Content.End
			for _, p := range b.Parts {
				check("part", p.Span)
			}
		}
		for _, d := range file.Problems {
			check(d.Code, d.Span)
		}
		if file.Front != nil {
			for _, e := range file.Front.Entries {
				check("key", e.KeyAt)
				check("value", e.At)
			}
		}
		for off := 0; off <= len(src); off += 1 + len(src)/64 {
			line, col := file.Map.Position(off, UTF16)
			if back := file.Map.Offset(line, col, UTF16); back > off && off >= file.Map.base {
				t.Fatalf("offset %d -> (%d,%d) -> %d", off, line, col, back)
			}
			file.At(off)
		}
	})
}

// byteCounter is a stand-in TokenCounter (a token per 4 bytes) so that the
// engine's counting, caching and context-window code runs under the fuzzer
// without depending on the real tokenizer.
type byteCounter struct{}

func (byteCounter) Count(_ string, texts []string) []int {
	n := make([]int, len(texts))
	for i, s := range texts {
		n[i] = (len(s) + 3) / 4
	}
	return n
}

// FuzzRender: analysis of any bytes never panics and gives the same
// diagnostics every time, every diagnostic is located in the file, every quick fix edits the file in place (edits inside
// it, in order, not overlapping: what an LSP client needs to apply them),
// and a rendered request is valid JSON with valid UTF-8 strings, no empty
// text and no text ending in white space (the API refuses a prefill that
// does).
func FuzzRender(f *testing.F) {
	addSeeds(f)
	// Output settings: a schema with definitions, recursion, bounds.
	f.Add([]byte("---\nmodel: claude-opus-4-5\nmax_tokens: 9\neffort: max\nformat:\n  type: object\n  properties:\n    a: {$ref: \"#/$defs/n\", minimum: 1}\n  $defs:\n    n: {type: object, properties: {b: {$ref: \"#/$defs/n\"}}}\noutput_config: {effort: low}\noutput_format: {}\ntools: [{name: a b}, {name: a b}]\ntool_choice: {type: tool, name: x}\n---\nuser: cache=1h\nhi\nassistant:\nyo\n"))
	// Images, documents and tool turns (spec section 9).
	f.Add([]byte("---\nmodel: claude-sonnet-4-6\nmax_tokens: 9\ncitations: true\ntools: [{name: t, input_schema: {type: object}}, {type: web_search_20260318}]\n---\nuser:\nx {{image \"a.png\"}}\n{{image \"a.png\"}}\n{{document \"b.pdf\" citations: true}}\n\\tool_use: no\n\ntool_use: t id=a\n{x: [1\n\ntool_use: t id=a\n\ntool_result: id=a error cache\n{{image \"https://x\"}}\ntool_result: id=\nuser:\nhi\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		ws := &Workspace{Root: "/ws", Counter: byteCounter{}, ReadFile: func(p string) ([]byte, error) { return []byte("included\n"), nil }}
		res := Analyze(Parse(src), ws, Options{Path: "/ws/a.prompt"})
		// The same bytes give the same diagnostics in the same order: the
		// editor would otherwise redraw them on every keystroke.
		again := Analyze(Parse(src), ws, Options{Path: "/ws/a.prompt"})
		if a, b := fmt.Sprint(res.Diagnostics), fmt.Sprint(again.Diagnostics); a != b {
			t.Fatalf("two analyses differ:\n%s\n%s", a, b)
		}
		for _, d := range res.Diagnostics {
			if d.Span.Start < 0 || d.Span.End > len(src) || d.Span.Start > d.Span.End {
				t.Fatalf("%s: span %v outside file of %d bytes", d.Code, d.Span, len(src))
			}
			if d.Message == "" {
				t.Fatalf("%s: empty message", d.Code)
			}
			for _, fix := range d.Fixes {
				prev := 0
				for _, e := range fix.Edits {
					if e.Span.Start < prev || e.Span.End > len(src) || e.Span.Start > e.Span.End {
						t.Fatalf("%s: fix %q edit %v outside file of %d bytes or overlapping", d.Code, fix.Title, e.Span, len(src))
					}
					prev = e.Span.End
				}
			}
		}
		if res.Request != nil {
			body := res.Request.JSON()
			if !json.Valid(body) || !utf8.Valid(body) {
				t.Fatalf("invalid body: %s", body)
			}
			blocks := append([]ContentBlock(nil), res.Request.System...)
			for _, m := range res.Request.Messages {
				blocks = append(blocks, m.Content...)
			}
			for _, b := range blocks {
				if !b.isText() {
					continue // an image, document, tool call or result (toolturns.go)
				}
				if b.Text == "" || strings.TrimRight(b.Text, " \t\r\n") != b.Text {
					t.Fatalf("text block %q is empty or ends in white space", b.Text)
				}
			}
		}
	})
}

// TestAnalyzeDeterministic: an analysis repeated gives the same diagnostics
// in the same order. The unknown checks of an `expect` map were reported in
// map order (found by fuzzing; the input is in testdata/fuzz/FuzzRender).
func TestAnalyzeDeterministic(t *testing.T) {
	src := []byte("---\n1\ntests:\n  -    expect: {90,a00}\n")
	want := fmt.Sprint(Analyze(Parse(src), nil, Options{}).Diagnostics)
	for range 20 {
		if got := fmt.Sprint(Analyze(Parse(src), nil, Options{}).Diagnostics); got != want {
			t.Fatalf("analyses differ:\n%s\n%s", want, got)
		}
	}
}
