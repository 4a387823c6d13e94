package lsp

import (
	"context"
	"fmt"
	"sync"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/claude-ls/claude-ls/promptfile"
	"github.com/claude-ls/claude-ls/workbench"
)

// Reply documents, the result documents and reports the server writes
// (workbench.ReplyDocumentRoot), are served for grading only: a lens on
// each reply they mark, and the grade command. They get no analysis and no
// diagnostics.

type replyDoc struct {
	root string
	mu   sync.Mutex
	text []byte
}

func (r *replyDoc) snapshot() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.text
}

// openReply keeps u as a reply document if its path is one.
func (s *Server) openReply(u uri.URI, text []byte) bool {
	root, ok := workbench.ReplyDocumentRoot(fsPath(u))
	if !ok {
		return false
	}
	s.mu.Lock()
	s.replies[u] = &replyDoc{root: root, text: text}
	s.mu.Unlock()
	return true
}

func (s *Server) replyDocument(u uri.URI) (*replyDoc, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.replies[u]
	return r, ok
}

// changeReply applies a didChange to a reply document.
func (s *Server) changeReply(r *replyDoc, changes []protocol.TextDocumentContentChangeEvent) {
	enc := s.positionEncoding()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.text = applyChanges(r.text, changes, enc) // textsync.go
}

// emptySnapshot answers the prompt features for a reply document: nothing.
func (s *Server) emptySnapshot(r *replyDoc) *Snapshot {
	ws := s.workspaceAt(r.root)
	file := promptfile.Parse(nil)
	return &Snapshot{File: file, Result: promptfile.Analyze(file, ws.engine(), promptfile.Options{}), ws: ws}
}

// replyLenses put on each marked reply "Grade this reply", or its grade
// to change it.
func (s *Server) replyLenses(u uri.URI, r *replyDoc) []protocol.CodeLens {
	text := r.snapshot()
	marks := workbench.ReplyMarks(text)
	lenses := []protocol.CodeLens{}
	if len(marks) == 0 {
		return lenses
	}
	grades, _ := workbench.ReadGrades(r.root)
	m := promptfile.NewMapper(text)
	for _, mk := range marks {
		title := "Grade this reply"
		if g, ok := workbench.GradeOf(grades, mk.ReplyMark); ok {
			title = fmt.Sprintf("Graded %s · change", g.Text())
		}
		raw, _ := jsonMarshal(map[string]any{"uri": string(u), "prompt": mk.Prompt, "test": mk.Test, "model": mk.Model, "run": mk.Run})
		rng := toRange(m, promptfile.Span{Start: mk.Offset, End: mk.Offset}, s.positionEncoding())
		lenses = append(lenses, protocol.CodeLens{Range: rng, Command: protocol.Command{Title: title, Command: CommandGrade, Arguments: []protocol.LSPAny{raw}}})
	}
	return lenses
}

// gradeReply runs claude-ls.grade on a reply document's mark.
func (s *Server) gradeReply(ctx context.Context, r *replyDoc, params *protocol.ExecuteCommandParams) (protocol.LSPAny, error) {
	a, err := parseHelperArgs(params)
	if err != nil {
		return nil, err
	}
	if a.Prompt == "" || a.Model == "" {
		return nil, fmt.Errorf("%s: name the reply's prompt and model", CommandGrade)
	}
	return s.grade(ctx, r.root, workbench.ReplyMark{Prompt: a.Prompt, Test: a.Test, Model: a.Model, Run: a.Run}, a)
}
