package promptfile

import (
	"bytes"
	"sort"

	"go.yaml.in/yaml/v3"
)

// VarRefKind says how a place names a variable.
type VarRefKind int

const (
	VarRefUse  VarRefKind = iota // {{name}} in the body or in the front matter's system string
	VarRefDef                    // a key under vars:
	VarRefTest                   // a key of a test case under tests:
)

// VarRef is one place a variable is named. Span covers the name only: for a
// quoted YAML key, the text inside the quotes.
type VarRef struct {
	Kind VarRefKind
	Span Span
}

// SystemParts are the variables, comments and includes written in the front
// matter's `system` string, located in the file's source. Template forms do
// not use YAML escapes, so they are found in the raw text of the scalar
// whatever its style (plain, quoted or block).
func (f *File) SystemParts() []Part {
	e := f.Front.Lookup("system")
	if e == nil || e.Value == nil || e.Value.Kind != yaml.ScalarNode {
		return nil
	}
	src := f.Src
	end := min(e.At.End, len(src))
	var parts []Part
	for i := max(e.At.Start, 0); i+1 < end; {
		k := bytes.Index(src[i:end], []byte("{{"))
		if k < 0 {
			break
		}
		i += k
		if i > 0 && src[i-1] == '\\' {
			i += 2 // \{{ is a literal
			continue
		}
		p := parseTemplate(src, i, end)
		if p.Kind != BadTemplate {
			parts = append(parts, p)
		}
		i = max(p.Span.End, i+2)
	}
	return parts
}

// VarAt finds the variable named at off: a use in the body or in the front
// matter's system string, a key under vars:, or a test case's key.
func (f *File) VarAt(off int) (name string, span Span, ok bool) {
	if e := f.Front.Lookup("system"); e != nil && e.At.Contains(off) {
		for _, p := range f.SystemParts() {
			if p.Kind == Variable && p.Span.Start <= off && off <= p.Span.End {
				return p.Name, p.NameSpan, true
			}
		}
	}
	t := f.At(off)
	switch t.Kind {
	case VarTarget:
		return t.Name, t.Span, true
	case VarDefTarget, TestVarTarget:
		return t.Name, f.unquoted(t.Span), true
	}
	return "", Span{}, false
}

// VarRefs lists every place name is named as a variable, in source order.
// Test cases read from a file ({file: cases.csv}) are not part of it.
func (f *File) VarRefs(name string) []VarRef {
	var refs []VarRef
	s := f.findVar(name)
	for _, u := range s.Uses {
		refs = append(refs, VarRef{VarRefUse, u})
	}
	for _, p := range f.SystemParts() {
		if p.Kind == Variable && p.Name == name {
			refs = append(refs, VarRef{VarRefUse, p.NameSpan})
		}
	}
	if s.Def != nil {
		refs = append(refs, VarRef{VarRefDef, f.unquoted(*s.Def)})
	}
	// A test case's name and expect are not variables.
	if name != "name" && name != "expect" {
		for _, t := range s.Tests {
			refs = append(refs, VarRef{VarRefTest, f.unquoted(t)})
		}
	}
	sort.SliceStable(refs, func(i, j int) bool { return refs[i].Span.Start < refs[j].Span.Start })
	return refs
}

// VarDefinition is where a variable gets its value: its vars entry, or
// else the first test case that sets it.
func (f *File) VarDefinition(name string) (Span, bool) {
	refs := f.VarRefs(name)
	for _, r := range refs {
		if r.Kind == VarRefDef {
			return r.Span, true
		}
	}
	for _, r := range refs {
		if r.Kind == VarRefTest {
			return r.Span, true
		}
	}
	return Span{}, false
}

// RenameError says why a variable cannot be renamed as asked.
type RenameError struct{ Message string }

func (e *RenameError) Error() string { return e.Message }

// RenameVar is the edits that rename a variable at every place the file
// names it. The new name must be a variable name and must not already be
// one of this file's variables (that would merge two variables).
func (f *File) RenameVar(name, newName string) ([]Edit, error) {
	if !isVarName([]byte(newName)) {
		return nil, &RenameError{"`" + newName + "` is not a variable name: a name is letters, digits, _ and - (no spaces)"}
	}
	if newName == name {
		return nil, nil
	}
	if len(f.VarRefs(newName)) > 0 {
		return nil, &RenameError{"`" + newName + "` is already a variable of this prompt: renaming `" + name + "` to it would merge the two"}
	}
	refs := f.VarRefs(name)
	edits := make([]Edit, 0, len(refs))
	for _, r := range refs {
		edits = append(edits, Edit{Span: r.Span, NewText: newName})
	}
	return edits, nil
}

// unquoted shrinks the span of a quoted YAML scalar to the text inside.
func (f *File) unquoted(s Span) Span {
	if s.End-s.Start >= 2 && s.End <= len(f.Src) {
		q := f.Src[s.Start]
		if (q == '"' || q == '\'') && f.Src[s.End-1] == q {
			return Span{s.Start + 1, s.End - 1}
		}
	}
	return s
}
