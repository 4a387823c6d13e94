package promptfile

import (
	"bytes"
	"unicode/utf8"
)

// Role is the author of a block.
type Role string

const (
	System    Role = "system"
	User      Role = "user"
	Assistant Role = "assistant"
)

// File is a parsed .prompt file. Parsing never fails: whatever can be read is
// here, and Problems holds what could not.
type File struct {
	Src      []byte
	Map      *Mapper
	Front    *FrontMatter // nil when the file has none
	Blocks   []*Block
	Problems []Diagnostic // syntax problems found while parsing
}

// Block is the system prompt or one message.
type Block struct {
	Role     Role
	Implicit bool // text before the first role line, read as a user message
	Line     Span // the role line without its line break; empty when Implicit
	RoleName Span // the role word on the role line
	Cache    string
	Attr     Span // the attribute text after the colon, when present
	Content  Span // from the line after the role line to the next role line
	Parts    []Part
	// Tool is set on a tool turn (toolturns.go): a `tool_use:` block has
	// Role Assistant, a `tool_result:` block Role User.
	Tool *ToolTurn
}

// PartKind says what a piece of block content is.
type PartKind int

const (
	Text        PartKind = iota // sent as written (line breaks as "\n")
	Literal                     // sent as Part.Name: "{{" for "\{{", "" for a role line's backslash
	Variable                    // {{name}}
	Comment                     // {{! ... }}
	Include                     // {{file "path"}}
	BadTemplate                 // any other {{...}}: an error
	Image                       // {{image "path"}} on a line of its own (media.go)
	Document                    // {{document "path"}} on a line of its own
)

// Part is one piece of a block's content.
type Part struct {
	Kind     PartKind
	Span     Span   // the whole source of the part
	Name     string // variable name, include path, or literal text
	NameSpan Span   // the name, or the path inside the quotes
	Attr     Span   // an image's or document's text after the path (`citations: true`)
}

// Parse reads src, which may be any bytes.
func Parse(src []byte) *File {
	f := &File{Src: src, Map: NewMapper(src)}
	bodyLine := 0
	if f.Map.LineCount() > 0 && isDelimiter(f.lineText(0)) {
		bodyLine = f.parseFrontMatter()
	}
	f.parseBody(bodyLine)
	f.checkUTF8()
	return f
}

// lineText is the text of line without its line break.
func (f *File) lineText(line int) []byte {
	return f.Src[f.Map.LineStart(line):f.Map.LineEnd(line)]
}

func isDelimiter(line []byte) bool { return string(bytes.TrimRight(line, " \t")) == "---" }

// parseFrontMatter reads the front matter that opens on line 0 and returns
// the first line of the body.
func (f *File) parseFrontMatter() int {
	n := f.Map.LineCount()
	fm := &FrontMatter{file: f, Open: Span{f.Map.LineStart(0), f.Map.LineEnd(0)}}
	f.Front = fm
	closeLine := -1
	for l := 1; l < n; l++ {
		if isDelimiter(f.lineText(l)) {
			closeLine = l
			break
		}
	}
	end := closeLine
	if closeLine < 0 {
		f.Problems = append(f.Problems, Diagnostic{Code: "frontmatter-unterminated", Severity: Error, Span: fm.Open,
			Message: "front matter is not closed: add a line with just --- after the last key"})
		// While the user types, keep the blocks readable: the front matter
		// then ends where the first role line starts.
		end = n
		for l := 1; l < n; l++ {
			if _, ok := parseRoleLine(f.lineText(l)); ok {
				end = l
				break
			}
		}
	} else {
		fm.Close = Span{f.Map.LineStart(closeLine), f.Map.LineEnd(closeLine)}
	}
	fm.Content = Span{f.Map.LineStart(1), f.Map.LineStart(end)}
	if end >= n {
		fm.Content.End = len(f.Src)
	}
	fm.firstLine = 1
	fm.parseYAML()
	if closeLine < 0 {
		return end
	}
	return closeLine + 1
}

// roleLine is what a role line says.
type roleLine struct {
	role      Role
	roleStart int // offsets within the line
	roleEnd   int
	attrStart int // -1 without attribute
	attrEnd   int
	attr      string
	tool      *ToolTurn // a tool turn line; offsets within the line
}

// parseRoleLine reads a line as a role line: optional spaces, a role name, a
// colon, and optionally an attribute starting with "cache".
func parseRoleLine(line []byte) (roleLine, bool) {
	rl := roleLine{attrStart: -1}
	i := 0
	for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
		i++
	}
	rest := line[i:]
	if len(rest) == 0 || (rest[0] != 's' && rest[0] != 'u' && rest[0] != 'a' && rest[0] != 't') {
		return rl, false // most lines: not worth comparing with each role
	}
	if rest[0] == 't' {
		return parseToolLine(line, i)
	}
	for _, r := range [...]Role{System, User, Assistant} {
		if len(rest) >= len(r) && string(rest[:len(r)]) == string(r) {
			rl.role, rl.roleStart, rl.roleEnd = r, i, i+len(r)
			break
		}
	}
	if rl.role == "" {
		return rl, false
	}
	j := rl.roleEnd
	for j < len(line) && (line[j] == ' ' || line[j] == '\t') {
		j++
	}
	if j >= len(line) || line[j] != ':' {
		return rl, false
	}
	j++
	attr := bytes.TrimSpace(line[j:])
	if len(attr) == 0 {
		return rl, true
	}
	// Only an attribute-shaped word makes a role line: "user: Explain" is text.
	if !bytes.HasPrefix(attr, []byte("cache")) || (len(attr) > 5 && attr[5] != '=' && attr[5] != ' ' && attr[5] != '\t') {
		return rl, false
	}
	rl.attrStart = j + bytes.Index(line[j:], attr)
	rl.attrEnd = rl.attrStart + len(attr)
	rl.attr = string(attr)
	return rl, true
}

// mayStartRole reports whether the line starting at off may be a role line,
// or look like one: after spaces and tabs comes a role name's first letter.
// It lets the scans of every line skip most lines at once.
func mayStartRole(src []byte, off int) bool {
	for off < len(src) && (src[off] == ' ' || src[off] == '\t') {
		off++
	}
	return off < len(src) && (src[off] == 's' || src[off] == 'u' || src[off] == 'a' || src[off] == 't')
}

// looksLikeRoleWithText reports a line such as "user: Explain tides", which
// is content but was probably meant as a role line.
func looksLikeRoleWithText(line []byte) (roleLine, bool) {
	start := 0
	for start < len(line) && (line[start] == ' ' || line[start] == '\t') {
		start++
	}
	rest := line[start:]
	if len(rest) == 0 || (rest[0] != 's' && rest[0] != 'u' && rest[0] != 'a') {
		return roleLine{}, false
	}
	for _, r := range [...]Role{System, User, Assistant} {
		if len(rest) > len(r) && string(rest[:len(r)]) == string(r) && rest[len(r)] == ':' {
			return roleLine{role: r, roleStart: start, roleEnd: start + len(r)}, true
		}
	}
	return roleLine{}, false
}

func (f *File) parseBody(startLine int) {
	n := f.Map.LineCount()
	var cur *Block
	pendingStart := f.Map.LineStart(startLine)
	if startLine >= n {
		pendingStart = len(f.Src)
	}
	finish := func(end int) {
		if cur == nil {
			// Text before the first role line is an implicit user message
			// when it holds anything but blank lines.
			if len(bytes.TrimSpace(f.Src[pendingStart:end])) == 0 {
				return
			}
			cur = &Block{Role: User, Implicit: true, Content: Span{pendingStart, end}}
		}
		cur.Content.End = end
		cur.Parts = f.parseContent(cur.Content)
		f.Blocks = append(f.Blocks, cur)
	}
	for l := startLine; l < n; l++ {
		start := f.Map.LineStart(l)
		if !mayStartRole(f.Src, start) {
			continue
		}
		end := f.Map.LineEnd(l)
		rl, ok := parseRoleLine(f.Src[start:end])
		if !ok {
			continue
		}
		finish(start)
		cur = &Block{
			Role:     rl.role,
			Line:     Span{start, end},
			RoleName: Span{start + rl.roleStart, start + rl.roleEnd},
		}
		if rl.attrStart >= 0 {
			cur.Attr = Span{start + rl.attrStart, start + rl.attrEnd}
			cur.Cache = rl.attr
		}
		if rl.tool != nil {
			cur.Tool = rl.tool.shift(start)
		}
		cur.Content.Start = f.Map.LineStart(l + 1)
		if l+1 >= n {
			cur.Content.Start = len(f.Src)
		}
	}
	finish(len(f.Src))
}

// parseContent splits a block's content into parts.
func (f *File) parseContent(content Span) []Part {
	src := f.Src
	var parts []Part
	textStart := content.Start
	flush := func(end int) {
		if end > textStart {
			parts = append(parts, Part{Kind: Text, Span: Span{textStart, end}})
		}
	}
	atLineStart := true
	for i := content.Start; i < content.End; {
		if atLineStart {
			atLineStart = false
			// "\user:" is a content line that would otherwise be a role line.
			j := i
			for j < content.End && (src[j] == ' ' || src[j] == '\t') {
				j++
			}
			if j < content.End && src[j] == '\\' {
				lineEnd := f.Map.LineEnd(f.Map.Line(j))
				if _, ok := parseRoleLine(src[j+1 : lineEnd]); ok {
					flush(j)
					parts = append(parts, Part{Kind: Literal, Span: Span{j, j + 1}})
					textStart = j + 1
					i = j + 1
					continue
				}
			}
		}
		// Plain text runs to the next "{". Find it, and the backslashes
		// before it that may escape a role line, with IndexByte rather than
		// by looking at every byte or every line.
		next := content.End
		if k := bytes.IndexByte(src[i:content.End], '{'); k >= 0 {
			next = i + k
		}
		if j := f.roleEscape(i, next); j >= 0 {
			flush(j)
			parts = append(parts, Part{Kind: Literal, Span: Span{j, j + 1}})
			textStart = j + 1
			i = j + 1
			continue
		}
		if next >= content.End {
			break
		}
		k := next
		switch {
		case k+1 >= content.End || src[k+1] != '{':
			i = k + 1 // a lone "{"
		case k > i && src[k-1] == '\\':
			flush(k - 1)
			parts = append(parts, Part{Kind: Literal, Span: Span{k - 1, k + 2}, Name: "{{"})
			i = k + 2
			textStart = i
		default:
			flush(k)
			p := parseTemplate(src, k, content.End)
			parts = append(parts, p)
			i = p.Span.End
			textStart = i
			if i > 0 && src[i-1] == '\n' {
				atLineStart = true
			}
		}
	}
	flush(content.End)
	return parts
}

// roleEscape finds, in plain text from..to, the first backslash that starts
// a line (after spaces and tabs) and escapes a role line ("\user:"), or -1.
// A line that starts at from itself has been looked at already.
func (f *File) roleEscape(from, to int) int {
	src := f.Src
	for at := from; at < to; {
		k := bytes.IndexByte(src[at:to], '\\')
		if k < 0 {
			return -1
		}
		b := at + k
		q := b
		for q > from && (src[q-1] == ' ' || src[q-1] == '\t') {
			q--
		}
		if q > from && src[q-1] == '\n' {
			if _, ok := parseRoleLine(src[b+1 : f.Map.LineEnd(f.Map.Line(b))]); ok {
				return b
			}
		}
		at = b + 1
	}
	return -1
}

// parseTemplate reads the {{...}} that starts at i.
func parseTemplate(src []byte, i, limit int) Part {
	inner := i + 2
	if inner < limit && src[inner] == '!' {
		// A comment may span lines; it ends at the first "}}".
		if k := bytes.Index(src[inner:limit], []byte("}}")); k >= 0 {
			return Part{Kind: Comment, Span: Span{i, inner + k + 2}}
		}
		return Part{Kind: BadTemplate, Span: Span{i, lineEndWithin(src, i, limit)}, Name: "comment is not closed: add }}"}
	}
	lineEnd := lineEndWithin(src, i, limit)
	k := bytes.Index(src[inner:lineEnd], []byte("}}"))
	if k < 0 {
		return Part{Kind: BadTemplate, Span: Span{i, lineEnd}, Name: "{{ is not closed on this line: add }}, or write \\{{ for a literal {{"}
	}
	end := inner + k + 2
	body := src[inner : inner+k]
	lead := len(body) - len(bytes.TrimLeft(body, " \t"))
	trimmed := bytes.TrimSpace(body)
	nameStart := inner + lead
	if isVarName(trimmed) {
		return Part{Kind: Variable, Span: Span{i, end}, Name: string(trimmed), NameSpan: Span{nameStart, nameStart + len(trimmed)}}
	}
	if bytes.HasPrefix(trimmed, []byte("file")) && len(trimmed) > 4 && (trimmed[4] == ' ' || trimmed[4] == '\t' || trimmed[4] == '"') {
		arg := bytes.TrimSpace(trimmed[4:])
		argStart := nameStart + len(trimmed) - len(arg)
		if len(arg) >= 2 && arg[0] == '"' && arg[len(arg)-1] == '"' && bytes.IndexByte(arg[1:len(arg)-1], '"') < 0 {
			return Part{Kind: Include, Span: Span{i, end}, Name: string(arg[1 : len(arg)-1]), NameSpan: Span{argStart + 1, argStart + len(arg) - 1}}
		}
		if len(arg) >= 1 && arg[0] == '"' {
			// Half-typed path: keep it an include so completion can find it.
			return Part{Kind: Include, Span: Span{i, end}, Name: string(bytes.Trim(arg, `"`)), NameSpan: Span{argStart + 1, argStart + len(arg)}}
		}
		return Part{Kind: BadTemplate, Span: Span{i, end}, Name: `an include is written {{file "path"}}, with the path in double quotes`}
	}
	if p, ok := parseMedia(src, i, end, trimmed, nameStart); ok {
		return p
	}
	msg := "{{" + string(trimmed) + "}} is not a variable: names are letters, digits, _ and -; there are no other template forms (write \\{{ for a literal {{)"
	if len(trimmed) == 0 {
		msg = "empty {{}}: write a variable name inside, or \\{{ for a literal {{"
	}
	return Part{Kind: BadTemplate, Span: Span{i, end}, Name: msg}
}

func lineEndWithin(src []byte, i, limit int) int {
	if k := bytes.IndexByte(src[i:limit], '\n'); k >= 0 {
		end := i + k
		if end > i && src[end-1] == '\r' {
			end--
		}
		return end
	}
	return limit
}

func isVarName(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// checkUTF8 reports each run of invalid UTF-8 once per line.
func (f *File) checkUTF8() {
	if utf8.Valid(f.Src) {
		return
	}
	lastLine := -1
	for i := 0; i < len(f.Src); {
		r, size := utf8.DecodeRune(f.Src[i:])
		if r == utf8.RuneError && size == 1 {
			if l := f.Map.Line(i); l != lastLine {
				lastLine = l
				f.Problems = append(f.Problems, Diagnostic{Code: "invalid-utf8", Severity: Error, Span: Span{i, i + 1},
					Message: "invalid UTF-8: the file must be saved as UTF-8"})
			}
		}
		i += size
	}
}
