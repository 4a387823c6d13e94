package lsp

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/claude-ls/claude-ls/promptfile"
)

// envKeyName is the variable the API key is moved to in .env.
const envKeyName = "ANTHROPIC_API_KEY"

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
	envPath := filepath.Join(root, ".env")
	envURI := uri.File(envPath)
	remove := protocol.TextEdit{Range: toRange(snap.File.Map, diag.Span, enc)}

	var env []byte
	exists := true
	if od, ok := s.document(envURI); ok {
		od.mu.Lock()
		env = od.text
		od.mu.Unlock()
	} else {
		data, err := os.ReadFile(envPath)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			exists = false
		case err != nil:
			s.log.Warn("code action: reading .env", "error", err)
			return nil
		}
		env = data
	}
	quickfix := protocol.CodeActionKindQuickFix
	notPreferred := false
	action := &protocol.CodeAction{
		Title:       "Move the key to .env",
		Kind:        &quickfix,
		Diagnostics: []protocol.Diagnostic{pd},
		IsPreferred: &notPreferred,
	}
	line := envKeyName + "=" + string(key) + "\n"
	if !exists {
		yes := true
		version := snap.Version
		action.Edit = &protocol.WorkspaceEdit{DocumentChanges: []protocol.DocumentChange{
			&protocol.CreateFile{Kind: "create", URI: envURI, Options: &protocol.CreateFileOptions{IgnoreIfExists: &yes}},
			&protocol.TextDocumentEdit{
				TextDocument: protocol.OptionalVersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: envURI}},
				Edits:        []protocol.TextDocumentEditElement{&protocol.TextEdit{NewText: line}},
			},
			&protocol.TextDocumentEdit{
				TextDocument: protocol.OptionalVersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: d.uri}, Version: &version},
				Edits:        []protocol.TextDocumentEditElement{&remove},
			},
		}}
		return action
	}
	em := promptfile.NewMapper(env)
	var envEdit *protocol.TextEdit
	if span, value, ok := envAssignment(env); ok {
		if value == string(key) {
			action.Title = "Remove the key (.env already sets " + envKeyName + " to it)"
		} else {
			action.Title = "Move the key to .env, replacing its " + envKeyName
			envEdit = &protocol.TextEdit{Range: toRange(em, span, enc), NewText: string(key)}
		}
	} else {
		if len(env) > 0 && env[len(env)-1] != '\n' {
			line = "\n" + line
		}
		end := toPosition(em, len(env), enc)
		envEdit = &protocol.TextEdit{Range: protocol.Range{Start: end, End: end}, NewText: line}
	}
	changes := map[uri.URI][]protocol.TextEdit{d.uri: {remove}}
	if envEdit != nil {
		changes[envURI] = []protocol.TextEdit{*envEdit}
	}
	action.Edit = &protocol.WorkspaceEdit{Changes: changes}
	return action
}

// envAssignment finds the line of a .env file that sets ANTHROPIC_API_KEY
// (the first one, which dotenv loaders keep) and returns the span of its
// value, without quotes.
func envAssignment(env []byte) (promptfile.Span, string, bool) {
	for p := 0; p < len(env); {
		e := len(env)
		if k := bytes.IndexByte(env[p:], '\n'); k >= 0 {
			e = p + k
		}
		next := e + 1
		lineEnd := e
		if lineEnd > p && env[lineEnd-1] == '\r' {
			lineEnd--
		}
		line := env[p:lineEnd]
		i := len(line) - len(bytes.TrimLeft(line, " \t"))
		rest := line[i:]
		if bytes.HasPrefix(rest, []byte("export ")) {
			i += len("export ")
			for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
				i++
			}
			rest = line[i:]
		}
		if bytes.HasPrefix(rest, []byte(envKeyName)) {
			j := i + len(envKeyName)
			for j < len(line) && (line[j] == ' ' || line[j] == '\t') {
				j++
			}
			if j < len(line) && line[j] == '=' {
				j++
				for j < len(line) && (line[j] == ' ' || line[j] == '\t') {
					j++
				}
				vs, ve := j, len(line)
				for ve > vs && (line[ve-1] == ' ' || line[ve-1] == '\t') {
					ve--
				}
				if ve-vs >= 2 && (line[vs] == '"' || line[vs] == '\'') && line[ve-1] == line[vs] {
					vs, ve = vs+1, ve-1
				}
				return promptfile.Span{Start: p + vs, End: p + ve}, string(line[vs:ve]), true
			}
		}
		p = next
	}
	return promptfile.Span{}, "", false
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
	return []protocol.CommandOrCodeAction{
		action("Claude: Run prompt", CommandRun, nil),
		action("Claude: Run and append reply", CommandRunAppend, nil),
		action("Claude: Count tokens exactly", CommandCountExact, nil),
		action("Claude: Export as Go", CommandExport, map[string]any{"lang": "go"}),
		action("Claude: Export as Python", CommandExport, map[string]any{"lang": "python"}),
		action("Claude: Export as TypeScript", CommandExport, map[string]any{"lang": "ts"}),
		action("Claude: Export as curl", CommandExport, map[string]any{"lang": "curl"}),
	}
}
