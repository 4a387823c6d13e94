package promptfile

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// MaxIncludeBytes is the most a ReadFile implementation should read of one
// include; beyond it, it returns ErrTooLarge without reading.
const MaxIncludeBytes = 32 << 20

// ErrTooLarge is what ReadFile returns for a file above MaxIncludeBytes.
var ErrTooLarge = errors.New("file too large")

// IncludeInfo is one {{file "path"}} and what it brought in.
type IncludeInfo struct {
	Block  *Block // nil for an include in the front matter's system
	Part   Part
	Path   string // resolved path
	Text   string // the text inserted
	Tokens int
	Failed bool // not read: a diagnostic says why
}

// renderBlocks renders the front matter's system and every block's content.
func (a *analysis) renderBlocks() {
	if a.system != nil {
		s := a.system.Value.Value
		sub := &File{Src: []byte(s), Map: NewMapper([]byte(s))}
		parts := sub.parseContent(Span{0, len(s)})
		text := a.renderParts(sub, parts, nil, a.system.At)
		a.r.Blocks = append(a.r.Blocks, &RenderedBlock{Block: &Block{Role: System, Line: a.system.KeyAt, RoleName: a.system.KeyAt, Content: a.system.At}, Text: text})
	}
	for _, b := range a.f.Blocks {
		rb := &RenderedBlock{Block: b}
		raw, cuts := a.renderRaw(a.f, b.Parts, b, Span{})
		segment(rb, raw, cuts) // media.go: text blocks around images and documents
		a.r.Blocks = append(a.r.Blocks, rb)
	}
}

// renderParts produces the text a block sends. at, when not empty, is where
// problems are shown instead of the parts' own spans (text from a YAML string).
func (a *analysis) renderParts(f *File, parts []Part, b *Block, at Span) string {
	raw, _ := a.renderRaw(f, parts, b, at)
	return trimBlankLines(raw)
}

// renderRaw is renderParts before trimming, with where each image or
// document line sits in the text.
func (a *analysis) renderRaw(f *File, parts []Part, b *Block, at Span) (string, []mediaCut) {
	var cuts []mediaCut
	where := func(s Span) Span {
		if !at.Empty() {
			return at
		}
		return s
	}
	var out strings.Builder
	// Size the text once rather than over and over on a large block: the
	// source of every part but comments (a variable's or an include's value
	// may still make it grow).
	size := 0
	for _, p := range parts {
		if p.Kind != Comment {
			size += p.Span.End - p.Span.Start
		}
	}
	out.Grow(size)
	// A line holding nothing but comments is removed whole. Until the
	// current line holds something to send, its text (white space only) is
	// held back, and dropped if the line turns out to hold a comment.
	var held []byte
	hasComment, hasContent := false, false
	content := func() {
		if !hasContent {
			out.Write(held)
			held = held[:0]
			hasContent = true
		}
	}
	endLine := func() {
		if !hasComment {
			out.Write(held)
		}
		held = held[:0]
		hasComment, hasContent = false, false
	}
	write := func(text []byte) {
		if !hasContent && len(bytes.TrimSpace(text)) > 0 {
			content()
		}
		if hasContent {
			out.Write(text)
		} else {
			held = append(held, text...)
		}
	}
	for _, p := range parts {
		switch p.Kind {
		case Text:
			text := f.Src[p.Span.Start:p.Span.End]
			first := bytes.IndexByte(text, '\n')
			if first < 0 {
				write(text)
				break
			}
			// Only the first and the last line of the text can share a line
			// with a comment; the whole lines between are written in one go.
			write(bytes.TrimSuffix(text[:first], crByte))
			write(lfByte)
			endLine()
			last := bytes.LastIndexByte(text, '\n')
			for mid := text[first+1 : last+1]; len(mid) > 0; {
				k := bytes.Index(mid, crlf)
				if k < 0 {
					out.Write(mid)
					break
				}
				out.Write(mid[:k])
				out.WriteByte('\n')
				mid = mid[k+2:]
			}
			write(text[last+1:])
		case Literal:
			if p.Name != "" {
				content()
				out.WriteString(p.Name)
			}
		case Comment:
			hasComment = true
		case Variable:
			content()
			out.WriteString(a.varValue(p, where(p.NameSpan)))
		case Include:
			content()
			out.WriteString(a.include(b, p, where(p.NameSpan)))
		case Image, Document:
			cuts = append(cuts, mediaCut{at: out.Len(), info: a.media(b, p, where(p.NameSpan))})
		case BadTemplate:
			content()
			a.errorf("template", where(p.Span), p.Name)
			out.Write(f.Src[p.Span.Start:p.Span.End])
		}
	}
	endLine()
	return out.String(), cuts
}

var crByte, lfByte, crlf = []byte{'\r'}, []byte{'\n'}, []byte{'\r', '\n'}

// trimBlankLines removes leading blank lines and all trailing white space
// (blank lines, the final line break, spaces left by a comment at the end);
// the text between is kept exactly. The API refuses a prefill that ends in
// white space, so none is ever sent at the end of a block.
func trimBlankLines(s string) string {
	for {
		i := strings.IndexByte(s, '\n')
		if i < 0 || strings.TrimSpace(s[:i]) != "" {
			break
		}
		s = s[i+1:]
	}
	return strings.TrimRight(s, " \t\r\n")
}

func (a *analysis) varValue(p Part, span Span) string {
	a.used[p.Name] = true
	if v, ok := a.values[p.Name]; ok {
		return v
	}
	if !a.opts.Strict && a.opts.Test == "" {
		// In the editor a variable that the test cases supply is fine; its
		// first case's value stands in for the estimate.
		for _, tc := range a.r.Tests {
			if v, ok := tc.Vars[p.Name]; ok {
				return v
			}
		}
	}
	msg := "`" + p.Name + "` has no value: define it under `vars:`, in a test case, or pass --var " + p.Name + "=VALUE"
	d := Diagnostic{Code: "var-undefined", Severity: Warning, Span: span, Message: msg, Fixes: a.defineVarFix(p.Name)}
	if a.opts.Strict {
		d.Severity = Error
	}
	a.diag(d)
	return ""
}

// defineVarFix adds name to vars, creating vars or the front matter as needed.
func (a *analysis) defineVarFix(name string) []Fix {
	title := "Define `" + name + "` in vars"
	fm := a.f.Front
	if fm == nil {
		start := a.f.Map.LineStart(0)
		return []Fix{{Title: title, Edits: []Edit{{Span: Span{start, start}, NewText: "---\nvars:\n  " + name + ": \"\"\n---\n"}}}}
	}
	if fm.Close.Empty() {
		return nil
	}
	if e := fm.Lookup("vars"); e != nil && e.Value.Kind == yaml.MappingNode {
		if e.Value.Style&yaml.FlowStyle != 0 || len(e.Value.Content) == 0 {
			return nil
		}
		first := fm.NodeSpan(e.Value.Content[0])
		m := a.f.Map
		line := m.Line(first.Start)
		indent := strings.Repeat(" ", first.Start-m.LineStart(line))
		last := fm.NodeSpan(e.Value.Content[len(e.Value.Content)-1])
		at := m.LineStart(m.Line(last.End) + 1)
		return []Fix{{Title: title, Edits: []Edit{{Span: Span{at, at}, NewText: indent + name + ": \"\"\n"}}}}
	}
	if fm.Lookup("vars") != nil {
		return nil
	}
	at := fm.Content.End
	return []Fix{{Title: title, Edits: []Edit{{Span: Span{at, at}, NewText: "vars:\n  " + name + ": \"\"\n"}}}}
}

// include reads the file of an include part and returns its text.
func (a *analysis) include(b *Block, p Part, span Span) string {
	info := &IncludeInfo{Block: b, Part: p}
	a.r.Includes = append(a.r.Includes, info)
	data, ok := a.readWorkspaceFile(p.Name, span, "include")
	if !ok {
		info.Failed = true
		return ""
	}
	info.Path = a.resolve(p.Name)
	if bytes.IndexByte(data, 0) >= 0 || !utf8.Valid(data) {
		a.errorf("include-binary", span, "`"+p.Name+"` is not text (binary or not UTF-8): only text files can be included")
		info.Failed = true
		return ""
	}
	a.scanSecrets(data, span, "the included file "+p.Name)
	text := string(data)
	text = strings.TrimSuffix(text, "\n")
	text = strings.TrimSuffix(text, "\r")
	info.Text = text
	return text
}

func (a *analysis) resolve(rel string) string {
	if filepath.IsAbs(rel) {
		return filepath.Clean(rel)
	}
	return filepath.Join(a.dir(), filepath.FromSlash(rel))
}

// readWorkspaceFile reads a file named in the prompt, refusing paths that
// leave the workspace root.
func (a *analysis) readWorkspaceFile(rel string, span Span, what string) ([]byte, bool) {
	if rel == "" {
		a.errorf("include-missing", span, "empty path: write the path of a file relative to this prompt")
		return nil, false
	}
	path := a.resolve(rel)
	root, _ := filepath.Abs(a.root())
	abs, _ := filepath.Abs(path)
	if r, err := filepath.Rel(root, abs); err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		a.errorf("include-outside", span, "`"+rel+"` is outside the workspace ("+root+"): a prompt may only use files inside it")
		return nil, false
	}
	if a.ws.ReadFile == nil {
		return nil, false
	}
	data, err := a.ws.ReadFile(path)
	switch {
	case err == nil:
		return data, true
	case errors.Is(err, ErrTooLarge):
		a.errorf("include-too-large", span, "`"+rel+"` is too large to send (over "+itoa(MaxIncludeBytes>>20)+" MB)")
	case errors.Is(err, os.ErrNotExist):
		a.errorf("include-missing", span, "`"+rel+"` does not exist (paths are relative to this prompt's folder)")
	default:
		msg := err.Error()
		var pe *os.PathError
		if errors.As(err, &pe) {
			msg = pe.Err.Error()
		}
		a.errorf("include-missing", span, "cannot read "+what+" `"+rel+"`: "+msg)
	}
	return nil, false
}
