package lsp

import (
	"context"
	"fmt"
	"strings"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/claude-ls/claude-ls/promptfile"
)

// DidOpen starts tracking a document.
func (s *Server) DidOpen(ctx context.Context, params *protocol.DidOpenTextDocumentParams) error {
	td := params.TextDocument
	// Decoded strings share the message's buffer: a URI kept as a map key
	// would keep the whole opened text alive.
	td.URI = uri.URI(strings.Clone(string(td.URI)))
	if s.openReply(td.URI, []byte(td.Text)) { // replydocs.go
		return nil
	}
	d := newDocument(s, td.URI, td.Version, []byte(td.Text))
	s.mu.Lock()
	old := s.docs[td.URI]
	s.docs[td.URI] = d
	s.mu.Unlock()
	if old != nil {
		old.close()
	}
	d.start() // once registered, so its first diagnostics are published
	return nil
}

// DidChange applies changes in order: ranged edits in the negotiated
// encoding, or whole-document replacements.
func (s *Server) DidChange(ctx context.Context, params *protocol.DidChangeTextDocumentParams) error {
	d, ok := s.document(params.TextDocument.URI)
	if r, isReply := s.replyDocument(params.TextDocument.URI); !ok && isReply {
		s.changeReply(r, params.ContentChanges)
		return nil
	}
	if !ok {
		return fmt.Errorf("didChange for %s, which is not open", params.TextDocument.URI)
	}
	d.mu.Lock()
	text := d.text
	d.mu.Unlock()
	d.update(params.TextDocument.Version, applyChanges(text, params.ContentChanges, s.positionEncoding()))
	return nil
}

// applyChanges applies a didChange's changes in order.
func applyChanges(text []byte, changes []protocol.TextDocumentContentChangeEvent, enc promptfile.Encoding) []byte {
	for _, change := range changes {
		switch c := change.(type) {
		case *protocol.TextDocumentContentChangeWholeDocument:
			text = []byte(c.Text)
		case *protocol.TextDocumentContentChangePartial:
			text = applyEdit(text, c.Range, c.Text, enc)
		}
	}
	return text
}

// applyEdit replaces a range of text. Ranges past the end are clamped and a
// reversed range is read as empty at its start, so no client can make the
// server fail; the text is copied, since snapshots share the old one.
func applyEdit(text []byte, r protocol.Range, newText string, enc promptfile.Encoding) []byte {
	start := promptfile.OffsetIn(text, int(r.Start.Line), int(r.Start.Character), enc)
	end := promptfile.OffsetIn(text, int(r.End.Line), int(r.End.Character), enc)
	if end < start {
		end = start
	}
	out := make([]byte, 0, len(text)-(end-start)+len(newText))
	out = append(out, text[:start]...)
	out = append(out, newText...)
	return append(out, text[end:]...)
}

// DidSave counts the saved text exactly when the exactCounts setting is on
// (the text itself is already current).
func (s *Server) DidSave(ctx context.Context, params *protocol.DidSaveTextDocumentParams) error {
	s.mu.Lock()
	exact := s.settings.ExactCounts
	s.mu.Unlock()
	if d, ok := s.document(params.TextDocument.URI); ok && exact {
		go s.countExact(context.WithoutCancel(ctx), d, true)
	}
	return nil
}

// DidClose stops tracking a document and clears its diagnostics; a prompt
// on disk is then checked as any other file of the workspace.
func (s *Server) DidClose(ctx context.Context, params *protocol.DidCloseTextDocumentParams) error {
	u := params.TextDocument.URI
	s.mu.Lock()
	d, ok := s.docs[u]
	delete(s.docs, u)
	_, reply := s.replies[u]
	delete(s.replies, u)
	s.mu.Unlock()
	if reply {
		return nil
	}
	if ok {
		d.close()
	}
	s.publishing.Lock()
	defer s.publishing.Unlock()
	return s.client.PublishDiagnostics(ctx, &protocol.PublishDiagnosticsParams{URI: u, Diagnostics: []protocol.Diagnostic{}})
}

func (s *Server) positionEncoding() promptfile.Encoding {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.encoding
}
