package promptfile

import (
	"bytes"
	"slices"

	"go.yaml.in/yaml/v3"
)

// readOutputConfig reads the output settings (spec section 8) into one
// `output_config` parameter: the keys `effort` and `format` (a bare schema
// is wrapped as {type: json_schema, schema}), or an `output_config:` mapping
// written out, or the deprecated `output_format`.
func (a *analysis) readOutputConfig() {
	fm := a.f.Front
	oc, effort, format := fm.Lookup("output_config"), fm.Lookup("effort"), fm.Lookup("format")
	if old := fm.Lookup("output_format"); old != nil {
		var fixes []Fix
		if format == nil {
			fixes = append(fixes, Fix{Title: "Rename to `format`", Edits: []Edit{{Span: old.KeyAt, NewText: "format"}}})
			format = old
		} else {
			a.errorf("duplicate-key", old.KeyAt, "`output_format` and `format` are the same setting: keep `format`", Fix{Title: "Remove `output_format`", Edits: []Edit{a.removeEntry(old)}})
		}
		a.warnf("output-format-deprecated", old.KeyAt, "`output_format` is the deprecated name of `format`", fixes...)
	}
	var effortNode, formatNode *yaml.Node
	var effortEntry, formatEntry *Entry // the short form's entries, for fixes
	wrapped := false                    // format must be {type: json_schema, schema}
	switch {
	case oc != nil:
		for _, e := range []*Entry{effort, format} {
			if e != nil {
				a.errorf("output-config-twice", e.KeyAt, "`"+e.Key+"` and `output_config:` both set the output settings: write them in one form")
			}
		}
		if oc.Value.Kind != yaml.MappingNode {
			a.errorf("type", oc.At, "`output_config` must be a map: `{effort: LEVEL, format: {type: json_schema, schema: ...}}`")
			return
		}
		for i := 0; i+1 < len(oc.Value.Content); i += 2 {
			k := oc.Value.Content[i]
			switch k.Value {
			case "effort":
				effortNode = oc.Value.Content[i+1]
			case "format":
				formatNode = oc.Value.Content[i+1]
			default:
				msg := "unknown `output_config` field `" + k.Value + "`"
				if near, ok := Nearest(k.Value, []string{"effort", "format"}); ok {
					msg += ": did you mean `" + near + "`?"
				}
				a.errorf("output-config-field", fm.NodeSpan(k), msg+" (the API refuses unknown fields)")
			}
		}
		wrapped = true
	default:
		effortEntry, formatEntry = effort, format
		if effort != nil {
			effortNode = effort.Value
		}
		if format != nil {
			formatNode = format.Value
		}
	}
	var body bytes.Buffer
	if effortNode != nil && a.checkEffort(effortNode, effortEntry) {
		body.WriteString(`"effort":`)
		body.Write(mustJSON(effortNode.Value))
	}
	if formatNode != nil {
		if js, ok := a.readFormat(formatNode, formatEntry, wrapped); ok {
			if body.Len() > 0 {
				body.WriteByte(',')
			}
			body.WriteString(`"format":`)
			body.Write(js)
		}
	}
	if body.Len() == 0 {
		return
	}
	entry := oc
	for _, e := range []*Entry{effortEntry, formatEntry} {
		if entry == nil {
			entry = e
		}
	}
	a.params = append(a.params, Param{Key: "output_config", Value: append(append([]byte{'{'}, body.Bytes()...), '}'), Entry: entry})
}

// checkEffort checks an effort level against the levels and the model.
func (a *analysis) checkEffort(n *yaml.Node, short *Entry) bool {
	span := a.f.Front.NodeSpan(n)
	if n.Kind != yaml.ScalarNode || !slices.Contains(EffortLevels, n.Value) {
		msg := "`effort` must be one of " + quoteList(EffortLevels)
		var fixes []Fix
		if n.Kind == yaml.ScalarNode {
			if near, ok := Nearest(n.Value, EffortLevels); ok {
				msg += ": did you mean `" + near + "`?"
				fixes = append(fixes, Fix{Title: "Use `" + near + "`", Edits: []Edit{{Span: span, NewText: near}}})
			}
		}
		a.errorf("out-of-range", span, msg, fixes...)
		return false
	}
	m := a.r.Model
	if m == nil || m.TakesEffort(n.Value) {
		return true
	}
	if len(m.Effort) == 0 {
		var fixes []Fix
		if short != nil {
			fixes = append(fixes, Fix{Title: "Remove `effort`", Edits: []Edit{a.removeEntry(short)}})
		}
		a.errorf("effort-model", span, m.ID+" takes no `effort` setting: the API refuses it", fixes...)
		return false
	}
	// The nearest level the model takes, looking down first.
	i := slices.Index(EffortLevels, n.Value)
	best := ""
	for d := 1; d < len(EffortLevels) && best == ""; d++ {
		for _, j := range []int{i - d, i + d} {
			if j >= 0 && j < len(EffortLevels) && m.TakesEffort(EffortLevels[j]) && best == "" {
				best = EffortLevels[j]
			}
		}
	}
	var fixes []Fix
	if best != "" {
		fixes = append(fixes, Fix{Title: "Use `" + best + "`", Edits: []Edit{{Span: span, NewText: best}}})
	}
	a.errorf("effort-model", span, m.ID+" does not take effort `"+n.Value+"`; it takes "+quoteList(m.Effort), fixes...)
	return false
}

// readFormat checks a format and returns its JSON as sent:
// {"type":"json_schema","schema":...}. wrapped says it must be written so
// (inside output_config); otherwise a bare schema is wrapped.
func (a *analysis) readFormat(n *yaml.Node, short *Entry, wrapped bool) ([]byte, bool) {
	fm := a.f.Front
	span := fm.NodeSpan(n)
	if short != nil {
		span = Span{short.KeyAt.Start, short.KeyAt.End}
	}
	if n.Kind != yaml.MappingNode {
		a.errorf("type", fm.NodeSpan(n), "`format` must be a JSON Schema written as a map, or `{type: json_schema, schema: ...}`")
		return nil, false
	}
	a.formatAt = &span
	if m := a.r.Model; m != nil && !m.StructuredOutputs {
		a.errorf("format-model", span, m.ID+" takes no structured outputs (`format`): the API refuses it")
		return nil, false
	}
	schema := n
	isWrapped := false
	if t := mapValue(n, "type"); t != nil && t.Value == "json_schema" {
		isWrapped = true
		if schema = mapValue(n, "schema"); schema == nil {
			a.errorf("format-schema", fm.NodeSpan(t), "`format: {type: json_schema}` needs its `schema`")
			return nil, false
		}
	} else if wrapped {
		a.errorf("format-schema", fm.NodeSpan(n), "`output_config.format` must be `{type: json_schema, schema: SCHEMA}` (the short `format` key takes a bare schema)")
		return nil, false
	}
	if !a.checkSchema(schema) {
		return nil, false
	}
	if isWrapped {
		js, err := nodeJSON(n)
		if err != nil {
			a.errorf("type", fm.NodeSpan(n), "`format`: "+err.Error())
			return nil, false
		}
		return js, true
	}
	js, err := nodeJSON(schema)
	if err != nil {
		a.errorf("type", fm.NodeSpan(n), "`format`: "+err.Error())
		return nil, false
	}
	return append(append([]byte(`{"type":"json_schema","schema":`), js...), '}'), true
}
