package lsp

import (
	"fmt"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// foldingRanges asks for the folds of an open document and writes them as
// "start-end kind", one per fold.
func (c *testClient) foldingRanges(u uri.URI) string {
	c.t.Helper()
	folds, err := c.server.FoldingRanges(c.ctx, &protocol.FoldingRangeParams{TextDocument: protocol.TextDocumentIdentifier{URI: u}})
	if err != nil {
		c.t.Fatalf("foldingRange: %v", err)
	}
	var out []string
	for _, f := range folds {
		if f.StartCharacter != nil || f.EndCharacter != nil {
			c.t.Errorf("fold %+v has characters: folds are whole lines", f)
		}
		out = append(out, fmt.Sprintf("%d-%d %s", f.StartLine, f.EndLine, f.Kind))
	}
	return strings.Join(out, ", ")
}

// lineOf is the line of the first occurrence of marker.
func (c *testClient) lineOf(u uri.URI, marker string) uint32 {
	c.t.Helper()
	return c.pos(u, marker).Line
}

func TestFoldingRanges(t *testing.T) {
	c := newTestClient(t, map[string]string{"a.prompt": specExamplePrompt})
	u := openReady(c, "a.prompt")
	// The front matter (--- to ---) and its multi-line keys; each block from
	// its role line to its last non-blank line.
	want := "0-8 region, 3-4 region, 5-7 region, 9-10 region, 12-13 region, 15-16 region"
	if got := c.foldingRanges(u); got != want {
		t.Errorf("folds =\n %s\nwant\n %s", got, want)
	}
	if c.lineOf(u, "system:") != 9 || c.lineOf(u, "Imagine") != 16 {
		t.Fatal("the expectations above count lines of specExamplePrompt")
	}
}

func TestFoldingRangesComments(t *testing.T) {
	c := newTestClient(t, nil)
	u := openReady(c, "c.prompt", "Hello {{! a comment\nover three\nlines }} there\n{{! one line }}\n\n\nuser:\n{{! 😀\n}}\n")
	// The implicit block from its first line, a three-line comment, a
	// two-line comment; one-line comments do not fold.
	want := "0-3 region, 0-2 comment, 6-8 region, 7-8 comment"
	if got := c.foldingRanges(u); got != want {
		t.Errorf("folds =\n %s\nwant\n %s", got, want)
	}
}

func TestFoldingRangesCRLFAndHalfTyped(t *testing.T) {
	c := newTestClient(t, nil)
	lf := openReady(c, "lf.prompt", specExamplePrompt)
	crlf := openReady(c, "crlf.prompt", strings.ReplaceAll(specExamplePrompt, "\n", "\r\n"))
	if a, b := c.foldingRanges(lf), c.foldingRanges(crlf); a != b {
		t.Errorf("CRLF folds differ:\n LF   %s\n CRLF %s", a, b)
	}
	// Unterminated front matter folds up to its last key, before the first
	// role line.
	half := openReady(c, "half.prompt", halfTypedPrompt)
	if got, want := c.foldingRanges(half), "0-3 region, 2-3 region, 4-5 region"; got != want {
		t.Errorf("half-typed folds = %s, want %s", got, want)
	}
	for i, tc := range []struct{ text, want string }{
		{"", ""}, {"---", ""}, {"---\n---\n", "0-1 region"}, {"user:", ""}, {"{{!\n\n", ""}, {"system:\n\n\n", ""},
	} {
		v := openReady(c, fmt.Sprintf("typing%d.prompt", i), tc.text)
		if got := c.foldingRanges(v); got != tc.want {
			t.Errorf("%q folds %q, want %q", tc.text, got, tc.want)
		}
	}
}
