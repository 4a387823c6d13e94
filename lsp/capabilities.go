package lsp

import "go.lsp.dev/protocol"

// capabilities lists what the server implements; nothing else is advertised.
func (s *Server) capabilities(enc protocol.PositionEncodingKind) protocol.ServerCapabilities {
	incremental := protocol.TextDocumentSyncKindIncremental
	yes := true
	return protocol.ServerCapabilities{
		PositionEncoding: enc,
		TextDocumentSync: &protocol.TextDocumentSyncOptions{
			OpenClose: &yes,
			Change:    &incremental,
			Save:      protocol.Boolean(true),
		},
	}
}
