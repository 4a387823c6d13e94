package promptfile

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Param is an optional request parameter, in the order the API documents them.
type Param struct {
	Key   string
	Value json.RawMessage
	Entry *Entry
}

var samplingKeys = map[string]bool{"temperature": true, "top_p": true, "top_k": true}

func (a *analysis) checkKeys() {
	fm := a.f.Front
	if fm == nil {
		return
	}
	seen := map[string]*Entry{}
	for _, e := range fm.Entries {
		if _, ok := LookupKey(e.Key); !ok {
			msg, near, ok := unknownKeyMessage(e.Key)
			var fixes []Fix
			if ok {
				fixes = append(fixes, Fix{Title: "Change to `" + near + "`", Edits: []Edit{{Span: e.KeyAt, NewText: near}}})
			}
			a.warnf("unknown-key", e.KeyAt, msg, fixes...)
		}
		if prev, ok := seen[e.Key]; ok {
			a.errorf("duplicate-key", e.KeyAt, "`"+e.Key+"` is given twice (first on line "+itoa(a.f.Map.Line(prev.KeyAt.Start)+1)+")")
		}
		seen[e.Key] = e
	}
}

func (a *analysis) readParams() {
	fm := a.f.Front
	r := a.r
	// API version first: it decides which parameters exist.
	r.Version = VersionCurrent
	if e := fm.Lookup("anthropic_version"); e != nil {
		v := e.Value.Value
		switch {
		case e.Value.Kind != yaml.ScalarNode:
			a.errorf("type", e.At, "`anthropic_version` must be "+VersionCurrent+" or "+VersionLegacy)
		case v == VersionCurrent || v == VersionLegacy:
			r.Version = v
		default:
			a.errorf("api-version", e.At, "unknown API version `"+v+"`: use "+VersionCurrent+" (current) or "+VersionLegacy+" (legacy)",
				Fix{Title: "Use " + VersionCurrent, Edits: []Edit{{Span: e.At, NewText: VersionCurrent}}})
		}
	}
	a.readModel()
	a.readMaxTokens()
	for _, k := range frontKeys {
		if k.Name == "effort" {
			a.readOutputConfig() // output.go: effort, format and output_config are one body field
		}
		if k.Sent != SentInBody || k.check == nil {
			continue
		}
		key := k.Name
		e := fm.Lookup(key)
		if e == nil {
			continue
		}
		if samplingKeys[key] && r.Version != VersionLegacy {
			a.errorf("sampling-removed", Span{e.KeyAt.Start, e.At.End},
				"`"+key+"` was removed in API version "+VersionCurrent+" (the API answers 400 even at its default): remove it, or pin `anthropic_version: "+VersionLegacy+"`",
				Fix{Title: "Remove `" + key + "`", Edits: []Edit{a.removeEntry(e)}},
				a.pinLegacyFix())
			continue
		}
		if !k.check(a, e) {
			continue
		}
		a.addParam(key, e.Value, e)
	}
	if e := fm.Lookup("system"); e != nil {
		if e.Value.Kind != yaml.ScalarNode || e.Value.Tag == "!!null" {
			a.errorf("type", e.At, "`system` must be a string (or write a `system:` block in the body)")
		} else {
			a.system = e
		}
	}
	for _, key := range []string{"name", "description"} {
		if e := fm.Lookup(key); e != nil {
			keyIndex[key].check(a, e)
		}
	}
}

// addParam adds a parameter to the request, as JSON.
func (a *analysis) addParam(key string, v *yaml.Node, e *Entry) {
	js, err := nodeJSON(v)
	if err != nil {
		a.errorf("type", e.At, "`"+key+"`: "+err.Error())
		return
	}
	a.params = append(a.params, Param{Key: key, Value: js, Entry: e})
}

// yamlBroken reports a front matter that did not parse whole.
func (a *analysis) yamlBroken() bool {
	for _, p := range a.f.Problems {
		if p.Code == "yaml-syntax" {
			return true
		}
	}
	return false
}

// removeEntry deletes a top-level key with its value and line break.
func (a *analysis) removeEntry(e *Entry) Edit {
	m := a.f.Map
	start := m.LineStart(m.Line(e.KeyAt.Start))
	endLine := m.Line(max(e.At.End, e.KeyAt.End))
	return Edit{Span: Span{start, m.LineStart(endLine + 1)}}
}

// pinLegacyFix sets anthropic_version to the legacy version.
func (a *analysis) pinLegacyFix() Fix {
	title := "Pin `anthropic_version: " + VersionLegacy + "`"
	if e := a.f.Front.Lookup("anthropic_version"); e != nil {
		return Fix{Title: title, Edits: []Edit{{Span: e.At, NewText: VersionLegacy}}}
	}
	return Fix{Title: title, Edits: []Edit{{Span: Span{a.f.Front.Content.Start, a.f.Front.Content.Start}, NewText: "anthropic_version: " + VersionLegacy + "\n"}}}
}

func (a *analysis) readModel() {
	r := a.r
	e := a.f.Front.Lookup("model")
	id := ""
	span := a.headerSpan()
	switch {
	case a.opts.Model != "":
		id = a.opts.Model
	case e != nil && e.Value.Kind == yaml.ScalarNode && e.Value.Value != "":
		id, span = e.Value.Value, e.At
	case e != nil && e.Value.Kind != yaml.ScalarNode:
		a.errorf("type", e.At, "`model` must be a model id, e.g. `claude-sonnet-4-6`")
		return
	case a.ws.Config != nil && a.ws.Config.DefaultModel != "":
		id = a.ws.Config.DefaultModel
	case a.yamlBroken():
		return // the key may be in the text that does not parse
	default:
		if e != nil {
			span = e.KeyAt
		}
		a.errorf("model-missing", span, "no model: add `model: claude-sonnet-4-6` (or another id) to the front matter, or set `default_model` in .claude-ls.yaml")
		return
	}
	r.ModelID = id
	if m, ok := a.ws.Catalog.Lookup(id); ok {
		r.Model = m
		return
	}
	msg := "unknown model `" + id + "`"
	var fixes []Fix
	if near, ok := Nearest(id, a.ws.Catalog.IDs()); ok {
		msg += ": did you mean `" + near + "`?"
		if e != nil && a.opts.Model == "" {
			fixes = append(fixes, Fix{Title: "Change to `" + near + "`", Edits: []Edit{{Span: e.At, NewText: near}}})
		}
	}
	msg += " (its limits and prices are not known; add it to .claude-ls.yaml under `models:`)"
	a.warnf("model-unknown", span, msg, fixes...)
}

func (a *analysis) readMaxTokens() {
	r := a.r
	e := a.f.Front.Lookup("max_tokens")
	if e == nil {
		if a.ws.Config != nil && a.ws.Config.DefaultMaxTokens > 0 {
			r.MaxTokens = a.ws.Config.DefaultMaxTokens
			a.diag(Diagnostic{Code: "max-tokens-default", Severity: Info, Span: a.headerSpan(),
				Message: "no `max_tokens`: the configured default " + itoa(r.MaxTokens) + " is used"})
			return
		}
		if a.yamlBroken() {
			return // the key may be in the text that does not parse
		}
		span := a.headerSpan()
		fix := Fix{Title: "Add `max_tokens: 1024`"}
		if a.f.Front != nil {
			fix.Edits = []Edit{{Span: Span{a.f.Front.Content.End, a.f.Front.Content.End}, NewText: "max_tokens: 1024\n"}}
		}
		a.errorf("max-tokens-missing", span, "no `max_tokens`: the API requires it; add e.g. `max_tokens: 1024`, or set `default_max_tokens` in .claude-ls.yaml", fix)
		return
	}
	n, ok := intValue(e.Value)
	if !ok {
		a.errorf("type", e.At, "`max_tokens` must be a whole number, e.g. 1024")
		return
	}
	if n < 1 {
		a.errorf("out-of-range", e.At, "`max_tokens` must be at least 1")
		return
	}
	r.MaxTokens = n
	if m := r.Model; m != nil && m.MaxOutput > 0 && n > m.MaxOutput {
		a.errorf("max-tokens-limit", e.At, "`max_tokens` "+GroupDigits(n)+" is above "+m.ID+"'s output limit of "+GroupDigits(m.MaxOutput),
			Fix{Title: "Use the limit, " + itoa(m.MaxOutput), Edits: []Edit{{Span: e.At, NewText: itoa(m.MaxOutput)}}})
	}
}

func checkUnitNumber(a *analysis, e *Entry) bool {
	f, ok := floatValue(e.Value)
	if !ok {
		a.errorf("type", e.At, "`"+e.Key+"` must be a number from 0 to 1")
		return false
	}
	if f < 0 || f > 1 {
		a.errorf("out-of-range", e.At, "`"+e.Key+"` must be from 0 to 1")
		return false
	}
	return true
}

func checkTopK(a *analysis, e *Entry) bool {
	n, ok := intValue(e.Value)
	if !ok {
		a.errorf("type", e.At, "`top_k` must be a whole number")
		return false
	}
	if n < 0 {
		a.errorf("out-of-range", e.At, "`top_k` must be 0 or more")
		return false
	}
	return true
}

func checkStopSequences(a *analysis, e *Entry) bool {
	v := e.Value
	if v.Kind != yaml.SequenceNode {
		a.errorf("type", e.At, "`stop_sequences` must be a list of strings")
		return false
	}
	for _, s := range v.Content {
		if s.Kind != yaml.ScalarNode || s.Tag == "!!null" {
			a.errorf("type", a.f.Front.NodeSpan(s), "each stop sequence must be a string")
			return false
		}
		// YAML reads 42 or true as a number or a boolean, which the
		// request would carry as such; the API takes strings only.
		if s.Tag == "!!int" || s.Tag == "!!float" || s.Tag == "!!bool" {
			a.errorf("type", a.f.Front.NodeSpan(s), "each stop sequence must be a string: write \""+s.Value+"\" in quotes")
			return false
		}
	}
	return true
}

func checkMetadata(a *analysis, e *Entry) bool {
	if e.Value.Kind != yaml.MappingNode {
		a.errorf("type", e.At, "`metadata` must be a map, e.g. `{user_id: abc123}`")
		return false
	}
	return true
}

func checkServiceTier(a *analysis, e *Entry) bool {
	v := e.Value
	if v.Kind != yaml.ScalarNode || !slices.ContainsFunc(serviceTiers, func(kv KeyValue) bool { return kv.Value == v.Value }) {
		a.errorf("out-of-range", e.At, "`service_tier` must be `auto` or `standard_only`")
		return false
	}
	return true
}

func checkString(a *analysis, e *Entry) bool {
	if e.Value.Kind != yaml.ScalarNode {
		a.errorf("type", e.At, "`"+e.Key+"` must be a string")
		return false
	}
	return true
}

func (a *analysis) checkThinking(e *Entry) bool {
	v := e.Value
	t := mapValue(v, "type")
	if v.Kind != yaml.MappingNode || t == nil {
		a.errorf("type", e.At, "`thinking` must be `{type: enabled, budget_tokens: N}`, `{type: adaptive}` or `{type: disabled}`")
		return false
	}
	tSpan := a.f.Front.NodeSpan(t)
	switch t.Value {
	case "enabled", "adaptive", "disabled":
	default:
		a.errorf("out-of-range", tSpan, "`thinking.type` must be enabled, adaptive or disabled")
		return false
	}
	a.r.Thinking = t.Value
	if m := a.r.Model; m != nil && !m.AcceptsThinking(t.Value) {
		msg := m.ID + " does not take `thinking: {type: " + t.Value + "}`"
		if len(m.Thinking) > 0 {
			msg += "; it takes " + quoteList(m.Thinking)
		} else {
			msg += "; it has no extended thinking"
		}
		a.errorf("thinking-mode", tSpan, msg)
	}
	b := mapValue(v, "budget_tokens")
	if t.Value != "enabled" {
		if b != nil {
			a.errorf("thinking-budget", a.f.Front.NodeSpan(b), "`budget_tokens` goes only with `type: enabled`")
		}
		return true
	}
	if b == nil {
		a.errorf("thinking-budget", e.At, "`thinking: {type: enabled}` needs `budget_tokens` (at least 1024, below max_tokens)")
		return true
	}
	n, ok := intValue(b)
	bSpan := a.f.Front.NodeSpan(b)
	switch {
	case !ok:
		a.errorf("type", bSpan, "`budget_tokens` must be a whole number")
	case n < 1024:
		a.errorf("thinking-budget", bSpan, "`budget_tokens` must be at least 1024")
	case a.r.MaxTokens > 0 && n >= a.r.MaxTokens:
		a.errorf("thinking-budget", bSpan, "`budget_tokens` ("+GroupDigits(n)+") must be below `max_tokens` ("+GroupDigits(a.r.MaxTokens)+")")
	}
	return true
}

// mapValue is the value of key in a YAML mapping, or nil.
func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func intValue(n *yaml.Node) (int, bool) {
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
		return 0, false
	}
	i, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64)
	if err != nil || i > math.MaxInt32 || i < math.MinInt32 {
		return 0, false
	}
	return int(i), true
}

func floatValue(n *yaml.Node) (float64, bool) {
	if n == nil || n.Kind != yaml.ScalarNode || (n.Tag != "!!int" && n.Tag != "!!float") {
		return 0, false
	}
	f, err := strconv.ParseFloat(n.Value, 64)
	return f, err == nil && !math.IsNaN(f) && !math.IsInf(f, 0)
}

// nodeJSON converts YAML to JSON, keeping the order of keys as written.
func nodeJSON(n *yaml.Node) (json.RawMessage, error) {
	var buf bytes.Buffer
	if err := writeJSON(&buf, n, 0); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func writeJSON(buf *bytes.Buffer, n *yaml.Node, depth int) error {
	if depth > 64 {
		return fmt.Errorf("nested too deeply")
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			buf.WriteString("null")
			return nil
		}
		return writeJSON(buf, n.Content[0], depth+1)
	case yaml.AliasNode:
		if n.Alias == nil {
			return fmt.Errorf("unknown alias")
		}
		return writeJSON(buf, n.Alias, depth+1)
	case yaml.MappingNode:
		buf.WriteByte('{')
		for i := 0; i+1 < len(n.Content); i += 2 {
			if i > 0 {
				buf.WriteByte(',')
			}
			k, _ := json.Marshal(n.Content[i].Value)
			buf.Write(k)
			buf.WriteByte(':')
			if err := writeJSON(buf, n.Content[i+1], depth+1); err != nil {
				return err
			}
		}
		buf.WriteByte('}')
	case yaml.SequenceNode:
		buf.WriteByte('[')
		for i, c := range n.Content {
			if i > 0 {
				buf.WriteByte(',')
			}
			if err := writeJSON(buf, c, depth+1); err != nil {
				return err
			}
		}
		buf.WriteByte(']')
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			buf.WriteString("null")
		case "!!bool":
			var b bool
			if err := n.Decode(&b); err != nil {
				return err
			}
			buf.WriteString(strconv.FormatBool(b))
		case "!!int":
			i, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64)
			if err != nil {
				return fmt.Errorf("%q is not a number JSON can hold", n.Value)
			}
			buf.WriteString(strconv.FormatInt(i, 10))
		case "!!float":
			f, ok := floatValue(n)
			if !ok {
				return fmt.Errorf("%q is not a number JSON can hold", n.Value)
			}
			buf.WriteString(strconv.FormatFloat(f, 'g', -1, 64))
		default:
			buf.Write(mustJSON(n.Value))
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func itoa(n int) string { return strconv.Itoa(n) }

// GroupDigits writes 1234567 as "1,234,567".
func GroupDigits(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
