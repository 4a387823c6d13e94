package lsp

import (
	"go.lsp.dev/protocol"

	"github.com/claude-ls/claude-ls/workbench"
)

// capabilities lists what the server implements; nothing else is advertised.
// Each feature's line sits with its neighbours here, so the whole surface
// can be read in one place.
func (s *Server) capabilities(enc protocol.PositionEncodingKind) protocol.ServerCapabilities {
	incremental := protocol.TextDocumentSyncKindIncremental
	yes := true
	caps := protocol.ServerCapabilities{
		PositionEncoding: enc,
		TextDocumentSync: &protocol.TextDocumentSyncOptions{
			OpenClose: &yes,
			Change:    &incremental,
			Save:      protocol.Boolean(true),
		},
	}
	// hover, inlay hints, code lens:
	caps.HoverProvider = protocol.Boolean(true)
	caps.InlayHintProvider = protocol.Boolean(true)
	caps.CodeLensProvider = &protocol.CodeLensOptions{}
	// completion, code actions:
	caps.CompletionProvider = &protocol.CompletionOptions{TriggerCharacters: completionTriggers}
	caps.CodeActionProvider = &protocol.CodeActionOptions{CodeActionKinds: []protocol.CodeActionKind{protocol.CodeActionKindQuickFix, sourceKind}}
	// symbols, folding, semantic tokens, definition, references, rename:
	caps.DocumentSymbolProvider = protocol.Boolean(true)
	caps.FoldingRangeProvider = protocol.Boolean(true)
	caps.SemanticTokensProvider = &protocol.SemanticTokensOptions{Legend: semanticLegend(), Full: protocol.Boolean(true)}
	caps.DefinitionProvider = protocol.Boolean(true)
	caps.ReferencesProvider = protocol.Boolean(true)
	caps.RenameProvider = &protocol.RenameOptions{PrepareProvider: &yes}
	// the workbench: run, count exactly, export:
	caps.ExecuteCommandProvider = protocol.ExecuteCommandOptions{Commands: commandNames}
	// what the editors' menus offer, from the workbench's one list:
	caps.Experimental, _ = jsonMarshal(map[string]any{"exportLanguages": workbench.ExportLanguages,
		"generateTests": map[string]int{"default": workbench.DefaultGeneratedCases, "max": workbench.MaxGeneratedCases}})
	return caps
}
