package lsp

import (
	"fmt"
	"strings"
	"testing"

	"go.lsp.dev/protocol"

	"github.com/claude-ls/claude-ls/promptfile"
)

// inlayHints asks for the hints of a range of an open document.
func inlayHintsIn(t *testing.T, c *testClient, name string, r protocol.Range) []protocol.InlayHint {
	t.Helper()
	hints, err := c.server.InlayHint(c.ctx, &protocol.InlayHintParams{TextDocument: protocol.TextDocumentIdentifier{URI: c.uri(name)}, Range: r})
	if err != nil {
		t.Fatalf("inlayHint %+v: %v", r, err)
	}
	return hints
}

// wholeDocument is a range past the end of any test document.
var wholeDocument = protocol.Range{End: protocol.Position{Line: 1000}}

// hintLines writes hints as "line:character label", one a line, to compare
// with what a reader expects to see.
func hintLines(hints []protocol.InlayHint) string {
	var lines []string
	for _, h := range hints {
		label, ok := h.Label.(protocol.String)
		if !ok {
			lines = append(lines, fmt.Sprintf("label is %T", h.Label))
			continue
		}
		lines = append(lines, fmt.Sprintf("%d:%d %s", h.Position.Line, h.Position.Character, label))
	}
	return strings.Join(lines, "\n")
}

// after is the position just after the first occurrence of marker.
func after(c *testClient, name, marker string) protocol.Position {
	return c.pos(c.uri(name), marker, len(marker))
}

func TestInlayHintsAfterRoleLinesAndIncludes(t *testing.T) {
	c := newTestClient(t, featureFiles(featurePrompt))
	openSettled(c, "a.prompt")
	res := engineResult(t, c, "a.prompt")
	cost := func(tokens int) string {
		return res.Model.InputCost(int64(tokens), int64(res.Tokens.Input)).String()
	}
	system, user, inc := res.Blocks[0].Tokens, res.Blocks[1].Tokens, res.Includes[0].Tokens
	at := func(p protocol.Position) string { return fmt.Sprintf("%d:%d", p.Line, p.Character) }
	// After each role line, its block; after the include (which follows an
	// emoji: columns in UTF-16 units), the file's tokens.
	want := strings.Join([]string{
		fmt.Sprintf("%s ≈ %s tok · %s", at(after(c, "a.prompt", "system: cache")), promptfile.GroupDigits(system), cost(system)),
		fmt.Sprintf("%s ≈ %s tok · %s", at(after(c, "a.prompt", "user:")), promptfile.GroupDigits(user), cost(user)),
		fmt.Sprintf("%s ≈ %s tok", at(after(c, "a.prompt", `{{file "notes.md"}}`)), promptfile.GroupDigits(inc)),
	}, "\n")
	hints := inlayHintsIn(t, c, "a.prompt", wholeDocument)
	if got := hintLines(hints); got != want {
		t.Errorf("hints:\n%s\nwant:\n%s", got, want)
	}
	for _, h := range hints {
		if tip, ok := h.Tooltip.(protocol.String); !ok || !strings.Contains(string(tip), "≈") {
			t.Errorf("tooltip %v, want the figures again in words", h.Tooltip)
		}
	}
	// The feature prompt's system prompt is below claude-sonnet-4-6's cache
	// minimum: the tooltip promises no saving.
	if tip := text(hints[0].Tooltip); !strings.Contains(tip, "Cache breakpoint (5m)") || !strings.Contains(tip, "will not be cached (the minimum for claude-sonnet-4-6 is 1,024 tokens)") || strings.Contains(tip, "later runs read") {
		t.Errorf("the cached system prompt's tooltip: %q", tip)
	}
}

func TestInlayHintsOnlyInTheRequestedRange(t *testing.T) {
	c := newTestClient(t, featureFiles(featurePrompt))
	openSettled(c, "a.prompt")
	// From the user: line to the end of the text after it: the system
	// prompt's hint is left out.
	u := c.uri("a.prompt")
	r := protocol.Range{Start: c.pos(u, "user:"), End: c.pos(u, "to a ten")}
	got := hintLines(inlayHintsIn(t, c, "a.prompt", r))
	if strings.Count(got, "\n") != 0 || !strings.HasPrefix(got, fmt.Sprintf("%d:5 ≈ ", r.Start.Line)) {
		t.Errorf("hints of the user: block alone: %q", got)
	}
	// Just the front matter: none.
	if got := inlayHintsIn(t, c, "a.prompt", protocol.Range{End: c.pos(u, "vars:")}); len(got) != 0 {
		t.Errorf("hints in the front matter: %s", hintLines(got))
	}
}

func TestInlayHintsFollowEdits(t *testing.T) {
	c := newTestClient(t, featureFiles(featurePrompt))
	u := openSettled(c, "a.prompt")
	before := hintLines(inlayHintsIn(t, c, "a.prompt", wholeDocument))
	editSettled(c, u, "Explain", "Explain in great detail, with many examples and a drawing,")
	afterEdit := hintLines(inlayHintsIn(t, c, "a.prompt", wholeDocument))
	if before == afterEdit {
		t.Errorf("hints did not change after an edit:\n%s", afterEdit)
	}
	want := engineResult(t, c, "a.prompt")
	if !strings.Contains(afterEdit, "≈ "+promptfile.GroupDigits(want.Blocks[1].Tokens)+" tok · ") {
		t.Errorf("after the edit: %s, want the user block at ≈ %d tok", afterEdit, want.Blocks[1].Tokens)
	}
}

func TestInlayHintsUnknownModelHaveNoPrice(t *testing.T) {
	c := newTestClient(t, featureFiles(strings.Replace(featurePrompt, "claude-sonnet-4-6", "claude-sonet-4-6", 1)))
	openSettled(c, "a.prompt")
	got := hintLines(inlayHintsIn(t, c, "a.prompt", wholeDocument))
	if strings.Count(got, "· no price") != 2 || strings.Contains(got, "$") {
		t.Errorf("hints with an unknown model:\n%s\nwant `· no price` on both role lines and no $", got)
	}
}

func TestInlayHintsOutOfRange(t *testing.T) {
	c := newTestClient(t, featureFiles(featurePrompt))
	openSettled(c, "a.prompt")
	far := protocol.Position{Line: 5000, Character: 5000}
	if got := inlayHintsIn(t, c, "a.prompt", protocol.Range{Start: far, End: far}); len(got) != 0 {
		t.Errorf("hints past the end: %s", hintLines(got))
	}
	// A reversed range is read as the same range.
	u := c.uri("a.prompt")
	reversed := protocol.Range{Start: c.pos(u, "to a ten"), End: c.pos(u, "user:")}
	if got := inlayHintsIn(t, c, "a.prompt", reversed); len(got) != 1 {
		t.Errorf("hints of a reversed range: %s", hintLines(got))
	}
	hints, err := c.server.InlayHint(c.ctx, &protocol.InlayHintParams{TextDocument: protocol.TextDocumentIdentifier{URI: c.uri("nope.prompt")}, Range: wholeDocument})
	if err != nil || len(hints) != 0 {
		t.Errorf("hints of a closed document: %v, %v", hints, err)
	}
}

func TestInlayHintsOnTheFrontMatterSystemKey(t *testing.T) {
	c := newTestClient(t, nil)
	openSettled(c, "a.prompt", "---\nmodel: claude-sonnet-4-6\nmax_tokens: 100\nsystem: Be brief.\n---\nuser:\nHi\n")
	res := engineResult(t, c, "a.prompt")
	hints := inlayHintsIn(t, c, "a.prompt", wholeDocument)
	// The system prompt written as a key gets its hint at the end of its line.
	if len(hints) != 2 || hints[0].Position != after(c, "a.prompt", "system: Be brief.") || hints[1].Position != after(c, "a.prompt", "user:") {
		t.Fatalf("hints:\n%s", hintLines(hints))
	}
	if want := "≈ " + promptfile.GroupDigits(res.Blocks[0].Tokens) + " tok · "; !strings.HasPrefix(text(hints[0].Label), want) {
		t.Errorf("system key hint %q, want %q…", text(hints[0].Label), want)
	}
}
