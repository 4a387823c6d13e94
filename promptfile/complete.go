package promptfile

import (
	"bytes"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// CompletionKind says what is being typed at a position.
type CompletionKind int

const (
	NoCompletion       CompletionKind = iota
	KeyCompletion                     // a top-level front matter key, at the start of a front matter line
	ModelCompletion                   // the model id after `model:`
	ValueCompletion                   // the value of a key with a fixed set of values (anthropic_version, effort, service_tier)
	RoleCompletion                    // a role line, at the start of a body line
	AttrCompletion                    // a role line's attribute, after its colon
	VarCompletion                     // a variable name inside {{ }}
	PathCompletion                    // a path inside {{file "…"}}, {{image "…"}} or {{document "…"}}
	ToolNameCompletion                // a tool's name after `tool_use:` (complete_media.go)
	ToolIDCompletion                  // a tool call's id after `tool_result: id=`
)

// CompletionSite is what is being typed at a position and where.
type CompletionSite struct {
	Kind    CompletionKind
	Replace Span   // the word being typed: the chosen item replaces it
	Prefix  string // the part of that word before the cursor
	Key     string // ValueCompletion: the key whose value is typed
	Dir     string // PathCompletion: the folder part typed before the word, e.g. "docs/", relative to the prompt
	Lead    string // text an item needs before it, e.g. the space after a colon the user has not typed
	Closed  bool   // what follows the word already closes it: `:` after a key, `}}` after a variable, `"` after a path
	// PathKind is Image or Document for the path of such a line (PathFits
	// says which files it takes), 0 for an include.
	PathKind PartKind
}

// Completion is one proposal for a site.
type Completion struct {
	Label       string
	Description string // shown next to the label, e.g. a model's display name
	Detail      string // one line
	Doc         string // markdown
	Text        string // the plain text that replaces the site
	Snippet     string // the same as an LSP snippet, when it has placeholders; "" otherwise
	Sort        string // sort key; "" keeps the label order
}

// CompletionAt finds what is being typed at byte offset off of src. It reads
// only the cursor's line and the front matter delimiters, so it is cheap
// enough to run on every keystroke of a large prompt.
func CompletionAt(src []byte, off int) CompletionSite {
	if off < 0 || off > len(src) {
		return CompletionSite{}
	}
	ls := bytes.LastIndexByte(src[:off], '\n') + 1
	if ls == 0 && bytes.HasPrefix(src, bom) {
		ls = len(bom)
	}
	le := len(src)
	if k := bytes.IndexByte(src[ls:], '\n'); k >= 0 {
		le = ls + k
	}
	if le > ls && src[le-1] == '\r' {
		le--
	}
	if off < ls || off > le {
		return CompletionSite{}
	}
	reg, frontKey := regionOf(src, ls)
	if reg == noRegion {
		return CompletionSite{}
	}
	if site, ok := templateSite(src, ls, off, le); ok {
		if reg == bodyRegion || frontKey == "system" {
			return site
		}
		return CompletionSite{}
	}
	if reg == frontRegion {
		return frontSite(src, ls, off, le)
	}
	if site, ok := toolSite(src, ls, off, le); ok { // complete_media.go
		return site
	}
	return bodySite(src, ls, off, le)
}

type region int

const (
	noRegion    region = iota // a delimiter line
	frontRegion               // a line of the front matter's YAML
	bodyRegion                // a line of the body
)

// regionOf says where the line starting at ls lies and, in the front matter,
// which top-level key it belongs to. It follows Parse: the front matter ends
// at the next --- line or, when there is none, at the first role line.
func regionOf(src []byte, ls int) (region, string) {
	first := 0
	if bytes.HasPrefix(src, bom) {
		first = len(bom)
	}
	if !isDelimiter(lineAt(src, first)) {
		return bodyRegion, ""
	}
	if ls <= first {
		return noRegion, ""
	}
	end := -1 // start of the line that ends the front matter
	for p := nextLine(src, first); p >= 0; p = nextLine(src, p) {
		if isDelimiter(lineAt(src, p)) {
			end = p
			break
		}
	}
	closed := end >= 0
	if !closed {
		for p := nextLine(src, first); p >= 0; p = nextLine(src, p) {
			if _, ok := parseRoleLine(lineAt(src, p)); ok {
				end = p
				break
			}
		}
	}
	switch {
	case end < 0 || ls < end:
	case ls == end && closed:
		return noRegion, ""
	default:
		return bodyRegion, ""
	}
	// The key a line belongs to is the last line above (or at) it that
	// starts at column 0.
	key := ""
	for p := nextLine(src, first); p >= 0 && p <= ls; p = nextLine(src, p) {
		line := lineAt(src, p)
		if len(line) > 0 && line[0] != ' ' && line[0] != '\t' && line[0] != '#' && line[0] != '-' {
			key = string(bytes.TrimSpace(line[:max(bytes.IndexByte(line, ':'), 0)]))
		}
	}
	return frontRegion, key
}

// lineAt is the text of the line starting at p, without its line break.
func lineAt(src []byte, p int) []byte {
	e := len(src)
	if k := bytes.IndexByte(src[p:], '\n'); k >= 0 {
		e = p + k
	}
	return bytes.TrimSuffix(src[p:e], []byte("\r"))
}

// nextLine is the start of the line after the one holding p, or -1.
func nextLine(src []byte, p int) int {
	k := bytes.IndexByte(src[p:], '\n')
	if k < 0 {
		return -1
	}
	return p + k + 1
}

func isKeyByte(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' }

func isVarByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' }

// wordEnd extends a word from off while ok holds, up to le.
func wordEnd(src []byte, off, le int, ok func(byte) bool) int {
	for off < le && ok(src[off]) {
		off++
	}
	return off
}

// wordStart extends a word back from off while ok holds, down to ls.
func wordStart(src []byte, ls, off int, ok func(byte) bool) int {
	for off > ls && ok(src[off-1]) {
		off--
	}
	return off
}

func site(kind CompletionKind, src []byte, start, off, end int) CompletionSite {
	return CompletionSite{Kind: kind, Replace: Span{start, end}, Prefix: string(src[start:off])}
}

// templateSite finds a variable or include path being typed inside {{ }}.
func templateSite(src []byte, ls, off, le int) (CompletionSite, bool) {
	before := src[ls:off]
	open := bytes.LastIndex(before, []byte("{{"))
	if open < 0 || bytes.Contains(before[open:], []byte("}}")) {
		return CompletionSite{}, false
	}
	if open > 0 && before[open-1] == '\\' {
		return CompletionSite{}, false // \{{ is a literal
	}
	inner := before[open+2:]
	rest := bytes.TrimLeft(inner, " \t")
	switch {
	case len(rest) > 0 && rest[0] == '!':
		return CompletionSite{}, false // a comment
	case isVarName(rest) || len(rest) == 0:
		start := wordStart(src, ls, off, isVarByte)
		end := wordEnd(src, off, le, isVarByte)
		s := site(VarCompletion, src, start, off, end)
		s.Closed = bytes.HasPrefix(bytes.TrimLeft(src[end:le], " \t"), []byte("}}"))
		return s, true
	case bytes.HasPrefix(rest, []byte("file")) && len(rest) > 4 && isSpace(rest[4]):
		return quotedPathSite(src, off, le, rest[4:])
	}
	return mediaPathSite(src, ls, off, le, rest) // complete_media.go
}

// quotedPathSite finds the path being typed in an argument `"dir/na`
// (arg is the text after the helper's name, the cursor at its end): the
// word after the last slash is replaced, and Dir is what comes before it.
func quotedPathSite(src []byte, off, le int, arg []byte) (CompletionSite, bool) {
	arg = bytes.TrimLeft(arg, " \t")
	if len(arg) == 0 || arg[0] != '"' || bytes.IndexByte(arg[1:], '"') >= 0 {
		return CompletionSite{}, false
	}
	typed := arg[1:]
	slash := bytes.LastIndexByte(typed, '/')
	start := off - (len(typed) - slash - 1)
	end := wordEnd(src, off, le, func(c byte) bool { return c != '"' && c != '/' && c != '}' })
	s := site(PathCompletion, src, start, off, end)
	s.Dir = string(typed[:slash+1])
	s.Closed = end < le && src[end] == '"'
	return s, true
}

// frontSite finds a key or a value being typed on a front matter line.
func frontSite(src []byte, ls, off, le int) CompletionSite {
	if wordStart(src, ls, off, isKeyByte) == ls {
		end := wordEnd(src, off, le, isKeyByte)
		s := site(KeyCompletion, src, ls, off, end)
		s.Closed = bytes.HasPrefix(bytes.TrimLeft(src[end:le], " \t"), []byte(":"))
		return s
	}
	keyEnd := wordEnd(src, ls, off, isKeyByte)
	if keyEnd == ls {
		return CompletionSite{}
	}
	key := string(src[ls:keyEnd])
	i := keyEnd
	for i < off && isSpace(src[i]) {
		i++
	}
	if i >= off || src[i] != ':' {
		return CompletionSite{}
	}
	colon := i
	i++
	for i < off && isSpace(src[i]) {
		i++
	}
	if i < off && (src[i] == '"' || src[i] == '\'') {
		i++
	}
	valueByte := func(c byte) bool { return c != ' ' && c != '\t' && c != '"' && c != '\'' && c != '#' }
	if wordStart(src, i, off, valueByte) != i {
		return CompletionSite{} // more than one word: not an id
	}
	var kind CompletionKind
	switch key {
	case "model":
		kind = ModelCompletion
	default:
		if spec, ok := LookupKey(key); !ok || len(spec.Values) == 0 {
			return CompletionSite{}
		}
		kind = ValueCompletion
	}
	s := site(kind, src, i, off, wordEnd(src, off, le, valueByte))
	s.Key = key
	if i == colon+1 {
		s.Lead = " " // YAML needs a space after the colon
	}
	return s
}

// bodySite finds a role line or its attribute being typed.
func bodySite(src []byte, ls, off, le int) CompletionSite {
	lower := func(c byte) bool { return c >= 'a' && c <= 'z' }
	i := wordEnd(src, ls, off, isSpace)
	start := i
	i = wordEnd(src, i, off, lower)
	if i == off {
		end := wordEnd(src, off, le, lower)
		if end < le && src[end] == ':' {
			end++
		}
		return site(RoleCompletion, src, start, off, end)
	}
	role := Role(src[start:i])
	if role != System && role != User && role != Assistant {
		return CompletionSite{}
	}
	i = wordEnd(src, i, off, isSpace)
	if i >= off || src[i] != ':' {
		return CompletionSite{}
	}
	colon := i
	i = wordEnd(src, i+1, off, isSpace)
	notSpace := func(c byte) bool { return !isSpace(c) }
	if wordStart(src, i, off, notSpace) != i {
		return CompletionSite{}
	}
	s := site(AttrCompletion, src, i, off, wordEnd(src, off, le, notSpace))
	if i == colon+1 {
		s.Lead = " "
	}
	return s
}

// Complete lists the proposals for a site, from an analysis of the file and
// a catalog of models. Paths are not listed here: the engine does no I/O.
func Complete(r *Result, cat *Catalog, s CompletionSite) []Completion {
	if cat == nil {
		cat = DefaultCatalog()
	}
	var out []Completion
	switch s.Kind {
	case KeyCompletion:
		out = completeKeys(r, s)
	case ModelCompletion:
		out = completeModels(cat)
	case ValueCompletion:
		out = completeValues(r, s.Key)
	case RoleCompletion:
		out = completeRoles(r, s)
	case AttrCompletion:
		out = []Completion{
			{Label: "cache", Detail: "cache breakpoint, 5 minutes", Text: "cache",
				Doc: "Caches the request's prefix up to the end of this block for 5 minutes (`cache_control: {type: ephemeral}`). Writing the cache costs 1.25× the input price, reading it 0.1×. At most 4 breakpoints per request."},
			{Label: "cache=1h", Detail: "cache breakpoint, 1 hour", Text: "cache=1h",
				Doc: "Caches the request's prefix up to the end of this block for 1 hour (`ttl: \"1h\"`). Writing the cache costs 2× the input price, reading it 0.1×. At most 4 breakpoints per request."},
		}
	case VarCompletion:
		out = completeVars(r, s)
	case ToolNameCompletion, ToolIDCompletion:
		out = completeTools(r, s) // complete_media.go
	}
	for i := range out {
		c := &out[i]
		if c.Text == "" {
			c.Text = c.Label
		}
		c.Text = s.Lead + c.Text
		if c.Snippet != "" {
			c.Snippet = s.Lead + c.Snippet
		}
	}
	return out
}

func completeKeys(r *Result, s CompletionSite) []Completion {
	present := map[string]bool{}
	if r != nil && r.File != nil && r.File.Front != nil {
		for _, e := range r.File.Front.Entries {
			if e.KeyAt.End < s.Replace.Start || e.KeyAt.Start > s.Replace.End {
				present[e.Key] = true
			}
		}
	}
	var out []Completion
	for _, spec := range frontKeys {
		k := spec.Name
		if present[k] || spec.DeprecatedFor != "" {
			continue
		}
		c := Completion{Label: k, Detail: shortDoc(spec.Doc), Doc: spec.Doc, Text: k}
		if !s.Closed {
			c.Text, c.Snippet = keyInsert(r, k)
		}
		out = append(out, c)
	}
	return out
}

// keyInsert is what a key inserts: plain text, and a snippet for keys whose
// value has a shape worth writing out.
func keyInsert(r *Result, k string) (text, snippet string) {
	switch k {
	case "thinking":
		if r != nil && r.Model != nil && r.Model.AcceptsThinking("adaptive") {
			return "thinking:\n  type: adaptive", ""
		}
		budget := 1024
		if r != nil && r.MaxTokens > 2048 {
			budget = max(1024, r.MaxTokens/2/1024*1024)
		}
		b := itoa(budget)
		return "thinking:\n  type: enabled\n  budget_tokens: " + b,
			"thinking:\n  type: enabled\n  budget_tokens: ${1:" + b + "}$0"
	case "tools":
		return "tools:\n  - name: get_weather\n    description: Get the current weather in a city\n    input_schema:\n      type: object\n      properties:\n        city:\n          type: string\n      required: [city]",
			"tools:\n  - name: ${1:get_weather}\n    description: ${2:Get the current weather in a city}\n    input_schema:\n      type: object\n      properties:\n        ${3:city}:\n          type: string\n      required: [${3:city}]$0"
	case "format":
		return "format:\n  type: object\n  properties:\n    answer:\n      type: string\n  required: [answer]\n  additionalProperties: false",
			"format:\n  type: object\n  properties:\n    ${1:answer}:\n      type: ${2:string}\n  required: [${1:answer}]\n  additionalProperties: false$0"
	case "tests":
		name := "topic"
		if names := varNames(r); len(names) > 0 {
			name = names[0]
		}
		return "tests:\n  - name: first case\n    " + name + ": value",
			"tests:\n  - name: ${1:first case}\n    " + snippetEscape(name) + ": ${2:value}$0"
	}
	return k + ": ", ""
}

// varNames lists the variables a file names, in order of first appearance:
// vars, then uses in the text.
func varNames(r *Result) []string {
	if r == nil {
		return nil
	}
	var names []string
	seen := map[string]bool{}
	add := func(n string) {
		if !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	defs := make([]*VarDef, 0, len(r.Vars))
	for _, d := range r.Vars {
		defs = append(defs, d)
	}
	sort.Slice(defs, func(i, j int) bool { return defs[i].KeyAt.Start < defs[j].KeyAt.Start })
	for _, d := range defs {
		add(d.Name)
	}
	if r.File != nil {
		for _, b := range r.File.Blocks {
			for _, p := range b.Parts {
				if p.Kind == Variable {
					add(p.Name)
				}
			}
		}
	}
	return names
}

// shortDoc is the first clause of a key's documentation.
func shortDoc(doc string) string {
	tick := false
	for i := 0; i < len(doc); i++ {
		switch {
		case doc[i] == '`':
			tick = !tick
		case !tick && (doc[i] == ':' || doc[i] == '.') && (i+1 == len(doc) || doc[i+1] == ' '):
			return doc[:i]
		}
	}
	return doc
}

func snippetEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `$`, `\$`, `}`, `\}`).Replace(s)
}

// completeModels lists every name of every model the API still serves
// today; a deprecated one says when it retires.
func completeModels(cat *Catalog) []Completion {
	var out []Completion
	now := time.Now()
	for i, m := range cat.Models() {
		life := m.LifecycleOn(now)
		if life == Retired {
			continue
		}
		for j, n := range m.Names() {
			if got, ok := cat.Lookup(n); !ok || got != m {
				continue
			}
			c := Completion{Label: n, Description: m.DisplayName, Detail: ModelPriceLine(m), Doc: modelDoc(m, n)}
			if life == Deprecated && m.RetiresOn != "" {
				c.Detail += " · deprecated, retires " + m.RetiresOn
			}
			// Canonical ids first, newest first as the data lists them; then
			// aliases and dated ids.
			rank := 0
			if j > 0 {
				rank = 1
			}
			c.Sort = fmt.Sprintf("%d-%03d-%03d", rank, i, j)
			out = append(out, c)
		}
	}
	return out
}

// ModelPriceLine is a model's prices and context in one line:
// "$3 / $15 per MTok · 1M context".
func ModelPriceLine(m *Model) string {
	return m.Pricing.InputPerMTok.Short() + " / " + m.Pricing.OutputPerMTok.Short() + " per MTok · " + ShortTokens(m.ContextWindow) + " context"
}

func modelDoc(m *Model, name string) string {
	var b strings.Builder
	title := m.DisplayName
	if title == "" {
		title = m.ID
	}
	b.WriteString("**" + title + "**")
	if name != m.ID {
		b.WriteString(" (`" + name + "` names `" + m.ID + "`)")
	}
	b.WriteString("\n\n")
	b.WriteString("- Input " + m.Pricing.InputPerMTok.Short() + ", output " + m.Pricing.OutputPerMTok.Short() + " per million tokens\n")
	if lc := m.Pricing.LongContext; lc != nil {
		b.WriteString("- Above " + ShortTokens(int(lc.ThresholdTokens)) + " input tokens: " + lc.InputPerMTok.Short() + " / " + lc.OutputPerMTok.Short() + "\n")
	}
	b.WriteString("- Context window " + GroupDigits(m.ContextWindow) + " tokens, output up to " + GroupDigits(m.MaxOutput) + "\n")
	thinking := slices.Clone(m.Thinking)
	if !m.RejectsDisabledThinking {
		thinking = append(thinking, "disabled")
	}
	if len(thinking) > 0 {
		b.WriteString("- Thinking: " + quoteList(thinking) + "\n")
	}
	if m.Prefill {
		b.WriteString("- Takes an assistant prefill\n")
	} else {
		b.WriteString("- No assistant prefill\n")
	}
	if m.Source != "" {
		b.WriteString("\n[Source](" + m.Source + ")")
	}
	return b.String()
}

// Short formats a price for a label: whole dollars without decimals ("$3"),
// otherwise at least two decimals ("$0.80", "$1.25").
func (u USD) Short() string {
	d := u.Decimal()
	sign := ""
	if strings.HasPrefix(d, "-") {
		sign, d = "-", d[1:]
	}
	if i := strings.IndexByte(d, '.'); i >= 0 && len(d)-i-1 < 2 {
		d += strings.Repeat("0", 2-(len(d)-i-1))
	}
	return sign + "$" + d
}

// ShortTokens formats a token count for a label: "1M", "200K", "1.5M".
func ShortTokens(n int) string {
	trim := func(s string) string {
		if strings.Contains(s, ".") {
			s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
		}
		return s
	}
	switch {
	case n >= 1_000_000:
		return trim(fmt.Sprintf("%.2f", float64(n)/1e6)) + "M"
	case n >= 1_000:
		return trim(fmt.Sprintf("%.1f", float64(n)/1e3)) + "K"
	}
	return itoa(n)
}

// completeValues lists the values of a key with a fixed set, those that
// suit this rendering's model.
func completeValues(r *Result, key string) []Completion {
	spec, ok := LookupKey(key)
	if !ok {
		return nil
	}
	var out []Completion
	for _, v := range spec.ValuesFor(r) {
		out = append(out, Completion{Label: v.Value, Detail: v.Detail, Doc: spec.Doc})
	}
	return out
}

func completeRoles(r *Result, s CompletionSite) []Completion {
	hasSystem := false
	if r != nil && r.File != nil {
		for _, b := range r.File.Blocks {
			if b.Role == System && !b.Implicit && !b.Line.Contains(s.Replace.Start) {
				hasSystem = true
			}
		}
		if r.File.Front.Lookup("system") != nil {
			hasSystem = true
		}
	}
	var out []Completion
	if !hasSystem {
		out = append(out, Completion{Label: "system:", Detail: "the system prompt", Sort: "0",
			Doc: "Starts the system prompt: instructions the model follows for the whole conversation. At most one, before every message. `system: cache` or `system: cache=1h` makes it a cache breakpoint."})
	}
	return append(append(out,
		Completion{Label: "user:", Detail: "a user message", Sort: "1",
			Doc: "Starts a message from the user. The first message must be `user`. `user: cache` makes it a cache breakpoint."},
		Completion{Label: "assistant:", Detail: "an assistant message (last: a prefill)", Sort: "2",
			Doc: "Starts a message from the model: an earlier reply, or, as the last block, a prefill the model continues (some models do not take a prefill)."},
	), toolTurnCompletions(r)...) // complete_media.go
}

func completeVars(r *Result, s CompletionSite) []Completion {
	if r == nil {
		return nil
	}
	type info struct {
		value, detail string
		doc           []string
	}
	var order []string
	vars := map[string]*info{}
	get := func(n string) *info {
		if v, ok := vars[n]; ok {
			return v
		}
		v := &info{}
		vars[n] = v
		order = append(order, n)
		return v
	}
	for _, n := range varNames(r) {
		if d, ok := r.Vars[n]; ok {
			v := get(n)
			v.detail = oneLine(d.Value)
			v.doc = append(v.doc, "- default (vars): `"+oneLine(d.Value)+"`")
		}
	}
	for _, tc := range r.Tests {
		names := make([]string, 0, len(tc.Vars))
		for n := range tc.Vars {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			v := get(n)
			if v.detail == "" {
				v.detail = oneLine(tc.Vars[n]) + " (test " + tc.Name + ")"
			}
			v.doc = append(v.doc, "- test `"+tc.Name+"`: `"+oneLine(tc.Vars[n])+"`")
		}
	}
	if r.File != nil {
		for _, b := range r.File.Blocks {
			for _, p := range b.Parts {
				if p.Kind == Variable && !p.NameSpan.Contains(s.Replace.Start) {
					if v := get(p.Name); v.detail == "" && len(v.doc) == 0 {
						v.detail = "no value"
					}
				}
			}
		}
	}
	out := make([]Completion, 0, len(order))
	for i, n := range order {
		v := vars[n]
		text := n
		if !s.Closed {
			text += "}}"
		}
		doc := "Variable `" + n + "`"
		if len(v.doc) > 0 {
			doc += "\n\n" + strings.Join(v.doc, "\n")
		} else {
			doc += ": no value yet; define it under `vars:` or in a test case"
		}
		out = append(out, Completion{Label: n, Detail: v.detail, Doc: doc, Text: text, Sort: fmt.Sprintf("%03d", i)})
	}
	return out
}

// oneLine shortens a value for a one-line detail.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 60 {
		s = string(r[:59]) + "…"
	}
	return s
}
