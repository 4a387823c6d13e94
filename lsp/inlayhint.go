package lsp

import (
	"context"
	"fmt"
	"slices"

	"go.lsp.dev/protocol"

	"github.com/claude-ls/claude-ls/promptfile"
)

// InlayHint shows, after each role line, the block's tokens and input cost
// (`≈ 1,234 tok · $0.0037`), and after each include its tokens
// (`≈ 812 tok`); only the hints inside the requested range.
func (s *Server) InlayHint(ctx context.Context, params *protocol.InlayHintParams) ([]protocol.InlayHint, error) {
	d, ok := s.document(params.TextDocument.URI)
	if !ok {
		return nil, nil
	}
	snap := d.Snapshot()
	enc := s.positionEncoding()
	m := snap.File.Map
	start, end := toOffset(m, params.Range.Start, enc), toOffset(m, params.Range.End, enc)
	if end < start {
		start, end = end, start
	}
	hints := inlayHints(snap.File, snap.Result, promptfile.Span{Start: start, End: end})
	out := make([]protocol.InlayHint, 0, len(hints))
	yes := true
	for _, h := range hints {
		out = append(out, protocol.InlayHint{
			Position:    toPosition(m, h.at, enc),
			Label:       protocol.String(h.label),
			Tooltip:     protocol.String(h.tooltip),
			PaddingLeft: &yes,
		})
	}
	return out, nil
}

// inlayHintItem is an inlay hint at a byte offset.
type inlayHintItem struct {
	at             int
	label, tooltip string
}

// inlayHints lists the hints of a file whose offsets lie in span, in the
// order of the text.
func inlayHints(f *promptfile.File, r *promptfile.Result, span promptfile.Span) []inlayHintItem {
	if f == nil || r == nil {
		return nil
	}
	var out []inlayHintItem
	msgs := indexMessages(r)
	for _, rb := range r.Blocks {
		b := rb.Block
		if b.Implicit || !rb.Sends() {
			continue // no role line to show it on, or nothing sent
		}
		at := b.Line.End
		if !isBodyBlock(f, b) {
			// The front matter's system key: after its line.
			at = f.Map.LineEnd(f.Map.Line(b.Line.Start))
		}
		if !span.Contains(at) {
			continue
		}
		out = append(out, inlayHintItem{at: at, label: blockLabel(r, rb.Tokens), tooltip: blockTooltip(r, msgs, rb)})
	}
	for _, inc := range r.Includes {
		if inc.Block == nil || inc.Failed || inc.Path == "" {
			continue // in the front matter's system string, or not read
		}
		at := inc.Part.Span.End
		if !span.Contains(at) {
			continue
		}
		tip := fmt.Sprintf("%s: %s", inc.Part.Name, approxTokens(inc.Tokens))
		if r.Model != nil {
			tip += " · " + r.InputCost(inc.Tokens).String() + " input"
		} else {
			tip += " · " + noPrice(r)
		}
		tip += " (estimated offline)"
		out = append(out, inlayHintItem{at: at, label: approxTokens(inc.Tokens), tooltip: tip})
	}
	slices.SortStableFunc(out, func(a, b inlayHintItem) int { return a.at - b.at })
	return out
}

// isBodyBlock reports whether b is a block of the body, not the front
// matter's system key (which Analyze renders as a block whose "role line"
// is the key).
func isBodyBlock(f *promptfile.File, b *promptfile.Block) bool {
	return f.Front == nil || b.Line.Start >= f.Front.Content.End
}

// blockLabel is `≈ 1,234 tok · $0.0037`, or `≈ 1,234 tok · no price` when
// the model is unknown.
func blockLabel(r *promptfile.Result, tokens int) string {
	if r.Model == nil {
		return approxTokens(tokens) + " · no price"
	}
	return approxTokens(tokens) + " · " + r.InputCost(tokens).String()
}

func blockTooltip(r *promptfile.Result, msgs messageIndex, rb *promptfile.RenderedBlock) string {
	kind := blockKind(msgs, rb)
	if rb.Block.Role != promptfile.System {
		kind = string(rb.Block.Role) + " " + kind
	}
	tip := fmt.Sprintf("%s: %s", kind, approxTokens(rb.Tokens))
	if r.Model != nil {
		tip += fmt.Sprintf(", %s input on %s", r.InputCost(rb.Tokens), r.Model.ID)
	} else {
		tip += ", " + noPrice(r)
	}
	if rb.Block.Cache == "" {
		return tip + " (estimated offline)"
	}
	if bp, ok := r.BreakpointAt(rb.Block); ok {
		tip += fmt.Sprintf(". Cache breakpoint (%s) on a prefix of %s", bp.TTL, approxTokens(bp.Tokens))
		if r.Model != nil && bp.Uncached {
			tip += fmt.Sprintf(": will not be cached (the minimum for %s is %s tokens), every run pays %s", r.Model.ID, promptfile.GroupDigits(r.Model.CacheMinTokens), bp.Write)
		} else if r.Model != nil {
			tip += fmt.Sprintf(": first run writes it for %s, later runs read it for %s", bp.Write, bp.Read)
		}
	}
	return tip + " (estimated offline)"
}

// approxTokens is `≈ 1,234 tok`.
func approxTokens(n int) string { return "≈ " + promptfile.GroupDigits(n) + " tok" }

// noPrice says why there is no price, instead of showing $0.
func noPrice(r *promptfile.Result) string {
	if r.ModelID == "" {
		return "no price (no model)"
	}
	return "no price (unknown model `" + r.ModelID + "`)"
}
