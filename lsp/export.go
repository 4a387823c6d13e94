package lsp

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"go.lsp.dev/protocol"

	"github.com/claude-ls/claude-ls/promptfile"
	"github.com/claude-ls/claude-ls/workbench"
)

// exportExt is the file extension of each export language.
var exportExt = map[string]string{"go": ".go", "python": ".py", "ts": ".ts", "js": ".mjs", "curl": ".sh"}

// export writes the request as a program under .claude-ls/exports and opens
// it; the code is also returned, for clients that show it themselves.
func (s *Server) export(ctx context.Context, d *Document, args commandArgs) (protocol.LSPAny, error) {
	lang := strings.ToLower(args.Lang)
	if lang == "" {
		lang = "python"
	}
	ext, ok := exportExt[lang]
	if !ok {
		return nil, fmt.Errorf("%s: unknown language %q: use go, python, ts, js or curl", CommandExport, args.Lang)
	}
	snap := d.Snapshot()
	opts := promptfile.Options{Path: d.path, Vars: args.Vars, Test: args.Test, Model: args.Model, Strict: true}
	res := promptfile.Analyze(promptfile.Parse(snap.Text), snap.ws.engine(), opts)
	if msg := firstError(res); msg != "" {
		return nil, fmt.Errorf("%s: not exported: %s", CommandExport, msg)
	}
	code, err := workbench.Export(res, lang, opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", CommandExport, err)
	}
	name := strings.TrimSuffix(filepath.Base(d.path), ".prompt")
	if name == "" || name == "." {
		name = "untitled"
	}
	path := filepath.Join(snap.ws.ws.Root, workbench.DataDir, "exports", name+ext)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, []byte(code), 0o644); err != nil {
		return nil, err
	}
	s.showDocument(ctx, path)
	return jsonMarshal(map[string]any{"file": path, "lang": lang, "code": code})
}
