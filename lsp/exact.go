package lsp

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/claude-ls/claude-ls/promptfile"
	"github.com/claude-ls/claude-ls/workbench"
)

// exactCount is the API's count of one version of a document; it is shown
// (labelled exact) until the text changes.
type exactCount struct {
	version int32
	tokens  int64
}

type exactCounts struct {
	mu    sync.Mutex
	byURI map[uri.URI]exactCount
}

// exactFor returns the exact count of a document's version, if known.
func (s *Server) exactFor(u uri.URI, version int32) (int64, bool) {
	s.exact.mu.Lock()
	defer s.exact.mu.Unlock()
	e, ok := s.exact.byURI[u]
	return e.tokens, ok && e.version == version
}

// countExact asks count_tokens (cached by request hash, calibrating the
// model's estimate) and refreshes what shows counts. Quiet counts (the
// exactCounts setting, on save) say nothing unless asked.
func (s *Server) countExact(ctx context.Context, d *Document, quiet bool) {
	snap := d.Snapshot()
	say := func(typ protocol.MessageType, msg string) {
		if !quiet {
			s.showMessage(ctx, typ, msg)
		}
	}
	res := snap.Result
	n, cached, err := workbench.CountExact(ctx, snap.ws.ws, res, workbench.Hooks{})
	if err != nil {
		var problems *workbench.ProblemsError
		if errors.As(err, &problems) {
			say(protocol.MessageTypeError, "no exact count: "+problems.Message)
		} else {
			say(protocol.MessageTypeError, err.Error())
		}
		return
	}
	if !cached {
		s.recalibrated(snap.ws)
	}
	s.exact.mu.Lock()
	s.exact.byURI[d.uri] = exactCount{version: snap.Version, tokens: n}
	s.exact.mu.Unlock()
	msg := fmt.Sprintf("%s input tokens (exact)", promptfile.GroupDigits(int(n)))
	if res.Model != nil {
		msg += " · " + res.Model.Cost(promptfile.Usage{Input: n}, false).String()
	}
	say(protocol.MessageTypeInfo, msg)
	s.client.CodeLensRefresh(ctx)
	s.client.InlayHintRefresh(ctx)
}
