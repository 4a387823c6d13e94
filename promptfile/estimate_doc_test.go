package promptfile

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path"
	"sort"
	"strings"
	"testing"

	"github.com/claude-ls/claude-ls/promptfile/tokencount"
)

// TestEstimateTable writes docs/estimate.md from the estimate's tables and
// the documented cases, so that the page and the tests cannot disagree:
//
//	go test ./promptfile -run TestEstimateTable -update
//
// Without -update it fails when the page is out of date.
func TestEstimateTable(t *testing.T) {
	page := estimatePage(t)
	const file = "../docs/estimate.md"
	if *update {
		if err := os.WriteFile(file, []byte(page), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	old, err := os.ReadFile(file)
	if err != nil || string(old) != page {
		t.Errorf("%s is out of date: run go test ./promptfile -run TestEstimateTable -update", file)
	}
}

func estimatePage(t *testing.T) string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w(`# How claude-ls estimates tokens

<!-- Written by: go test ./promptfile -run TestEstimateTable -update (promptfile/estimate_doc_test.go). Do not edit by hand. -->

Claude's tokenizers are not public. Offline, claude-ls estimates what the
API's ` + "`count_tokens`" + ` would answer (and a run would bill) from pieces it can
count exactly, and says ≈. An exact count (` + "`claude-ls count --exact`" + `, or the
editor's exact-count command) asks the API, and each exact count or run
calibrates the estimate of that model in the workspace.

Try it:

` + "```sh" + `
claude-ls count weather.prompt          # ≈ per block, tools, framing, total
claude-ls count --json weather.prompt   # input_tokens, tools_tokens, framing_tokens
claude-ls count --exact weather.prompt  # the API's count; calibrates the model
` + "```" + `

In the editor, the hover on ` + "`model:`" + ` shows the estimate of the whole prompt
and says when it borrows another model's figure (below).

## What is counted

- **Text** of the system prompt and every message: counted with tiktoken's
  cl100k_base (exactly, offline, in ` + "`promptfile/tokencount`" + `), split by kind of
  text, and each kind weighed by its factor for the model's tokenizer
  generation (below).
- **Tools**: each custom tool as the API reads it — its ` + "`name`" + `,
  ` + "`description`" + ` and ` + "`input_schema`" + ` as compact JSON (not ` + "`cache_control`" + `) — plus a
  per-tool framing, plus the tool-use system prompt the API adds once to a
  request with tools, which depends on the model and on ` + "`tool_choice`" + `
  (below). The Anthropic-defined bash and text-editor tools add their own
  prompt instead (+245 and +700 tokens, tool-use overview).
- **Framing** the API adds: the request with its first message, each further
  message, a system prompt, thinking when it is on (` + "`enabled`" + ` or ` + "`adaptive`" + `).
- **Images and documents**: not in the format yet; they will add their
  tokens where ` + "`mediaTokens`" + ` stands in ` + "`promptfile/estimate.go`" + `.

The estimate of a request is the sum of these; a model's ` + "`token_factor`" + ` scales
it by token_factor ÷ the generation's typical factor, so the catalog's own
factor leaves it as it is. Cached prefixes include the framing and tools,
which come first in the request.

## Calibration

Each exact count and each run's input usage is stored with the request's
uncalibrated estimate (` + "`Tokens.Raw`" + `, in catalog units:
Claude tokens ÷ the typical factor) in ` + "`.claude-ls/calibration.json`" + `. The
ratio real ÷ Raw, summed over the model's requests, becomes the model's
` + "`token_factor`" + ` in that workspace, so calibration scales the whole per-kind
estimate; the hover says "calibrated" and from how many counts.

## Factors by kind of text

Claude tokens per cl100k token of each kind. A piece of text (tiktoken's
pre-tokenizer piece) is classified by its first letter, digit or symbol.
"short" is a Latin word of at most 6 letters that is one cl100k token
(" the", "Hello"); "word" another Latin word led by a space (prose);
"ident" another Latin word (identifiers, code); letters glued to digits
count as digits (hex, ids).

`)
	gens := []*tokenizerGen{genBefore47, gen47}
	w("| kind |")
	for _, g := range gens {
		w(" %s |", g.name)
	}
	w("\n|---|---|---|\n")
	for k := range tokencount.NumKinds {
		w("| %s |", tokencount.Kind(k))
		for _, g := range gens {
			w(" %.3g |", g.kinds[k])
		}
		w("\n")
	}
	w("| typical text (the models' catalog `token_factor`) | %.3g | %.3g |\n", genBefore47.typical, gen47.typical)
	w("| framing: request with its first message | %g | %g |\n", genBefore47.request, gen47.request)
	w("| framing: each further message | %g | %g |\n", genBefore47.message, gen47.message)
	w("| framing: system prompt | %g | %g |\n", genBefore47.system, gen47.system)
	w("| framing: each tool | %g | %g |\n", genBefore47.tool, gen47.tool)
	w("| framing: thinking on | %g | %g |\n", genBefore47.thinking, gen47.thinking)
	var older []string
	for id := range olderTokenizer {
		older = append(older, "`"+id+"`")
	}
	sort.Strings(older)
	w("\nModels with the tokenizer before Opus 4.7: %s. Every other model —\nOpus 4.7 and later, Fable 5.2, and any model added in `.claude-ls.yaml` — counts\nwith the newer one: over- rather than under-estimating is the safer default.\n", strings.Join(older, ", "))
	w(`
Sources of the factors:
- the tokenizer before Opus 4.7 ÷ cl100k on English prose ≈ 1.07–1.16 (a
  187K-token book, ../shared/guide/facts.md); Anthropic's own reference says
  tiktoken "undercounts Claude tokens by ~15–20%% on typical text, and by much
  more on code or non-English input"; Chinese on Claude ≈ 1.65 × the English
  o200k count against 1.15 on OpenAI (Aran Komatsuzaki's translations of *The
  Bitter Lesson*, https://www.gate.com/post/status/20677141). Cyrillic,
  Arabic and other scripts have no public ratio to cl100k: their factors
  are rough and a calibration corrects them.
- the newer tokenizer ÷ the older, by kind: %s and %s
  (measured with count_tokens on Opus 4.6 and 4.7); Anthropic: "roughly 1× to
  1.35×", "about 30%% more".

Their ratio new ÷ old on samples of each kind (promptfile/testdata/estimate/samples;
the test wants the estimate within 10 %% of the published range):

| sample | published new ÷ old | estimate new ÷ old | estimate old ÷ cl100k |
|---|---|---|---|
`, srcSolAva, srcCodeCamp)
	for _, s := range kindSamples {
		data, err := os.ReadFile(path.Join("testdata/estimate/samples", s.file))
		if err != nil {
			t.Fatal(err)
		}
		newOld, oldCl := sampleRatio(t, string(data))
		pub := fmt.Sprintf("%.2f", s.low)
		if s.high != s.low {
			pub = fmt.Sprintf("%.2f–%.2f", s.low, s.high)
		}
		w("| %s (`%s`) | %s | %.2f | %.2f |\n", s.kind, s.file, pub, newOld, oldCl)
	}

	w(`
## The tool-use system prompt

Tokens the API adds once to a request with tools, from the tool-use
overview (%s):

| model | tool_choice auto, none | any, tool |
|---|---|---|
`, toolUseSource)
	var ids []string
	for id := range toolPrompts {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		w("| `%s` | %d | %d |\n", id, toolPrompts[id].auto, toolPrompts[id].forced)
	}
	ids = ids[:0]
	for id := range nearestToolPrompt {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	w("\nThe table has no row for these models; the estimate uses the nearest\nfamily's (same generation and tier) and the hover says so:\n\n| model | uses |\n|---|---|\n")
	for _, id := range ids {
		w("| `%s` | `%s` |\n", id, nearestToolPrompt[id])
	}

	w(`
## Documented cases

Requests whose exact count the API reported in public, with the estimate
claude-ls gives offline; each is a test (promptfile/testdata/estimate, pinned
within ±5 %% uncalibrated, and within ±3 %% once the model is calibrated from
its cases as a workspace does). The token-counting page shows the same
counts (14, 403, 88) in every version, whatever model it names: the cases
use the versions naming claude-opus-5-5 (the newest), claude-opus-5 and,
for the thinking example, claude-sonnet-4-6. Versions naming retired models
(claude-opus-4-20250514) are left out.

| case | request text (system / messages) | model | API count | estimate | error | calibrated | error |
|---|---|---|---|---|---|---|---|
`)
	cases := loadEstimateCases(t)
	real, raw := map[string]int{}, map[string]int{}
	for _, c := range cases {
		real[c.res.Model.ID] += c.api
		raw[c.res.Model.ID] += c.res.Tokens.Raw
	}
	for _, c := range cases {
		m := *c.res.Model
		m.TokenFactor = float64(real[m.ID]) / float64(raw[m.ID])
		cal := estimateRendering(c.res, &m, kindsOf(testCounters)).result(c.res, nil).Input
		w("| %s | %s | `%s` | %d | %d | %s | %d | %s |\n", c.name, requestText(c.res), m.ID, c.api, c.res.Tokens.Input,
			pct(relErr(c.res.Tokens.Input, c.api)), cal, pct(relErr(cal, c.api)))
	}
	w("\nThe cases:\n\n")
	for _, c := range cases {
		w("- %s: %s Source: %s\n", c.name, c.about, c.source)
	}
	return b.String()
}

// requestText is what a case sends, short: tools by name, then the texts.
func requestText(r *Result) string {
	var parts []string
	for _, raw := range toolList(r.Request) {
		var tool struct{ Name string }
		json.Unmarshal(raw, &tool)
		parts = append(parts, "tool `"+tool.Name+"`")
	}
	if r.Thinking != "" {
		parts = append(parts, "thinking "+r.Thinking)
	}
	for _, rb := range r.Blocks {
		parts = append(parts, string(rb.Block.Role)+": \u201c"+strings.ReplaceAll(rb.Text, "|", "\\|")+"\u201d")
	}
	return strings.Join(parts, " / ")
}

func pct(e float64) string {
	if math.Abs(e) < 0.0005 {
		return "0 %"
	}
	return fmt.Sprintf("%+.1f %%", 100*e)
}
