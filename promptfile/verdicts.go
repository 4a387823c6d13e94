package promptfile

import (
	"time"
)

// checkVerdicts reports what the API would refuse that only the whole
// rendering shows (no message, 1h breakpoints after 5m ones, a format with
// a prefill, a retired model), and the cache breakpoints it would not write.
func (a *analysis) checkVerdicts() {
	a.checkLifecycle()
	r := a.r
	var last *RenderedBlock
	messages := 0
	for _, rb := range r.Blocks {
		if rb.Sends() && rb.Block.Role != System {
			messages++
			last = rb
		}
	}
	if messages == 0 && !a.yamlBroken() && !a.has("var-undefined") && !a.has("include-missing") { // a value or the file may fill the block
		end := len(a.f.Src)
		a.errorf("no-message", a.headerSpan(), "no message: the API needs at least one `user:` message",
			Fix{Title: "Add a `user:` message", Edits: []Edit{{Span: Span{end, end}, NewText: a.lineBreakBefore(end) + "user:\n"}}})
	}
	if a.formatAt != nil && last != nil && last.Block.Role == Assistant {
		a.errorf("format-prefill", a.blockSpan(last.Block), "a final `assistant:` block is a prefill, which the API refuses with `format` (structured outputs): remove the block or the format")
	}
	a.checkCacheOrder()
	a.checkCacheMinimum()
}

// has reports a diagnostic with this code so far.
func (a *analysis) has(code string) bool {
	for _, d := range a.r.Diagnostics {
		if d.Code == code {
			return true
		}
	}
	return false
}

// hasIn says whether a diagnostic with code lies inside span.
func (a *analysis) hasIn(code string, span Span) bool {
	for _, d := range a.r.Diagnostics {
		if d.Code == code && d.Span.Start >= span.Start && d.Span.End <= span.End {
			return true
		}
	}
	return false
}

// lineBreakBefore is the line break text inserted at end needs first.
func (a *analysis) lineBreakBefore(end int) string {
	if end == 0 || a.f.Src[end-1] == '\n' {
		return ""
	}
	return "\n"
}

// checkLifecycle warns of a deprecated model and refuses a retired one.
func (a *analysis) checkLifecycle() {
	m := a.r.Model
	if m == nil {
		return
	}
	now := time.Now
	if a.ws.Now != nil {
		now = a.ws.Now
	}
	e := a.f.Front.Lookup("model")
	span := a.headerSpan()
	if e != nil && a.opts.Model == "" {
		span = e.At
	}
	var fixes []Fix
	if m.Successor != "" && e != nil && a.opts.Model == "" {
		fixes = append(fixes, Fix{Title: "Change to `" + m.Successor + "`", Edits: []Edit{{Span: e.At, NewText: m.Successor}}})
	}
	instead := ""
	if m.Successor != "" {
		instead = "; use `" + m.Successor + "` instead"
	}
	switch m.LifecycleOn(now()) {
	case Retired:
		a.errorf("model-retired", span, m.retiredText(), fixes...)
	case Deprecated:
		when := "is deprecated"
		if m.RetiresOn != "" {
			when += " and retires on " + longDate(m.RetiresOn)
		}
		a.warnf("model-deprecated", span, m.ID+" "+when+instead, fixes...)
	}
}

// checkCacheOrder refuses a 1h breakpoint after a 5m one: the API wants
// every 1h entry before the 5m ones, in request order (system, messages).
func (a *analysis) checkCacheOrder() {
	var first5m *Block
	for _, rb := range append(systemBlocks(a.r.Blocks), messageBlocks(a.r.Blocks)...) {
		if !rb.Sends() {
			continue
		}
		switch ttl, _ := cacheTTL(rb.Block.Cache); ttl {
		case "5m":
			if first5m == nil {
				first5m = rb.Block
			}
		case "1h":
			if first5m != nil {
				b := rb.Block
				a.errorf("cache-order", b.Attr, "a 1-hour cache breakpoint after a 5-minute one (line "+itoa(a.f.Map.Line(first5m.Attr.Start)+1)+"): the API wants 1h breakpoints first",
					Fix{Title: "Use `cache` (5 minutes) here", Edits: []Edit{{Span: b.Attr, NewText: "cache"}}},
					Fix{Title: "Make the earlier breakpoint `cache=1h`", Edits: []Edit{{Span: first5m.Attr, NewText: "cache=1h"}}})
			}
		}
	}
}

// checkCacheMinimum warns of breakpoints whose prefix is below the model's
// minimum: the API caches nothing there, and the cost figures (through
// Model.Caches) show no saving for them.
func (a *analysis) checkCacheMinimum() {
	r := a.r
	m := r.Model
	if m == nil || m.CacheMinTokens == 0 || a.ws.Counter == nil {
		return
	}
	r.Tokens.dropUncached(m)
	for _, rb := range r.Blocks {
		bp, ok := r.BreakpointAt(rb.Block)
		if !ok || m.Caches(int64(bp.Tokens)) {
			continue
		}
		a.warnf("cache-minimum", rb.Block.Attr, "will not be cached: ≈ "+GroupDigits(bp.Tokens)+" tokens, the minimum for this model is "+GroupDigits(m.CacheMinTokens)+" (the API caches nothing below it)")
	}
}
