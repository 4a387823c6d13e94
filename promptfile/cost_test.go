package promptfile

import "testing"

func mustModel(t *testing.T, id string) *Model {
	t.Helper()
	m, ok := DefaultCatalog().Lookup(id)
	if !ok {
		t.Fatalf("no model %s", id)
	}
	return m
}

func usd(t *testing.T, s string) USD {
	t.Helper()
	u, err := ParseUSD(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestCostUsage(t *testing.T) {
	tests := []struct {
		model string
		u     Usage
		batch bool
		want  string
	}{
		// 2000×$3 + 1000×$3×1.25 + 500×$3×2 + 4000×$3×0.1 + 300×$15, per MTok
		{"claude-sonnet-4-6", Usage{Input: 2000, CacheWrite5m: 1000, CacheWrite1h: 500, CacheRead: 4000, Output: 300}, false, "0.01845"},
		{"claude-sonnet-4-6", Usage{Input: 2000, CacheWrite5m: 1000, CacheWrite1h: 500, CacheRead: 4000, Output: 300}, true, "0.009225"},
		// 3 web searches at $10 per 1,000, not discounted in a batch.
		{"claude-sonnet-4-6", Usage{Output: 1000, ServerTools: ServerToolUsage{WebSearchRequests: 3}}, false, "0.045"},
		{"claude-sonnet-4-6", Usage{Output: 1000, ServerTools: ServerToolUsage{WebSearchRequests: 3}}, true, "0.0375"},
		{"claude-haiku-4-5", Usage{CacheWrite1h: 10_000}, false, "0.02"},
		{"claude-opus-5-5", Usage{CacheRead: 1_000_000}, false, "0.2"}, // 0.05× of $4
		{"claude-sonnet-5-5", Usage{CacheRead: 1_000_000}, false, "0.1"},
		{"claude-fable-5-1", Usage{CacheRead: 1_000_000}, false, "0.25"},
		// Haiku 5.5: at the threshold the short tier holds...
		{"claude-haiku-5-5", Usage{Input: 100_000, Output: 1000}, false, "0.0105"},
		// ...above it (cache reads count) every token is priced long, output too.
		{"claude-haiku-5-5", Usage{Input: 50_000, CacheRead: 50_001, Output: 1000}, false, "0.03000005"},
		{"claude-haiku-5-5", Usage{Input: 50_000, CacheRead: 50_001, Output: 1000}, true, "0.015000025"},
		{"claude-haiku-5-5", Usage{}, false, "0"},
	}
	for _, tt := range tests {
		if got := mustModel(t, tt.model).Cost(tt.u, tt.batch); got != usd(t, tt.want) {
			t.Errorf("%s Cost(%+v, batch=%v) = %s, want %s", tt.model, tt.u, tt.batch, got.Decimal(), tt.want)
		}
	}
}

func TestCostEstimate(t *testing.T) {
	tests := []struct {
		name                         string
		model                        string
		input, c5m, c1h, max         int64
		in, out, write, read, bi, bo string
		long                         bool
	}{
		{
			name: "nothing cached", model: "claude-sonnet-4-6", input: 1234, max: 1024,
			in: "0.003702", out: "0.01536", write: "0.003702", read: "0.003702", bi: "0.001851", bo: "0.00768",
		},
		{
			// 1h prefix 4000 tokens, 5m prefix 8000: 4000 at 2×, 4000 at 1.25×, 2000 uncached.
			name: "both TTLs", model: "claude-sonnet-4-6", input: 10_000, c5m: 8000, c1h: 4000, max: 1024,
			in: "0.03", out: "0.01536", write: "0.045", read: "0.0084", bi: "0.015", bo: "0.00768",
		},
		{
			name: "5m only, Opus 5.5 reads at 0.05×", model: "claude-opus-5-5", input: 10_000, c5m: 10_000, max: 100,
			in: "0.04", out: "0.002", write: "0.05", read: "0.002", bi: "0.02", bo: "0.001",
		},
		{
			name: "prefix beyond the input is clamped", model: "claude-haiku-4-5", input: 1000, c1h: 5000, max: 10,
			in: "0.001", out: "0.00005", write: "0.002", read: "0.0001", bi: "0.0005", bo: "0.000025",
		},
		{
			name: "Haiku 5.5 long prompt", model: "claude-haiku-5-5", input: 200_000, c5m: 100_000, max: 1000,
			in: "0.1", out: "0.0025", write: "0.1125", read: "0.055", bi: "0.05", bo: "0.00125", long: true,
		},
		{
			name: "Haiku 5.5 short prompt", model: "claude-haiku-5-5", input: 100_000, max: 1000,
			in: "0.01", out: "0.0005", write: "0.01", read: "0.01", bi: "0.005", bo: "0.00025",
		},
	}
	for _, tt := range tests {
		e := mustModel(t, tt.model).Estimate(tt.input, tt.c5m, tt.c1h, tt.max)
		want := Estimate{
			InputTokens: tt.input, InputUSD: usd(t, tt.in), OutputMaxUSD: usd(t, tt.out),
			CacheWriteUSD: usd(t, tt.write), CacheReadUSD: usd(t, tt.read),
			BatchInputUSD: usd(t, tt.bi), BatchOutputMaxUSD: usd(t, tt.bo), LongContext: tt.long,
		}
		if e != want {
			t.Errorf("%s:\n got  %+v\n want %+v", tt.name, e, want)
		}
	}
}

func TestCostHandBuiltModelUsesDefaults(t *testing.T) {
	m := &Model{Pricing: Pricing{InputPerMTok: Dollars(1), OutputPerMTok: Dollars(5)}}
	if got := m.Cost(Usage{CacheWrite5m: 1_000_000, CacheRead: 1_000_000}, true); got != usd(t, "0.675") {
		t.Errorf("Cost = %s, want 0.675", got.Decimal())
	}
}

// TestTokensPriceWithBothTTLs: a 1h breakpoint then a 5m one. Tokens keeps
// what the 5m breakpoint adds beyond the 1h prefix; each part is priced once.
func TestTokensPriceWithBothTTLs(t *testing.T) {
	m, _ := noCacheMinimum().Lookup("claude-sonnet-4-6")
	tok := Tokens{Input: 200, Cached1h: 100, Cached5m: 50}
	e := tok.price(m, 0)
	// 50 uncached × $3 + 50 × $3.75 (5m write) + 100 × $6 (1h write), per MTok.
	if want, _ := ParseUSD("0.0009375"); e.CacheWriteUSD != want {
		t.Errorf("first run %s, want %s", e.CacheWriteUSD, want)
	}
	// 50 uncached × $3 + 150 read × $0.30.
	if want, _ := ParseUSD("0.000195"); e.CacheReadUSD != want {
		t.Errorf("later runs %s, want %s", e.CacheReadUSD, want)
	}
	// Only a 5m breakpoint.
	e = (&Tokens{Input: 200, Cached5m: 80}).price(m, 0)
	if want, _ := ParseUSD("0.00066"); e.CacheWriteUSD != want { // 120 × 3 + 80 × 3.75
		t.Errorf("5m only: %s, want %s", e.CacheWriteUSD, want)
	}
	// Below the model's cache minimum nothing is cached: no saving.
	m, _ = DefaultCatalog().Lookup("claude-sonnet-4-6")
	e = (&Tokens{Input: 200, Cached5m: 80}).price(m, 0)
	if e.CacheWriteUSD != e.InputUSD || e.CacheReadUSD != e.InputUSD {
		t.Errorf("below the minimum: write %s, read %s, want the uncached %s", e.CacheWriteUSD, e.CacheReadUSD, e.InputUSD)
	}
}
