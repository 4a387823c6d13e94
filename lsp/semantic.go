package lsp

import (
	"context"
	"sort"

	"go.lsp.dev/protocol"
	"go.yaml.in/yaml/v3"

	"github.com/claude-ls/claude-ls/promptfile"
)

// The semantic token legend: standard token types only, so every theme
// colours them.
const (
	semKeyword   = iota // a role name on a role line; `file` in an include
	semDecorator        // a role line's cache attribute
	semVariable         // {{name}}, a vars key (declaration), a test case key
	semComment          // {{! ... }}, and escaping backslashes, which are not sent either
	semString           // an include's path, with its quotes
	semProperty         // a top-level front matter key
	semOperator         // the {{ and }} around a variable or an include
)

var semanticTypes = []string{
	string(protocol.SemanticTokenTypesKeyword),
	string(protocol.SemanticTokenTypesDecorator),
	string(protocol.SemanticTokenTypesVariable),
	string(protocol.SemanticTokenTypesComment),
	string(protocol.SemanticTokenTypesString),
	string(protocol.SemanticTokenTypesProperty),
	string(protocol.SemanticTokenTypesOperator),
}

// Modifiers are bits in this order.
const semDeclaration = 1 << 0

var semanticModifiers = []string{string(protocol.SemanticTokenModifiersDeclaration)}

// semanticLegend is advertised in the capabilities.
func semanticLegend() protocol.SemanticTokensLegend {
	return protocol.SemanticTokensLegend{TokenTypes: semanticTypes, TokenModifiers: semanticModifiers}
}

// SemanticTokensFull answers the tokens of a whole document.
func (s *Server) SemanticTokensFull(ctx context.Context, params *protocol.SemanticTokensParams) (*protocol.SemanticTokens, error) {
	snap, err := s.requestSnapshot(params.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	return &protocol.SemanticTokens{Data: semanticTokens(snap.File, s.positionEncoding())}, nil
}

// semToken is a classified byte range of the source.
type semToken struct {
	span promptfile.Span
	typ  uint32
	mods uint32
}

// semanticTokens classifies a file and encodes the tokens as the protocol
// asks: five numbers each, positions relative to the previous token, in the
// negotiated encoding, one token per line (a multi-line comment is one
// token on each of its lines). Never nil.
func semanticTokens(f *promptfile.File, enc promptfile.Encoding) []uint32 {
	toks := semClassify(f)
	sort.SliceStable(toks, func(i, j int) bool { return toks[i].span.Start < toks[j].span.Start })
	m := f.Map
	data := make([]uint32, 0, 5*len(toks))
	// Columns are counted on from the previous token of the same line, so a
	// long line with many tokens is read once.
	curLine, curOff, curCol := -1, 0, 0
	colAt := func(line, off int) int {
		if line != curLine {
			curLine, curOff, curCol = line, m.LineStart(line), 0
		}
		if enc == promptfile.UTF8 {
			return off - m.LineStart(line)
		}
		curCol += promptfile.UTF16Len(f.Src[curOff:off])
		curOff = off
		return curCol
	}
	prevLine, prevCol := 0, 0
	lastEnd := -1
	for _, t := range toks {
		if t.span.Start < lastEnd || t.span.Empty() {
			continue // overlapping or empty: never sent
		}
		lastEnd = t.span.End
		for l := m.Line(t.span.Start); l <= m.Line(t.span.End-1); l++ {
			start := max(t.span.Start, m.LineStart(l))
			end := min(t.span.End, m.LineEnd(l))
			if end <= start {
				continue
			}
			col := colAt(l, start)
			endCol := colAt(l, end)
			if l != prevLine {
				prevCol = 0
			}
			data = append(data, uint32(l-prevLine), uint32(col-prevCol), uint32(endCol-col), t.typ, t.mods)
			prevLine, prevCol = l, col
		}
	}
	return data
}

// semClassify finds the tokens of a file, in any order.
func semClassify(f *promptfile.File) []semToken {
	var toks []semToken
	add := func(start, end int, typ, mods uint32) {
		start, end = max(start, 0), min(end, len(f.Src))
		if end > start {
			toks = append(toks, semToken{promptfile.Span{Start: start, End: end}, typ, mods})
		}
	}
	if fm := f.Front; fm != nil {
		for _, e := range fm.Entries {
			add(e.KeyAt.Start, e.KeyAt.End, semProperty, 0)
			v := e.Value
			switch {
			case v == nil:
			case e.Key == "vars" && v.Kind == yaml.MappingNode:
				for i := 0; i+1 < len(v.Content); i += 2 {
					k := fm.NodeSpan(v.Content[i])
					add(k.Start, k.End, semVariable, semDeclaration)
				}
			case e.Key == "tests" && v.Kind == yaml.SequenceNode:
				for _, c := range v.Content {
					if c.Kind != yaml.MappingNode {
						continue
					}
					for i := 0; i+1 < len(c.Content); i += 2 {
						if name := c.Content[i].Value; name != "name" && name != "expect" {
							k := fm.NodeSpan(c.Content[i])
							add(k.Start, k.End, semVariable, 0)
						}
					}
				}
			}
		}
		toks = append(toks, semPartTokens(f, f.SystemParts())...)
	}
	for _, b := range f.Blocks {
		if !b.Implicit {
			add(b.RoleName.Start, b.RoleName.End, semKeyword, 0)
			if b.Attr.End > b.Attr.Start {
				add(b.Attr.Start, b.Attr.End, semDecorator, 0)
			}
		}
		toks = append(toks, semPartTokens(f, b.Parts)...)
	}
	return toks
}

// semPartTokens classifies template parts of block content.
func semPartTokens(f *promptfile.File, parts []promptfile.Part) []semToken {
	src := f.Src
	var toks []semToken
	add := func(start, end int, typ uint32) {
		start, end = max(start, 0), min(end, len(src))
		if end > start {
			toks = append(toks, semToken{promptfile.Span{Start: start, End: end}, typ, 0})
		}
	}
	for _, p := range parts {
		s := p.Span
		switch p.Kind {
		case promptfile.Variable:
			add(s.Start, s.Start+2, semOperator)
			add(p.NameSpan.Start, p.NameSpan.End, semVariable)
			add(s.End-2, s.End, semOperator)
		case promptfile.Include:
			add(s.Start, s.Start+2, semOperator)
			kw := s.Start + 2
			for kw < s.End && (src[kw] == ' ' || src[kw] == '\t') {
				kw++
			}
			add(kw, min(kw+len("file"), s.End-2), semKeyword)
			path := p.NameSpan
			if path.Start > s.Start && src[path.Start-1] == '"' {
				path.Start--
			}
			if path.End < s.End-2 && src[path.End] == '"' {
				path.End++
			}
			add(path.Start, path.End, semString)
			add(s.End-2, s.End, semOperator)
		case promptfile.Image, promptfile.Document: // {{image "…"}}, {{document "…"}}
			word := "image"
			if p.Kind == promptfile.Document {
				word = "document"
			}
			add(s.Start, s.Start+2, semOperator)
			kw := s.Start + 2
			for kw < s.End && (src[kw] == ' ' || src[kw] == '\t') {
				kw++
			}
			add(kw, min(kw+len(word), s.End-2), semKeyword)
			if p.NameSpan.Start > s.Start && p.NameSpan.End < s.End-2 {
				add(p.NameSpan.Start-1, p.NameSpan.End+1, semString)
			}
			add(s.End-2, s.End, semOperator)
		case promptfile.Comment:
			add(s.Start, s.End, semComment)
		case promptfile.Literal:
			// The backslash of \{{ or of \user: is not sent.
			add(s.Start, s.Start+1, semComment)
		}
	}
	return toks
}
