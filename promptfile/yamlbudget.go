package promptfile

// A YAML budget: aliases let a few hundred bytes stand for billions of
// nodes ("billion laughs"). Parsing into a yaml.Node keeps aliases as
// pointers, but anything that follows them (JSON for the request, hovers,
// decoding) would expand them, so every YAML this package reads is checked
// here first and refused, at the alias, when its aliases expand too far.

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// What aliases may add to a YAML document once expanded. Text without
// aliases is bounded by the file size limit and costs nothing here.
const (
	MaxAliasNodes = 100_000
	MaxAliasBytes = 4 << 20
)

// YAMLBudgetError is an alias that expands past the budget. Its message
// starts "yaml: line N:", as the YAML library's errors do.
type YAMLBudgetError struct {
	Line, Column int // of the alias, 1-based; columns count characters
	Name         string
}

func (e *YAMLBudgetError) Error() string {
	return fmt.Sprintf("yaml: line %d: the alias *%s expands past the limit for aliases (%s nodes, %d MiB once expanded): write the value out instead of nesting aliases",
		e.Line, e.Name, GroupDigits(MaxAliasNodes), MaxAliasBytes>>20)
}

// unmarshalYAML parses src into a node tree and checks its aliases against
// the budget; a bug in the YAML library is an error, not a crash.
func unmarshalYAML(src []byte) (doc *yaml.Node, err error) {
	defer func() {
		if r := recover(); r != nil {
			doc, err = nil, fmt.Errorf("yaml: %v", r)
		}
	}()
	var n yaml.Node
	if err := yaml.Unmarshal(src, &n); err != nil {
		return nil, err
	}
	if err := checkYAMLBudget(&n); err != nil {
		return nil, err
	}
	return &n, nil
}

// checkYAMLBudget walks the document as if its aliases were expanded,
// counting only what aliases add, and stops as soon as the budget is
// spent: the walk costs at most the budget, never the expansion.
func checkYAMLBudget(doc *yaml.Node) error {
	b := &yamlBudget{}
	b.walk(doc, nil)
	if b.over == nil {
		return nil
	}
	return &YAMLBudgetError{Line: b.over.Line, Column: b.over.Column, Name: b.over.Value}
}

type yamlBudget struct {
	nodes, bytes int
	over         *yaml.Node // the outermost alias being expanded when the budget ran out
}

// walk visits n; outer is the outermost alias it is reached through (nil
// for the text as written).
func (b *yamlBudget) walk(n *yaml.Node, outer *yaml.Node) {
	if n == nil || b.over != nil {
		return
	}
	if outer != nil {
		b.nodes++
		b.bytes += len(n.Value) + len(n.Tag) + len(n.Anchor)
		if b.nodes > MaxAliasNodes || b.bytes > MaxAliasBytes {
			b.over = outer
			return
		}
	}
	if n.Kind == yaml.AliasNode {
		if outer == nil {
			outer = n
		}
		b.walk(n.Alias, outer)
		return
	}
	for _, c := range n.Content {
		b.walk(c, outer)
	}
}
