package lsp

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"time"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/claude-ls/claude-ls/promptfile"
	"github.com/claude-ls/claude-ls/workbench"
)

// runState is a run in progress; a second run of the same file cancels it.
type runState struct {
	ctx    context.Context
	cancel context.CancelFunc
	token  string
	done   chan struct{}
}

// runs is keyed by document uri.
type runs struct {
	mu      sync.Mutex
	byURI   map[uri.URI]*runState
	byToken map[string]*runState
	next    int
}

// startRun runs the document's current version in the background and
// returns the result file its reply will stream into.
func (s *Server) startRun(d *Document, args commandArgs, appendReply bool, token protocol.ProgressToken) string {
	snap := d.Snapshot()
	resultPath := workbench.ResultFilePath(snap.ws.ws.Root, d.path, time.Now())
	st := s.runs.start(d.uri, token, "claude-ls-run")
	go func() {
		defer s.runs.finish(d.uri, st)
		s.run(st.ctx, &runJob{doc: d, snap: snap, args: args, appendReply: appendReply,
			token: st.token, clientToken: token != nil, resultPath: resultPath})
	}()
	return resultPath
}

// start registers a run under key (a second run of the same key cancels the
// first) with its progress token: the client's, or a new one.
func (r *runs) start(key uri.URI, token protocol.ProgressToken, prefix string) *runState {
	ctx, cancel := context.WithCancel(context.Background())
	st := &runState{ctx: ctx, cancel: cancel, done: make(chan struct{})}
	r.mu.Lock()
	defer r.mu.Unlock()
	if prev := r.byURI[key]; prev != nil {
		prev.cancel() // a second run of the same file replaces the first
	}
	r.next++
	st.token = fmt.Sprintf("%s-%d", prefix, r.next)
	if t, ok := token.(protocol.String); ok && t != "" {
		st.token = string(t)
	}
	r.byURI[key] = st
	r.byToken[st.token] = st
	return st
}

// finish forgets a run that ended.
func (r *runs) finish(key uri.URI, st *runState) {
	r.mu.Lock()
	if r.byURI[key] == st {
		delete(r.byURI, key)
	}
	delete(r.byToken, st.token)
	r.mu.Unlock()
	st.cancel()
	close(st.done)
}

// WorkDoneProgressCancel stops the run whose progress the user cancelled;
// cancelling the context stops the HTTP stream.
func (s *Server) WorkDoneProgressCancel(ctx context.Context, params *protocol.WorkDoneProgressCancelParams) error {
	tok := fmt.Sprint(params.Token)
	if t, ok := params.Token.(protocol.String); ok {
		tok = string(t)
	}
	s.runs.mu.Lock()
	st := s.runs.byToken[tok]
	s.runs.mu.Unlock()
	if st != nil {
		st.cancel()
	}
	return nil
}

// progress reports one run's progress, if the client takes it.
type progress struct {
	s       *Server
	token   protocol.ProgressToken
	enabled bool
}

func (s *Server) beginProgress(ctx context.Context, token string, given bool, title string) *progress {
	p := &progress{s: s, token: protocol.String(token)}
	s.mu.Lock()
	supported := s.clientCaps.workDoneProgress
	s.mu.Unlock()
	switch {
	case given:
		p.enabled = true
	case supported:
		p.enabled = s.client.WorkDoneProgressCreate(ctx, &protocol.WorkDoneProgressCreateParams{Token: p.token}) == nil
	}
	yes := true
	p.send(ctx, protocol.WorkDoneProgressBegin{Kind: "begin", Title: title, Cancellable: &yes})
	return p
}

func (p *progress) send(ctx context.Context, v any) {
	if p == nil || !p.enabled {
		return
	}
	raw, _ := jsonMarshal(v)
	p.s.client.Progress(ctx, &protocol.ProgressParams{Token: p.token, Value: raw})
}

func (p *progress) report(ctx context.Context, msg string) {
	p.send(ctx, protocol.WorkDoneProgressReport{Kind: "report", Message: &msg})
}

func (p *progress) end(ctx context.Context, msg string) {
	p.send(context.WithoutCancel(ctx), protocol.WorkDoneProgressEnd{Kind: "end", Message: &msg})
}

// runJob is one run of a document's version.
type runJob struct {
	doc         *Document
	snap        *Snapshot // the version the run started from
	args        commandArgs
	appendReply bool
	token       string // the progress token
	clientToken bool   // the client gave the token (no need to create it)
	resultPath  string
}

// run does one run through workbench.Run, streaming into the result file,
// and for runAppend appends the reply to the prompt if it has not changed.
func (s *Server) run(ctx context.Context, job *runJob) {
	d, ws := job.doc, job.snap.ws
	bg := context.WithoutCancel(ctx)
	var prog *progress
	var out *workbench.ResultFile
	hooks := workbench.Hooks{
		Ask:  s.asker(bg),
		Note: func(note string) { prog.report(bg, note) }, // progress is nil-safe
		Started: func(res *promptfile.Result) {
			prog = s.beginProgress(bg, job.token, job.clientToken, "Claude: running "+filepath.Base(d.path))
			f, err := workbench.NewResultFile(job.resultPath, d.path, res.ModelID)
			if err != nil {
				s.showMessage(bg, protocol.MessageTypeError, "cannot write the result file: "+err.Error())
				return
			}
			out = f
			s.showDocument(bg, job.resultPath)
		},
	}
	chars := 0
	hooks.Text = func(text string) {
		if out != nil {
			out.WriteString(text)
		}
		chars += len(text)
		prog.report(bg, fmt.Sprintf("%s characters", promptfile.GroupDigits(chars)))
	}
	p := workbench.Prompt{WS: ws.ws, Path: d.path, Src: job.snap.Text, Read: ws.read}
	opts := workbench.RunOptions{Vars: job.args.Vars, Test: job.args.Test, Model: job.args.Model, Stream: true, Budget: s.settingsBudget()}
	r, err := workbench.Run(ctx, p, opts, hooks)
	if out != nil {
		defer out.Close()
	}
	if r != nil && r.Reply != nil {
		s.recalibrated(ws) // a run calibrates the model's estimate
	}
	if err != nil {
		msg := s.runFailure(bg, err)
		if out != nil {
			out.Finish(msg, r.Summary)
		}
		if prog != nil {
			prog.end(bg, msg)
		}
		return
	}
	if out != nil {
		out.Finish(r.Mark, r.Summary, r.Headroom)
	}
	defer prog.end(bg, r.Summary) // last, when the append is done
	if job.appendReply {
		s.appendReply(bg, d, job.snap.Version, r.Reply.Text, job.resultPath)
	}
}

// runFailure tells the user why a use case stopped (nothing for a cancel or
// an unconfirmed run, which the user chose) and returns it in a few words.
func (s *Server) runFailure(ctx context.Context, err error) string {
	var problems *workbench.ProblemsError
	var guard *workbench.GuardError
	var api *workbench.Problem
	switch {
	case errors.As(err, &problems):
		s.showMessage(ctx, protocol.MessageTypeError, "not run: "+problems.Message)
		return "not run"
	case errors.As(err, &guard) && guard.Unconfirmed:
		s.showMessage(ctx, protocol.MessageTypeInfo, "not run")
		return "not run"
	case errors.As(err, &api) && api.Canceled:
		return "canceled"
	case errors.As(err, &api):
		s.showMessage(ctx, protocol.MessageTypeError, api.Error())
		return api.Message
	}
	s.showMessage(ctx, protocol.MessageTypeError, err.Error())
	return "failed"
}

// asker asks the user through a message with Run / Cancel buttons.
func (s *Server) asker(ctx context.Context) workbench.Asker {
	return func(question string) bool {
		item, err := s.client.ShowMessageRequest(ctx, &protocol.ShowMessageRequestParams{Type: protocol.MessageTypeWarning,
			Message: "claude-ls: " + question, Actions: []protocol.MessageActionItem{{Title: "Run"}, {Title: "Cancel"}}})
		return err == nil && item != nil && item.Title == "Run"
	}
}

// settingsBudget is the budget of the editor's settings, used where the
// workspace config sets none.
func (s *Server) settingsBudget() *promptfile.MonthlyBudget {
	s.mu.Lock()
	set := s.settings
	s.mu.Unlock()
	monthly, err1 := promptfile.ParseUSD(set.MonthlyBudget)
	confirm, err2 := promptfile.ParseUSD(set.ConfirmAbove)
	if err1 != nil && err2 != nil {
		return nil
	}
	return &promptfile.MonthlyBudget{MonthlyUSD: monthly, ConfirmAboveUSD: confirm}
}

// showReport opens a report the user asked for; a client that cannot open
// documents (Neovim 0.7) is told where it is.
func (s *Server) showReport(ctx context.Context, path string) {
	if !s.showDocument(ctx, path) {
		s.showMessage(ctx, protocol.MessageTypeInfo, "the report is in "+path)
	}
}

// showDocument asks the client to show path, without taking the focus, if
// it can; false if it cannot.
func (s *Server) showDocument(ctx context.Context, path string) bool {
	s.mu.Lock()
	ok := s.clientCaps.showDocument
	s.mu.Unlock()
	if !ok {
		return false
	}
	no := false
	if _, err := s.client.ShowDocument(ctx, &protocol.ShowDocumentParams{URI: uri.File(path), TakeFocus: &no}); err != nil {
		s.log.Warn("showDocument", "error", err)
	}
	return true
}

// appendReply adds the reply as an assistant block at the end of the prompt,
// as an edit on the version the run started from, so nothing typed
// meanwhile is overwritten.
func (s *Server) appendReply(ctx context.Context, d *Document, version int32, reply, resultPath string) {
	d.mu.Lock()
	current, text := d.version, d.text
	d.mu.Unlock()
	if current != version {
		s.showMessage(ctx, protocol.MessageTypeWarning, "the prompt changed while it ran, so the reply was not appended; it is in "+resultPath)
		return
	}
	m := promptfile.NewMapper(text)
	end := toPosition(m, len(text), s.positionEncoding())
	insert := "\nassistant:\n" + reply + "\n"
	if len(text) > 0 && text[len(text)-1] != '\n' {
		insert = "\n" + insert
	}
	v := version
	label := "Append Claude's reply"
	edit := protocol.WorkspaceEdit{DocumentChanges: []protocol.DocumentChange{&protocol.TextDocumentEdit{
		TextDocument: protocol.OptionalVersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: d.uri}, Version: &v},
		Edits:        []protocol.TextDocumentEditElement{&protocol.TextEdit{Range: protocol.Range{Start: end, End: end}, NewText: insert}},
	}}}
	res, err := s.client.ApplyEdit(ctx, &protocol.ApplyWorkspaceEditParams{Label: &label, Edit: edit})
	if err != nil || res == nil || !res.Applied {
		reason := "the editor refused the edit"
		if res != nil && res.FailureReason != nil {
			reason = *res.FailureReason
		}
		s.showMessage(ctx, protocol.MessageTypeWarning, "the reply was not appended ("+reason+"); it is in "+resultPath)
	}
}
