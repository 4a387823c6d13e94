package lsp

import (
	"context"
	"fmt"

	"go.lsp.dev/protocol"
)

func (s *Server) export(ctx context.Context, d *Document, args commandArgs) (protocol.LSPAny, error) {
	return nil, fmt.Errorf("not yet")
}
