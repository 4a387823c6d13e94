package promptfile

// Span is a half-open range of byte offsets into a file's source.
type Span struct {
	Start, End int
}

// Contains reports whether off lies in the span; the end counts, so a cursor
// just after a word still finds it.
func (s Span) Contains(off int) bool { return s.Start <= off && off <= s.End }

// Empty reports whether the span covers no bytes.
func (s Span) Empty() bool { return s.End <= s.Start }

// Severity follows the LSP's order: smaller is more severe.
type Severity int

const (
	Error Severity = iota + 1
	Warning
	Info
	Hint
)

func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	case Info:
		return "info"
	case Hint:
		return "hint"
	}
	return "unknown"
}

// Edit replaces the bytes of Span with NewText.
type Edit struct {
	Span    Span
	NewText string
}

// Fix is a suggested change an editor can offer as a quick fix.
type Fix struct {
	Title string
	Edits []Edit
}

// Diagnostic is one located problem. Code is stable: tools and docs refer to it.
type Diagnostic struct {
	Code     string
	Severity Severity
	Span     Span
	Message  string
	Fixes    []Fix
}
