package lsp

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/claude-ls/claude-ls/promptfile"
	"github.com/claude-ls/claude-ls/workbench"
)

// runState is a run in progress; a second run of the same file cancels it.
type runState struct {
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

// startRun checks the prompt and the budget, then runs it in the background.
// It returns the result file the reply streams into.
func (s *Server) startRun(d *Document, args commandArgs, appendReply bool, token protocol.ProgressToken) string {
	snap := d.Snapshot()
	ws := snap.ws
	res := promptfile.Analyze(promptfile.Parse(snap.Text), ws.engine(), promptfile.Options{Path: d.path, Vars: args.Vars, Test: args.Test, Model: args.Model, Strict: true})
	name := filepath.Base(d.path)
	if name == "." || name == "" {
		name = "untitled.prompt"
	}
	resultPath := filepath.Join(ws.ws.Root, workbench.DataDir, "runs", strings.TrimSuffix(name, ".prompt")+"-"+time.Now().UTC().Format("20060102-150405.000")+".md")

	ctx, cancel := context.WithCancel(context.Background())
	st := &runState{cancel: cancel, done: make(chan struct{})}
	s.runs.mu.Lock()
	if prev := s.runs.byURI[d.uri]; prev != nil {
		prev.cancel() // a second run of the same file replaces the first
	}
	s.runs.next++
	st.token = fmt.Sprintf("claude-ls-run-%d", s.runs.next)
	if t, ok := token.(protocol.String); ok && t != "" {
		st.token = string(t)
	}
	s.runs.byURI[d.uri] = st
	s.runs.byToken[st.token] = st
	s.runs.mu.Unlock()

	go func() {
		defer close(st.done)
		defer func() {
			s.runs.mu.Lock()
			if s.runs.byURI[d.uri] == st {
				delete(s.runs.byURI, d.uri)
			}
			delete(s.runs.byToken, st.token)
			s.runs.mu.Unlock()
			cancel()
		}()
		s.run(ctx, &runJob{doc: d, version: snap.Version, res: res, ws: ws, test: args.Test, appendReply: appendReply,
			token: st.token, clientToken: token != nil, resultPath: resultPath})
	}()
	return resultPath
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
	if !p.enabled {
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
	version     int32 // the version the run started from
	res         *promptfile.Result
	ws          *workspaceState
	test        string
	appendReply bool
	token       string // the progress token
	clientToken bool   // the client gave the token (no need to create it)
	resultPath  string
}

// run does one run: guard, send, stream into the result file, record, and
// for runAppend, append the reply to the prompt if it has not changed.
func (s *Server) run(ctx context.Context, job *runJob) {
	d, res, ws, resultPath := job.doc, job.res, job.ws, job.resultPath
	bg := context.WithoutCancel(ctx)
	if msg := firstError(res); msg != "" {
		s.showMessage(bg, protocol.MessageTypeError, "not run: "+msg)
		return
	}
	key, err := workbench.LoadKey(ws.ws.Root)
	if err != nil {
		s.showMessage(bg, protocol.MessageTypeError, err.Error())
		return
	}
	if !s.allowSpend(bg, ws, workbench.WorstCase(res), 1) {
		return
	}
	prog := s.beginProgress(bg, job.token, job.clientToken, "Claude: running "+filepath.Base(d.path))
	out, err := newResultFile(resultPath, d.path, res)
	if err != nil {
		prog.end(bg, "failed")
		s.showMessage(bg, protocol.MessageTypeError, "cannot write the result file: "+err.Error())
		return
	}
	defer out.Close()
	s.showDocument(bg, resultPath)

	client := workbench.NewClient(key, workbench.BaseURL(ws.ws.Root))
	client.OnRetry = func(note string) { prog.report(bg, note) }
	body, _ := res.Request.MarshalJSON()
	chars := 0
	reply, err := client.Send(ctx, body, res.Version, true, func(text string) {
		out.WriteString(text)
		chars += len(text)
		prog.report(bg, fmt.Sprintf("%s characters", promptfile.GroupDigits(chars)))
	})
	if err != nil {
		p := workbench.Explain(err, key, res)
		fmt.Fprintf(out, "\n\n---\n%s\n", p.Error())
		prog.end(bg, p.Message)
		if !p.Canceled {
			s.showMessage(bg, protocol.MessageTypeError, p.Error())
		}
		return
	}
	cost := workbench.CostOf(res.Model, reply.Usage, false)
	summary := reply.Summary(cost, res.Model != nil)
	fmt.Fprintf(out, "\n\n---\n%s\n", summary)
	defer prog.end(bg, summary) // last, when the record and the append are done

	rel, _ := filepath.Rel(ws.ws.Root, d.path)
	rec := workbench.Record{Time: time.Now().UTC(), Prompt: filepath.ToSlash(rel), Test: job.test, Model: reply.Model,
		RequestHash: workbench.RequestHash(body, res.Version), Usage: reply.Usage, CostUSD: cost,
		LatencyMS: reply.Latency.Milliseconds(), StopReason: reply.StopReason, Reply: reply.Text}
	if err := workbench.AppendRecord(ws.ws.Root, rec, key); err != nil {
		s.showMessage(bg, protocol.MessageTypeWarning, "the run was not recorded: "+err.Error())
	}
	s.calibrate(ws, res, reply.Usage.TotalInput())
	if job.appendReply {
		s.appendReply(bg, d, job.version, reply.Text, resultPath)
	}
}

func firstError(res *promptfile.Result) string {
	n := 0
	first := ""
	for _, d := range res.Diagnostics {
		if d.Severity == promptfile.Error {
			if n == 0 {
				line := res.File.Map.Line(d.Span.Start) + 1
				first = fmt.Sprintf("line %d: %s", line, d.Message)
			}
			n++
		}
	}
	if n == 0 {
		if res.Request == nil {
			return "the prompt does not render to a request"
		}
		return ""
	}
	if n > 1 {
		return fmt.Sprintf("%d errors; the first, %s", n, first)
	}
	return first
}

// allowSpend applies the spending guard to n requests whose worst case
// together is worst, asking the user when it passes the confirmation
// threshold.
func (s *Server) allowSpend(ctx context.Context, ws *workspaceState, worst promptfile.USD, n int) bool {
	records, _ := workbench.ReadRecords(ws.ws.Root)
	verdict, msg := workbench.Guard(worst, workbench.MonthSpend(records, time.Now()), s.budget(ws))
	it := "it"
	if n > 1 {
		msg = strings.Replace(msg, "this run", "these "+plural(n, "request"), 1)
		it = "them"
	}
	switch verdict {
	case workbench.Refuse:
		s.showMessage(ctx, protocol.MessageTypeError, msg)
		return false
	case workbench.Confirm:
		item, err := s.client.ShowMessageRequest(ctx, &protocol.ShowMessageRequestParams{Type: protocol.MessageTypeWarning,
			Message: "claude-ls: " + msg + ". Run " + it + "?", Actions: []protocol.MessageActionItem{{Title: "Run"}, {Title: "Cancel"}}})
		if err != nil || item == nil || item.Title != "Run" {
			s.showMessage(ctx, protocol.MessageTypeInfo, "not run")
			return false
		}
	}
	return true
}

// budget is the workspace config's budget, else the editor settings'.
func (s *Server) budget(ws *workspaceState) *promptfile.MonthlyBudget {
	if b := ws.ws.Config.Budget; b != nil {
		return b
	}
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

// newResultFile starts the document a reply streams into.
func newResultFile(path, prompt string, res *promptfile.Result) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(f, "<!-- claude-ls run of %s with %s at %s -->\n\n", filepath.Base(prompt), res.ModelID, time.Now().UTC().Format(time.RFC3339))
	return f, nil
}

func (s *Server) showDocument(ctx context.Context, path string) {
	s.mu.Lock()
	ok := s.clientCaps.showDocument
	s.mu.Unlock()
	if !ok {
		return
	}
	no := false
	if _, err := s.client.ShowDocument(ctx, &protocol.ShowDocumentParams{URI: uri.File(path), TakeFocus: &no}); err != nil {
		s.log.Warn("showDocument", "error", err)
	}
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
