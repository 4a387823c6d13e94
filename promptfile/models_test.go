package promptfile

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestModelsEntriesValid(t *testing.T) {
	cat := DefaultCatalog()
	owner := make(map[string]string) // every accepted name → model id
	for _, m := range cat.Models() {
		if p := m.problems(); len(p) > 0 {
			t.Errorf("%s: %s", m.ID, strings.Join(p, "; "))
		}
		if !strings.HasPrefix(m.Source, "https://") {
			t.Errorf("%s: source %q is not an https URL", m.ID, m.Source)
		}
		if m.DisplayName == "" || m.DisplayName == m.ID {
			t.Errorf("%s: no display name", m.ID)
		}
		if len(m.Thinking) == 0 && m.RejectsDisabledThinking {
			t.Errorf("%s: rejects disabled thinking but accepts no other type", m.ID)
		}
		if m.TokenFactor < 1 || m.TokenFactor > 2 {
			t.Errorf("%s: token_factor %v is outside the measured 1–2 range", m.ID, m.TokenFactor)
		}
		if m.Pricing.CacheWrite5m == 0 || m.Pricing.CacheRead == 0 || m.Pricing.Batch == 0 {
			t.Errorf("%s: multipliers not defaulted: %+v", m.ID, m.Pricing)
		}
		for _, n := range m.Names() {
			if n != strings.ToLower(n) || strings.TrimSpace(n) != n || n == "" {
				t.Errorf("%s: name %q is not a lower-case API id", m.ID, n)
			}
			if prev, dup := owner[n]; dup {
				t.Errorf("name %q belongs to both %s and %s", n, prev, m.ID)
			}
			owner[n] = m.ID
		}
	}
	// The spec requires the 4.x generation and the current one.
	for _, id := range []string{
		"claude-opus-4-7", "claude-opus-4-6", "claude-sonnet-4-6", "claude-haiku-4-5",
		"claude-opus-5-5", "claude-sonnet-5-5", "claude-haiku-5-5",
	} {
		if _, ok := cat.Lookup(id); !ok {
			t.Errorf("missing model %s", id)
		}
	}
}

// TestModelsFigures pins the published figures so that an accidental edit of
// models.json shows up.
func TestModelsFigures(t *testing.T) {
	tests := []struct {
		id                string
		ctx, out          int
		in, outPrice      string
		cacheRead         Multiplier
		prefill           bool
		thinking          []string
		rejectsDisabled   bool
		longThreshold     int64
		longIn, longOut   string
		newTokenizerRatio bool
	}{
		{"claude-opus-4-7", 1_000_000, 128_000, "5", "25", 100_000, false, []string{"adaptive"}, false, 0, "", "", true},
		{"claude-opus-4-6", 1_000_000, 128_000, "5", "25", 100_000, false, []string{"adaptive", "enabled"}, false, 0, "", "", false},
		{"claude-sonnet-4-6", 1_000_000, 128_000, "3", "15", 100_000, false, []string{"adaptive", "enabled"}, false, 0, "", "", false},
		{"claude-haiku-4-5", 200_000, 64_000, "1", "5", 100_000, true, []string{"enabled"}, false, 0, "", "", false},
		{"claude-opus-5-5", 1_000_000, 128_000, "4", "20", 50_000, false, []string{"adaptive"}, true, 0, "", "", true},
		{"claude-sonnet-5-5", 1_000_000, 128_000, "2", "10", 50_000, false, []string{"adaptive", "between_tools"}, true, 0, "", "", true},
		{"claude-haiku-5-5", 1_000_000, 128_000, "0.1", "0.5", 100_000, false, []string{"adaptive"}, false, 100_000, "0.5", "2.5", true},
		{"claude-fable-5-1", 1_000_000, 128_000, "10", "50", 25_000, false, []string{"adaptive"}, true, 0, "", "", true},
	}
	cat := DefaultCatalog()
	for _, tt := range tests {
		m, ok := cat.Lookup(tt.id)
		if !ok {
			t.Errorf("%s: missing", tt.id)
			continue
		}
		in, _ := ParseUSD(tt.in)
		out, _ := ParseUSD(tt.outPrice)
		if m.ContextWindow != tt.ctx || m.MaxOutput != tt.out {
			t.Errorf("%s: context %d / output %d, want %d / %d", tt.id, m.ContextWindow, m.MaxOutput, tt.ctx, tt.out)
		}
		if m.Pricing.InputPerMTok != in || m.Pricing.OutputPerMTok != out {
			t.Errorf("%s: prices %s / %s, want %s / %s", tt.id, m.Pricing.InputPerMTok.Decimal(), m.Pricing.OutputPerMTok.Decimal(), tt.in, tt.outPrice)
		}
		if m.Pricing.CacheWrite5m != 1_250_000 || m.Pricing.CacheWrite1h != 2_000_000 || m.Pricing.Batch != 500_000 {
			t.Errorf("%s: cache write / batch multipliers %+v", tt.id, m.Pricing)
		}
		if m.Pricing.CacheRead != tt.cacheRead {
			t.Errorf("%s: cache read %s, want %s", tt.id, m.Pricing.CacheRead, tt.cacheRead)
		}
		if m.Prefill != tt.prefill {
			t.Errorf("%s: prefill %v", tt.id, m.Prefill)
		}
		got := slices.Clone(m.Thinking)
		slices.Sort(got)
		if !slices.Equal(got, tt.thinking) || m.RejectsDisabledThinking != tt.rejectsDisabled {
			t.Errorf("%s: thinking %v (rejects disabled: %v)", tt.id, m.Thinking, m.RejectsDisabledThinking)
		}
		if m.AcceptsThinking("disabled") == tt.rejectsDisabled {
			t.Errorf("%s: AcceptsThinking(disabled) inconsistent", tt.id)
		}
		lc := m.Pricing.LongContext
		if (lc != nil) != (tt.longThreshold > 0) {
			t.Errorf("%s: long context tier %+v", tt.id, lc)
		} else if lc != nil {
			li, _ := ParseUSD(tt.longIn)
			lo, _ := ParseUSD(tt.longOut)
			if lc.ThresholdTokens != tt.longThreshold || lc.InputPerMTok != li || lc.OutputPerMTok != lo {
				t.Errorf("%s: long context tier %+v", tt.id, *lc)
			}
		}
		// Opus 4.7 and later count ~30 % more tokens than 4.6 for the same text.
		if (m.TokenFactor > 1.4) != tt.newTokenizerRatio {
			t.Errorf("%s: token factor %v", tt.id, m.TokenFactor)
		}
	}
}

func TestModelsLookup(t *testing.T) {
	cat := DefaultCatalog()
	tests := []struct {
		name, want string
		ok         bool
	}{
		{"claude-sonnet-4-6", "claude-sonnet-4-6", true},
		{"claude-haiku-4-5-20251001", "claude-haiku-4-5", true}, // dated id
		{"claude-opus-4-5-20251101", "claude-opus-4-5", true},
		{"claude-haiku-5-5", "claude-haiku-5-5", true},
		{"Claude-Sonnet-4-6", "", false}, // the API does not fold case
		{"claude-sonnet", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		m, ok := cat.Lookup(tt.name)
		if ok != tt.ok || (ok && m.ID != tt.want) {
			t.Errorf("Lookup(%q) = %v, %v; want %q, %v", tt.name, m, ok, tt.want, tt.ok)
		}
	}
	ids := cat.IDs()
	if !slices.Contains(ids, "claude-haiku-4-5-20251001") || !slices.Contains(ids, "claude-opus-5-5") {
		t.Errorf("IDs() lacks names: %v", ids)
	}
	if len(slices.Compact(slices.Sorted(slices.Values(ids)))) != len(ids) {
		t.Errorf("IDs() has duplicates: %v", ids)
	}
	if !slices.Equal(ids, cat.IDs()) || cat.Models()[0] != DefaultCatalog().Models()[0] {
		t.Error("catalog order is not stable")
	}
}

func TestModelsWith(t *testing.T) {
	base := DefaultCatalog()
	cat := base.With([]Model{
		{ID: "claude-sonnet-4-6", Pricing: Pricing{InputPerMTok: Dollars(2)}, Aliases: []string{"sonnet"}},
		{ID: "claude-haiku-4-5-20251001", MaxOutput: 32_000}, // by dated id
		{ID: "my-proxy-model", ContextWindow: 32_000, MaxOutput: 4096,
			Pricing: Pricing{InputPerMTok: Dollars(1), OutputPerMTok: Dollars(2)}},
	})
	s, _ := cat.Lookup("sonnet")
	if s == nil || s.ID != "claude-sonnet-4-6" || s.Pricing.InputPerMTok != Dollars(2) ||
		s.Pricing.OutputPerMTok != Dollars(15) || s.ContextWindow != 1_000_000 || s.Source == "" {
		t.Errorf("merged sonnet = %+v", s)
	}
	h, _ := cat.Lookup("claude-haiku-4-5")
	if h.MaxOutput != 32_000 || h.ContextWindow != 200_000 || !h.Prefill {
		t.Errorf("merged haiku = %+v", h)
	}
	p, ok := cat.Lookup("my-proxy-model")
	if !ok || p.DisplayName != "my-proxy-model" || p.Tokenizer != defaultTokenizer ||
		p.Pricing.CacheRead != defaultCacheRead || len(p.problems()) != 0 {
		t.Errorf("added model = %+v", p)
	}
	if got := cat.Models(); got[len(got)-1].ID != "my-proxy-model" || len(got) != len(base.Models())+1 {
		t.Errorf("added model is not last: %d models", len(got))
	}
	// The base is untouched.
	bs, _ := base.Lookup("claude-sonnet-4-6")
	if bs.Pricing.InputPerMTok != Dollars(3) || len(bs.Aliases) != 0 {
		t.Errorf("base catalog modified: %+v", bs)
	}
	if _, ok := base.Lookup("my-proxy-model"); ok {
		t.Error("base catalog gained a model")
	}
}

func TestModelsJSONRoundTrip(t *testing.T) {
	var models []Model
	for _, m := range DefaultCatalog().Models() {
		models = append(models, *m)
	}
	b, err := json.Marshal(modelsFile{Models: models})
	if err != nil {
		t.Fatal(err)
	}
	c, err := parseCatalog(b)
	if err != nil {
		t.Fatal(err)
	}
	for i, m := range c.Models() {
		if !reflect.DeepEqual(*m, models[i]) {
			t.Errorf("round trip changed %s:\n%+v\n%+v", m.ID, *m, models[i])
		}
	}
}

func TestModelsParseCatalogErrors(t *testing.T) {
	for _, src := range []string{
		`{"models":[{"id":"x","context_window":1,"max_output":1,"pricing":{"input_per_mtok":"1","output_per_mtok":"1"},"thinkng":[]}]}`,
		`{"models":[{"id":"x","context_window":0,"max_output":1,"pricing":{"input_per_mtok":"1","output_per_mtok":"1"}}]}`,
		`{"models":[{"id":"x","context_window":1,"max_output":1,"pricing":{"input_per_mtok":"1.0.0","output_per_mtok":"1"}}]}`,
		`{"models":[{"id":"x","context_window":1,"max_output":1,"pricing":{"input_per_mtok":"1","output_per_mtok":"1"},"tokenizer":"p50k"}]}`,
	} {
		if _, err := parseCatalog([]byte(src)); err == nil {
			t.Errorf("parseCatalog(%s): no error", src)
		}
	}
}

func TestModelsClaudeTokens(t *testing.T) {
	m := &Model{TokenFactor: 1.2}
	if got := m.ClaudeTokens(1000); got != 1200 {
		t.Errorf("ClaudeTokens(1000) = %d", got)
	}
	if got := m.ClaudeTokens(1); got != 2 { // rounded up
		t.Errorf("ClaudeTokens(1) = %d", got)
	}
}
