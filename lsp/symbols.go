package lsp

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
	"go.yaml.in/yaml/v3"

	"github.com/claude-ls/claude-ls/promptfile"
)

// requestSnapshot is the analyzed current version of an open document, for
// a request about it; a document that is not open is an error answer, and
// a reply document is an empty prompt, so that every answer is empty.
func (s *Server) requestSnapshot(u uri.URI) (*Snapshot, error) {
	d, ok := s.document(u)
	if r, isReply := s.replyDocument(u); !ok && isReply {
		return s.emptySnapshot(r), nil // replydocs.go
	}
	if !ok {
		return nil, jsonrpc2.NewError(jsonrpc2.InvalidParams, "claude-ls: "+string(u)+" is not open")
	}
	return d.Snapshot(), nil
}

// DocumentSymbol answers the outline: the front matter with its keys, the
// system prompt, and each message with its first words and tokens.
func (s *Server) DocumentSymbol(ctx context.Context, params *protocol.DocumentSymbolParams) (protocol.DocumentSymbolResult, error) {
	snap, err := s.requestSnapshot(params.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	return protocol.DocumentSymbolSlice(documentSymbols(snap.Result, s.positionEncoding())), nil
}

// documentSymbols is the outline of an analyzed file; never nil.
func documentSymbols(res *promptfile.Result, enc promptfile.Encoding) []protocol.DocumentSymbol {
	f := res.File
	out := []protocol.DocumentSymbol{}
	if fm := f.Front; fm != nil {
		out = append(out, frontMatterSymbol(res, enc))
	}
	tokens := make(map[*promptfile.Block]int, len(res.Blocks))
	for _, rb := range res.Blocks {
		tokens[rb.Block] = rb.Tokens
	}
	for _, b := range f.Blocks {
		out = append(out, blockSymbol(f, b, tokens[b], enc))
	}
	return out
}

func frontMatterSymbol(res *promptfile.Result, enc promptfile.Encoding) protocol.DocumentSymbol {
	f := res.File
	fm := f.Front
	m := f.Map
	end := fm.Close.End
	if fm.Close.Empty() {
		end = max(lastNonBlankEnd(f, fm.Content), fm.Open.End)
	}
	sym := protocol.DocumentSymbol{
		Name:           "front matter",
		Kind:           protocol.SymbolKindModule,
		Range:          toRange(m, promptfile.Span{Start: fm.Open.Start, End: end}, enc),
		SelectionRange: toRange(m, fm.Open, enc),
	}
	if fm.Close.Empty() {
		sym.Detail = strPtr("not closed")
	}
	for _, e := range fm.Entries {
		sym.Children = append(sym.Children, entrySymbol(res, e, enc))
	}
	return sym
}

// entrySymbol is a front matter key; vars and test cases list what they hold.
func entrySymbol(res *promptfile.Result, e *promptfile.Entry, enc promptfile.Encoding) protocol.DocumentSymbol {
	f := res.File
	m := f.Map
	sym := protocol.DocumentSymbol{
		Name:           e.Key,
		Kind:           protocol.SymbolKindProperty,
		Range:          toRange(m, spanUnion(e.KeyAt, e.At), enc),
		SelectionRange: toRange(m, e.KeyAt, enc),
	}
	if d := valueDetail(res, e); d != "" {
		sym.Detail = strPtr(d)
	}
	v := e.Value
	if v == nil {
		return sym
	}
	switch {
	case e.Key == "vars" && v.Kind == yaml.MappingNode:
		for i := 0; i+1 < len(v.Content); i += 2 {
			k, val := f.Front.NodeSpan(v.Content[i]), f.Front.NodeSpan(v.Content[i+1])
			child := protocol.DocumentSymbol{
				Name:           v.Content[i].Value,
				Kind:           protocol.SymbolKindVariable,
				Range:          toRange(m, spanUnion(k, val), enc),
				SelectionRange: toRange(m, k, enc),
			}
			if v.Content[i+1].Kind == yaml.ScalarNode {
				child.Detail = strPtr(firstWords(v.Content[i+1].Value))
			}
			sym.Children = append(sym.Children, child)
		}
	case e.Key == "tests" && v.Kind == yaml.SequenceNode:
		for i, c := range v.Content {
			span := f.Front.NodeSpan(c)
			name, sel := "case "+strconv.Itoa(i+1), span
			if c.Kind == yaml.MappingNode {
				for j := 0; j+1 < len(c.Content); j += 2 {
					if c.Content[j].Value == "name" {
						name = c.Content[j+1].Value
						sel = f.Front.NodeSpan(c.Content[j+1])
					}
				}
			}
			if sel.Empty() {
				sel = span
			}
			sym.Children = append(sym.Children, protocol.DocumentSymbol{
				Name:           name,
				Kind:           protocol.SymbolKindObject,
				Range:          toRange(m, span, enc),
				SelectionRange: toRange(m, sel, enc),
			})
		}
	}
	return sym
}

// valueDetail is a short view of a front matter value.
func valueDetail(res *promptfile.Result, e *promptfile.Entry) string {
	v := e.Value
	if v == nil {
		return ""
	}
	if e.Key == "system" {
		for _, rb := range res.Blocks {
			if rb.Block.Role == promptfile.System && rb.Block.Line == e.KeyAt {
				return joinDetail(firstWords(rb.Text), tokDetail(rb.Tokens))
			}
		}
	}
	switch v.Kind {
	case yaml.ScalarNode:
		return firstWords(v.Value)
	case yaml.SequenceNode:
		return countOf(len(v.Content), "item")
	case yaml.MappingNode:
		return countOf(len(v.Content)/2, "key")
	}
	return ""
}

// blockSymbol is the system prompt or a message: from its role line to its
// last non-blank line.
func blockSymbol(f *promptfile.File, b *promptfile.Block, tokens int, enc promptfile.Encoding) protocol.DocumentSymbol {
	m := f.Map
	sel := b.RoleName
	start := b.Line.Start
	if b.Implicit {
		first := firstNonBlankLine(f, b.Content)
		sel = promptfile.Span{Start: m.LineStart(first), End: m.LineEnd(first)}
		start = sel.Start
	}
	end := max(lastNonBlankEnd(f, b.Content), sel.End, b.Line.End)
	sym := protocol.DocumentSymbol{
		Name:           string(b.Role),
		Kind:           protocol.SymbolKindString,
		Range:          toRange(m, promptfile.Span{Start: start, End: end}, enc),
		SelectionRange: toRange(m, sel, enc),
	}
	if b.Role == promptfile.System {
		sym.Kind = protocol.SymbolKindNamespace
	}
	if t := b.Tool; t != nil { // a tool turn: named by its line, e.g. "tool_use get_tide toolu_01"
		sym.Name, sym.Kind = strings.Join(strings.Fields(string(f.Src[b.RoleName.Start:b.RoleName.End])+" "+t.Name+" "+t.ID), " "), protocol.SymbolKindEvent
	}
	words := firstWords(sourceWords(f, b))
	var detail string
	switch {
	case words == "":
		detail = "empty"
	default:
		detail = joinDetail(words, tokDetail(tokens))
	}
	if b.Cache != "" {
		detail = joinDetail(detail, strings.Join(strings.Fields(b.Cache), ""))
	}
	if b.Implicit {
		detail = joinDetail(detail, "implicit")
	}
	sym.Detail = strPtr(detail)
	return sym
}

// sourceWords is a block's text as written, without comments: variables
// and includes show as written, since the outline points at the source.
func sourceWords(f *promptfile.File, b *promptfile.Block) string {
	var sb strings.Builder
	for _, p := range b.Parts {
		if sb.Len() > 200 {
			break
		}
		switch p.Kind {
		case promptfile.Text, promptfile.Variable, promptfile.Include, promptfile.BadTemplate:
			sb.Write(f.Src[p.Span.Start:min(p.Span.End, p.Span.Start+400)])
		case promptfile.Literal:
			sb.WriteString(p.Name)
		case promptfile.Comment:
			sb.WriteByte(' ')
		}
	}
	return sb.String()
}

// firstWords is the start of a text on one line: its first words, cut with
// an ellipsis.
func firstWords(s string) string {
	const limit = 40
	fields := strings.Fields(strings.ToValidUTF8(s, "\uFFFD"))
	var sb strings.Builder
	for i, w := range fields {
		if i > 0 {
			if utf8.RuneCountInString(sb.String())+1+utf8.RuneCountInString(w) > limit {
				sb.WriteString("…")
				return sb.String()
			}
			sb.WriteByte(' ')
		}
		if utf8.RuneCountInString(w) > limit {
			r := []rune(w)
			sb.WriteString(string(r[:limit]) + "…")
			return sb.String()
		}
		sb.WriteString(w)
	}
	return sb.String()
}

func tokDetail(n int) string { return "≈ " + groupThousands(n) + " tok" }

// groupThousands writes 1234567 as "1,234,567".
func groupThousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}

func joinDetail(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " · " + b
}

func countOf(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

func strPtr(s string) *string { return &s }

func spanUnion(a, b promptfile.Span) promptfile.Span {
	return promptfile.Span{Start: min(a.Start, b.Start), End: max(a.End, b.End)}
}

// firstNonBlankLine is the first line of span holding more than white
// space, or the span's first line.
func firstNonBlankLine(f *promptfile.File, span promptfile.Span) int {
	m := f.Map
	first := m.Line(span.Start)
	last := m.Line(max(span.End-1, span.Start))
	for l := first; l <= last; l++ {
		if strings.TrimSpace(string(f.Src[m.LineStart(l):min(m.LineEnd(l), span.End)])) != "" {
			return l
		}
	}
	return first
}

// lastNonBlankLine is the last line of span holding more than white space,
// or -1 when there is none.
func lastNonBlankLine(f *promptfile.File, span promptfile.Span) int {
	if span.Empty() {
		return -1
	}
	m := f.Map
	first := m.Line(span.Start)
	for l := m.Line(span.End - 1); l >= first; l-- {
		start := max(m.LineStart(l), span.Start)
		end := min(m.LineEnd(l), span.End)
		if start < end && strings.TrimSpace(string(f.Src[start:end])) != "" {
			return l
		}
	}
	return -1
}

// lastNonBlankEnd is the end of the last non-blank line of span, or -1
// when the span is blank.
func lastNonBlankEnd(f *promptfile.File, span promptfile.Span) int {
	l := lastNonBlankLine(f, span)
	if l < 0 {
		return -1
	}
	return min(f.Map.LineEnd(l), span.End)
}
