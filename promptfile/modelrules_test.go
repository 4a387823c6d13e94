package promptfile

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestModelsDataVerdictFields(t *testing.T) {
	c := DefaultCatalog()
	fable, ok := c.Lookup("claude-fable-5-2")
	if !ok {
		t.Fatal("claude-fable-5-2 is not in the catalog")
	}
	if fable.ContextWindow != 1_000_000 || fable.MaxOutput != 128_000 || fable.Pricing.InputPerMTok != Dollars(8) ||
		fable.Pricing.OutputPerMTok != Dollars(40) || !fable.RejectsDisabledThinking || fable.Prefill {
		t.Errorf("fable-5-2 = %+v", fable)
	}
	for _, m := range c.Models() {
		if m.CacheMinTokens <= 0 || !m.StructuredOutputs {
			t.Errorf("%s: cache minimum %d, structured outputs %v", m.ID, m.CacheMinTokens, m.StructuredOutputs)
		}
	}
	for id, want := range map[string]int{"claude-opus-5-5": 512, "claude-sonnet-4-6": 1024, "claude-opus-4-7": 2048, "claude-haiku-4-5": 4096} {
		if m, _ := c.Lookup(id); m.CacheMinTokens != want {
			t.Errorf("%s cache minimum %d, want %d", id, m.CacheMinTokens, want)
		}
	}
	opus45, _ := c.Lookup("claude-opus-4-5")
	haiku45, _ := c.Lookup("claude-haiku-4-5")
	opus48, _ := c.Lookup("claude-opus-4-8")
	if opus45.TakesEffort("max") || !opus45.TakesEffort("high") || len(haiku45.Effort) != 0 || !opus48.TakesEffort("xhigh") {
		t.Errorf("effort: opus-4-5 %v, haiku-4-5 %v, opus-4-8 %v", opus45.Effort, haiku45.Effort, opus48.Effort)
	}
	opus55, _ := c.Lookup("claude-opus-5-5")
	if opus55.TakesToolChoice("any") || opus55.TakesToolChoice("tool") || !opus55.TakesToolChoice("auto") {
		t.Errorf("opus-5-5 tool_choice refusals %v", opus55.RefusesToolChoice)
	}
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	if opus45.LifecycleOn(day("2026-12-03")) != Deprecated || opus45.LifecycleOn(day("2027-01-22")) != Retired || opus45.Successor != "claude-opus-5-5" {
		t.Errorf("opus-4-5 lifecycle: %s %s → %s", opus45.DeprecatedOn, opus45.RetiresOn, opus45.Successor)
	}
	sonnet45, _ := c.Lookup("claude-sonnet-4-5-20250929")
	if sonnet45 == nil || sonnet45.LifecycleOn(day("2026-12-01")) != Retired || sonnet45.LifecycleOn(day("2026-11-29")) != Deprecated {
		t.Errorf("sonnet-4-5 lifecycle: %+v", sonnet45)
	}
	if haiku45.LifecycleOn(day("2030-01-01")) != Active {
		t.Error("haiku-4-5 is active")
	}
	if !haiku45.Caches(4096) || haiku45.Caches(4095) || !(*Model)(nil).Caches(0) {
		t.Error("Caches does not follow the minimum")
	}
}

// TestConfigModelVerdictFields: a workspace can set the new fields, and
// mistakes in them are reported at their position.
func TestConfigModelVerdictFields(t *testing.T) {
	cfg, errs := CheckConfig([]byte("models:\n  - id: claude-sonnet-4-6\n    cache_min_tokens: 0\n    effort: [low]\n    refuses_tool_choice: [any]\n    retires_on: 2027-05-01\n    successor: claude-sonnet-5-5\n"), nil)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	m, _ := cfg.Catalog(nil).Lookup("claude-sonnet-4-6")
	if m.CacheMinTokens != 0 || !slices.Equal(m.Effort, []string{"low"}) || m.TakesToolChoice("any") || m.RetiresOn != "2027-05-01" || m.Successor != "claude-sonnet-5-5" || !m.StructuredOutputs {
		t.Errorf("override: %+v", m)
	}
	_, errs = CheckConfig([]byte("models:\n  - id: claude-sonnet-4-6\n    effort: [hihg]\n    retires_on: soon\n"), nil)
	got := ""
	for _, e := range errs {
		got += e.Error() + "\n"
	}
	for _, want := range []string{`3:14: unknown effort value "hihg" (did you mean "high"?)`, `4:17: retires_on must be a date written YYYY-MM-DD, not "soon"`} {
		if !strings.Contains(got, want) {
			t.Errorf("errors lack %q:\n%s", want, got)
		}
	}
}
