package lsp

import (
	"context"
	"strings"
	"unicode/utf8"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/claude-ls/claude-ls/promptfile"
)

var severities = map[promptfile.Severity]protocol.DiagnosticSeverity{
	promptfile.Error:   protocol.DiagnosticSeverityError,
	promptfile.Warning: protocol.DiagnosticSeverityWarning,
	promptfile.Info:    protocol.DiagnosticSeverityInformation,
	promptfile.Hint:    protocol.DiagnosticSeverityHint,
}

// toDiagnostics maps engine diagnostics to the protocol; always a slice,
// never nil, so an empty list clears the editor's.
func toDiagnostics(f *promptfile.File, ds []promptfile.Diagnostic, enc promptfile.Encoding) []protocol.Diagnostic {
	out := make([]protocol.Diagnostic, 0, len(ds))
	for _, d := range ds {
		pd := protocol.Diagnostic{
			Range:    toRange(f.Map, d.Span, enc),
			Severity: severities[d.Severity],
			Code:     protocol.String(d.Code),
			Source:   protocol.NewOptional("claude-ls"),
			Message:  protocol.String(d.Message),
		}
		if d.Code == "var-unused" {
			pd.Tags = protocol.NewDiagnosticTags(protocol.DiagnosticTagUnnecessary)
		}
		out = append(out, pd)
	}
	return out
}

// publish sends an open document's diagnostics for a version, unless the
// document was closed or replaced meanwhile (its list was then cleared).
func (s *Server) publish(ctx context.Context, d *Document, snap *Snapshot) {
	u := d.uri
	diags := toDiagnostics(snap.File, snap.Result.Diagnostics, s.positionEncoding())
	if isConfigFile(d.path) {
		// A client that opens the workspace config gets its problems as
		// typed, not the diagnostics of a prompt.
		_, errs := promptfile.CheckConfig(snap.Text, nil)
		diags = configDiagnostics(snap.Text, errs, s.positionEncoding())
	}
	params := &protocol.PublishDiagnosticsParams{URI: u, Diagnostics: diags, Version: protocol.NewOptional(snap.Version)}
	s.publishing.Lock()
	defer s.publishing.Unlock()
	if cur, open := s.document(u); !open || cur != d || !d.current(snap.Version) {
		return
	}
	if err := s.client.PublishDiagnostics(ctx, params); err != nil {
		s.log.Warn("publishDiagnostics", "uri", u, "error", err)
	}
}

// publishDisk sends the diagnostics of a file that is not open; if it was
// opened meanwhile, the document's own diagnostics stand.
func (s *Server) publishDisk(ctx context.Context, u uri.URI, f *promptfile.File, ds []promptfile.Diagnostic) {
	params := &protocol.PublishDiagnosticsParams{URI: u, Diagnostics: toDiagnostics(f, ds, s.positionEncoding())}
	s.publishing.Lock()
	defer s.publishing.Unlock()
	if _, open := s.document(u); open {
		return
	}
	if err := s.client.PublishDiagnostics(ctx, params); err != nil {
		s.log.Warn("publishDiagnostics", "uri", u, "error", err)
	}
}

// configDiagnostics maps the config file's problems to the protocol. The
// config parser counts columns in characters; a problem covers its token
// when its end is known.
func configDiagnostics(src []byte, errs []promptfile.ConfigError, enc promptfile.Encoding) []protocol.Diagnostic {
	m := promptfile.NewMapper(src)
	at := func(line, col int) protocol.Position {
		off := m.LineStart(line)
		for end := m.LineEnd(line); col > 1 && off < end; col-- {
			_, size := utf8.DecodeRune(src[off:end])
			off += size
		}
		return toPosition(m, off, enc)
	}
	out := make([]protocol.Diagnostic, 0, len(errs))
	for _, e := range errs {
		line := max(e.Line-1, 0)
		r := protocol.Range{Start: at(line, e.Col)}
		r.End = r.Start
		if e.EndCol > e.Col {
			r.End = at(line, e.EndCol)
		}
		out = append(out, protocol.Diagnostic{Range: r, Severity: protocol.DiagnosticSeverityError,
			Code: protocol.String("config"), Source: protocol.NewOptional("claude-ls"), Message: protocol.String(e.Msg)})
	}
	return out
}

// isConfigFile reports whether path is a workspace config file.
func isConfigFile(path string) bool {
	return path != "" && strings.HasSuffix(path, ".claude-ls.yaml")
}
