package workbench

import (
	"context"
	"encoding/json"
	"time"

	"github.com/claude-ls/claude-ls/promptfile"
)

// The helpers (Improve, GenerateTests) send requests of their own about a
// prompt: assist sends one through the same spending guard, records it with
// its Kind, and returns the reply.

// assistRequest is one helper request.
type assistRequest struct {
	Kind      string // the Record's Kind
	Model     string
	System    string
	User      string
	MaxTokens int
	Schema    map[string]any // set: structured output with this JSON schema
	Budget    *promptfile.MonthlyBudget
}

// assistBody is the Messages API request of q.
func assistBody(q assistRequest) []byte {
	body := map[string]any{
		"model": q.Model, "max_tokens": q.MaxTokens, "system": q.System,
		"messages": []map[string]string{{"role": "user", "content": q.User}},
	}
	if q.Schema != nil {
		body["output_config"] = map[string]any{"format": map[string]any{"type": "json_schema", "schema": q.Schema}}
	}
	b, _ := json.Marshal(body)
	return b
}

// assist sends q about prompt p under the spending guard and records it.
func assist(ctx context.Context, p Prompt, q assistRequest, h Hooks) (*Reply, error) {
	m, _ := p.WS.Catalog.Lookup(q.Model)
	if m != nil && m.MaxOutput > 0 {
		q.MaxTokens = min(q.MaxTokens, m.MaxOutput)
	}
	if m != nil {
		q.Model = m.ID
	}
	body := assistBody(q)
	var worst promptfile.USD
	if m != nil {
		est := m.Estimate(p.WS.estimateTokens(m, q.System+q.User), 0, 0, int64(q.MaxTokens))
		worst = est.InputUSD + est.OutputMaxUSD
	}
	key, err := LoadKey(p.WS.Root)
	if err != nil {
		return nil, err
	}
	rsv, err := p.WS.Reserve(Spend{Worst: worst, N: 1, Priced: m != nil}, p.WS.budget(q.Budget), h.Ask)
	if err != nil {
		return nil, err
	}
	client := NewClient(key, BaseURL(p.WS.Root))
	client.OnRetry = h.Note
	reply, sendErr := client.Send(ctx, body, promptfile.VersionCurrent, true, h.Text)
	if reply == nil {
		rsv.Release()
		return nil, Explain(sendErr, key, nil)
	}
	hash, commit := VersionOf(p.WS.Root, p.Src)
	rec := Record{Time: time.Now().UTC(), Prompt: p.Rel(), Model: reply.Model, Kind: q.Kind,
		RequestHash: RequestHash(body, promptfile.VersionCurrent), Usage: reply.Usage, CostUSD: CostOf(m, reply.Usage, false),
		LatencyMS: reply.Latency.Milliseconds(), StopReason: reply.StopReason, Reply: reply.Text, Interrupted: reply.Partial,
		PromptHash: hash, Commit: commit}
	if rec.Model == "" {
		rec.Model = q.Model
	}
	if sendErr != nil {
		prob := Explain(sendErr, key, nil)
		rec.Error = prob.Message
		if err := rsv.Settle([]Record{rec}, key); err != nil {
			h.note("the interrupted request was not recorded: " + err.Error())
		}
		return reply, prob
	}
	if err := rsv.Settle([]Record{rec}, key); err != nil {
		h.note("the request was not recorded: " + err.Error())
	}
	return reply, nil
}

// helperModel is the model a helper (improve, generate) asks: the one
// given (flag or command argument), else the workspace's helper_model, else
// the prompt's own.
func (w *Workspace) helperModel(given string, res *promptfile.Result) string {
	switch {
	case given != "":
		return given
	case w.Config != nil && w.Config.HelperModel != "":
		return w.Config.HelperModel
	}
	return res.ModelID
}
