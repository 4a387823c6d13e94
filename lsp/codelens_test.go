package lsp

import (
	"strings"
	"testing"

	"go.lsp.dev/protocol"

	"github.com/claude-ls/claude-ls/promptfile"
)

// codeLenses asks for the lenses of an open document.
func codeLenses(t *testing.T, c *testClient, name string) []protocol.CodeLens {
	t.Helper()
	lenses, err := c.server.CodeLens(c.ctx, &protocol.CodeLensParams{TextDocument: protocol.TextDocumentIdentifier{URI: c.uri(name)}})
	if err != nil {
		t.Fatalf("codeLens: %v", err)
	}
	return lenses
}

// onlyLens is the summary lens of a document: the first, at the top, a
// title with no action; the action lenses follow it on the same line.
func onlyLens(t *testing.T, c *testClient, name string) string {
	t.Helper()
	var lenses []protocol.CodeLens
	for _, l := range codeLenses(t, c, name) {
		if l.Command.Command != CommandRunTests && l.Command.Command != CommandRunBatch { // on tests:, see tests_test.go
			lenses = append(lenses, l)
		}
	}
	if len(lenses) != 6 || lenses[5].Command.Command != CommandCompare {
		t.Fatalf("%d lenses, want the summary and 5 actions (the last Compare with HEAD): %+v", len(lenses), lenses)
	}
	l := lenses[0]
	for _, x := range lenses {
		if x.Range.Start.Line != 0 || x.Range.End.Line != 0 {
			t.Errorf("lens range %+v, want line 0", x.Range)
		}
	}
	if l.Command.Command != "" || l.Command.Arguments != nil {
		t.Errorf("summary lens command %+v: it is a title only", l.Command)
	}
	return l.Command.Title
}

const lensPrompt = `---
model: claude-sonnet-4-6
max_tokens: 1024
---
user:
Explain tides to a ten-year-old.
`

func TestCodeLensSummarizesTheRequest(t *testing.T) {
	c := newTestClient(t, map[string]string{"a.prompt": lensPrompt})
	u := openSettled(c, "a.prompt")
	want := engineResult(t, c, "a.prompt")
	// model · input tokens · input cost · output upper bound (max_tokens × output price)
	exp := "claude-sonnet-4-6 · ≈ " + promptfile.GroupDigits(want.Tokens.Input) + " tok in · " +
		want.Tokens.Cost.InputUSD.String() + " · out ≤ $0.0154"
	if got := onlyLens(t, c, "a.prompt"); got != exp {
		t.Errorf("lens %q, want %q", got, exp)
	}
	// A higher max_tokens raises the bound.
	editSettled(c, u, "max_tokens: 1024", "max_tokens: 2048")
	if got := onlyLens(t, c, "a.prompt"); !strings.HasSuffix(got, " · out ≤ $0.0307") {
		t.Errorf("after max_tokens 2048: %q", got)
	}
}

// TestCodeLensBelowCacheMinimumShowsNoSaving: the feature prompt is far
// below claude-sonnet-4-6's cache minimum, so the lens promises no saving.
func TestCodeLensBelowCacheMinimumShowsNoSaving(t *testing.T) {
	c := newTestClient(t, featureFiles(featurePrompt))
	openSettled(c, "a.prompt")
	if got := onlyLens(t, c, "a.prompt"); strings.Contains(got, "cached") {
		t.Errorf("lens %q shows a cache saving", got)
	}
}

func TestCodeLensWithACacheShowsFirstAndLaterRuns(t *testing.T) {
	files := featureFiles(featurePrompt)
	files[".claude-ls.yaml"] = cachingAnyPrefix
	c := newTestClient(t, files)
	openSettled(c, "a.prompt")
	cost := engineResult(t, c, "a.prompt").Tokens.Cost
	got := onlyLens(t, c, "a.prompt")
	if want := " · cached: first run " + cost.CacheWriteUSD.String() + ", then " + cost.CacheReadUSD.String() + " · out ≤ "; !strings.Contains(got, want) {
		t.Errorf("lens %q lacks %q", got, want)
	}
}

func TestCodeLensUnknownModelSaysThereAreNoPrices(t *testing.T) {
	c := newTestClient(t, map[string]string{"a.prompt": strings.Replace(lensPrompt, "claude-sonnet-4-6", "claude-sonet-4-6", 1)})
	openSettled(c, "a.prompt")
	tokens := engineResult(t, c, "a.prompt").Tokens.Input
	want := "claude-sonet-4-6 · ≈ " + promptfile.GroupDigits(tokens) + " tok in · no prices (unknown model)"
	if got := onlyLens(t, c, "a.prompt"); got != want {
		t.Errorf("lens %q, want %q", got, want)
	}
}

func TestCodeLensEmptyAndClosedDocuments(t *testing.T) {
	c := newTestClient(t, nil)
	openSettled(c, "empty.prompt", "")
	if got := codeLenses(t, c, "empty.prompt"); len(got) != 0 {
		t.Errorf("lenses of an empty file: %+v", got)
	}
	// Text without a model, on a line with an emoji: still one lens, on line 0.
	openSettled(c, "b.prompt", "🌊 Explain tides.\n")
	if got := onlyLens(t, c, "b.prompt"); !strings.HasPrefix(got, "no model · ≈ ") || strings.Contains(got, "$") {
		t.Errorf("lens without a model: %q", got)
	}
	lenses, err := c.server.CodeLens(c.ctx, &protocol.CodeLensParams{TextDocument: protocol.TextDocumentIdentifier{URI: c.uri("nope.prompt")}})
	if err != nil || len(lenses) != 0 {
		t.Errorf("lenses of a closed document: %v, %v", lenses, err)
	}
}
