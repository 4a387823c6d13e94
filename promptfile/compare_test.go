package promptfile

import (
	"strings"
	"testing"
)

const compareSrc = `---
model: claude-sonnet-4-6
max_tokens: 1024
---
system: cache
You are a patient teacher who explains the sea to children.

user:
Explain tides to a ten-year-old, with one example from a beach.
`

// analyzeCompare analyzes with models that cache any prefix, so that the
// arithmetic of small examples is not hidden by the cache minimum.
func analyzeCompare(t *testing.T, src string) *Result {
	t.Helper()
	return Analyze(Parse([]byte(src)), &Workspace{Counter: testCounters, Catalog: noCacheMinimum()}, Options{})
}

func noCacheMinimum() *Catalog {
	c := DefaultCatalog().With(nil)
	for _, m := range c.Models() {
		m.CacheMinTokens = 0
	}
	return c
}

// TestBreakpointBelowMinimum: a prefix under the model's minimum is not
// cached, so the breakpoint, the request's figures and the comparison on
// other models all show no saving, and a warning says why.
func TestBreakpointBelowMinimum(t *testing.T) {
	r := Analyze(Parse([]byte(compareSrc)), &Workspace{Counter: testCounters}, Options{})
	bp, ok := r.BreakpointAt(r.File.Blocks[0])
	if !ok || !bp.Uncached {
		t.Fatalf("breakpoint = %+v, %v; want one marked uncached", bp, ok)
	}
	if want := r.InputCost(bp.Tokens); bp.Write != want || bp.Read != want {
		t.Errorf("write %s, read %s; want both the uncached price %s", bp.Write, bp.Read, want)
	}
	c := r.Tokens.Cost
	if c.CacheWriteUSD != c.InputUSD || c.CacheReadUSD != c.InputUSD || r.Tokens.Cached5m+r.Tokens.Cached1h != 0 {
		t.Errorf("request figures show a saving: %+v, cached %d/%d", c, r.Tokens.Cached5m, r.Tokens.Cached1h)
	}
	for _, mc := range CompareModels(r, DefaultCatalog().Models(), testCounters) {
		if e := mc.Tokens.Cost; e.CacheReadUSD != e.InputUSD || mc.Tokens.Cached5m != 0 {
			t.Errorf("%s: saving shown: %+v", mc.Model.ID, e)
		}
	}
	found := false
	for _, d := range r.Diagnostics {
		found = found || (d.Code == "cache-minimum" && strings.Contains(d.Message, "the minimum for this model is 1,024"))
	}
	if !found {
		t.Errorf("no cache-minimum warning in %v", r.Diagnostics)
	}
}

func TestCompareModelsOwnModelMatchesAnalyze(t *testing.T) {
	r := analyzeCompare(t, compareSrc)
	if r.Model == nil || r.Tokens.Input == 0 {
		t.Fatalf("setup: model %v, tokens %d", r.Model, r.Tokens.Input)
	}
	got := CompareModels(r, []*Model{r.Model}, testCounters)
	if len(got) != 1 {
		t.Fatalf("got %d rows", len(got))
	}
	if got[0].Tokens != r.Tokens {
		t.Errorf("own model: %+v, Analyze said %+v", got[0].Tokens, r.Tokens)
	}
}

func TestCompareModelsCheapestFirst(t *testing.T) {
	r := analyzeCompare(t, compareSrc)
	models := noCacheMinimum().Models()
	got := CompareModels(r, models, testCounters)
	if len(got) != len(models) {
		t.Fatalf("got %d rows for %d models", len(got), len(models))
	}
	for i := 1; i < len(got); i++ {
		if got[i-1].Tokens.Cost.InputUSD > got[i].Tokens.Cost.InputUSD {
			t.Errorf("%s (%s) before %s (%s)", got[i-1].Model.ID, got[i-1].Tokens.Cost.InputUSD, got[i].Model.ID, got[i].Tokens.Cost.InputUSD)
		}
	}
	for _, mc := range got {
		// Each model counts with its own factor: 1.55 models see more tokens than 1.2 ones.
		if mc.Model.TokenFactor == 1.55 && mc.Tokens.Input <= r.Tokens.Input {
			t.Errorf("%s: %d tokens, not more than sonnet-4-6's %d", mc.Model.ID, mc.Tokens.Input, r.Tokens.Input)
		}
		if mc.Tokens.Cached5m == 0 {
			t.Errorf("%s: the cached system prompt is lost", mc.Model.ID)
		}
	}
	if CompareModels(r, models, nil) != nil {
		t.Error("without a counter: want nil")
	}
}

func TestCompareModelsCapsMaxTokens(t *testing.T) {
	src := "---\nmodel: claude-sonnet-4-6\nmax_tokens: 100000\n---\nuser:\nhi\n"
	r := analyzeCompare(t, src)
	haiku, _ := DefaultCatalog().Lookup("claude-haiku-4-5")
	got := CompareModels(r, []*Model{haiku}, testCounters)
	if got[0].MaxTokens != haiku.MaxOutput {
		t.Errorf("max tokens on haiku-4-5 = %d, want its limit %d", got[0].MaxTokens, haiku.MaxOutput)
	}
}

func TestBreakpointAt(t *testing.T) {
	r := analyzeCompare(t, compareSrc)
	system := r.File.Blocks[0]
	bp, ok := r.BreakpointAt(system)
	if !ok {
		t.Fatal("no breakpoint on `system: cache`")
	}
	if want := r.Tokens.Overhead + r.Blocks[0].Tokens; bp.TTL != "5m" || bp.Tokens != want || r.Tokens.Overhead == 0 {
		t.Errorf("breakpoint = %+v, want 5m over the request's framing and the system prompt: %d tokens", bp, want)
	}
	in := r.Model.Pricing.InputPerMTok
	if want := CostOf(int64(bp.Tokens), in, 1_250_000); bp.Write != want {
		t.Errorf("write = %s, want %s (1.25 × input)", bp.Write, want)
	}
	if want := CostOf(int64(bp.Tokens), in, 100_000); bp.Read != want {
		t.Errorf("read = %s, want %s (0.1 × input)", bp.Read, want)
	}
	if _, ok := r.BreakpointAt(r.File.Blocks[1]); ok {
		t.Error("breakpoint on `user:` without cache")
	}
	if _, ok := (*Result)(nil).BreakpointAt(system); ok {
		t.Error("breakpoint on a nil result")
	}
}

func TestBreakpointAtOneHourAfterEarlierBlocks(t *testing.T) {
	src := "---\nmodel: claude-sonnet-4-6\nmax_tokens: 10\n---\nsystem:\nBe brief.\n\nuser: cache=1h\nA long document.\n\nassistant:\nOK.\n\nuser:\nSummarize it.\n"
	r := analyzeCompare(t, src)
	bp, ok := r.BreakpointAt(r.File.Blocks[1])
	if !ok {
		t.Fatal("no breakpoint")
	}
	if want := r.Tokens.Overhead + r.Blocks[0].Tokens + r.Blocks[1].Tokens; bp.TTL != "1h" || bp.Tokens != want {
		t.Errorf("breakpoint = %+v, want 1h over %d tokens", bp, want)
	}
	if want := CostOf(int64(bp.Tokens), r.Model.Pricing.InputPerMTok, 2_000_000); bp.Write != want {
		t.Errorf("write = %s, want %s (2 × input)", bp.Write, want)
	}
}

func TestInputCost(t *testing.T) {
	m, _ := DefaultCatalog().Lookup("claude-haiku-5-5")
	if got, want := m.InputCost(1000, 1000), CostOf(1000, m.Pricing.InputPerMTok, MultiplierOne); got != want {
		t.Errorf("short request: %s, want %s", got, want)
	}
	// Above the long-context threshold, every token is priced at that tier.
	lc := m.Pricing.LongContext
	if got, want := m.InputCost(1000, lc.ThresholdTokens+1), CostOf(1000, lc.InputPerMTok, MultiplierOne); got != want {
		t.Errorf("long request: %s, want %s", got, want)
	}
	if (*Model)(nil).InputCost(1000, 1000) != 0 {
		t.Error("nil model: want 0")
	}
}

// TestResultInputCostUsesTheRequestsTier: on a model with long-prompt
// prices, a small block of a long request costs the long-prompt price.
func TestResultInputCostUsesTheRequestsTier(t *testing.T) {
	m, ok := DefaultCatalog().Lookup("claude-haiku-5-5")
	if !ok || m.Pricing.LongContext == nil {
		t.Fatal("claude-haiku-5-5 with a long-context tier expected in the catalog")
	}
	short := &Result{Model: m, Tokens: Tokens{Input: 1_000}}
	long := &Result{Model: m, Tokens: Tokens{Input: 150_000}}
	// $0.10 / MTok below 100K input, $0.50 above.
	if got, want := short.InputCost(1_000), m.Cost(Usage{Input: 1_000}, false); got != want {
		t.Errorf("short request: %s, want %s", got, want)
	}
	if got, want := long.InputCost(1_000), USD(1_000)*m.Pricing.LongContext.InputPerMTok/1_000_000; got != want {
		t.Errorf("block of a long request: %s, want %s", got, want)
	}
	if (&Result{Tokens: Tokens{Input: 10}}).InputCost(10) != 0 {
		t.Error("unknown model: want no price")
	}
}
