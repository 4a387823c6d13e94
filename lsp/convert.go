package lsp

import (
	"path/filepath"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/claude-ls/claude-ls/promptfile"
)

// fsPath is the file path of a file: URI, or "" for other schemes
// (untitled:, etc.), which have no place on disk.
func fsPath(u uri.URI) string {
	if !u.IsFile() {
		return ""
	}
	p := u.FsPath()
	if p == "" {
		return ""
	}
	return filepath.Clean(p)
}

// toRange maps a span to a protocol range in the negotiated encoding.
func toRange(m *promptfile.Mapper, s promptfile.Span, enc promptfile.Encoding) protocol.Range {
	return protocol.Range{Start: toPosition(m, s.Start, enc), End: toPosition(m, s.End, enc)}
}

func toPosition(m *promptfile.Mapper, off int, enc promptfile.Encoding) protocol.Position {
	line, col := m.Position(off, enc)
	return protocol.Position{Line: uint32(line), Character: uint32(col)}
}

// toOffset maps a protocol position to a byte offset, clamping positions
// past the end of a line or of the document.
func toOffset(m *promptfile.Mapper, p protocol.Position, enc promptfile.Encoding) int {
	return m.Offset(int(p.Line), int(p.Character), enc)
}
