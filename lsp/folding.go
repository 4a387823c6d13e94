package lsp

import (
	"context"
	"sort"

	"go.lsp.dev/protocol"

	"github.com/claude-ls/claude-ls/promptfile"
)

// FoldingRanges answers the folds of a document: the front matter and its
// multi-line keys, each block, and multi-line comments.
func (s *Server) FoldingRanges(ctx context.Context, params *protocol.FoldingRangeParams) ([]protocol.FoldingRange, error) {
	snap, err := s.requestSnapshot(params.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	return foldingRanges(snap.File), nil
}

// foldingRanges lists the folds of a file by line, sorted; never nil. A
// block folds from its role line to its last non-blank line, so the blank
// lines before the next role line stay visible.
func foldingRanges(f *promptfile.File) []protocol.FoldingRange {
	m := f.Map
	out := []protocol.FoldingRange{}
	add := func(start, end int, kind protocol.FoldingRangeKind) {
		if start < 0 || end <= start {
			return
		}
		out = append(out, protocol.FoldingRange{StartLine: uint32(start), EndLine: uint32(end), Kind: kind})
	}
	if fm := f.Front; fm != nil {
		end := m.Line(fm.Close.Start)
		if fm.Close.Empty() {
			end = lastNonBlankLine(f, fm.Content)
		}
		add(m.Line(fm.Open.Start), end, protocol.FoldingRangeKindRegion)
		for _, e := range fm.Entries {
			add(m.Line(e.KeyAt.Start), m.Line(max(e.At.End, e.KeyAt.End)-1), protocol.FoldingRangeKindRegion)
		}
	}
	for _, b := range f.Blocks {
		start := m.Line(b.Line.Start)
		if b.Implicit {
			start = firstNonBlankLine(f, b.Content)
		}
		add(start, lastNonBlankLine(f, b.Content), protocol.FoldingRangeKindRegion)
		for _, p := range b.Parts {
			if p.Kind == promptfile.Comment {
				add(m.Line(p.Span.Start), m.Line(p.Span.End-1), protocol.FoldingRangeKindComment)
			}
		}
	}
	for _, p := range f.SystemParts() {
		if p.Kind == promptfile.Comment {
			add(m.Line(p.Span.Start), m.Line(p.Span.End-1), protocol.FoldingRangeKindComment)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].StartLine != out[j].StartLine {
			return out[i].StartLine < out[j].StartLine
		}
		return out[i].EndLine > out[j].EndLine
	})
	return out
}
