package lsp

import (
	"context"
	"fmt"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/claude-ls/claude-ls/workbench"
)

// export writes the request as a program under .claude-ls/exports and opens
// it; the code is also returned, for clients that show it themselves.
func (s *Server) export(ctx context.Context, d *Document, args commandArgs) (protocol.LSPAny, error) {
	lang := strings.ToLower(args.Lang)
	if lang == "" {
		lang = "python"
	}
	snap := d.Snapshot()
	p := workbench.Prompt{WS: snap.ws.ws, Path: d.path, Src: snap.Text, Read: snap.ws.read}
	code, err := workbench.ExportPrompt(p, lang, workbench.ExportOptions{Vars: args.Vars, Test: args.Test, Model: args.Model})
	if err != nil {
		return nil, fmt.Errorf("%s: not exported: %w", CommandExport, err)
	}
	path, err := workbench.SaveExport(snap.ws.ws.Root, d.path, lang, code)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", CommandExport, err)
	}
	s.showDocument(ctx, path)
	return jsonMarshal(map[string]any{"file": path, "lang": lang, "code": code})
}
