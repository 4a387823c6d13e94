package lsp

import (
	"context"

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

// publish sends a document's diagnostics; version 0 means a file not open.
func (s *Server) publish(ctx context.Context, u uri.URI, version int32, f *promptfile.File, ds []promptfile.Diagnostic) {
	params := &protocol.PublishDiagnosticsParams{URI: u, Diagnostics: toDiagnostics(f, ds, s.positionEncoding())}
	if version != 0 {
		params.Version = protocol.NewOptional(version)
	}
	if err := s.client.PublishDiagnostics(ctx, params); err != nil {
		s.log.Warn("publishDiagnostics", "uri", u, "error", err)
	}
}
