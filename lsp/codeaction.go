package lsp

import (
	"bytes"
	"context"
	"strings"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/claude-ls/claude-ls/promptfile"
	"github.com/claude-ls/claude-ls/workbench"
)

// CodeAction offers the quick fixes of the diagnostics in the range: one
// action per suggested fix, the first of each diagnostic preferred, and for
// a key written in the prompt, moving it to .env.
func (s *Server) CodeAction(ctx context.Context, params *protocol.CodeActionParams) ([]protocol.CommandOrCodeAction, error) {
	out := []protocol.CommandOrCodeAction{}
	d, ok := s.document(params.TextDocument.URI)
	if !ok {
		return out, nil
	}
	out = append(out, sourceActions(d, params.Context.Only)...)
	if !wantsKind(params.Context.Only, protocol.CodeActionKindQuickFix) {
		return out, nil
	}
	snap := d.Snapshot()
	enc := s.positionEncoding()
	m := snap.File.Map
	start, end := toOffset(m, params.Range.Start, enc), toOffset(m, params.Range.End, enc)
	if end < start {
		start, end = end, start
	}
	quickfix := protocol.CodeActionKindQuickFix
	for _, diag := range snap.Result.Diagnostics {
		if diag.Span.End < start || diag.Span.Start > end {
			continue
		}
		pd := matchDiagnostic(params.Context.Diagnostics, snap.File, diag, enc)
		preferred := true
		for _, fix := range diag.Fixes {
			if len(fix.Edits) == 0 {
				continue
			}
			edits := make([]protocol.TextEdit, 0, len(fix.Edits))
			for _, e := range fix.Edits {
				edits = append(edits, protocol.TextEdit{Range: toRange(m, e.Span, enc), NewText: e.NewText})
			}
			isPreferred := preferred
			preferred = false
			out = append(out, &protocol.CodeAction{
				Title:       fix.Title,
				Kind:        &quickfix,
				Diagnostics: []protocol.Diagnostic{pd},
				IsPreferred: &isPreferred,
				Edit:        &protocol.WorkspaceEdit{Changes: map[uri.URI][]protocol.TextEdit{d.uri: edits}},
			})
		}
		if diag.Code == "secret" {
			if a := s.moveKeyAction(d, snap, diag, pd, enc); a != nil {
				out = append(out, a)
			}
		}
	}
	return out, nil
}

// wantsKind reports whether a request filtered by only asks for kind
// (a kind matches its parents: "quickfix" is asked for by "quickfix").
func wantsKind(only []protocol.CodeActionKind, kind protocol.CodeActionKind) bool {
	if len(only) == 0 {
		return true
	}
	for _, k := range only {
		if k == "" || k == kind || strings.HasPrefix(string(kind), string(k)+".") {
			return true
		}
	}
	return false
}

// matchDiagnostic is the client's copy of an engine diagnostic (same code
// and range) when the request carries it, else the one the server publishes.
func matchDiagnostic(sent []protocol.Diagnostic, f *promptfile.File, d promptfile.Diagnostic, enc promptfile.Encoding) protocol.Diagnostic {
	own := toDiagnostics(f, []promptfile.Diagnostic{d}, enc)[0]
	for _, c := range sent {
		if code, ok := c.Code.(protocol.String); ok && string(code) == d.Code && c.Range == own.Range {
			return c
		}
	}
	return own
}

// moveKeyAction moves an API key written in the prompt into .env at the
// workspace root: it removes the key from the prompt and sets
// ANTHROPIC_API_KEY in .env, creating the file when it is missing. The key
// appears only in the edit, never in a title, message or log.
func (s *Server) moveKeyAction(d *Document, snap *Snapshot, diag promptfile.Diagnostic, pd protocol.Diagnostic, enc promptfile.Encoding) *protocol.CodeAction {
	if diag.Span.Start < 0 || diag.Span.End > len(snap.Text) || diag.Span.Empty() {
		return nil
	}
	key := snap.Text[diag.Span.Start:diag.Span.End]
	if !promptfile.ContainsKey(key) || bytes.ContainsAny(key, " \t\r\n\"'") {
		return nil // a key in an included file: the diagnostic points at the include
	}
	root := ""
	if snap.ws != nil && snap.ws.ws != nil {
		root = snap.ws.ws.Root
	}
	if root == "" {
		return nil
	}
	envURI := uri.File(workbench.EnvPath(root))
	remove := protocol.TextEdit{Range: toRange(snap.File.Map, diag.Span, enc)}

	var env []byte
	exists := true
	if od, ok := s.document(envURI); ok {
		od.mu.Lock()
		env = od.text
		od.mu.Unlock()
	} else {
		var err error
		if env, exists, err = workbench.ReadEnvFile(root); err != nil {
			s.log.Warn("code action: reading .env", "error", err)
			return nil
		}
	}
	move := workbench.PlanKeyMove(env, string(key))
	quickfix := protocol.CodeActionKindQuickFix
	notPreferred := false
	action := &protocol.CodeAction{
		Title:       move.Title,
		Kind:        &quickfix,
		Diagnostics: []protocol.Diagnostic{pd},
		IsPreferred: &notPreferred,
	}
	em := promptfile.NewMapper(env)
	envEdit := protocol.TextEdit{Range: toRange(em, promptfile.Span{Start: move.Start, End: move.End}, enc), NewText: move.NewText}
	if !exists {
		yes := true
		version := snap.Version
		action.Edit = &protocol.WorkspaceEdit{DocumentChanges: []protocol.DocumentChange{
			&protocol.CreateFile{Kind: "create", URI: envURI, Options: &protocol.CreateFileOptions{IgnoreIfExists: &yes}},
			&protocol.TextDocumentEdit{
				TextDocument: protocol.OptionalVersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: envURI}},
				Edits:        []protocol.TextDocumentEditElement{&envEdit},
			},
			&protocol.TextDocumentEdit{
				TextDocument: protocol.OptionalVersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: d.uri}, Version: &version},
				Edits:        []protocol.TextDocumentEditElement{&remove},
			},
		}}
		return action
	}
	changes := map[uri.URI][]protocol.TextEdit{d.uri: {remove}}
	if move.Change {
		changes[envURI] = []protocol.TextEdit{envEdit}
	}
	action.Edit = &protocol.WorkspaceEdit{Changes: changes}
	return action
}

// sourceKind is the kind of the actions that run the workbench commands.
const sourceKind protocol.CodeActionKind = "source.claude-ls"

// sourceActions offer the workbench commands on the whole file.
func sourceActions(d *Document, only []protocol.CodeActionKind) []protocol.CommandOrCodeAction {
	if !wantsKind(only, sourceKind) || !wantsKind(only, protocol.CodeActionKindSource) {
		return nil
	}
	arg := func(extra map[string]any) []protocol.LSPAny {
		m := map[string]any{"uri": string(d.uri)}
		for k, v := range extra {
			m[k] = v
		}
		raw, _ := jsonMarshal(m)
		return []protocol.LSPAny{raw}
	}
	kind := sourceKind
	action := func(title, command string, extra map[string]any) protocol.CommandOrCodeAction {
		return &protocol.CodeAction{Title: title, Kind: &kind, Command: protocol.Command{Title: title, Command: command, Arguments: arg(extra)}}
	}
	actions := []protocol.CommandOrCodeAction{
		action("Claude: Run prompt", CommandRun, nil),
		action("Claude: Run and append reply", CommandRunAppend, nil),
		action("Claude: Count tokens exactly", CommandCountExact, nil),
		action("Claude: Improve prompt", CommandImprove, nil),
		action("Claude: Generate test cases (tests:)", CommandGenerateTests, map[string]any{"n": 3}),
	}
	for _, l := range workbench.ExportLanguages {
		actions = append(actions, action("Claude: Export as "+l.Title, CommandExport, map[string]any{"lang": l.ID}))
	}
	return actions
}
