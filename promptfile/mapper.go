package promptfile

import (
	"bytes"
	"sort"
	"unicode/utf8"
)

// Encoding is the unit in which a column counts characters of a line.
type Encoding int

const (
	UTF16 Encoding = iota // the LSP default
	UTF8                  // bytes, when the client negotiates it
)

// Mapper converts byte offsets to (line, column) positions and back. It is the
// only place that knows about UTF-16, CRLF and the byte-order mark.
type Mapper struct {
	src   []byte
	base  int   // 3 when src starts with a byte-order mark, which no column counts
	lines []int // byte offset where each line starts
}

var bom = []byte{0xEF, 0xBB, 0xBF}

// NewMapper indexes the line starts of src.
func NewMapper(src []byte) *Mapper {
	// Sized once: appending line by line reallocates the index many times
	// over on a large file.
	lines := make([]int, 1, bytes.Count(src, []byte{'\n'})+1)
	m := &Mapper{src: src, lines: lines}
	if len(src) >= 3 && src[0] == bom[0] && src[1] == bom[1] && src[2] == bom[2] {
		m.base = 3
		m.lines[0] = 3
	}
	for i := 0; ; {
		k := bytes.IndexByte(src[i:], '\n')
		if k < 0 {
			break
		}
		i += k + 1
		m.lines = append(m.lines, i)
	}
	return m
}

// LineCount is the number of lines; a file ending in a line break has an
// empty last line, as editors count.
func (m *Mapper) LineCount() int { return len(m.lines) }

// LineStart is the offset of the first byte of line.
func (m *Mapper) LineStart(line int) int {
	if line < 0 {
		return m.lines[0]
	}
	if line >= len(m.lines) {
		return len(m.src)
	}
	return m.lines[line]
}

// LineEnd is the offset just past the line's text, before "\n" or "\r\n".
func (m *Mapper) LineEnd(line int) int {
	if line < 0 {
		line = 0
	}
	if line >= len(m.lines)-1 {
		return len(m.src)
	}
	end := m.lines[line+1] - 1
	if end > m.lines[line] && m.src[end-1] == '\r' {
		end--
	}
	return end
}

// Line is the line holding off.
func (m *Mapper) Line(off int) int {
	return sort.Search(len(m.lines), func(i int) bool { return m.lines[i] > off }) - 1
}

// Position is the (line, column) of off, both 0-based; an offset inside a
// line break maps to the end of the line's text.
func (m *Mapper) Position(off int, enc Encoding) (line, col int) {
	off = min(max(off, m.base), len(m.src))
	line = max(m.Line(off), 0)
	start := m.lines[line]
	off = min(off, m.LineEnd(line))
	for off > start && off < len(m.src) && !utf8.RuneStart(m.src[off]) {
		off-- // inside a character: its start
	}
	if enc == UTF8 {
		return line, off - start
	}
	return line, UTF16Len(m.src[start:off])
}

// Offset is the byte offset of (line, col). Positions past the end of a line
// or of the file are clamped, as the LSP asks; a column inside a surrogate
// pair or a UTF-8 sequence moves to the character's start.
func (m *Mapper) Offset(line, col int, enc Encoding) int {
	if line < 0 {
		return m.base
	}
	if line >= len(m.lines) {
		return len(m.src)
	}
	start, end := m.lines[line], m.LineEnd(line)
	if col <= 0 {
		return start
	}
	if enc == UTF8 {
		off := min(start+col, end)
		for off > start && off < end && !utf8.RuneStart(m.src[off]) {
			off--
		}
		return off
	}
	units := 0
	for off := start; off < end; {
		r, size := utf8.DecodeRune(m.src[off:end])
		w := 1
		if r >= 0x10000 {
			w = 2
		}
		if units+w > col {
			return off
		}
		units += w
		off += size
	}
	return end
}

// OffsetIn is Offset for a text without a Mapper: it finds the line with a
// fast scan instead of indexing every line, for one-off conversions such as
// applying an edit on each keystroke.
func OffsetIn(src []byte, line, col int, enc Encoding) int {
	base := 0
	if bytes.HasPrefix(src, bom) {
		base = 3
	}
	if line < 0 {
		return base
	}
	start := base
	for l := 0; l < line; l++ {
		i := bytes.IndexByte(src[start:], '\n')
		if i < 0 {
			return len(src)
		}
		start += i + 1
	}
	end := len(src)
	if i := bytes.IndexByte(src[start:], '\n'); i >= 0 {
		end = start + i
		if end > start && src[end-1] == '\r' {
			end--
		}
	}
	m := &Mapper{src: src[:end], base: start, lines: []int{start}}
	return m.Offset(0, col, enc)
}

// utf16Len counts UTF-16 code units; each invalid byte counts as one
// replacement character, as editors display it.
func UTF16Len(b []byte) int {
	n := 0
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			n++
			i++
			continue
		}
		r, size := utf8.DecodeRune(b[i:])
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
		i += size
	}
	return n
}
