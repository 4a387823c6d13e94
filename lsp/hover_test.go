package lsp

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/claude-ls/claude-ls/promptfile"
)

// featurePrompt is the prompt the hover, inlay hint and code lens tests read:
// a cached system prompt, a variable with a default and test cases, an emoji
// before a variable and an include (UTF-16 columns), and an include.
const featurePrompt = `---
model: claude-sonnet-4-6
max_tokens: 1024
vars:
  topic: tides
tests:
  - name: volcanoes
    topic: volcanoes
  - name: plain
---
system: cache
You are a patient teacher who explains the sea to children.

user:
🌊 Explain {{topic}} to a ten-year-old.
🌊 {{file "notes.md"}}
`

const featureNotes = "Tides come from the Moon's pull on the oceans.\nThere are two high tides a day.\n"

// featureFiles is the workspace of the feature tests.
func featureFiles(prompt string) map[string]string {
	return map[string]string{"a.prompt": prompt, "notes.md": featureNotes}
}

// openSettled opens a workspace file (with text, or as on disk) and waits
// until the server publishes for it: the server handles notifications
// concurrently with later requests, so a request sent right after didOpen
// could otherwise find no document.
func openSettled(c *testClient, name string, text ...string) uri.URI {
	c.t.Helper()
	u := c.open(name, text...)
	c.waitVersion(u, 1)
	return u
}

// editSettled edits an open document and waits until the server has the new version.
func editSettled(c *testClient, u uri.URI, old, new string) {
	c.t.Helper()
	c.waitVersion(u, c.edit(u, old, new))
}

// featureCounters counts the expected side of assertions, apart from the server's.
var featureCounters = promptfile.NewCounters()

// engineResult analyzes an open document with the engine directly: the
// figures the editor must receive, computed without the server.
func engineResult(t *testing.T, c *testClient, name string) *promptfile.Result {
	t.Helper()
	c.mu.Lock()
	src := c.texts[c.uri(name)]
	c.mu.Unlock()
	ws := &promptfile.Workspace{Root: c.dir, Counter: featureCounters, ReadFile: os.ReadFile}
	if cfg, err := os.ReadFile(filepath.Join(c.dir, ".claude-ls.yaml")); err == nil {
		ws.Config, _ = promptfile.ParseConfig(cfg)
		ws.Catalog = ws.Config.Catalog(nil)
	}
	return promptfile.Analyze(promptfile.Parse([]byte(src)), ws, promptfile.Options{Path: filepath.Join(c.dir, name)})
}

// hoverAtMarker hovers on the first occurrence of marker (plus offset bytes)
// and returns the markdown and its range; "" when the server has nothing.
func hoverAtMarker(t *testing.T, c *testClient, name, marker string, offset ...int) (string, protocol.Range) {
	t.Helper()
	u := c.uri(name)
	return hoverAtPos(t, c, name, c.pos(u, marker, offset...))
}

func hoverAtPos(t *testing.T, c *testClient, name string, pos protocol.Position) (string, protocol.Range) {
	t.Helper()
	h, err := c.server.Hover(c.ctx, &protocol.HoverParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: c.uri(name)}, Position: pos}})
	if err != nil {
		t.Fatalf("hover at %+v: %v", pos, err)
	}
	if h == nil {
		return "", protocol.Range{}
	}
	mc, ok := h.Contents.(*protocol.MarkupContent)
	if !ok || mc.Kind != protocol.MarkupKindMarkdown {
		t.Fatalf("hover contents are %T %+v, want markdown", h.Contents, h.Contents)
	}
	if h.Range == nil {
		t.Fatalf("hover without a range: %q", mc.Value)
	}
	return mc.Value, *h.Range
}

// wantContains fails for each piece missing from got.
func wantContains(t *testing.T, what, got string, pieces ...string) {
	t.Helper()
	for _, p := range pieces {
		if !strings.Contains(got, p) {
			t.Errorf("%s lacks %q:\n%s", what, p, got)
		}
	}
}

// rangeOf is the range of the first occurrence of marker, as the editor counts.
func rangeOf(c *testClient, name, marker string) protocol.Range {
	u := c.uri(name)
	start := c.pos(u, marker)
	return protocol.Range{Start: start, End: c.pos(u, marker, len(marker))}
}

func TestHoverRoleLineShowsTheBlocksTokensAndCost(t *testing.T) {
	c := newTestClient(t, featureFiles(featurePrompt))
	openSettled(c, "a.prompt")
	want := engineResult(t, c, "a.prompt")
	user := want.Blocks[1]
	figures := fmt.Sprintf("≈ %s tok · %s input on `claude-sonnet-4-6` ($3 / MTok)",
		promptfile.GroupDigits(user.Tokens), want.Model.InputCost(int64(user.Tokens), int64(want.Tokens.Input)))

	// On the role word, and anywhere on the line up to its end.
	for _, offset := range []int{0, 2, len("user:")} {
		md, r := hoverAtMarker(t, c, "a.prompt", "user:", offset)
		wantContains(t, "hover on user:", md, "**`user:`** message 1 of 1", figures, "≈ estimated offline")
		if r != rangeOf(c, "a.prompt", "user") && r != rangeOf(c, "a.prompt", "user:") {
			t.Errorf("range %+v, want the role word or line", r)
		}
		if strings.Contains(md, "Cache breakpoint") {
			t.Errorf("user: carries no cache, hover says:\n%s", md)
		}
	}
}

// cachingAnyPrefix is a workspace config that lets claude-sonnet-4-6 cache
// any prefix, so that the small feature prompt shows cache figures.
const cachingAnyPrefix = "models:\n  - id: claude-sonnet-4-6\n    cache_min_tokens: 0\n"

func TestHoverCachedBlockShowsWriteAndReadOfThePrefix(t *testing.T) {
	files := featureFiles(featurePrompt)
	files[".claude-ls.yaml"] = cachingAnyPrefix
	c := newTestClient(t, files)
	openSettled(c, "a.prompt")
	want := engineResult(t, c, "a.prompt")
	bp, ok := want.BreakpointAt(want.File.Blocks[0])
	if !ok {
		t.Fatal("setup: no breakpoint on system: cache")
	}
	// On the role word and on the attribute itself.
	for _, marker := range []string{"system", "cache\nYou"} {
		md, _ := hoverAtMarker(t, c, "a.prompt", marker)
		wantContains(t, "hover on "+marker, md,
			"**`system:`** system prompt",
			"**Cache breakpoint** (5 minutes): the request up to the end of this block",
			"is ≈ "+promptfile.GroupDigits(bp.Tokens)+" tok",
			"- first run writes it: "+bp.Write.String()+" (1.25 × input)",
			"- later runs read it: "+bp.Read.String()+" (0.1 × input)")
	}

	// cache=1h: written at twice the input price.
	editSettled(c, c.uri("a.prompt"), "system: cache", "system: cache=1h")
	md, _ := hoverAtMarker(t, c, "a.prompt", "system")
	wantContains(t, "hover on system: cache=1h", md, "(1 hour)", "(2 × input)")
}

// TestHoverBreakpointBelowCacheMinimum: the feature prompt's system prompt
// is far below claude-sonnet-4-6's 1,024-token minimum: no saving is shown.
func TestHoverBreakpointBelowCacheMinimum(t *testing.T) {
	c := newTestClient(t, featureFiles(featurePrompt))
	openSettled(c, "a.prompt")
	want := engineResult(t, c, "a.prompt")
	bp, _ := want.BreakpointAt(want.File.Blocks[0])
	md, _ := hoverAtMarker(t, c, "a.prompt", "system")
	wantContains(t, "hover on an uncached breakpoint", md,
		"- will not be cached: the minimum for `claude-sonnet-4-6` is 1,024 tokens, so every run pays "+bp.Write.String())
	if strings.Contains(md, "later runs read it") {
		t.Errorf("hover promises a cache read:\n%s", md)
	}
	md, _ = hoverAtMarker(t, c, "a.prompt", "sonnet")
	if strings.Contains(md, "with its cache") {
		t.Errorf("model hover promises a cache saving:\n%s", md)
	}
}

func TestHoverModelShowsItsCardAndTheOtherModels(t *testing.T) {
	files := featureFiles(featurePrompt)
	files[".claude-ls.yaml"] = cachingAnyPrefix
	c := newTestClient(t, files)
	openSettled(c, "a.prompt")
	md, r := hoverAtMarker(t, c, "a.prompt", "sonnet")
	if want := rangeOf(c, "a.prompt", "claude-sonnet-4-6"); r != want {
		t.Errorf("range %+v, want the model id %+v", r, want)
	}
	want := engineResult(t, c, "a.prompt")
	cost := want.Tokens.Cost
	wantContains(t, "model card", md,
		"**Claude Sonnet 4.6** `claude-sonnet-4-6`",
		"- Context window: 1,000,000 tokens",
		"- Output limit: 128,000 tokens",
		"- Price per MTok: $3 in · $15 out",
		"- Cache: write $3.75 (5m) · $6 (1h) · read $0.3",
		"- Batch: $1.5 in · $7.5 out",
		"- Thinking: `adaptive`, `enabled` (with budget_tokens), `disabled`",
		"- Prefill (a final `assistant:` block): no",
		fmt.Sprintf("**This prompt**: ≈ %s tok in · %s · out ≤ %s (max_tokens 1,024)",
			promptfile.GroupDigits(want.Tokens.Input), cost.InputUSD, cost.OutputMaxUSD),
		"- with its cache: first run "+cost.CacheWriteUSD.String()+", later runs "+cost.CacheReadUSD.String(),
		"[Source](https://",
		"**This prompt on the other models**, cheapest first:")

	// One row per other model, in the engine's order: cheapest first.
	var others []*promptfile.Model
	for _, m := range promptfile.DefaultCatalog().Models() {
		if m.ID != "claude-sonnet-4-6" {
			others = append(others, m)
		}
	}
	rows := regexp.MustCompile("(?m)^\\| `([^`]+)` \\| ≈ ([0-9,]+) \\| (\\S+) \\| (\\S+) \\|$").FindAllStringSubmatch(md, -1)
	expected := promptfile.CompareModels(want, others, featureCounters)
	if len(rows) != len(expected) {
		t.Fatalf("%d rows, want %d (every other model):\n%s", len(rows), len(expected), md)
	}
	for i, row := range rows {
		e := expected[i]
		got := []string{row[1], row[2], row[3], row[4]}
		exp := []string{e.Model.ID, promptfile.GroupDigits(e.Tokens.Input), e.Tokens.Cost.InputUSD.String(), e.Tokens.Cost.OutputMaxUSD.String()}
		if strings.Join(got, " ") != strings.Join(exp, " ") {
			t.Errorf("row %d = %q, want %q", i, got, exp)
		}
	}
	if rows[0][1] != "claude-haiku-5-5" {
		t.Errorf("cheapest is %s, want claude-haiku-5-5 ($0.1 / MTok)", rows[0][1])
	}
}

func TestHoverVariableShowsItsValuesAndWhereTheyAreDefined(t *testing.T) {
	c := newTestClient(t, featureFiles(featurePrompt))
	openSettled(c, "a.prompt")
	want := []string{
		"**`{{topic}}`**",
		"- default: `tides` (`vars:`, line 5)",
		"- test cases:\n  - `volcanoes`: `volcanoes` (line 8)\n  - `plain`: the default",
		"Used once; the editor counts it with the default.",
	}
	// The use in the text comes after an emoji: two UTF-16 units each.
	md, r := hoverAtMarker(t, c, "a.prompt", "topic}}")
	wantContains(t, "hover on {{topic}}", md, want...)
	if exp := rangeOf(c, "a.prompt", "topic}}"); r.Start != exp.Start || r.End.Character != exp.Start.Character+uint32(len("topic")) {
		t.Errorf("range %+v, want the name after the emoji at %+v", r, exp.Start)
	}
	// The vars key and a test case's key say the same.
	md, _ = hoverAtMarker(t, c, "a.prompt", "topic: tides")
	wantContains(t, "hover on vars: topic", md, want...)
	md, _ = hoverAtMarker(t, c, "a.prompt", "topic: volcanoes")
	wantContains(t, "hover on the test case's topic", md, want...)
}

func TestHoverVariableWithoutValue(t *testing.T) {
	c := newTestClient(t, featureFiles("---\nmodel: claude-sonnet-4-6\nmax_tokens: 100\n---\nuser:\nHi {{name}}\n"))
	openSettled(c, "a.prompt")
	md, _ := hoverAtMarker(t, c, "a.prompt", "name}}")
	wantContains(t, "hover on an undefined variable", md, "No value: define it under `vars:`, in a test case, or pass `--var name=VALUE`.")
}

func TestHoverFrontMatterKeyShowsItsDocumentationAndRange(t *testing.T) {
	c := newTestClient(t, featureFiles(featurePrompt))
	openSettled(c, "a.prompt")
	md, r := hoverAtMarker(t, c, "a.prompt", "max_tokens")
	wantContains(t, "hover on max_tokens", md,
		"**`max_tokens`**", keyDoc("max_tokens"),
		"Valid: an integer from 1 to 128,000 (`claude-sonnet-4-6`'s output limit)", "Sent in the request body.")
	if r != rangeOf(c, "a.prompt", "max_tokens") {
		t.Errorf("range %+v, want the key", r)
	}
	md, _ = hoverAtMarker(t, c, "a.prompt", "tests:")
	wantContains(t, "hover on tests", md, keyDoc("tests"), "Valid: a list of maps", "Never sent: a key of the `.prompt` format.")
}

func TestHoverIncludeShowsItsSizeAndTokens(t *testing.T) {
	c := newTestClient(t, featureFiles(featurePrompt))
	openSettled(c, "a.prompt")
	want := engineResult(t, c, "a.prompt")
	inc := want.Includes[0]
	md, r := hoverAtMarker(t, c, "a.prompt", "notes.md")
	wantContains(t, "hover on the include", md,
		"**`notes.md`**",
		fmt.Sprintf("%d bytes · ≈ %d tok", len(featureNotes), inc.Tokens),
		filepath.Join(c.dir, "notes.md"))
	// After an emoji: the range is counted in UTF-16 units.
	if r != rangeOf(c, "a.prompt", "notes.md") {
		t.Errorf("range %+v, want %+v", r, rangeOf(c, "a.prompt", "notes.md"))
	}
	editSettled(c, c.uri("a.prompt"), "notes.md", "missing.md")
	md, _ = hoverAtMarker(t, c, "a.prompt", "missing.md")
	wantContains(t, "hover on a missing include", md, "Not read")
}

func TestHoverUnknownModelSaysThereIsNoPrice(t *testing.T) {
	c := newTestClient(t, featureFiles(strings.Replace(featurePrompt, "claude-sonnet-4-6", "claude-sonet-4-6", 1)))
	openSettled(c, "a.prompt")
	md, _ := hoverAtMarker(t, c, "a.prompt", "user:")
	wantContains(t, "hover on user: with an unknown model", md, "no price (unknown model `claude-sonet-4-6`)")
	if strings.Contains(md, "$") {
		t.Errorf("an unknown model has no prices, hover shows one:\n%s", md)
	}
	md, _ = hoverAtMarker(t, c, "a.prompt", "claude-sonet")
	wantContains(t, "hover on an unknown model", md,
		"**`claude-sonet-4-6`**: unknown model", "no cost is shown", "did you mean `claude-sonnet-4-6`?",
		"**This prompt on the known models**, cheapest first:")
}

func TestHoverOutOfRangeAndNothingThere(t *testing.T) {
	c := newTestClient(t, featureFiles(featurePrompt))
	openSettled(c, "a.prompt")
	for _, pos := range []protocol.Position{{Line: 999, Character: 999}, {Line: 0, Character: 999}, {Line: 1, Character: 1 << 30}} {
		hoverAtPos(t, c, "a.prompt", pos) // answered, whatever it says
	}
	if md, _ := hoverAtMarker(t, c, "a.prompt", "patient"); md != "" {
		t.Errorf("hover on plain text: %q, want none", md)
	}
	// A document that is not open: no hover, no error.
	h, err := c.server.Hover(c.ctx, &protocol.HoverParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: c.uri("nope.prompt")}}})
	if err != nil || h != nil {
		t.Errorf("hover on a closed document: %v, %v", h, err)
	}
}

func TestHoverIsAdvertisedWithInlayHintsAndCodeLens(t *testing.T) {
	c := newTestClient(t, nil, clientOptions{noInitialize: true})
	res := c.initialize(clientOptions{})
	caps := res.Capabilities
	if caps.HoverProvider != protocol.Boolean(true) {
		t.Errorf("hoverProvider = %v", caps.HoverProvider)
	}
	if caps.InlayHintProvider != protocol.Boolean(true) {
		t.Errorf("inlayHintProvider = %v", caps.InlayHintProvider)
	}
	if caps.CodeLensProvider == nil || caps.CodeLensProvider.ResolveProvider != nil {
		t.Errorf("codeLensProvider = %+v, want one without resolve", caps.CodeLensProvider)
	}
}

func TestHoverPrefillAndSystemKey(t *testing.T) {
	c := newTestClient(t, nil)
	openSettled(c, "a.prompt", "---\nmodel: claude-haiku-4-5\nmax_tokens: 100\nsystem: Be brief.\n---\nuser:\nName a color.\n\nassistant:\nThe color is\n")
	md, _ := hoverAtMarker(t, c, "a.prompt", "assistant:")
	wantContains(t, "hover on the final assistant:", md, "**`assistant:`** message 2 of 2 · prefill: the reply continues this text")
	res := engineResult(t, c, "a.prompt")
	md, _ = hoverAtMarker(t, c, "a.prompt", "system")
	wantContains(t, "hover on the system key", md, keyDoc("system"), "This system prompt: ≈ "+promptfile.GroupDigits(res.Blocks[0].Tokens)+" tok · $")
}

func TestHoverCountsColumnsInUTF8WhenNegotiated(t *testing.T) {
	c := newTestClient(t, featureFiles(featurePrompt), clientOptions{utf8: true})
	u := openSettled(c, "a.prompt")
	// Columns are bytes: the wave emoji counts 4.
	p16 := c.pos(u, "topic}}")
	p8 := protocol.Position{Line: p16.Line, Character: uint32(len("🌊 Explain {{"))}
	md, r := hoverAtPos(t, c, "a.prompt", p8)
	wantContains(t, "hover on {{topic}} in UTF-8 columns", md, "**`{{topic}}`**")
	if r.Start != p8 || r.End.Character != p8.Character+uint32(len("topic")) {
		t.Errorf("range %+v, want from %+v in bytes", r, p8)
	}
}

func keyDoc(name string) string {
	spec, _ := promptfile.LookupKey(name)
	return spec.Doc
}

// TestHoverVarUsedOnlyInSystemKey: hover counts a variable's uses with the
// query find-references uses, so a use in the front matter's `system`
// string counts.
func TestHoverVarUsedOnlyInSystemKey(t *testing.T) {
	src := "---\nmodel: claude-sonnet-4-6\nmax_tokens: 100\nsystem: \"You teach {{subject}}.\"\nvars:\n  subject: physics\n---\nuser:\nhello\n"
	c := newTestClient(t, map[string]string{"a.prompt": src})
	openSettled(c, "a.prompt")
	md, _ := hoverAtMarker(t, c, "a.prompt", "subject: physics")
	wantContains(t, "hover on a variable used in system", md, "Used once; the editor counts it with the default.")
	if strings.Contains(md, "Not used") {
		t.Errorf("hover says the variable is not used:\n%s", md)
	}
}

// TestHoverEffortNamesTheModelsLevels: the range comes from the registry,
// for the file's model.
func TestHoverEffortNamesTheModelsLevels(t *testing.T) {
	src := "---\nmodel: claude-opus-4-7\nmax_tokens: 100\neffort: xhigh\n---\nuser:\nhi\n"
	c := newTestClient(t, map[string]string{"a.prompt": src})
	openSettled(c, "a.prompt")
	md, _ := hoverAtMarker(t, c, "a.prompt", "effort")
	wantContains(t, "hover on effort", md, keyDoc("effort"),
		"Valid: `low`, `medium`, `high`, `xhigh`, `max`; `claude-opus-4-7` takes `low`, `medium`, `high`, `xhigh`, `max`",
		"Sent in the request body.")
}
