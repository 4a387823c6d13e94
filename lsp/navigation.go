package lsp

import (
	"context"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/claude-ls/claude-ls/promptfile"
)

// Navigation for variables: a variable is named by {{name}} in the text (and
// in the front matter's system string), by its key under vars:, and by its
// key in each test case that sets it. Definition also follows includes.

// Definition answers where the variable under the cursor gets its value (its
// vars entry, else the first test case that sets it), or the file an
// include names (at its start). Anything else: null.
func (s *Server) Definition(ctx context.Context, params *protocol.DefinitionParams) (protocol.DefinitionResult, error) {
	snap, err := s.requestSnapshot(params.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	enc := s.positionEncoding()
	off := toOffset(snap.File.Map, params.Position, enc)
	if loc := definition(snap.Result, params.TextDocument.URI, off, enc); loc != nil {
		return loc, nil
	}
	return nil, nil
}

// definition is the target of go to definition at off, or nil.
func definition(res *promptfile.Result, u uri.URI, off int, enc promptfile.Encoding) *protocol.Location {
	f := res.File
	if name, _, ok := f.VarAt(off); ok {
		if span, ok := f.VarDefinition(name); ok {
			return &protocol.Location{URI: u, Range: toRange(f.Map, span, enc)}
		}
		return nil
	}
	if path := includeAt(res, off); path != "" {
		return &protocol.Location{URI: uri.File(path)}
	}
	// hover_media.go: a tool id goes to its call or result, a media line to its file.
	if span, ok := toolPeerSpan(f, off); ok {
		return &protocol.Location{URI: u, Range: toRange(f.Map, span, enc)}
	}
	if path := mediaPathAt(res, off); path != "" {
		return &protocol.Location{URI: uri.File(path)}
	}
	return nil
}

// includeAt is the resolved path of the include at off, when the analysis
// could read it; "" otherwise (no include there, missing, outside the
// workspace).
func includeAt(res *promptfile.Result, off int) string {
	f := res.File
	if t := f.At(off); t.Kind == promptfile.IncludeTarget {
		for _, inc := range res.Includes {
			if inc.Block != nil && inc.Part.Span == t.Part.Span {
				return inc.Path
			}
		}
		return ""
	}
	// An include in the front matter's system string: the analysis read it
	// from the decoded string, so it is matched by its path.
	for _, p := range f.SystemParts() {
		if p.Kind == promptfile.Include && p.Span.Start <= off && off < p.Span.End {
			for _, inc := range res.Includes {
				if inc.Block == nil && inc.Part.Name == p.Name && inc.Path != "" {
					return inc.Path
				}
			}
		}
	}
	return ""
}

// References answers every place the variable under the cursor is named,
// in source order; its definition only when the client asks for it.
func (s *Server) References(ctx context.Context, params *protocol.ReferenceParams) ([]protocol.Location, error) {
	snap, err := s.requestSnapshot(params.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	enc := s.positionEncoding()
	off := toOffset(snap.File.Map, params.Position, enc)
	return references(snap.File, params.TextDocument.URI, off, params.Context.IncludeDeclaration, enc), nil
}

// references lists the variable's sites; never nil.
func references(f *promptfile.File, u uri.URI, off int, withDecl bool, enc promptfile.Encoding) []protocol.Location {
	out := []protocol.Location{}
	name, _, ok := f.VarAt(off)
	if !ok {
		return out
	}
	decl, hasDecl := f.VarDefinition(name)
	for _, r := range f.VarRefs(name) {
		if !withDecl && hasDecl && r.Span == decl {
			continue
		}
		out = append(out, protocol.Location{URI: u, Range: toRange(f.Map, r.Span, enc)})
	}
	return out
}

// PrepareRename answers the name under the cursor when it is a variable,
// and null elsewhere (the editor then says there is nothing to rename).
func (s *Server) PrepareRename(ctx context.Context, params *protocol.PrepareRenameParams) (protocol.PrepareRenameResult, error) {
	snap, err := s.requestSnapshot(params.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	enc := s.positionEncoding()
	f := snap.File
	name, span, ok := f.VarAt(toOffset(f.Map, params.Position, enc))
	if !ok {
		return nil, nil
	}
	return &protocol.PrepareRenamePlaceholder{Range: toRange(f.Map, span, enc), Placeholder: name}, nil
}

// Rename answers the edits that rename the variable under the cursor at
// every place the document names it. A new name that is not a variable
// name, or that is already a variable, is refused with the reason.
func (s *Server) Rename(ctx context.Context, params *protocol.RenameParams) (*protocol.WorkspaceEdit, error) {
	snap, err := s.requestSnapshot(params.TextDocument.URI)
	if err != nil {
		return nil, err
	}
	enc := s.positionEncoding()
	f := snap.File
	name, _, ok := f.VarAt(toOffset(f.Map, params.Position, enc))
	if !ok {
		return nil, jsonrpc2.NewError(jsonrpc2.Code(protocol.LSPErrorCodesRequestFailed),
			"claude-ls: nothing to rename here: only variables can be renamed ({{name}}, a key under vars:, a test case's key)")
	}
	edits, err := f.RenameVar(name, params.NewName)
	if err != nil {
		return nil, jsonrpc2.NewError(jsonrpc2.Code(protocol.LSPErrorCodesRequestFailed), "claude-ls: "+err.Error())
	}
	out := make([]protocol.TextEdit, 0, len(edits))
	for _, e := range edits {
		out = append(out, protocol.TextEdit{Range: toRange(f.Map, e.Span, enc), NewText: e.NewText})
	}
	return &protocol.WorkspaceEdit{Changes: map[uri.URI][]protocol.TextEdit{params.TextDocument.URI: out}}, nil
}
