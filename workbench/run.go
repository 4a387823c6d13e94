package workbench

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/claude-ls/claude-ls/promptfile"
)

// The use cases (Run, CountExact, RunTestCases, CollectBatch) are what the
// command line and the language server both call: each takes a Prompt,
// options, and Hooks through which its front end asks, shows progress and
// streams text; cancelling ctx stops it. They return typed errors:
// *ProblemsError (the prompt has errors), ErrNoKey, *GuardError, *Problem
// (the API failed or the run was canceled).

// Prompt is a prompt file as the use cases take it: its workspace, its
// absolute path, and its text (the file's, or an editor's unsaved buffer).
type Prompt struct {
	WS   *Workspace
	Path string
	Src  []byte
	// Read reads the files the prompt includes; nil: the workspace's
	// reader. The editor passes its cache of files on disk.
	Read func(path string) ([]byte, error)
}

// Analyze renders the prompt with o.
func (p Prompt) Analyze(o promptfile.Options) *promptfile.Result {
	o.Path = p.Path
	read := p.Read
	if read == nil {
		read = p.WS.Reader()
	}
	return promptfile.Analyze(promptfile.Parse(p.Src), p.WS.Engine(read), o)
}

// Rel is the prompt's path relative to the workspace root, with slashes,
// as records and reports name it.
func (p Prompt) Rel() string {
	rel, err := filepath.Rel(p.WS.Root, p.Path)
	if err != nil {
		return filepath.ToSlash(p.Path)
	}
	return filepath.ToSlash(rel)
}

// Hooks connect a use case to its front end. Any may be nil.
type Hooks struct {
	Ask     Asker                        // a yes/no question; nil: nobody can be asked, so no
	Note    func(string)                 // a retry, a status: shown as it happens
	Text    func(string)                 // the reply, as it streams
	Started func(res *promptfile.Result) // the request passed every check and is about to be sent
}

func (h Hooks) note(s string) {
	if h.Note != nil {
		h.Note(s)
	}
}

// ProblemsError is a prompt whose errors keep it from being sent.
type ProblemsError struct {
	Result  *promptfile.Result
	Message string // "line 3: …", or "2 errors; the first, line 3: …"
}

func (e *ProblemsError) Error() string { return e.Message }

// Runnable is nil when res can be sent, else the *ProblemsError saying why
// not: its errors, or a key in the final request (after variables,
// includes, escapes and test values), which is never sent.
func Runnable(res *promptfile.Result) error {
	at := func(d *promptfile.Diagnostic) string {
		return fmt.Sprintf("line %d: %s", res.File.Map.Line(d.Span.Start)+1, d.Message)
	}
	switch n := res.ErrorCount(); {
	case n == 1:
		return &ProblemsError{Result: res, Message: at(res.FirstError())}
	case n > 1:
		return &ProblemsError{Result: res, Message: fmt.Sprintf("%d errors; the first, %s", n, at(res.FirstError()))}
	case res.Request == nil:
		return &ProblemsError{Result: res, Message: "the prompt does not render to a request"}
	}
	if d := res.SecretInRequest(); d != nil {
		return &ProblemsError{Result: res, Message: at(d)}
	}
	return nil
}

// RunOptions choose what Run sends.
type RunOptions struct {
	Vars   map[string]string
	Test   string // take the values of this test case
	Model  string // run on this model instead of the file's
	Stream bool
	// Budget overrides the workspace config's (the editor's settings);
	// nil means the config's.
	Budget *promptfile.MonthlyBudget
}

// RunResult is a finished (or interrupted) run.
type RunResult struct {
	Result  *promptfile.Result
	Reply   *Reply // nil when nothing came back
	Cost    promptfile.USD
	Priced  bool   // the model has prices
	Summary string // the line that ends a run, in the terminal and the editor
	// Headroom says what is left of the rate limits after the run; "" when
	// the API sent no rate-limit headers.
	Headroom string
	// Mark names the recorded reply, for grading it from the result
	// document; "" when the run was not recorded whole.
	Mark string
}

// Run sends one prompt: checks, spending guard, the request (streamed to
// h.Text), the record of what it cost (also when interrupted), and the
// model's calibration.
func Run(ctx context.Context, p Prompt, opts RunOptions, h Hooks) (*RunResult, error) {
	res := p.Analyze(promptfile.Options{Vars: opts.Vars, Test: opts.Test, Model: opts.Model, Strict: true})
	if err := Runnable(res); err != nil {
		return nil, err
	}
	key, err := LoadKey(p.WS.Root)
	if err != nil {
		return nil, err
	}
	rsv, err := p.WS.Reserve(Spend{Worst: WorstCase(res), N: 1, Priced: res.Model != nil}, p.WS.budget(opts.Budget), h.Ask)
	if err != nil {
		return nil, err
	}
	if h.Started != nil {
		h.Started(res)
	}
	client := NewClient(key, BaseURL(p.WS.Root))
	client.OnRetry = h.Note
	body, _ := res.Request.MarshalJSON()
	// A reply that echoes a key is shown redacted, even split across chunks.
	text := NewRedactWriter(textHook(h.Text), key)
	reply, sendErr := client.Send(ctx, body, res.Version, opts.Stream, func(s string) { text.Write([]byte(s)) })
	text.Flush()
	out := &RunResult{Result: res, Reply: reply, Priced: res.Model != nil}
	if reply == nil {
		rsv.Release()
		return out, Explain(sendErr, key, res)
	}
	if reply.Partial {
		// message_start's output count is a placeholder: the text received
		// is at least what was generated.
		reply.Usage.Output = max(reply.Usage.Output, p.WS.estimateTokens(res.Model, reply.Text))
	}
	out.Cost = CostOf(res.Model, reply.Usage, false)
	out.Summary = reply.Summary(out.Cost, out.Priced)
	if reply.RateLimits != nil {
		out.Headroom = reply.RateLimits.Summary()
	}
	rec := Record{Time: time.Now().UTC(), Prompt: p.Rel(), Test: opts.Test, Model: reply.Model,
		RequestHash: RequestHash(body, res.Version), Usage: reply.Usage, CostUSD: out.Cost,
		LatencyMS: reply.Latency.Milliseconds(), StopReason: reply.StopReason, Reply: reply.Text, Interrupted: reply.Partial,
		RateLimits: reply.RateLimits}
	if rec.Model == "" {
		rec.Model = res.ModelID
	}
	rec.PromptHash, rec.Commit = VersionOf(p.WS.Root, p.Src) // version.go
	if sendErr != nil {
		prob := Explain(sendErr, key, res)
		rec.Error = prob.Message
		out.Summary = "interrupted (" + prob.Message + ") · " + out.Summary
		if err := rsv.Settle([]Record{rec}, key); err != nil {
			h.note("the interrupted run was not recorded: " + err.Error())
		}
		return out, prob
	}
	if err := rsv.Settle([]Record{rec}, key); err != nil {
		h.note("the run was not recorded: " + err.Error())
	} else {
		out.Mark = ReplyMark{Prompt: rec.Prompt, Test: opts.Test, Model: res.ModelID, Run: rec.Time}.Comment()
	}
	Calibrate(p.WS.Root, res.ModelID, reply.Usage.TotalInput(), int64(res.Tokens.Raw))
	SaveLimits(p.WS.Root, rec.Model, reply.RateLimits) // the headroom `claude-ls limits` shows
	return out, nil
}

// textHook lets a Text hook be written to.
type textHook func(string)

func (t textHook) Write(p []byte) (int, error) {
	if t != nil && len(p) > 0 {
		t(string(p))
	}
	return len(p), nil
}

// budget is the budget a run is held to: the config's, else the given one
// (the editor's settings).
func (w *Workspace) budget(override *promptfile.MonthlyBudget) *promptfile.MonthlyBudget {
	if w.Config != nil && w.Config.Budget != nil {
		return w.Config.Budget
	}
	return override
}

// estimateTokens is the approximate token count of text on model m, for
// output that an interrupted stream delivered before any usage said so.
func (w *Workspace) estimateTokens(m *promptfile.Model, text string) int64 {
	if text == "" {
		return 0
	}
	if w.Counter == nil || m == nil || m.Tokenizer == "" {
		return int64(len(text)+3) / 4
	}
	return int64(promptfile.EstimateText(m, w.Counter, text))
}

// CountExact asks the API's count_tokens for res (cached by request hash)
// and calibrates the model's estimate with the answer.
func CountExact(ctx context.Context, w *Workspace, res *promptfile.Result, h Hooks) (n int64, cached bool, err error) {
	if err := Runnable(res); err != nil {
		return 0, false, err
	}
	body, _ := res.Request.MarshalJSON()
	hash := RequestHash(body, res.Version)
	if n, ok := CachedCount(w.Root, hash); ok {
		return n, true, nil
	}
	if why := uncountable(body); why != "" {
		return 0, false, &ProblemsError{Result: res, Message: why}
	}
	key, err := LoadKey(w.Root)
	if err != nil {
		return 0, false, err
	}
	client := NewClient(key, BaseURL(w.Root))
	client.OnRetry = h.Note
	n, err = client.CountTokens(ctx, body, res.Version)
	if err != nil {
		return 0, false, Explain(err, key, res)
	}
	StoreCount(w.Root, hash, n)
	Calibrate(w.Root, res.ModelID, n, int64(res.Tokens.Raw))
	return n, false, nil
}

// uncountable says why count_tokens would refuse a request, which it does
// for server tools and for images or documents given by URL or file id
// (the token-counting docs): "" when it takes it.
func uncountable(body []byte) string {
	var req struct {
		Tools []struct {
			Type string `json:"type"`
		} `json:"tools"`
		Messages []struct {
			Content json.RawMessage `json:"content"`
		} `json:"messages"`
	}
	if json.Unmarshal(body, &req) != nil {
		return ""
	}
	for _, t := range req.Tools {
		for _, server := range []string{"web_search_", "web_fetch_", "code_execution_"} {
			if strings.HasPrefix(t.Type, server) {
				return "the token-counting endpoint does not take server tools (" + t.Type + "): no exact count; the estimate stands"
			}
		}
	}
	for _, m := range req.Messages {
		var blocks []struct {
			Source *struct {
				Type string `json:"type"`
			} `json:"source"`
		}
		if json.Unmarshal(m.Content, &blocks) != nil {
			continue // plain text
		}
		for _, b := range blocks {
			if b.Source != nil && (b.Source.Type == "url" || b.Source.Type == "file") {
				return "the token-counting endpoint does not take images or documents given by " + b.Source.Type + ": no exact count; the estimate stands"
			}
		}
	}
	return ""
}
