package promptfile

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// The structured-outputs subset of JSON Schema (output_config.format): every
// object closed with `additionalProperties: false`, no recursion, no numeric
// or length bounds, only internal `$ref`. Each violation is an error at the
// schema key that causes it.

// schemaBounds are the keywords the subset refuses.
var schemaBounds = map[string]bool{
	"minimum": true, "maximum": true, "exclusiveMinimum": true, "exclusiveMaximum": true, "multipleOf": true,
	"minLength": true, "maxLength": true, "maxItems": true, "minProperties": true, "maxProperties": true,
}

// schemaRef is a $ref met while walking, with the definition it sits in
// ("" outside every definition).
type schemaRef struct {
	owner, target string
	node          *yaml.Node
}

type schemaCheck struct {
	a    *analysis
	ok   bool
	refs []schemaRef
}

// checkSchema checks a format schema; false when the API would refuse it.
func (a *analysis) checkSchema(root *yaml.Node) bool {
	c := &schemaCheck{a: a, ok: true}
	if root.Kind != yaml.MappingNode {
		c.fail(root, "a schema must be a map")
		return false
	}
	defs := map[string]*yaml.Node{}
	var names []string // in file order, so that diagnostics come in a stable order
	for _, key := range []string{"$defs", "definitions"} {
		if d := mapValue(root, key); d != nil && d.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(d.Content); i += 2 {
				name := "#/" + key + "/" + d.Content[i].Value
				defs[name] = d.Content[i+1]
				names = append(names, name)
			}
		}
	}
	c.walk(root, "", true)
	for _, name := range names {
		c.walk(defs[name], name, false)
	}
	c.checkRefs(defs)
	return c.ok
}

func (c *schemaCheck) fail(n *yaml.Node, msg string, fixes ...Fix) {
	c.a.errorf("format-schema", c.a.f.Front.NodeSpan(n), msg, fixes...)
	c.ok = false
}

// walk checks one schema and the schemas inside it; definitions are walked
// on their own (root says n is the root, whose $defs are skipped here).
func (c *schemaCheck) walk(n *yaml.Node, owner string, root bool) {
	if n == nil || n.Kind != yaml.MappingNode {
		return
	}
	var typeKey, propsKey, addKey *yaml.Node
	isObject := false
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "type":
			typeKey = k
			isObject = isObject || v.Value == "object" || (v.Kind == yaml.SequenceNode && seqHas(v, "object"))
		case "properties":
			propsKey, isObject = k, true
			forEachValue(v, func(s *yaml.Node) { c.walk(s, owner, false) })
		case "additionalProperties":
			addKey = k
			if v.Kind != yaml.ScalarNode || v.Tag != "!!bool" || v.Value != "false" {
				c.fail(k, "structured outputs need `additionalProperties: false` (no other value)",
					Fix{Title: "Use `false`", Edits: []Edit{{Span: c.a.f.Front.NodeSpan(v), NewText: "false"}}})
			}
		case "items", "not", "if", "then", "else", "contains":
			if v.Kind == yaml.SequenceNode {
				forEachItem(v, func(s *yaml.Node) { c.walk(s, owner, false) })
			} else {
				c.walk(v, owner, false)
			}
		case "anyOf", "allOf", "oneOf", "prefixItems":
			forEachItem(v, func(s *yaml.Node) { c.walk(s, owner, false) })
		case "$defs", "definitions":
			if !root {
				c.fail(k, "`"+k.Value+"` belongs at the top of the schema: the API resolves only `#/"+k.Value+"/NAME` from there")
			}
		case "$ref":
			c.ref(k, v, owner)
		case "minItems":
			if v.Value != "0" && v.Value != "1" {
				c.fail(k, "structured outputs take `minItems` of 0 or 1 only", c.removeKeyFix(n, i)...)
			}
		default:
			if schemaBounds[k.Value] {
				c.fail(k, "structured outputs take no numeric or length bounds: `"+k.Value+"` is refused (say it in the description instead)", c.removeKeyFix(n, i)...)
			}
		}
	}
	if isObject && addKey == nil {
		at := typeKey
		if at == nil {
			at = propsKey
		}
		c.fail(at, "every object needs `additionalProperties: false` for structured outputs", c.addClosedFix(n)...)
	}
}

func (c *schemaCheck) ref(k, v *yaml.Node, owner string) {
	target := v.Value
	switch {
	case v.Kind != yaml.ScalarNode:
		c.fail(k, "`$ref` must be a string such as `#/$defs/NAME`")
	case !strings.HasPrefix(target, "#"):
		c.fail(k, "structured outputs take internal `$ref` only (`#/$defs/NAME`), not `"+target+"`")
	default:
		c.refs = append(c.refs, schemaRef{owner: owner, target: target, node: k})
	}
}

// checkRefs reports refs to nothing and refs that make the schema recursive:
// to the root, or to a definition that leads back to where the ref is.
func (c *schemaCheck) checkRefs(defs map[string]*yaml.Node) {
	edges := map[string][]string{}
	for _, r := range c.refs {
		if r.owner != "" {
			edges[r.owner] = append(edges[r.owner], r.target)
		}
	}
	reaches := func(from, to string) bool {
		seen := map[string]bool{}
		stack := []string{from}
		for len(stack) > 0 {
			n := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if n == to {
				return true
			}
			if !seen[n] {
				seen[n] = true
				stack = append(stack, edges[n]...)
			}
		}
		return false
	}
	for _, r := range c.refs {
		switch {
		case r.target == "#":
			c.fail(r.node, "structured outputs take no recursive schema: `$ref: \"#\"` refers to the whole schema")
		case defs[r.target] == nil:
			c.fail(r.node, "`$ref` to `"+r.target+"`, which the schema does not define")
		case r.owner != "" && reaches(r.target, r.owner):
			c.fail(r.node, "structured outputs take no recursive schema: `"+r.target+"` refers back to `"+r.owner+"`")
		}
	}
}

// removeKeyFix deletes the i-th key of a block mapping with its scalar value,
// when they sit alone on their line.
func (c *schemaCheck) removeKeyFix(n *yaml.Node, i int) []Fix {
	k, v := n.Content[i], n.Content[i+1]
	m := c.a.f.Map
	ks, vs := c.a.f.Front.NodeSpan(k), c.a.f.Front.NodeSpan(v)
	line := m.Line(ks.Start)
	if n.Style&yaml.FlowStyle != 0 || v.Kind != yaml.ScalarNode || m.Line(vs.End) != line ||
		strings.TrimSpace(string(c.a.f.Src[m.LineStart(line):ks.Start])) != "" {
		return nil
	}
	return []Fix{{Title: "Remove `" + k.Value + "`", Edits: []Edit{{Span: Span{m.LineStart(line), m.LineStart(line + 1)}}}}}
}

// addClosedFix inserts `additionalProperties: false` before the first key of
// a block mapping that starts its own line.
func (c *schemaCheck) addClosedFix(n *yaml.Node) []Fix {
	if n.Style&yaml.FlowStyle != 0 || len(n.Content) == 0 {
		return nil
	}
	m := c.a.f.Map
	ks := c.a.f.Front.NodeSpan(n.Content[0])
	ls := m.LineStart(m.Line(ks.Start))
	indent := string(c.a.f.Src[ls:ks.Start])
	if strings.TrimSpace(indent) != "" {
		return nil
	}
	return []Fix{{Title: "Add `additionalProperties: false`", Edits: []Edit{{Span: Span{ls, ls}, NewText: indent + "additionalProperties: false\n"}}}}
}

func seqHas(n *yaml.Node, s string) bool {
	for _, c := range n.Content {
		if c.Value == s {
			return true
		}
	}
	return false
}

func forEachValue(n *yaml.Node, fn func(*yaml.Node)) {
	if n.Kind != yaml.MappingNode {
		return
	}
	for i := 1; i < len(n.Content); i += 2 {
		fn(n.Content[i])
	}
}

func forEachItem(n *yaml.Node, fn func(*yaml.Node)) {
	if n.Kind != yaml.SequenceNode {
		return
	}
	for _, c := range n.Content {
		fn(c)
	}
}
