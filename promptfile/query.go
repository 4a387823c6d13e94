package promptfile

import "go.yaml.in/yaml/v3"

// TargetKind is what an editor position points at.
type TargetKind int

const (
	NoTarget      TargetKind = iota
	KeyTarget                // a top-level front matter key
	ValueTarget              // a top-level key's value (other than model)
	ModelTarget              // the model id
	RoleTarget               // a role name on a role line
	AttrTarget               // a role line's cache attribute
	VarTarget                // {{name}} in the text
	VarDefTarget             // a key under vars:
	TestVarTarget            // a variable's key in a test case
	IncludeTarget            // the path of {{file "path"}}
	CommentTarget            // {{! ... }}
	MediaTarget              // the path of {{image "path"}} or {{document "path"}}
	ToolIDTarget             // the id on a tool_use: or tool_result: line
)

// Target is what lies at a position, for hover, definition and completion.
type Target struct {
	Kind  TargetKind
	Span  Span
	Name  string // the key, variable, role or include path
	Entry *Entry // the top-level front matter entry, for front matter targets
	Block *Block // the block, for body targets
	Part  Part
}

// At finds what is at byte offset off.
func (f *File) At(off int) Target {
	if fm := f.Front; fm != nil && off >= fm.Content.Start && off < fm.Content.End {
		return fm.at(off)
	}
	for _, b := range f.Blocks {
		if !b.Implicit && b.Line.Contains(off) {
			if b.RoleName.Contains(off) {
				return Target{Kind: RoleTarget, Span: b.RoleName, Name: string(b.Role), Block: b}
			}
			if b.Tool != nil && b.Tool.IDSpan.End > 0 && b.Tool.IDSpan.Contains(off) {
				return Target{Kind: ToolIDTarget, Span: b.Tool.IDSpan, Name: b.Tool.ID, Block: b}
			}
			if b.Attr.End > 0 && b.Attr.Contains(off) {
				return Target{Kind: AttrTarget, Span: b.Attr, Name: b.Cache, Block: b}
			}
			return Target{Kind: RoleTarget, Span: b.Line, Name: string(b.Role), Block: b}
		}
		if off < b.Content.Start || off > b.Content.End {
			continue
		}
		for _, p := range b.Parts {
			if off < p.Span.Start || off >= p.Span.End {
				continue
			}
			switch p.Kind {
			case Variable:
				return Target{Kind: VarTarget, Span: p.NameSpan, Name: p.Name, Block: b, Part: p}
			case Include:
				return Target{Kind: IncludeTarget, Span: p.NameSpan, Name: p.Name, Block: b, Part: p}
			case Comment:
				return Target{Kind: CommentTarget, Span: p.Span, Block: b, Part: p}
			case Image, Document:
				return Target{Kind: MediaTarget, Span: p.NameSpan, Name: p.Name, Block: b, Part: p}
			}
		}
	}
	return Target{}
}

func (fm *FrontMatter) at(off int) Target {
	for _, e := range fm.Entries {
		if e.KeyAt.Contains(off) {
			return Target{Kind: KeyTarget, Span: e.KeyAt, Name: e.Key, Entry: e}
		}
		if !e.At.Contains(off) {
			continue
		}
		switch e.Key {
		case "model":
			return Target{Kind: ModelTarget, Span: e.At, Name: e.Value.Value, Entry: e}
		case "vars":
			for i := 0; i+1 < len(e.Value.Content); i += 2 {
				if s := fm.NodeSpan(e.Value.Content[i]); s.Contains(off) {
					return Target{Kind: VarDefTarget, Span: s, Name: e.Value.Content[i].Value, Entry: e}
				}
			}
		case "tests":
			if e.Value.Kind == yaml.SequenceNode {
				for _, c := range e.Value.Content {
					for i := 0; i+1 < len(c.Content); i += 2 {
						k := c.Content[i]
						if s := fm.NodeSpan(k); s.Contains(off) && k.Value != "name" && k.Value != "expect" {
							return Target{Kind: TestVarTarget, Span: s, Name: k.Value, Entry: e}
						}
					}
				}
			}
		}
		return Target{Kind: ValueTarget, Span: e.At, Name: e.Key, Entry: e}
	}
	return Target{}
}

// VarSites are the places a variable is named: uses in the text, its vars
// entry, and its keys in test cases. Definition, references and rename use them.
type VarSites struct {
	Uses  []Span
	Def   *Span
	Tests []Span
}

// findVar collects the places name occurs in the body, vars and tests;
// VarRefs, the one public query, adds the front matter's system string.
func (f *File) findVar(name string) VarSites {
	var s VarSites
	for _, b := range f.Blocks {
		for _, p := range b.Parts {
			if p.Kind == Variable && p.Name == name {
				s.Uses = append(s.Uses, p.NameSpan)
			}
		}
	}
	fm := f.Front
	if e := fm.Lookup("vars"); e != nil {
		for i := 0; i+1 < len(e.Value.Content); i += 2 {
			if e.Value.Content[i].Value == name {
				span := fm.NodeSpan(e.Value.Content[i])
				s.Def = &span
			}
		}
	}
	if e := fm.Lookup("tests"); e != nil && e.Value.Kind == yaml.SequenceNode {
		for _, c := range e.Value.Content {
			for i := 0; i+1 < len(c.Content); i += 2 {
				if c.Content[i].Value == name && c.Kind == yaml.MappingNode {
					s.Tests = append(s.Tests, fm.NodeSpan(c.Content[i]))
				}
			}
		}
	}
	return s
}

// FirstError is the first error of the rendering in file order, nil when it
// has none: the one "has errors" question every front end asks.
func (r *Result) FirstError() *Diagnostic {
	if r == nil {
		return nil
	}
	for i := range r.Diagnostics {
		if r.Diagnostics[i].Severity == Error {
			return &r.Diagnostics[i]
		}
	}
	return nil
}

// ErrorCount is how many errors the rendering has.
func (r *Result) ErrorCount() int {
	n := 0
	if r != nil {
		for _, d := range r.Diagnostics {
			if d.Severity == Error {
				n++
			}
		}
	}
	return n
}
