package workbench

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/claude-ls/claude-ls/promptfile"
)

// ExportLanguage is a language Export writes.
type ExportLanguage struct {
	ID         string `json:"id"`         // as --lang and the editors' commands name it
	Title      string `json:"title"`      // for menus
	Ext        string `json:"ext"`        // the file extension of the program
	LanguageID string `json:"languageId"` // the LSP language id of the program, for editors
	Executable bool   `json:"executable"` // a script to run as ./name
	write      func(io.Writer, *export) error
}

// ExportLanguages is the one list of export languages: the command line,
// the server's code actions and commands, and the editors (which ask the
// server for it) all take it from here.
var ExportLanguages = []ExportLanguage{
	{ID: "go", Title: "Go", Ext: ".go", LanguageID: "go", write: writeGo},
	{ID: "python", Title: "Python", Ext: ".py", LanguageID: "python", write: writePython},
	{ID: "ts", Title: "TypeScript", Ext: ".ts", LanguageID: "typescript", write: func(w io.Writer, x *export) error { return writeJS(w, x, true) }},
	{ID: "js", Title: "JavaScript", Ext: ".mjs", LanguageID: "javascript", write: func(w io.Writer, x *export) error { return writeJS(w, x, false) }},
	{ID: "curl", Title: "curl", Ext: ".sh", LanguageID: "shellscript", Executable: true, write: writeCurl},
}

// ExportLangs are the languages' ids, in order.
var ExportLangs = func() []string {
	var ids []string
	for _, l := range ExportLanguages {
		ids = append(ids, l.ID)
	}
	return ids
}()

// ExportLanguageOf finds a language by its id.
func ExportLanguageOf(id string) (ExportLanguage, bool) {
	for _, l := range ExportLanguages {
		if l.ID == id {
			return l, true
		}
	}
	return ExportLanguage{}, false
}

// UnknownExportLanguage is the error for a language that is not in the list.
func UnknownExportLanguage(id string) error {
	return fmt.Errorf("cannot export to %q: the languages are %s", id, strings.Join(ExportLangs, ", "))
}

// The Go SDK majors an export imports: v2 speaks API version 2026-10-21,
// v1 speaks 2023-06-01. They are the versions this module's go.mod requires
// (a test checks), so the exports' tests build offline.
const (
	GoSDKModule   = "github.com/anthropics/anthropic-sdk-go/v2"
	GoSDKVersion  = "v2.15.0"
	GoSDK1Module  = "github.com/anthropics/anthropic-sdk-go"
	GoSDK1Version = "v1.84.0"
)

// MaxNonStreamingTokens is the largest max_tokens the SDKs send without
// streaming: they refuse a request that may take longer than 10 minutes,
// reckoned as an hour per 128,000 output tokens.
const MaxNonStreamingTokens = 21_333

// nonStreamingLimits are models with a lower limit, as the SDKs list them.
var nonStreamingLimits = map[string]int{
	"claude-opus-4-0": 8192, "claude-opus-4-20250514": 8192, "claude-4-opus-20250514": 8192,
	"claude-opus-4-1": 8192, "claude-opus-4-1-20250805": 8192,
}

// ErrKeyInRequest refuses an export whose request holds text that looks
// like an API key: the program would carry it.
var ErrKeyInRequest = errors.New("the request holds text that looks like an Anthropic API key: nothing exported (a key belongs in ANTHROPIC_API_KEY, never in a program)")

// Export writes a complete program in lang (go, python, ts, js or curl)
// that sends exactly the request res renders to and prints the reply's text.
// The prompt's variables become parameters of a function, which the program
// calls with the values res was rendered with; opts are the options res was
// analyzed with (their Vars and Test give those values, their Path the file
// the includes are read beside). The key is never in the program: the SDKs
// read ANTHROPIC_API_KEY, the shell script uses $ANTHROPIC_API_KEY.
func Export(res *promptfile.Result, lang string, opts promptfile.Options) (string, error) {
	l, ok := ExportLanguageOf(lang)
	if !ok {
		return "", UnknownExportLanguage(lang)
	}
	if res == nil || res.Request == nil || res.File == nil {
		return "", errors.New("nothing to export: the prompt does not render to a request")
	}
	for _, d := range res.Diagnostics {
		if d.Severity == promptfile.Error {
			return "", errors.New("the prompt has errors: nothing exported (claude-ls check lists them)")
		}
	}
	body, err := res.Request.MarshalJSON()
	if err != nil {
		return "", err
	}
	if promptfile.ContainsKey(body) {
		return "", ErrKeyInRequest
	}
	x, err := newExport(res, opts)
	if err != nil {
		return "", err
	}
	var out bytes.Buffer
	if err := l.write(&out, x); err != nil {
		return "", err
	}
	if promptfile.ContainsKey(out.Bytes()) {
		return "", ErrKeyInRequest
	}
	return out.String(), nil
}

// export is a request taken apart for writing as code: its body as a tree
// whose texts are templates over the function's parameters.
type export struct {
	name      string // the prompt file's name, for comments
	version   string
	legacy    bool
	sampling  []string // temperature, top_p, top_k: in the body, unknown to current SDK majors
	body      *node
	params    []*exportParam
	stream    bool
	streamWhy string
	// files are the images and documents the program reads when it runs
	// (export_media.go), in order of first use.
	files []*fileRef
	whole bool // the body was taken whole from the rendering (fromTree)
}

// exportParam is one of the prompt's variables.
type exportParam struct {
	Name  string // as the prompt writes it
	Value string // the value the request was rendered with
}

// node is a JSON value whose strings may hold parameters.
type node struct {
	kind  nodeKind
	keys  []string // object keys, in order
	elems []*node  // object values or array items
	text  *textTmpl
	raw   string   // a number, true, false or null, as JSON writes it
	file  *fileRef // fileNode: a file's content, read when the program runs
}

type nodeKind int

const (
	objectNode nodeKind = iota
	arrayNode
	textNode
	rawNode
	fileNode // export_media.go
)

// template is a text: literal pieces and parameters. With trim, white space
// at the end is dropped, as claude-ls does at the end of every block: a
// block that ends with a variable needs it whatever the value.
type textTmpl struct {
	segs []segment
	trim bool
}

type segment struct {
	lit   string
	param int // index into export.params, or -1 for lit
}

func (t *textTmpl) hasParams() bool {
	for _, s := range t.segs {
		if s.param >= 0 {
			return true
		}
	}
	return false
}

func (t *textTmpl) eval(values []string) string {
	var b strings.Builder
	for _, s := range t.segs {
		if s.param >= 0 {
			b.WriteString(values[s.param])
		} else {
			b.WriteString(s.lit)
		}
	}
	if t.trim {
		return strings.TrimRight(b.String(), " \t\r\n")
	}
	return b.String()
}

func literal(s string) *node {
	return &node{kind: textNode, text: &textTmpl{segs: []segment{{lit: s, param: -1}}}}
}

func object(keys []string, elems []*node) *node {
	return &node{kind: objectNode, keys: keys, elems: elems}
}

func (n *node) set(key string, v *node) {
	n.keys = append(n.keys, key)
	n.elems = append(n.elems, v)
}

// Sentinels stand for variables in a second rendering, which shows where
// each variable's value lands in the request. They are noncharacters, which
// no prompt has reason to hold; one that does is refused.
const sentinelOpen, sentinelClose = "\uFDD0", "\uFDD1"

// newExport renders the file again with a sentinel for each variable, which
// gives each block's text as a template, then checks that the templates,
// filled with the current values, give exactly the request res holds.
func newExport(res *promptfile.Result, opts promptfile.Options) (*export, error) {
	x := &export{name: displayName(opts.Path), version: res.Version, legacy: res.Version == promptfile.VersionLegacy}
	x.stream, x.streamWhy = needsStream(res)

	f := promptfile.Parse(res.File.Src)
	names := usedVars(f)
	values := currentValues(res, opts, names)
	sentinels := map[string]string{}
	index := map[string]int{}
	for i, name := range names {
		sentinels[name] = sentinelOpen + strconv.Itoa(i) + sentinelClose
		index[sentinelOpen+strconv.Itoa(i)+sentinelClose] = i
	}
	path := opts.Path
	if path != "" {
		if abs, err := filepath.Abs(path); err == nil {
			path = abs
		}
	}
	// Includes are served from what the first rendering read, at the path
	// this rendering will ask for (promptfile resolves a name against the
	// prompt's folder). The root is the file system's: res already checked
	// where includes lead.
	root := filepath.VolumeName(path) + string(filepath.Separator)
	dir := root
	if path != "" {
		dir = filepath.Dir(path)
	}
	included := map[string]string{}
	for _, inc := range res.Includes {
		if inc.Failed {
			continue
		}
		p := filepath.Clean(inc.Part.Name)
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, filepath.FromSlash(inc.Part.Name))
		}
		included[p] = inc.Text
	}
	ws := &promptfile.Workspace{
		Root: root,
		ReadFile: func(p string) ([]byte, error) {
			if text, ok := included[p]; ok {
				// The reader drops one final line break: give it one to drop.
				return []byte(text + "\r\n"), nil
			}
			return nil, fmt.Errorf("%s was not read for the rendering", p)
		},
	}
	media := mediaFiles(res, dir) // export_media.go: images and documents, served like includes
	ws.ReadFile = func(p string) ([]byte, error) {
		if text, ok := included[p]; ok {
			// The reader drops one final line break: give it one to drop.
			return []byte(text + "\r\n"), nil
		}
		if data, ok := media[p]; ok {
			return data, nil
		}
		return nil, fmt.Errorf("%s was not read for the rendering", p)
	}
	tmpl := promptfile.Analyze(f, ws, promptfile.Options{Path: path, Vars: sentinels, Model: res.ModelID})
	if len(tmpl.Blocks) != len(res.Blocks) {
		return nil, errors.New("cannot export: the prompt renders differently a second time")
	}

	paramOf := map[int]int{} // variable index → parameter index
	split := func(text string, trim bool) (*textTmpl, error) {
		t := &textTmpl{trim: trim}
		for text != "" {
			i := strings.Index(text, sentinelOpen)
			if i < 0 {
				t.segs = append(t.segs, segment{lit: text, param: -1})
				break
			}
			j := strings.Index(text[i:], sentinelClose)
			if j < 0 {
				return nil, errors.New("cannot export: the prompt holds the character U+FDD0")
			}
			v, ok := index[text[i:i+j+len(sentinelClose)]]
			if !ok {
				return nil, errors.New("cannot export: the prompt holds the character U+FDD0")
			}
			if i > 0 {
				t.segs = append(t.segs, segment{lit: text[:i], param: -1})
			}
			p, ok := paramOf[v]
			if !ok {
				p = len(x.params)
				paramOf[v] = p
				x.params = append(x.params, &exportParam{Name: names[v], Value: values[names[v]]})
			}
			t.segs = append(t.segs, segment{param: p})
			text = text[i+j+len(sentinelClose):]
		}
		return t, nil
	}

	if hasContentBlocks(res) {
		// Images, documents or tool turns: the body is taken whole from the
		// second rendering (export_media.go).
		return x, x.fromTree(res, tmpl, split)
	}

	type block struct {
		role string
		text *textTmpl
		ttl  string
		at   *promptfile.Block
		want string // the text as rendered
	}
	// Blocks become the request as buildRequest makes it: empty ones left
	// out, system blocks gathered, one message per other block.
	req := res.Request
	var system, messages []block
	for i, rb := range res.Blocks {
		if strings.Contains(rb.Text, sentinelOpen) || strings.Contains(rb.Text, sentinelClose) {
			return nil, errors.New("cannot export: the prompt holds the character U+FDD0 or U+FDD1")
		}
		st := tmpl.Blocks[i].Text
		if rb.Text == "" {
			if st != "" {
				return nil, fmt.Errorf("cannot export: the %s block%s is empty with these values, so claude-ls leaves it out, which the exported function could not do; give its variables values", rb.Block.Role, lineOf(res, rb.Block))
			}
			continue
		}
		t, err := split(st, strings.HasSuffix(st, sentinelClose))
		if err != nil {
			return nil, err
		}
		b := block{role: string(rb.Block.Role), text: t, at: rb.Block, want: rb.Text}
		if rb.Block.Role == promptfile.System {
			if len(system) >= len(req.System) {
				return nil, errors.New("cannot export: the system blocks do not match the request")
			}
			b.ttl = req.System[len(system)].CacheTTL
			system = append(system, b)
		} else {
			if len(messages) >= len(req.Messages) || req.Messages[len(messages)].Role != rb.Block.Role {
				return nil, errors.New("cannot export: the messages do not match the request")
			}
			b.ttl = req.Messages[len(messages)].Content[0].CacheTTL
			messages = append(messages, b)
		}
	}

	// The body, in the order the request writes it.
	x.body = object(nil, nil)
	x.body.set("model", literal(req.Model))
	x.body.set("max_tokens", &node{kind: rawNode, raw: strconv.Itoa(req.MaxTokens)})
	for _, p := range req.Params {
		v, err := parseJSON(p.Value)
		if err != nil {
			return nil, err
		}
		x.body.set(p.Key, v)
		if p.Key == "temperature" || p.Key == "top_p" || p.Key == "top_k" {
			x.sampling = append(x.sampling, p.Key)
		}
	}
	content := func(blocks []block) *node {
		if len(blocks) == 1 && blocks[0].ttl == "" {
			return &node{kind: textNode, text: blocks[0].text}
		}
		list := &node{kind: arrayNode}
		for _, b := range blocks {
			o := object([]string{"type", "text"}, []*node{literal("text"), {kind: textNode, text: b.text}})
			if b.ttl != "" {
				cc := object([]string{"type"}, []*node{literal("ephemeral")})
				if b.ttl == "1h" {
					cc.set("ttl", literal("1h"))
				}
				o.set("cache_control", cc)
			}
			list.elems = append(list.elems, o)
		}
		return list
	}
	if len(system) > 0 {
		x.body.set("system", content(system))
	}
	list := &node{kind: arrayNode}
	for _, m := range messages {
		list.elems = append(list.elems, object([]string{"role", "content"}, []*node{literal(m.role), content([]block{m})}))
	}
	x.body.set("messages", list)

	// The templates with the current values must give the request exactly.
	vals := make([]string, len(x.params))
	for i, p := range x.params {
		vals[i] = p.Value
	}
	check := &promptfile.Request{Model: req.Model, MaxTokens: req.MaxTokens, Params: req.Params}
	for _, b := range system {
		check.System = append(check.System, promptfile.ContentBlock{Text: b.text.eval(vals), CacheTTL: b.ttl})
	}
	for _, m := range messages {
		check.Messages = append(check.Messages, promptfile.Message{Role: promptfile.Role(m.role), Content: []promptfile.ContentBlock{{Text: m.text.eval(vals), CacheTTL: m.ttl}}})
	}
	got, _ := check.MarshalJSON()
	want, _ := req.MarshalJSON()
	if !bytes.Equal(got, want) {
		where := ""
		for _, b := range append(system, messages...) {
			if b.text.eval(vals) != b.want {
				where = " (the " + b.role + " block" + lineOf(res, b.at) + ")"
				break
			}
		}
		return nil, errors.New("cannot export exactly: with these values the exported code would not send the request claude-ls renders" + where +
			"; claude-ls drops blank lines at the start of a block, which a value there may begin with")
	}
	return x, nil
}

func lineOf(res *promptfile.Result, b *promptfile.Block) string {
	if b == nil || res.File == nil || b.Implicit {
		return ""
	}
	line, _ := res.File.Map.Position(b.Line.Start, promptfile.UTF8)
	return " on line " + strconv.Itoa(line+1)
}

// usedVars lists the variables the file names, in order of appearance.
func usedVars(f *promptfile.File) []string {
	var names []string
	seen := map[string]bool{}
	add := func(parts []promptfile.Part) {
		for _, p := range parts {
			if p.Kind == promptfile.Variable && !seen[p.Name] {
				seen[p.Name] = true
				names = append(names, p.Name)
			}
		}
	}
	add(f.SystemParts())
	for _, b := range f.Blocks {
		add(b.Parts)
	}
	return names
}

// currentValues are the values the rendering used: --var, then the test
// case, then the front matter's vars (as promptfile chooses them).
func currentValues(res *promptfile.Result, opts promptfile.Options, names []string) map[string]string {
	values := map[string]string{}
	for name, d := range res.Vars {
		values[name] = d.Value
	}
	if opts.Test != "" {
		for _, tc := range res.Tests {
			if tc.Name == opts.Test {
				for k, v := range tc.Vars {
					values[k] = v
				}
			}
		}
	}
	for k, v := range opts.Vars {
		values[k] = v
	}
	for _, name := range names {
		if _, ok := values[name]; ok || opts.Strict || opts.Test != "" {
			continue
		}
		for _, tc := range res.Tests {
			if v, ok := tc.Vars[name]; ok {
				values[name] = v
				break
			}
		}
	}
	return values
}

// needsStream decides whether the program streams, and says why.
func needsStream(res *promptfile.Result) (bool, string) {
	n := res.MaxTokens
	if n > MaxNonStreamingTokens {
		return true, "max_tokens is " + promptfile.GroupDigits(n) + ", and the SDKs require streaming for a reply that may take longer than 10 minutes"
	}
	if limit, ok := nonStreamingLimits[res.ModelID]; ok && n > limit {
		return true, "max_tokens is " + promptfile.GroupDigits(n) + ", above the " + promptfile.GroupDigits(limit) + " the SDKs allow " + res.ModelID + " without streaming"
	}
	if res.Thinking == "enabled" || res.Thinking == "adaptive" {
		return true, "extended thinking is on, and its replies are long"
	}
	return false, ""
}

// displayName is the file's name for comments: one line, no controls.
func displayName(path string) string {
	if path == "" {
		return "the prompt"
	}
	name := filepath.Base(path)
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == 0x2028 || r == 0x2029 || r == 0x85 {
			return '?'
		}
		return r
	}, name)
}

// parseJSON reads a parameter's JSON value into a tree, keeping key order.
func parseJSON(data []byte) (*node, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var read func() (*node, error)
	read = func() (*node, error) {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case json.Delim:
			n := &node{kind: arrayNode}
			if t == '{' {
				n.kind = objectNode
			}
			for dec.More() {
				if n.kind == objectNode {
					k, err := dec.Token()
					if err != nil {
						return nil, err
					}
					n.keys = append(n.keys, k.(string))
				}
				v, err := read()
				if err != nil {
					return nil, err
				}
				n.elems = append(n.elems, v)
			}
			if _, err := dec.Token(); err != nil { // the closing delimiter
				return nil, err
			}
			return n, nil
		case string:
			return literal(t), nil
		case json.Number:
			return &node{kind: rawNode, raw: t.String()}, nil
		case bool:
			return &node{kind: rawNode, raw: strconv.FormatBool(t)}, nil
		default:
			return &node{kind: rawNode, raw: "null"}, nil
		}
	}
	return read()
}

// idents names the parameters in one language: each variable's name made
// an identifier, away from the language's reserved words and the names
// the program itself uses.
func idents(params []*exportParam, convert func(string) string, reserved map[string]bool) []string {
	used := map[string]bool{}
	out := make([]string, len(params))
	for i, p := range params {
		base := convert(p.Name)
		id := base
		if reserved[id] {
			id = base + "_"
		}
		for n := 2; reserved[id] || used[id]; n++ {
			id = base + strconv.Itoa(n)
		}
		used[id] = true
		out[i] = id
	}
	return out
}

// camel makes first-name or first_name firstName; snake makes first_name.
func camel(name string) string {
	parts := strings.FieldsFunc(name, func(r rune) bool { return r == '-' || r == '_' })
	var b strings.Builder
	for i, p := range parts {
		switch {
		case i == 0 && strings.ToUpper(p) == p:
			b.WriteString(strings.ToLower(p))
		case i == 0:
			b.WriteString(strings.ToLower(p[:1]) + p[1:])
		default:
			b.WriteString(strings.ToUpper(p[:1]) + p[1:])
		}
	}
	return identStart(b.String())
}

func snake(name string) string {
	return identStart(strings.ReplaceAll(name, "-", "_"))
}

func identStart(s string) string {
	if s == "" {
		return "value"
	}
	if s[0] >= '0' && s[0] <= '9' {
		return "v" + s
	}
	return s
}

func wordSet(lists ...string) map[string]bool {
	m := map[string]bool{}
	for _, l := range lists {
		for _, w := range strings.Fields(l) {
			m[w] = true
		}
	}
	return m
}

// printer lays out a tree as a literal of one language: on one line when it
// fits, else one entry a line.
type printer struct {
	objOpen, objClose string
	arrOpen, arrClose string
	pad               string // inside braces of a one-line object: " " in JS
	key               func(string) string
	raw               func(string) string
	text              func(t *textTmpl, indent string) string
	file              func(f *fileRef) string // how the program reads a file (export_media.go)
	comma             bool                    // a comma after the last entry of a multi-line literal
	step              string
	width             int
}

func (p *printer) value(n *node, indent string, col int) string {
	switch n.kind {
	case textNode:
		return p.text(n.text, indent)
	case rawNode:
		return p.raw(n.raw)
	case fileNode:
		return p.file(n.file)
	}
	if s, ok := p.inline(n); ok && col+len(s) <= p.width {
		return s
	}
	open, close := p.objOpen, p.objClose
	if n.kind == arrayNode {
		open, close = p.arrOpen, p.arrClose
	}
	if len(n.elems) == 0 {
		return open + close
	}
	var b strings.Builder
	b.WriteString(open + "\n")
	inner := indent + p.step
	for i, e := range n.elems {
		prefix := inner
		if n.kind == objectNode {
			prefix += p.key(n.keys[i])
		}
		b.WriteString(prefix)
		b.WriteString(p.value(e, inner, len(prefix)))
		if i < len(n.elems)-1 || p.comma {
			b.WriteByte(',')
		}
		b.WriteByte('\n')
	}
	b.WriteString(indent + close)
	return b.String()
}

// inline is n on one line, if it can be.
func (p *printer) inline(n *node) (string, bool) {
	switch n.kind {
	case textNode:
		s := p.text(n.text, "")
		return s, !strings.Contains(s, "\n")
	case rawNode:
		return p.raw(n.raw), true
	case fileNode:
		return p.file(n.file), true
	}
	var parts []string
	for i, e := range n.elems {
		s, ok := p.inline(e)
		if !ok {
			return "", false
		}
		if n.kind == objectNode {
			s = p.key(n.keys[i]) + s
		}
		parts = append(parts, s)
	}
	if n.kind == arrayNode {
		return p.arrOpen + strings.Join(parts, ", ") + p.arrClose, true
	}
	if len(parts) == 0 {
		return p.objOpen + p.objClose, true
	}
	return p.objOpen + p.pad + strings.Join(parts, ", ") + p.pad + p.objClose, true
}

// needsEscape is a character a string literal should not hold as is:
// controls, and what Go does not count as printable (invisible or odd
// spaces, line separators, the byte order mark).
func needsEscape(r rune) bool {
	if r < 0x20 || r == 0x7f {
		return true
	}
	return r >= 0x80 && !strconv.IsPrint(r)
}

// splitLines cuts a template into lines, each keeping its "\n".
func splitLines(t *textTmpl) [][]segment {
	var lines [][]segment
	var cur []segment
	for _, s := range t.segs {
		if s.param >= 0 {
			cur = append(cur, s)
			continue
		}
		text := s.lit
		for {
			i := strings.IndexByte(text, '\n')
			if i < 0 {
				if text != "" {
					cur = append(cur, segment{lit: text, param: -1})
				}
				break
			}
			cur = append(cur, segment{lit: text[:i+1], param: -1})
			lines = append(lines, cur)
			cur = nil
			text = text[i+1:]
		}
	}
	if len(cur) > 0 {
		lines = append(lines, cur)
	}
	return lines
}

func multiline(t *textTmpl) bool {
	for _, s := range t.segs {
		if s.param < 0 && strings.Contains(s.lit, "\n") {
			return true
		}
	}
	return false
}

func (x *export) doc(langIdents []string) string {
	if len(x.params) == 0 {
		return ""
	}
	var parts []string
	for i, p := range x.params {
		if langIdents[i] == p.Name {
			parts = append(parts, "{{"+p.Name+"}}")
		} else {
			parts = append(parts, langIdents[i]+" for {{"+p.Name+"}}")
		}
	}
	return strings.Join(parts, ", ")
}

// wrap fills text into comment lines of at most width columns.
func wrap(prefix, text string, width int) string {
	var b strings.Builder
	line := prefix
	for _, word := range strings.Fields(text) {
		if line != prefix && len(line)+1+len(word) > width {
			b.WriteString(line + "\n")
			line = prefix
		}
		line += " " + word
	}
	b.WriteString(line + "\n")
	return b.String()
}

// andList writes a, b and c.
func andList(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
