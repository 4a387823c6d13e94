package promptfile

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

const sampleConfig = `# workspace settings
default_model: claude-sonnet-4-6
default_max_tokens: 2048
models:
  - id: claude-sonnet-4-6        # a negotiated price
    pricing:
      input_per_mtok: "2.40"
      output_per_mtok: 12
  - id: claude-haiku-4-5
    prefill: false               # written false counts
  - id: claude-haiku-5-5
    pricing:
      long_context: null         # removes the tier
  - id: acme-claude-proxy
    display_name: Claude via ACME
    aliases: [acme]
    context_window: 200000
    max_output: 8192
    pricing: {input_per_mtok: 0.8, output_per_mtok: "4", cache_read: 0.05}
    thinking: [adaptive]
    tokenizer: o200k_base
    token_factor: 1.3
    source: https://example.com/acme
budget:
  monthly_usd: "50"
  confirm_above_usd: 0.50
`

func TestConfigParse(t *testing.T) {
	cfg, errs := ParseConfig([]byte(sampleConfig))
	if len(errs) > 0 {
		t.Fatalf("errors: %v", errs)
	}
	if cfg.DefaultModel != "claude-sonnet-4-6" || cfg.DefaultMaxTokens != 2048 {
		t.Errorf("defaults = %q, %d", cfg.DefaultModel, cfg.DefaultMaxTokens)
	}
	if len(cfg.Models) != 4 {
		t.Fatalf("%d models", len(cfg.Models))
	}
	if cfg.Budget == nil || cfg.Budget.MonthlyUSD != Dollars(50) || cfg.Budget.ConfirmAboveUSD != Dollars(1)/2 {
		t.Errorf("budget = %+v", cfg.Budget)
	}
	if errs := cfg.Check(nil); len(errs) > 0 {
		t.Errorf("Check: %v", errs)
	}

	cat := cfg.Catalog(nil)
	s, _ := cat.Lookup("claude-sonnet-4-6")
	if s.Pricing.InputPerMTok != usd(t, "2.4") || s.Pricing.OutputPerMTok != Dollars(12) ||
		s.ContextWindow != 1_000_000 || s.Pricing.CacheRead != defaultCacheRead {
		t.Errorf("sonnet override = %+v", s)
	}
	if h, _ := cat.Lookup("claude-haiku-4-5"); h.Prefill || h.MaxOutput != 64_000 {
		t.Errorf("haiku 4.5 override = %+v", h)
	}
	if h, _ := cat.Lookup("claude-haiku-5-5"); h.Pricing.LongContext != nil || h.Pricing.InputPerMTok != usd(t, "0.1") {
		t.Errorf("haiku 5.5 override = %+v", h.Pricing)
	}
	a, ok := cat.Lookup("acme")
	if !ok || a.ID != "acme-claude-proxy" || a.DisplayName != "Claude via ACME" || a.MaxOutput != 8192 ||
		a.Pricing.InputPerMTok != usd(t, "0.8") || a.Pricing.CacheRead != 50_000 ||
		a.Pricing.CacheWrite5m != defaultCacheWrite5m || a.Tokenizer != "o200k_base" || a.TokenFactor != 1.3 {
		t.Errorf("added model = %+v", a)
	}
	// The built-in catalog is untouched.
	if h, _ := DefaultCatalog().Lookup("claude-haiku-4-5"); !h.Prefill {
		t.Error("DefaultCatalog changed")
	}
}

func TestConfigEmpty(t *testing.T) {
	for _, src := range []string{"", "\n\n", "# only a comment\n", "---\n", "~\n"} {
		cfg, errs := ParseConfig([]byte(src))
		if len(errs) > 0 || cfg == nil || cfg.DefaultModel != "" || cfg.Catalog(nil) != DefaultCatalog() {
			t.Errorf("ParseConfig(%q) = %+v, %v", src, cfg, errs)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string // "line:col: message part"
	}{
		{"unknown top-level key", "defualt_model: x\n",
			[]string{`1:1: unknown key "defualt_model" in the config; did you mean "default_model"?`}},
		{"unknown key without suggestion", "colour: red\n", []string{`1:1: unknown key "colour"`}},
		{"max_tokens not a number", "default_max_tokens: many\n",
			[]string{`1:21: default_max_tokens must be a whole number`}},
		{"max_tokens zero", "default_max_tokens: 0\n", []string{`1:21: default_max_tokens must be at least 1`}},
		{"default_model not a string", "default_model: [a]\n", []string{`1:16: default_model must be a string`}},
		{"bad price", "models:\n  - id: x\n    pricing:\n      input_per_mtok: \"3.1.4\"\n",
			[]string{`4:23: input_per_mtok: invalid dollar amount "3.1.4"`}},
		{"price with too many decimals", "models:\n  - id: x\n    pricing: {output_per_mtok: 0.0000000000001}\n",
			[]string{`3:32: output_per_mtok: invalid dollar amount`}},
		{"negative price", "models:\n  - id: x\n    pricing: {input_per_mtok: -3}\n",
			[]string{`3:31: input_per_mtok: invalid dollar amount "-3"`}},
		{"unknown model key", "models:\n  - id: x\n    contex_window: 5\n",
			[]string{`3:5: unknown key "contex_window" in a model entry; did you mean "context_window"?`}},
		{"unknown pricing key", "models:\n  - id: x\n    pricing: {input: 1}\n",
			[]string{`3:15: unknown key "input" in pricing; did you mean "input_per_mtok"?`}},
		{"unknown thinking type", "models:\n  - id: x\n    thinking: [adaptiv]\n",
			[]string{`3:16: unknown thinking value "adaptiv" (did you mean "adaptive"?)`}},
		{"unknown tokenizer", "models:\n  - id: x\n    tokenizer: o200k\n",
			[]string{`3:16: unknown tokenizer "o200k" (did you mean "o200k_base"?)`}},
		{"bool as string", "models:\n  - id: x\n    prefill: \"yes\"\n", []string{`3:14: prefill must be true or false`}},
		{"token factor range", "models:\n  - id: x\n    token_factor: 0\n", []string{`3:19: token_factor must be above 0`}},
		{"missing id", "models:\n  - context_window: 5\n", []string{`2:5: a model entry needs an id`}},
		{"numeric id", "models:\n  - id: 123\n", []string{`2:9: id must be a string; quote it`}},
		{"models not a list", "models: {id: x}\n", []string{`1:9: models must be a list`}},
		{"model entry not a mapping", "models:\n  - claude-x\n", []string{`2:5: a model entry must be a mapping`}},
		{"duplicate key", "default_model: a\ndefault_model: b\n", []string{`2:1: "default_model" appears twice`}},
		{"budget key", "budget:\n  monthly: 5\n", []string{`2:3: unknown key "monthly" in budget; did you mean "monthly_usd"?`}},
		{"budget amount", "budget: {monthly_usd: lots}\n", []string{`1:23: monthly_usd: invalid dollar amount "lots"`}},
		{"not a mapping", "- a\n- b\n", []string{`1:1: the config must be a mapping`}},
		{"yaml syntax", "default_model: x\n  bad: [\n", []string{`2:1: YAML syntax`}},
		{"long context threshold", "models:\n  - id: x\n    pricing:\n      long_context: {threshold_tokens: -1}\n",
			[]string{`4:40: threshold_tokens must be at least 1`}},
		{"several errors", "defaultmodel: x\nmodels:\n  - id: y\n    max_output: big\n",
			[]string{`1:1: unknown key "defaultmodel"`, `4:17: max_output must be a whole number`}},
	}
	for _, tt := range tests {
		_, errs := ParseConfig([]byte(tt.src))
		if len(errs) != len(tt.want) {
			t.Errorf("%s: got %d errors %v, want %d", tt.name, len(errs), errs, len(tt.want))
			continue
		}
		for i, w := range tt.want {
			if got := errs[i].Error(); !strings.HasPrefix(got, w) {
				t.Errorf("%s: error %q, want prefix %q", tt.name, got, w)
			}
		}
	}
}

func TestConfigKeepsGoodPartsOfBadFile(t *testing.T) {
	cfg, errs := ParseConfig([]byte("default_model: claude-opus-4-6\ndefault_max_tokens: x\nmodels:\n  - id: a\n    max_output: -1\n    context_window: 10\n"))
	if len(errs) != 2 {
		t.Fatalf("errors: %v", errs)
	}
	if cfg.DefaultModel != "claude-opus-4-6" || len(cfg.Models) != 1 || cfg.Models[0].ContextWindow != 10 {
		t.Errorf("config = %+v", cfg)
	}
}

func TestConfigCheck(t *testing.T) {
	cfg, errs := ParseConfig([]byte(`default_model: claude-sonet-4-6
models:
  - id: new-model
    context_window: 1000
  - id: claude-opus-4-6
    max_output: 1000
`))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	got := fmt.Sprint(cfg.Check(nil))
	for _, w := range []string{
		`3:5: new model "new-model" needs max_output, pricing.input_per_mtok, pricing.output_per_mtok`,
		`1:16: unknown model "claude-sonet-4-6" (did you mean "claude-sonnet-4-6"?)`,
	} {
		if !strings.Contains(got, w) {
			t.Errorf("Check() = %s; missing %s", got, w)
		}
	}

	cfg, _ = ParseConfig([]byte("default_model: claude-haiku-4-5\ndefault_max_tokens: 100000\n"))
	if got := fmt.Sprint(cfg.Check(nil)); !strings.Contains(got, "2:21: default_max_tokens 100000 is above claude-haiku-4-5's output limit of 64000") {
		t.Errorf("Check() = %s", got)
	}
}

func TestConfigBuiltInCode(t *testing.T) {
	cfg := &Config{Models: []Model{{ID: "claude-opus-4-6", MaxOutput: 1000}}}
	m, _ := cfg.Catalog(nil).Lookup("claude-opus-4-6")
	if m.MaxOutput != 1000 || m.ContextWindow != 1_000_000 {
		t.Errorf("merged = %+v", m)
	}
}

// TestConfigNeverPanics feeds randomly damaged configs to the parser: a
// half-typed file in the editor must never take the server down.
func TestConfigNeverPanics(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	alphabet := []byte("{}[]:-,&*!?|>'\"#\n \t0123456789abcxyz_.$")
	for range 3000 {
		b := []byte(sampleConfig)
		for range 1 + r.IntN(6) {
			i := r.IntN(len(b))
			switch r.IntN(3) {
			case 0:
				b[i] = alphabet[r.IntN(len(alphabet))]
			case 1:
				b = append(b[:i], b[i+1:]...)
			default:
				b = append(b[:i], append([]byte{alphabet[r.IntN(len(alphabet))]}, b[i:]...)...)
			}
		}
		cfg, _ := ParseConfig(b)
		_ = cfg.Check(nil)
		_ = cfg.Catalog(nil)
	}
}

// FuzzParseConfig checks that no input makes the parser panic (the seeds run
// with every `go test`).
func FuzzParseConfig(f *testing.F) {
	for _, s := range []string{
		sampleConfig, "models: [1, 2]", "- a", "[", "budget: 3", "models:\n  - *x\n",
		"a: &x {b: *x}\n", "? [a]\n: b\n", "models:\n  - &m {id: a}\n  - *m\n",
		"models:\n  - id: a\n    pricing: {long_context: [1]}\n", "\xff\xfe", "default_model: !!binary aGk=\n",
		"models:\n  - {id: x, aliases: [1, null, {a: b}]}\n", "{", "default_max_tokens: 99999999999999999999\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		cfg, _ := ParseConfig(src)
		if cfg == nil {
			t.Fatal("nil config")
		}
		_ = cfg.Check(nil)
	})
}
