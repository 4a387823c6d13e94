package promptfile

import (
	"bytes"
	"regexp"
	"strconv"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// FrontMatter is the YAML header, with positions for every key and value.
type FrontMatter struct {
	file      *File
	firstLine int  // mapper line of the first YAML line
	Open      Span // the opening --- line
	Close     Span // the closing --- line; empty when unterminated
	Content   Span // the YAML text
	Entries   []*Entry
}

// Entry is one top-level key of the front matter.
type Entry struct {
	Key   string
	KeyAt Span
	Value *yaml.Node
	At    Span // the value's source
}

// Lookup finds a top-level key; the last one wins, as in YAML decoders.
func (fm *FrontMatter) Lookup(key string) *Entry {
	if fm == nil {
		return nil
	}
	for i := len(fm.Entries) - 1; i >= 0; i-- {
		if fm.Entries[i].Key == key {
			return fm.Entries[i]
		}
	}
	return nil
}

var yamlLineRE = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)

func (fm *FrontMatter) parseYAML() {
	f := fm.file
	src := f.Src[fm.Content.Start:fm.Content.End]
	if len(bytes.TrimSpace(src)) == 0 {
		return
	}
	root, err := decodeYAML(src)
	if err == nil {
		fm.addRoot(root, 0)
		return
	}
	// Keep every key that parses while the user is half-way through one:
	// parse each top-level entry on its own and report the ones that fail.
	for _, chunk := range topLevelChunks(src) {
		text := src[chunk.Start:chunk.End]
		lineShift := bytes.Count(src[:chunk.Start], []byte("\n"))
		root, err := decodeYAML(text)
		if err != nil {
			fm.yamlError(err, lineShift, chunk)
			continue
		}
		fm.addRoot(root, lineShift)
	}
}

func decodeYAML(src []byte) (root *yaml.Node, err error) { return unmarshalYAML(src) }

// topLevelChunks splits YAML text at lines that start a top-level key.
func topLevelChunks(src []byte) []Span {
	var chunks []Span
	start := 0
	for i := 0; i < len(src); {
		end := bytes.IndexByte(src[i:], '\n')
		next := len(src)
		if end >= 0 {
			next = i + end + 1
		}
		if i > start && src[i] != ' ' && src[i] != '\t' && src[i] != '#' && src[i] != '\n' && src[i] != '\r' && src[i] != '-' {
			chunks = append(chunks, Span{start, i})
			start = i
		}
		i = next
	}
	return append(chunks, Span{start, len(src)})
}

func (fm *FrontMatter) yamlError(err error, lineShift int, chunk Span) {
	msg := err.Error()
	line := 1
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		if m[1] != "" {
			line, _ = strconv.Atoi(m[1])
		}
		msg = m[2]
	}
	if te, ok := err.(*yaml.TypeError); ok && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	l := fm.firstLine + lineShift + line - 1
	m := fm.file.Map
	span := Span{m.LineStart(l), m.LineEnd(l)}
	what := "front matter is not valid YAML: "
	if be, ok := err.(*YAMLBudgetError); ok { // valid, but refused at the alias itself
		span = fm.NodeSpan(&yaml.Node{Kind: yaml.AliasNode, Line: lineShift + be.Line, Column: be.Column, Value: be.Name})
		what = "front matter: "
	}
	if span.Start >= fm.Content.End || span.Start < fm.Content.Start {
		span = Span{fm.Content.Start + chunk.Start, fm.Content.Start + chunk.Start}
	}
	fm.file.Problems = append(fm.file.Problems, Diagnostic{Code: "yaml-syntax", Severity: Error, Span: span,
		Message: what + msg})
}

func (fm *FrontMatter) addRoot(doc *yaml.Node, lineShift int) {
	if doc == nil || len(doc.Content) == 0 {
		return
	}
	shiftLines(doc, lineShift)
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		fm.file.Problems = append(fm.file.Problems, Diagnostic{Code: "yaml-syntax", Severity: Error, Span: fm.NodeSpan(root),
			Message: "front matter must be a mapping of keys to values (key: value)"})
		return
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		fm.Entries = append(fm.Entries, &Entry{Key: k.Value, KeyAt: fm.NodeSpan(k), Value: v, At: fm.NodeSpan(v)})
	}
}

func shiftLines(n *yaml.Node, by int) {
	if by == 0 || n == nil {
		return
	}
	n.Line += by
	for _, c := range n.Content {
		shiftLines(c, by)
	}
}

// nodeStart is the offset where a YAML node's text begins.
func (fm *FrontMatter) nodeStart(n *yaml.Node) int {
	m := fm.file.Map
	l := fm.firstLine + n.Line - 1
	off := m.LineStart(l)
	end := m.LineEnd(l)
	// yaml columns count characters, not bytes.
	for c := 1; c < n.Column && off < end; c++ {
		_, size := utf8.DecodeRune(fm.file.Src[off:end])
		off += size
	}
	return min(off, fm.Content.End)
}

// NodeSpan is the source range of a YAML node: its token for a scalar, up to
// its last child for a collection.
func (fm *FrontMatter) NodeSpan(n *yaml.Node) Span {
	if n == nil || n.Line == 0 {
		return Span{fm.Content.Start, fm.Content.Start}
	}
	start := fm.nodeStart(n)
	src := fm.file.Src[:fm.Content.End]
	switch n.Kind {
	case yaml.ScalarNode, yaml.AliasNode:
		return Span{start, scalarEnd(src, start, n, fm.file.Map)}
	case yaml.MappingNode, yaml.SequenceNode:
		if n.Style&yaml.FlowStyle != 0 && start < len(src) && (src[start] == '[' || src[start] == '{') {
			return Span{start, flowEnd(src, start)}
		}
		if len(n.Content) == 0 {
			return Span{start, start}
		}
		last := fm.NodeSpan(n.Content[len(n.Content)-1])
		return Span{start, max(last.End, start)}
	}
	return Span{start, start}
}

func scalarEnd(src []byte, start int, n *yaml.Node, m *Mapper) int {
	lineEnd := m.LineEnd(m.Line(start))
	if start >= len(src) {
		return start
	}
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0 && src[start] == '"':
		for i := start + 1; i < len(src); i++ {
			if src[i] == '\\' {
				i++
			} else if src[i] == '"' {
				return i + 1
			}
		}
		return len(src)
	case n.Style&yaml.SingleQuotedStyle != 0 && src[start] == '\'':
		for i := start + 1; i < len(src); i++ {
			if src[i] == '\'' {
				if i+1 < len(src) && src[i+1] == '\'' {
					i++
					continue
				}
				return i + 1
			}
		}
		return len(src)
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		// The block runs over the following lines that are blank or more
		// indented than the line it starts on.
		l := m.Line(start)
		indent := indentOf(src[m.LineStart(l):])
		end := lineEnd
		for l++; l < m.LineCount() && m.LineStart(l) < len(src); l++ {
			text := src[m.LineStart(l):min(m.LineEnd(l), len(src))]
			if len(bytes.TrimSpace(text)) == 0 {
				continue
			}
			if indentOf(text) <= indent {
				break
			}
			end = min(m.LineEnd(l), len(src))
		}
		return end
	}
	// A plain scalar ends at a comment, at the end of the line, or in flow
	// context at the next separator.
	end := min(lineEnd, len(src))
	inFlow := start > 0 && bytes.ContainsAny(src[m.LineStart(m.Line(start)):start], "[{")
	for i := start; i < end; i++ {
		if src[i] == '#' && i > start && (src[i-1] == ' ' || src[i-1] == '\t') {
			end = i
			break
		}
		// ": " ends a key; a plain scalar cannot hold it.
		if src[i] == ':' && (i+1 == end || src[i+1] == ' ' || src[i+1] == '\t' || src[i+1] == '\r') {
			end = i
			break
		}
		if inFlow && (src[i] == ',' || src[i] == ']' || src[i] == '}') {
			end = i
			break
		}
	}
	for end > start && (src[end-1] == ' ' || src[end-1] == '\t' || src[end-1] == '\r') {
		end--
	}
	return end
}

func indentOf(b []byte) int {
	n := 0
	for n < len(b) && (b[n] == ' ' || b[n] == '\t') {
		n++
	}
	return n
}

// flowEnd finds the bracket closing the flow collection opened at start.
func flowEnd(src []byte, start int) int {
	depth := 0
	var quote byte
	for i := start; i < len(src); i++ {
		c := src[i]
		switch {
		case quote != 0:
			if c == '\\' && quote == '"' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '[' || c == '{':
			depth++
		case c == ']' || c == '}':
			depth--
			if depth == 0 {
				return i + 1
			}
		}
	}
	return len(src)
}
