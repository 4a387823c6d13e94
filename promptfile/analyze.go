package promptfile

import (
	"bytes"
	"path/filepath"
	"strings"
	"time"
)

// Versions of the API a file may be written for.
const (
	VersionCurrent = "2026-10-21"
	VersionLegacy  = "2023-06-01"
)

// Workspace is what the engine is handed about the world around a file. The
// engine does no I/O of its own: includes and test files come through ReadFile.
type Workspace struct {
	Catalog  *Catalog
	Config   *Config
	Root     string                            // workspace root; includes may not leave it
	ReadFile func(path string) ([]byte, error) // nil: includes are not read
	Counter  TokenCounter                      // nil: nothing is counted
	Now      func() time.Time                  // nil: the clock; decides whether a model is retired
}

// Options say which rendering of a file is wanted.
type Options struct {
	Path   string            // the prompt file; includes are relative to its folder
	Vars   map[string]string // --var values, which win over everything
	Test   string            // the test case whose values to use
	Model  string            // overrides the file's model
	Strict bool              // for run and render: a variable without a value is an error
}

// Result is everything known about one rendering of a file.
type Result struct {
	File        *File
	Model       *Model // nil when the id is unknown
	ModelID     string
	MaxTokens   int
	Version     string
	Thinking    string // "", "enabled", "adaptive" or "disabled"
	Blocks      []*RenderedBlock
	Includes    []*IncludeInfo
	Media       []*MediaInfo // image and document lines (media.go)
	Tests       []*TestCase
	Vars        map[string]*VarDef
	Request     *Request
	Tokens      Tokens
	Diagnostics []Diagnostic
}

// RenderedBlock is a block's text as sent.
type RenderedBlock struct {
	Block  *Block
	Text   string
	Tokens int // approximate, 0 without a counter
	// Segments are the block's content blocks when it holds images or
	// documents (Text is then its text blocks joined); nil otherwise.
	Segments []Segment
}

// VarDef is a variable defined in the front matter's vars.
type VarDef struct {
	Name    string
	Value   string
	KeyAt   Span
	ValueAt Span
}

// Analyze checks a parsed file and renders it. It never fails: problems are
// in Diagnostics, and Request is nil only when no request can be built.
func Analyze(f *File, ws *Workspace, opts Options) *Result {
	if ws == nil {
		ws = &Workspace{}
	}
	if ws.Catalog == nil {
		ws.Catalog = DefaultCatalog()
	}
	a := &analysis{f: f, ws: ws, opts: opts, r: &Result{File: f, Vars: map[string]*VarDef{}}}
	if looksBinary(f.Src) {
		// One error, not one per line of noise.
		a.errorf("binary", Span{0, 0}, "this is a binary file, not a .prompt text file: nothing in it is read")
		return a.r
	}
	a.diag(f.Problems...)
	a.checkKeys()
	a.readParams()
	a.readVars()
	a.readTests()
	a.chooseValues()
	a.renderBlocks()
	a.checkBlocks()
	a.checkVarUse()
	a.buildRequest()
	a.count()
	a.checkVerdicts() // verdicts.go: what the API would refuse, and caches it would not write
	a.checkSecrets()
	sortDiagnostics(a.r.Diagnostics)
	return a.r
}

// looksBinary says whether src is a binary file, as git tells: a NUL byte in
// its first 8,000 bytes. Text never holds one.
func looksBinary(src []byte) bool {
	return bytes.IndexByte(src[:min(len(src), 8000)], 0) >= 0
}

// analysis carries the state of one Analyze call.
type analysis struct {
	f      *File
	ws     *Workspace
	opts   Options
	r      *Result
	values map[string]string // variable values in force
	used   map[string]bool
	params []Param
	system *Entry // the front matter's system key
	// formatAt is where a structured-output format is set, nil without one.
	formatAt *Span
}

func (a *analysis) diag(d ...Diagnostic) { a.r.Diagnostics = append(a.r.Diagnostics, d...) }

func (a *analysis) errorf(code string, span Span, msg string, fixes ...Fix) {
	a.diag(Diagnostic{Code: code, Severity: Error, Span: span, Message: msg, Fixes: fixes})
}

func (a *analysis) warnf(code string, span Span, msg string, fixes ...Fix) {
	a.diag(Diagnostic{Code: code, Severity: Warning, Span: span, Message: msg, Fixes: fixes})
}

// dir is the folder includes are relative to.
func (a *analysis) dir() string {
	if a.opts.Path == "" {
		return a.root()
	}
	return filepath.Dir(a.opts.Path)
}

// root is the folder includes may not leave.
func (a *analysis) root() string {
	if a.ws.Root != "" {
		return a.ws.Root
	}
	if a.opts.Path != "" {
		return filepath.Dir(a.opts.Path)
	}
	return "."
}

// headerSpan is where a problem of the whole file is shown: the opening
// delimiter, or the first line.
func (a *analysis) headerSpan() Span {
	if a.f.Front != nil {
		return a.f.Front.Open
	}
	m := a.f.Map
	return Span{m.LineStart(0), m.LineEnd(0)}
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return itoa(n) + " " + word + "s"
}

func quoteList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = "`" + s + "`"
	}
	return strings.Join(q, ", ")
}
