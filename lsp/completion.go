package lsp

import (
	"context"
	"path/filepath"

	"go.lsp.dev/protocol"

	"github.com/claude-ls/claude-ls/promptfile"
	"github.com/claude-ls/claude-ls/workbench"
)

// completionTriggers are the characters after which the client asks for
// completion without being told: `{` opens a variable, `"` and `/` a path,
// `:`, ` ` and `=` a model id, a value or a cache attribute.
var completionTriggers = []string{"{", `"`, "/", ":", " ", "="}

// triggeredKinds is what each trigger character may complete; a space in
// prose or a brace in text must not pop a list up.
var triggeredKinds = map[string][]promptfile.CompletionKind{
	"{": {promptfile.VarCompletion},
	`"`: {promptfile.PathCompletion},
	"/": {promptfile.PathCompletion},
	":": {promptfile.ModelCompletion, promptfile.ValueCompletion, promptfile.AttrCompletion, promptfile.ToolNameCompletion},
	" ": {promptfile.ModelCompletion, promptfile.ValueCompletion, promptfile.AttrCompletion, promptfile.ToolNameCompletion},
	"=": {promptfile.AttrCompletion, promptfile.ToolIDCompletion},
}

// maxPathItems bounds the listing of a large folder.
const maxPathItems = 500

var completionKinds = map[promptfile.CompletionKind]protocol.CompletionItemKind{
	promptfile.KeyCompletion:   protocol.CompletionItemKindProperty,
	promptfile.ModelCompletion: protocol.CompletionItemKindValue,
	promptfile.ValueCompletion: protocol.CompletionItemKindEnumMember,
	promptfile.RoleCompletion:  protocol.CompletionItemKindKeyword,
	promptfile.AttrCompletion:  protocol.CompletionItemKindKeyword,
	promptfile.VarCompletion:   protocol.CompletionItemKindVariable,
	// tool turns (promptfile/complete_media.go)
	promptfile.ToolNameCompletion: protocol.CompletionItemKindFunction,
	promptfile.ToolIDCompletion:   protocol.CompletionItemKindReference,
}

// Completion proposes front matter keys, model ids, values, role lines,
// cache attributes, variables and include paths. Each item replaces the word
// being typed, so the client filters on it.
func (s *Server) Completion(ctx context.Context, params *protocol.CompletionParams) (protocol.CompletionResult, error) {
	list := &protocol.CompletionList{Items: []protocol.CompletionItem{}}
	d, ok := s.document(params.TextDocument.URI)
	if !ok {
		return list, nil
	}
	enc := s.positionEncoding()
	// The site is found on the text alone: most keystrokes complete nothing
	// and need no analysis.
	d.mu.Lock()
	text, version := d.text, d.version
	d.mu.Unlock()
	m := promptfile.NewMapper(text)
	site := promptfile.CompletionAt(text, toOffset(m, params.Position, enc))
	if site.Kind == promptfile.NoCompletion || !triggerAllows(params.Context, site.Kind) {
		return list, nil
	}
	snap := d.Snapshot()
	if snap.Version != version {
		m = snap.File.Map
		site = promptfile.CompletionAt(snap.Text, toOffset(m, params.Position, enc))
	}
	rng := toRange(m, site.Replace, enc)
	s.mu.Lock()
	snippets := s.clientCaps.snippets
	s.mu.Unlock()

	if site.Kind == promptfile.PathCompletion {
		list.Items = s.pathItems(d, snap, site, rng)
		return list, nil
	}
	var cat *promptfile.Catalog
	if snap.ws != nil && snap.ws.ws != nil {
		cat = snap.ws.ws.Catalog
	}
	for _, c := range promptfile.Complete(snap.Result, cat, site) {
		item := protocol.CompletionItem{
			Label:    c.Label,
			Kind:     completionKinds[site.Kind],
			TextEdit: &protocol.TextEdit{Range: rng, NewText: c.Text},
		}
		if c.Detail != "" {
			item.Detail = protocol.NewOptional(c.Detail)
		}
		if c.Description != "" {
			desc := c.Description
			item.LabelDetails = &protocol.CompletionItemLabelDetails{Description: &desc}
		}
		if c.Doc != "" {
			item.Documentation = &protocol.MarkupContent{Kind: protocol.MarkupKindMarkdown, Value: c.Doc}
		}
		if c.Sort != "" {
			item.SortText = protocol.NewOptional(c.Sort)
		}
		if snippets && c.Snippet != "" {
			item.TextEdit = &protocol.TextEdit{Range: rng, NewText: c.Snippet}
			item.InsertTextFormat = protocol.InsertTextFormatSnippet
			item.Kind = protocol.CompletionItemKindSnippet
		}
		list.Items = append(list.Items, item)
	}
	return list, nil
}

// triggerAllows reports whether a request sent for a trigger character
// should complete this kind of site; invoked completion completes any.
func triggerAllows(cc protocol.CompletionContext, kind promptfile.CompletionKind) bool {
	if cc.TriggerKind != protocol.CompletionTriggerKindTriggerCharacter || cc.TriggerCharacter == nil {
		return true
	}
	kinds, ok := triggeredKinds[*cc.TriggerCharacter]
	if !ok {
		return true
	}
	for _, k := range kinds {
		if k == kind {
			return true
		}
	}
	return false
}

// pathItems lists the folder named by what is typed inside {{file "…"}},
// relative to the prompt: folders end with "/", hidden entries are left out,
// and nothing outside the workspace root is listed.
func (s *Server) pathItems(d *Document, snap *Snapshot, site promptfile.CompletionSite, rng protocol.Range) []protocol.CompletionItem {
	items := []protocol.CompletionItem{}
	root := ""
	if snap.ws != nil && snap.ws.ws != nil {
		root = snap.ws.ws.Root
	}
	if root == "" {
		root = s.rootFor(d.path)
	}
	base := root
	if d.path != "" {
		base = filepath.Dir(d.path)
	}
	if filepath.IsAbs(filepath.FromSlash(site.Dir)) {
		return items // paths are relative to the prompt
	}
	dir := filepath.Join(base, filepath.FromSlash(site.Dir))
	closing := ""
	if !site.Closed {
		closing = `"}}`
	}
	for _, e := range workbench.ListIncludable(root, dir, d.path) {
		name, isDir := e.Name, e.IsDir
		if !isDir && !site.PathFits(name) {
			continue // {{image}} lists images, {{document}} PDFs and .txt
		}
		item := protocol.CompletionItem{Label: name, Kind: protocol.CompletionItemKindFile}
		newText := name + closing
		if isDir {
			item.Label = name + "/"
			item.Kind = protocol.CompletionItemKindFolder
			newText = name + "/"
		}
		item.TextEdit = &protocol.TextEdit{Range: rng, NewText: newText}
		items = append(items, item)
		if len(items) == maxPathItems {
			break
		}
	}
	return items
}
