package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/claude-ls/claude-ls/promptfile"
	"github.com/claude-ls/claude-ls/workbench"
)

// The Workbench's helpers in the editor: improve the prompt (an edit the
// user confirms), generate test cases (appended), grade a reply, compare
// with a git revision. Each is a workbench use case; this file translates.

// helperArgs are the helpers' arguments: {uri, model, goal, n, test, grade,
// note, rev}, and for grading a reply of a reply document, {prompt, run}.
type helperArgs struct {
	Model  string    `json:"model"`
	Goal   string    `json:"goal"`
	N      int       `json:"n"`
	Test   string    `json:"test"`
	Grade  int       `json:"grade"`
	Note   string    `json:"note"`
	Rev    string    `json:"rev"`
	Prompt string    `json:"prompt"`
	Run    time.Time `json:"run"`
}

// parseHelperArgs reads the argument object; a bare uri leaves the defaults.
func parseHelperArgs(params *protocol.ExecuteCommandParams) (helperArgs, error) {
	var a helperArgs
	if len(params.Arguments) == 0 {
		return a, nil
	}
	raw := []byte(params.Arguments[0])
	if len(raw) > 0 && raw[0] == '{' {
		if err := json.Unmarshal(raw, &a); err != nil {
			return a, fmt.Errorf("%s: %w", params.Command, err)
		}
	}
	return a, nil
}

// helperCommand runs one of the helpers' commands on d. Those that call the
// API answer {started: true} and go on in the background.
func (s *Server) helperCommand(ctx context.Context, d *Document, params *protocol.ExecuteCommandParams) (protocol.LSPAny, error) {
	a, err := parseHelperArgs(params)
	if err != nil {
		return nil, err
	}
	snap := d.Snapshot()
	if snap.ws == nil {
		return nil, fmt.Errorf("%s: %s has no workspace", params.Command, d.path)
	}
	p := workbench.Prompt{WS: snap.ws.ws, Path: d.path, Src: snap.Text, Read: snap.ws.read}
	if params.Command == CommandGrade {
		if a.Model == "" && snap.Result != nil {
			a.Model = snap.Result.ModelID
		}
		return s.grade(ctx, p.WS.Root, workbench.ReplyMark{Prompt: p.Rel(), Test: a.Test, Model: a.Model}, a)
	}
	// One of each per file at a time; the progress's cancel stops it.
	key := uri.URI(string(d.uri) + "#" + params.Command)
	st := s.runs.start(key, params.WorkDoneToken, params.Command)
	job := helperJob{ctx: st.ctx, bg: context.WithoutCancel(st.ctx), d: d, p: p, a: a, token: st.token, given: params.WorkDoneToken != nil}
	go func() {
		defer s.runs.finish(key, st)
		switch params.Command {
		case CommandImprove:
			s.improve(job, snap.Version)
		case CommandGenerateTests:
			s.generateTests(job)
		case CommandCompare:
			s.compare(job)
		}
	}()
	return jsonMarshal(map[string]any{"started": true, "token": st.token})
}

// helperJob is one helper running in the background.
type helperJob struct {
	ctx, bg context.Context // bg outlives a cancel, for the messages that follow it
	d       *Document
	p       workbench.Prompt
	a       helperArgs
	token   string
	given   bool // the client gave the progress token
}

func (j helperJob) hooks(s *Server, prog *progress) workbench.Hooks {
	return workbench.Hooks{Ask: s.asker(j.bg), Note: func(n string) { prog.report(j.bg, n) }}
}

func (s *Server) improve(j helperJob, version int32) {
	ctx, d, p := j.bg, j.d, j.p
	prog := s.beginProgress(ctx, j.token, j.given, "Claude: improving "+filepath.Base(d.path))
	imp, err := workbench.Improve(j.ctx, p, workbench.ImproveOptions{Goal: j.a.Goal, Model: s.helperModel(p.WS, j.a.Model), Budget: s.settingsBudget()}, j.hooks(s, prog))
	if err != nil {
		prog.end(ctx, s.helperFailure(ctx, err))
		return
	}
	if string(p.Src) == imp.Text {
		prog.end(ctx, imp.Model+" suggests no change")
		return
	}
	change := workbench.FileChange{Path: d.path, Old: p.Src, New: []byte(imp.Text)}
	applied := s.applyChange(ctx, d.uri, &version, change, "Improve prompt", "rewritten by "+imp.Model+": review each change")
	if applied {
		prog.end(ctx, "improved by "+imp.Model)
	} else {
		prog.end(ctx, "not applied")
	}
}

func (s *Server) generateTests(j helperJob) {
	ctx, d, p := j.bg, j.d, j.p
	prog := s.beginProgress(ctx, j.token, j.given, "Claude: generating test cases for "+filepath.Base(d.path))
	gen, err := workbench.GenerateTests(j.ctx, p, workbench.GenerateOptions{N: j.a.N, Model: s.helperModel(p.WS, j.a.Model), Budget: s.settingsBudget()}, j.hooks(s, prog))
	if err != nil {
		prog.end(ctx, s.helperFailure(ctx, err))
		return
	}
	target := uri.File(gen.Change.Path)
	var version *int32
	if gen.Change.Path == d.path {
		target = d.uri
		v := d.Snapshot().Version
		version = &v
		if !bytesEqual(d.Snapshot().Text, p.Src) {
			prog.end(ctx, "the prompt changed meanwhile: not applied")
			return
		}
	}
	if s.applyChange(ctx, target, version, gen.Change, "Generate test cases", "") {
		prog.end(ctx, plural(len(gen.Cases), "test case")+" added")
	} else {
		prog.end(ctx, "not applied")
	}
}

// grade grades the reply m names (the latest of its case when m.Run is
// zero); without a grade in a, it asks with the grades as buttons (a
// client that can ask for a note too sends both).
func (s *Server) grade(ctx context.Context, root string, m workbench.ReplyMark, a helperArgs) (protocol.LSPAny, error) {
	ctx = context.WithoutCancel(ctx)
	if a.Grade == 0 {
		which := "the last reply"
		if !m.Run.IsZero() {
			which = "the reply of " + m.Run.Local().Format("2006-01-02 15:04:05")
		}
		item, err := s.client.ShowMessageRequest(ctx, &protocol.ShowMessageRequestParams{Type: protocol.MessageTypeInfo,
			Message: fmt.Sprintf("claude-ls: grade %s of case %q on %s", which, m.Test, m.Model),
			Actions: []protocol.MessageActionItem{{Title: "1"}, {Title: "2"}, {Title: "3"}, {Title: "4"}, {Title: "5"}}})
		if err != nil || item == nil {
			return jsonMarshal(map[string]any{"graded": false})
		}
		fmt.Sscan(item.Title, &a.Grade)
	}
	g, err := workbench.GradeReply(root, m, a.Grade, a.Note)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", CommandGrade, err)
	}
	s.client.CodeLensRefresh(ctx) // the lenses show the new grade
	return jsonMarshal(map[string]any{"graded": true, "grade": g.Grade, "note": g.Note, "test": g.Test, "model": g.Model, "runTime": g.RunTime, "promptHash": g.PromptHash})
}

func (s *Server) compare(j helperJob) {
	ctx, d, p := j.bg, j.d, j.p
	rev := j.a.Rev
	if rev == "" {
		rev = "HEAD"
	}
	prog := s.beginProgress(ctx, j.token, j.given, "Claude: comparing "+filepath.Base(d.path)+" with "+rev)
	hooks := workbench.TestHooks{Hooks: j.hooks(s, prog)}
	hooks.Result = func(r workbench.TestResult, done, total int) { prog.report(ctx, fmt.Sprintf("%d/%d", done, total)) }
	c, err := workbench.CompareVersions(j.ctx, p, workbench.CompareOptions{Rev: rev, Tests: workbench.TestRunOptions{Budget: s.settingsBudget()}}, hooks)
	if err != nil {
		prog.end(ctx, s.helperFailure(ctx, err))
		return
	}
	o, n := c.Totals()
	s.showReport(ctx, c.MDPath)
	prog.end(ctx, fmt.Sprintf("old %s · new %s", o.CostText(), n.CostText()))
}

// helperFailure is runFailure, plus an answer that could not be used.
func (s *Server) helperFailure(ctx context.Context, err error) string {
	var rej *workbench.RejectedError
	if errors.As(err, &rej) {
		s.showMessage(ctx, protocol.MessageTypeError, rej.Message+"; nothing changed")
		return "not applied"
	}
	return s.runFailure(ctx, err)
}

// applyChange sends a change as one edit per changed run of lines, under
// a change annotation; with confirm set, the annotation needs
// confirmation, so VS Code opens its refactor preview where each change
// can be accepted or not.
func (s *Server) applyChange(ctx context.Context, target uri.URI, version *int32, c workbench.FileChange, label, confirm string) bool {
	m := promptfile.NewMapper(c.Old)
	enc := s.positionEncoding()
	const id = protocol.ChangeAnnotationIdentifier("claude-ls.helper")
	var edits []protocol.TextDocumentEditElement
	for _, e := range workbench.LineEdits(string(c.Old), string(c.New)) {
		te := protocol.TextEdit{Range: protocol.Range{Start: toPosition(m, e.Start, enc), End: toPosition(m, e.End, enc)}, NewText: e.Text}
		edits = append(edits, &protocol.AnnotatedTextEdit{TextEdit: te, AnnotationID: id})
	}
	ann := protocol.ChangeAnnotation{Label: label}
	if confirm != "" {
		yes := true
		ann.NeedsConfirmation, ann.Description = &yes, &confirm
	}
	edit := protocol.WorkspaceEdit{
		DocumentChanges: []protocol.DocumentChange{&protocol.TextDocumentEdit{
			TextDocument: protocol.OptionalVersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: target}, Version: version},
			Edits:        edits,
		}},
		ChangeAnnotations: map[protocol.ChangeAnnotationIdentifier]protocol.ChangeAnnotation{id: ann},
	}
	res, err := s.client.ApplyEdit(ctx, &protocol.ApplyWorkspaceEditParams{Label: &label, Edit: edit})
	if err == nil && res != nil && res.Applied {
		return true
	}
	reason := "the editor refused the edit"
	if res != nil && res.FailureReason != nil {
		reason = *res.FailureReason
	}
	if version == nil { // a closed tests file: write it
		if werr := c.Write(); werr == nil {
			return true
		}
	}
	s.showMessage(ctx, protocol.MessageTypeWarning, label+": not applied ("+reason+")")
	return false
}

func bytesEqual(a, b []byte) bool { return string(a) == string(b) }

// gradeLenses put, on each test case of the front matter that has a
// recorded reply, one lens per model: "Grade" (or its grade, to change
// it), running claude-ls.grade, which asks 1–5.
func (s *Server) gradeLenses(d *Document, snap *Snapshot) []protocol.CodeLens {
	if snap == nil || snap.Result == nil || snap.ws == nil || len(snap.Result.Tests) == 0 {
		return nil
	}
	p := workbench.Prompt{WS: snap.ws.ws, Path: d.path}
	var grades map[string]workbench.Grade
	var lenses []protocol.CodeLens
	for _, tc := range snap.Result.Tests {
		if tc.VarAt == nil { // a case of a tests file: nothing to put a lens on
			continue
		}
		for _, rec := range workbench.LastResults(p.WS.Root, p.Rel(), tc.Name) {
			if rec.Error != "" {
				continue
			}
			if grades == nil {
				all, _ := workbench.ReadGrades(p.WS.Root)
				grades = workbench.LatestGrades(all, p.Rel(), "")
			}
			title := "Grade " + rec.Model + " reply"
			if g, ok := grades[workbench.GradeKey(tc.Name, rec.Model)]; ok {
				title = fmt.Sprintf("Graded %d/5 on %s", g.Grade, rec.Model)
			}
			raw, _ := jsonMarshal(map[string]any{"uri": string(d.uri), "test": tc.Name, "model": rec.Model})
			rng := toRange(snap.File.Map, promptfile.Span{Start: tc.At.Start, End: tc.At.Start}, s.positionEncoding())
			lenses = append(lenses, protocol.CodeLens{Range: rng, Command: protocol.Command{Title: title, Command: CommandGrade, Arguments: []protocol.LSPAny{raw}}})
		}
	}
	return lenses
}

// helperModel is the model the command names, else the editor's helperModel
// setting when the workspace config sets no helper_model (workbench falls
// back to the config's, then to the prompt's model).
func (s *Server) helperModel(ws *workbench.Workspace, given string) string {
	if given != "" || (ws.Config != nil && ws.Config.HelperModel != "") {
		return given
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.settings.HelperModel
}
