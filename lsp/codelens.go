package lsp

import (
	"context"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/claude-ls/claude-ls/promptfile"
)

// CodeLens shows, at the top of the file, the model, the request's input
// tokens and cost, and the output upper bound, for clients without inlay
// hints, then the actions Run, Run and append, Count exactly and Export.
func (s *Server) CodeLens(ctx context.Context, params *protocol.CodeLensParams) ([]protocol.CodeLens, error) {
	if r, ok := s.replyDocument(params.TextDocument.URI); ok {
		return s.replyLenses(params.TextDocument.URI, r), nil // replydocs.go
	}
	d, ok := s.document(params.TextDocument.URI)
	if !ok {
		return nil, nil
	}
	snap := d.Snapshot()
	title, ok := summaryLens(snap.File, snap.Result)
	if !ok {
		return []protocol.CodeLens{}, nil
	}
	if n, ok := s.exactFor(d.uri, snap.Version); ok {
		title += " · " + promptfile.GroupDigits(int(n)) + " tok in (exact)"
	}
	m := snap.File.Map
	span := promptfile.Span{Start: m.LineStart(0), End: m.LineEnd(0)}
	rng := toRange(m, span, s.positionEncoding())
	lenses := []protocol.CodeLens{{Range: rng, Command: protocol.Command{Title: title}}}
	raw, _ := jsonMarshal(map[string]any{"uri": string(d.uri)})
	for _, c := range []struct{ title, command string }{
		{"▶ Run", CommandRun}, {"Run and append", CommandRunAppend}, {"Count exactly", CommandCountExact}, {"Export", CommandExport},
		{"Compare with HEAD", CommandCompare}, // helpers.go
	} {
		lenses = append(lenses, protocol.CodeLens{Range: rng, Command: protocol.Command{Title: c.title, Command: c.command, Arguments: []protocol.LSPAny{raw}}})
	}
	lenses = append(lenses, s.testLenses(d, snap)...)     // tests.go
	return append(lenses, s.gradeLenses(d, snap)...), nil // helpers.go
}

// summaryLens is the title of the top lens, e.g.
// `claude-sonnet-4-6 · ≈ 2,305 tok in · $0.0069 · out ≤ $0.0307`; false for
// a file with nothing in it.
func summaryLens(f *promptfile.File, r *promptfile.Result) (string, bool) {
	if f == nil || r == nil || (f.Front == nil && len(f.Blocks) == 0) {
		return "", false
	}
	parts := []string{}
	switch {
	case r.Model != nil:
		parts = append(parts, r.Model.ID)
	case r.ModelID != "":
		parts = append(parts, r.ModelID)
	default:
		parts = append(parts, "no model")
	}
	parts = append(parts, approxTokens(r.Tokens.Input)+" in")
	if r.Model == nil {
		if r.ModelID != "" {
			parts = append(parts, "no prices (unknown model)")
		} else {
			parts = append(parts, "no prices")
		}
		return strings.Join(parts, " · "), true
	}
	c := r.Tokens.Cost
	parts = append(parts, c.InputUSD.String())
	if r.Tokens.Cached5m+r.Tokens.Cached1h > 0 {
		parts = append(parts, "cached: first run "+c.CacheWriteUSD.String()+", then "+c.CacheReadUSD.String())
	}
	parts = append(parts, "out ≤ "+c.OutputMaxUSD.String())
	return strings.Join(parts, " · "), true
}
