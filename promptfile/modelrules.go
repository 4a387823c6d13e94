package promptfile

import (
	"slices"
	"time"
)

// This file holds what a model's data says about a request: effort levels,
// structured outputs, tool_choice, caching and its lifecycle. The checks in
// output.go, verdicts.go and the cost figures ask these methods.

// EffortLevels are the values of output_config.effort, lowest first.
var EffortLevels = []string{"low", "medium", "high", "xhigh", "max"}

// toolChoiceTypes are the kinds of tool_choice the API knows.
var toolChoiceTypes = []string{"auto", "any", "tool", "none"}

// TakesEffort reports whether the model takes output_config.effort e.
func (m *Model) TakesEffort(e string) bool { return slices.Contains(m.Effort, e) }

// TakesToolChoice reports whether the API takes tool_choice {type: t} for the model.
func (m *Model) TakesToolChoice(t string) bool { return !slices.Contains(m.RefusesToolChoice, t) }

// Caches reports whether a cache breakpoint whose prefix is about this many
// tokens is cached at all: below the model's minimum the API caches nothing.
// Every cost figure asks this, so a breakpoint too short shows no saving.
func (m *Model) Caches(prefixTokens int64) bool {
	return m == nil || prefixTokens >= int64(m.CacheMinTokens)
}

// dropUncached clears the cached prefixes the model would not cache, so
// that the front ends, which test Cached5m and Cached1h to show cache
// figures, show none for them. Estimate applies the same rule to prices.
func (t *Tokens) dropUncached(m *Model) {
	if !m.Caches(int64(t.Cached1h)) {
		if t.Cached5m > 0 { // the 5m breakpoint then writes the whole prefix
			t.Cached5m += t.Cached1h
		}
		t.Cached1h = 0
	}
	if !m.Caches(int64(t.Cached1h + t.Cached5m)) {
		t.Cached5m = 0
	}
}

// Lifecycle is where a model is in Anthropic's deprecation schedule.
type Lifecycle int

const (
	Active     Lifecycle = iota
	Deprecated           // still answers; retires on RetiresOn
	Retired              // the API answers 404
)

// LifecycleOn is the model's state on a day.
func (m *Model) LifecycleOn(today time.Time) Lifecycle {
	if m.RetiresOn != "" {
		if d, err := time.Parse(time.DateOnly, m.RetiresOn); err == nil && !today.Before(d) {
			return Retired
		}
		return Deprecated
	}
	if m.DeprecatedOn != "" {
		return Deprecated
	}
	return Active
}

// retiredText says that m is retired and what to use instead.
func (m *Model) retiredText() string {
	s := m.ID + " was retired on " + longDate(m.RetiresOn) + ": the API answers 404"
	if m.Successor != "" {
		s += "; use `" + m.Successor + "` instead"
	}
	return s
}

func validDate(s string) bool {
	_, err := time.Parse(time.DateOnly, s)
	return err == nil
}

// longDate writes 2027-01-22 as "22 January 2027".
func longDate(s string) string {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return d.Format("2 January 2006")
}
