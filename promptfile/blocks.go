package promptfile

import "strings"

// cacheTTL reads a cache attribute: "" without one, "5m" or "1h".
func cacheTTL(attr string) (string, bool) {
	switch strings.Join(strings.Fields(attr), "") {
	case "":
		return "", true
	case "cache", "cache=5m":
		return "5m", true
	case "cache=1h":
		return "1h", true
	}
	return "", false
}

// MaxCacheBreakpoints is the API's limit per request.
const MaxCacheBreakpoints = 4

// checkBlocks applies the rules on the order and shape of blocks.
func (a *analysis) checkBlocks() {
	var prev *RenderedBlock
	sawMessage, sawSystem := false, false
	breakpoints := 0
	for _, rb := range a.r.Blocks {
		b := rb.Block
		if b.Attr.End > 0 {
			if _, ok := cacheTTL(b.Cache); !ok {
				a.errorf("cache-attr", b.Attr, "unknown attribute `"+b.Cache+"`: use `cache` (5 minutes) or `cache=1h`",
					Fix{Title: "Use `cache`", Edits: []Edit{{Span: b.Attr, NewText: "cache"}}},
					Fix{Title: "Use `cache=1h`", Edits: []Edit{{Span: b.Attr, NewText: "cache=1h"}}})
			}
		}
		if rb.Text == "" && rb.Segments == nil && b.Tool == nil {
			if !b.Implicit && !a.hasIn("include-missing", b.Content) { // the include's error says it all
				a.warnf("empty-block", a.blockSpan(b), "empty `"+string(b.Role)+":` block: it is not sent")
			}
			continue
		}
		if ttl, _ := cacheTTL(b.Cache); ttl != "" {
			breakpoints++
			if breakpoints > MaxCacheBreakpoints {
				a.errorf("cache-breakpoints", b.Attr, "more than "+itoa(MaxCacheBreakpoints)+" cache breakpoints: the API allows at most "+itoa(MaxCacheBreakpoints)+" per request")
			}
		}
		switch {
		case b.Role == System && sawSystem && a.system != nil:
			a.errorf("system-twice", a.blockSpan(b), "the system prompt is given twice: by the front matter's `system` key and by this block; keep one")
		case b.Role == System && sawSystem:
			a.errorf("system-twice", a.blockSpan(b), "a second system prompt: a file has at most one (merge this one into the first)")
		case b.Role == System && sawMessage:
			a.errorf("system-order", a.blockSpan(b), "the system prompt must come before every message")
		case b.Role != System && !sawMessage && b.Role != User:
			a.errorf("first-not-user", a.blockSpan(b), "the first message must be `user:` (the API refuses a conversation that starts with the assistant)")
		case b.Role != System && prev != nil && prev.Block.Role == b.Role && !joinsByDesign(prev.Block, b):
			a.warnf("same-role", a.blockSpan(b), "two `"+string(b.Role)+":` messages in a row: the API merges them into one")
		}
		if b.Role == System {
			sawSystem = true
		} else {
			sawMessage = true
			prev = rb
		}
	}
	a.checkPrefill(prev)
	a.checkRoleLike()
	a.checkToolTurns() // toolturns.go
	a.checkMedia()     // medialimits.go
}

// joinsByDesign reports two blocks of one role that make one message on
// purpose: a tool call after assistant text or another call, a result
// after another, text after results.
func joinsByDesign(prev, b *Block) bool {
	return b.Tool != nil || (prev.Tool != nil && prev.Tool.Kind == ToolResult)
}

// blockSpan is where a problem of a whole block is shown: its role line.
func (a *analysis) blockSpan(b *Block) Span {
	if b.Implicit {
		m := a.f.Map
		return Span{b.Content.Start, m.LineEnd(m.Line(b.Content.Start))}
	}
	return b.Line
}

// checkPrefill checks a final assistant message against what the request asks.
func (a *analysis) checkPrefill(last *RenderedBlock) {
	if last == nil || last.Block.Role != Assistant || last.Block.Tool != nil {
		return // a final tool call is not a prefill: checkToolTurns wants its result
	}
	span := a.blockSpan(last.Block)
	if a.r.Thinking == "enabled" || a.r.Thinking == "adaptive" {
		a.errorf("prefill-thinking", span, "a final `assistant:` block is a prefill, which the API refuses with thinking "+a.r.Thinking+": remove the block or disable thinking")
	} else if m := a.r.Model; m != nil && !m.Prefill {
		a.errorf("prefill-unsupported", span, m.ID+" does not take a prefill (a final `assistant:` block): end the conversation with `user:`")
	}
}

// checkRoleLike hints at lines such as "user: Explain tides", which are
// content but were probably meant as a role line.
func (a *analysis) checkRoleLike() {
	src := a.f.Src
	m := a.f.Map
	for _, b := range a.f.Blocks {
		for _, p := range b.Parts {
			if p.Kind != Text {
				continue
			}
			// The lines the part covers, found with one search per part.
			for line := m.Line(p.Span.Start); line < m.LineCount() && m.LineStart(line) < p.Span.End; line++ {
				start := m.LineStart(line)
				if start < p.Span.Start || !mayStartRole(src, start) {
					continue
				}
				if end := m.LineEnd(line); end <= p.Span.End {
					if rl, ok := looksLikeRoleWithText(src[start:end]); ok {
						colon := start + rl.roleEnd + 1
						rest := colon
						for rest < end && (src[rest] == ' ' || src[rest] == '\t') {
							rest++
						}
						a.diag(Diagnostic{Code: "role-like", Severity: Hint, Span: Span{start + rl.roleStart, colon},
							Message: "this line is text, not a role line: a role line holds only `" + string(rl.role) + ":` and the text goes on the next line",
							Fixes:   []Fix{{Title: "Start a `" + string(rl.role) + ":` block here", Edits: []Edit{{Span: Span{colon, rest}, NewText: "\n"}}}}})
					}
				}
			}
		}
	}
}
