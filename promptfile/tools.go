package promptfile

import (
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// toolNameRE is the pattern the API checks a tool's name against (its 400
// reads "tools.N.custom.name: String should match pattern ...").
var toolNameRE = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,64}$`)

// checkTools validates the tools list: each a map with a well-formed,
// unique name and an object input_schema (server tools carry a type instead).
func (a *analysis) checkTools(e *Entry) bool {
	v := e.Value
	fm := a.f.Front
	if v.Kind != yaml.SequenceNode {
		a.errorf("type", e.At, "`tools` must be a list of `{name, description, input_schema}`")
		return false
	}
	ok := true
	names := map[string]*yaml.Node{}
	for _, t := range v.Content {
		span := fm.NodeSpan(t)
		if t.Kind != yaml.MappingNode {
			a.errorf("type", span, "each tool must be a map with `name`, `description` and `input_schema`")
			ok = false
			continue
		}
		name := mapValue(t, "name")
		switch {
		case name == nil && isServerToolEntry(t): // servertools.go: the API's name is added
		case name == nil || name.Kind != yaml.ScalarNode || name.Value == "":
			a.errorf("type", span, "a tool needs a `name`")
			ok = false
		case !toolNameRE.MatchString(name.Value):
			// The tools stay in the rendering (they are counted); the error
			// keeps the request from being sent.
			a.errorf("tool-name", fm.NodeSpan(name), "tool name `"+name.Value+"` is refused by the API: a name is 1 to 64 letters, digits, `_` or `-`", toolNameFix(fm, name)...)
		case names[name.Value] != nil:
			first := a.f.Map.Line(fm.NodeSpan(names[name.Value]).Start) + 1
			a.errorf("tool-duplicate", fm.NodeSpan(name), "two tools are named `"+name.Value+"` (the first on line "+itoa(first)+"): the API refuses duplicate names")
		default:
			names[name.Value] = name
		}
		// Server tools ({type: web_search_20260318, ...}) carry a type instead of a schema.
		if mapValue(t, "type") != nil {
			continue
		}
		schema := mapValue(t, "input_schema")
		if schema == nil || schema.Kind != yaml.MappingNode {
			a.errorf("tool-schema", span, "a tool needs an `input_schema`: a JSON Schema object such as `{type: object, properties: {...}}`")
			ok = false
		} else if st := mapValue(schema, "type"); st == nil || st.Value != "object" {
			at := fm.NodeSpan(schema)
			if st != nil {
				at = fm.NodeSpan(st)
			}
			a.errorf("tool-schema", at, "a tool's `input_schema` must be an object schema: `type: object`")
			ok = false
		} else if p := mapValue(schema, "properties"); p != nil && p.Kind != yaml.MappingNode {
			a.errorf("tool-schema", fm.NodeSpan(p), "`properties` of an `input_schema` must be a map of property names to schemas")
			ok = false
		}
	}
	return ok
}

// toolNameFix offers the name with every refused character made `_`, cut
// to 64, when the name is a plain scalar.
func toolNameFix(fm *FrontMatter, name *yaml.Node) []Fix {
	if name.Style != 0 && name.Style != yaml.TaggedStyle {
		return nil
	}
	fixed := strings.Map(func(r rune) rune {
		if r < 128 && (isVarByte(byte(r))) {
			return r
		}
		return '_'
	}, name.Value)
	if len(fixed) > 64 {
		fixed = fixed[:64]
	}
	if fixed == "" || fixed == name.Value {
		return nil
	}
	return []Fix{{Title: "Rename to `" + fixed + "`", Edits: []Edit{{Span: fm.NodeSpan(name), NewText: fixed}}}}
}

// toolNames are the names of the tools the request carries.
func (a *analysis) toolNames() []string {
	e := a.f.Front.Lookup("tools")
	if e == nil || e.Value.Kind != yaml.SequenceNode {
		return nil
	}
	var out []string
	for _, t := range e.Value.Content {
		if n := mapValue(t, "name"); n != nil && n.Kind == yaml.ScalarNode {
			out = append(out, n.Value)
		}
	}
	return out
}

// checkToolChoice validates tool_choice: a known type, one the model takes,
// with tools to choose from, naming one of them for {type: tool}.
func (a *analysis) checkToolChoice(e *Entry) bool {
	v := e.Value
	fm := a.f.Front
	t := mapValue(v, "type")
	if v.Kind != yaml.MappingNode || t == nil {
		a.errorf("type", e.At, "`tool_choice` must be a map with a `type`: auto, any, tool or none")
		return false
	}
	tSpan := fm.NodeSpan(t)
	switch t.Value {
	case "auto", "any", "none", "tool":
	default:
		a.errorf("out-of-range", tSpan, "`tool_choice.type` must be auto, any, tool or none")
		return false
	}
	remove := Fix{Title: "Remove `tool_choice`", Edits: []Edit{a.removeEntry(e)}}
	if fm.Lookup("tools") == nil {
		a.errorf("tool-choice-no-tools", Span{e.KeyAt.Start, e.At.End}, "`tool_choice` without `tools`: the API refuses it; add `tools` or remove it", remove)
		return false
	}
	if m := a.r.Model; m != nil && !m.TakesToolChoice(t.Value) {
		a.errorf("tool-choice-model", tSpan, m.ID+" refuses `tool_choice: {type: "+t.Value+"}` (it takes "+quoteList(takenToolChoices(m))+")",
			Fix{Title: "Use `auto`", Edits: []Edit{{Span: tSpan, NewText: "auto"}}})
		return false
	}
	if t.Value == "tool" {
		n := mapValue(v, "name")
		if n == nil {
			a.errorf("type", e.At, "`tool_choice: {type: tool}` needs the `name` of the tool")
			return false
		}
		if names := a.toolNames(); !contains(names, n.Value) {
			msg := "`tool_choice` names `" + n.Value + "`, which is not among `tools`"
			var fixes []Fix
			if near, ok := Nearest(n.Value, names); ok {
				msg += ": did you mean `" + near + "`?"
				fixes = append(fixes, Fix{Title: "Change to `" + near + "`", Edits: []Edit{{Span: fm.NodeSpan(n), NewText: near}}})
			}
			a.errorf("tool-choice-name", fm.NodeSpan(n), msg, fixes...)
			return false
		}
	}
	return true
}

func takenToolChoices(m *Model) []string {
	var out []string
	for _, t := range toolChoiceTypes {
		if m.TakesToolChoice(t) {
			out = append(out, t)
		}
	}
	return out
}
