package lsp

import (
	"context"
	"time"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/claude-ls/claude-ls/promptfile"
	"github.com/claude-ls/claude-ls/workbench"
)

// Summary is what claude-ls.summary answers: enough for a status bar and
// its per-block breakdown, without the client knowing the format.
type Summary struct {
	Version     int32          `json:"version"`
	Model       string         `json:"model"`
	ModelKnown  bool           `json:"modelKnown"`
	Calibrated  bool           `json:"calibrated"`
	InputTokens int            `json:"inputTokens"`
	ExactTokens int64          `json:"exactTokens,omitempty"`  // when counted exactly for this version
	InputUSD    string         `json:"inputUsd,omitempty"`     // exact decimal dollars, e.g. "0.003702"
	OutputMax   string         `json:"outputMaxUsd,omitempty"` // exact decimal dollars
	MaxTokens   int            `json:"maxTokens"`
	Errors      int            `json:"errors"`
	Blocks      []SummaryBlock `json:"blocks"`
	// The rate-limit headroom the model's last answer reported, and its
	// one-line summary, when known.
	Limits     *workbench.RateLimits `json:"limits,omitempty"`
	LimitsText string                `json:"limitsText,omitempty"`
}

// SummaryBlock is one block's share.
type SummaryBlock struct {
	Role     string `json:"role"`
	Line     int    `json:"line"` // 0-based, as LSP lines
	Tokens   int    `json:"tokens"`
	InputUSD string `json:"inputUsd,omitempty"`
	Cache    string `json:"cache,omitempty"`
}

func (s *Server) summary(d *Document) Summary {
	snap := d.Snapshot()
	r := snap.Result
	out := Summary{Version: snap.Version, Model: r.ModelID, ModelKnown: r.Model != nil, InputTokens: r.Tokens.Input, MaxTokens: r.MaxTokens, Blocks: []SummaryBlock{}}
	if all, err := workbench.LoadLimits(snap.ws.ws.Root); err == nil {
		if l, ok := all[r.ModelID]; ok {
			out.Limits, out.LimitsText = &l, l.Summary()
		}
	}
	if n, ok := s.exactFor(d.uri, snap.Version); ok {
		out.ExactTokens = n
	}
	for _, dg := range r.Diagnostics {
		if dg.Severity == promptfile.Error {
			out.Errors++
		}
	}
	if m := r.Model; m != nil {
		out.Calibrated = m.CalibratedFrom > 0
		out.InputUSD = r.Tokens.Cost.InputUSD.Decimal()
		out.OutputMax = r.Tokens.Cost.OutputMaxUSD.Decimal()
	}
	for _, rb := range r.Blocks {
		at := rb.Block.Line.Start
		if rb.Block.Implicit {
			at = rb.Block.Content.Start
		}
		sb := SummaryBlock{Role: string(rb.Block.Role), Line: snap.File.Map.Line(at), Tokens: rb.Tokens, Cache: rb.Block.Cache}
		if r.Model != nil {
			sb.InputUSD = r.InputCost(rb.Tokens).Decimal()
		}
		out.Blocks = append(out.Blocks, sb)
	}
	return out
}

// usage is the workspace's recorded spend, as `claude-ls usage --json` prints
// it, with the rate-limit headroom per model as `claude-ls limits --json`.
func (s *Server) usage(d *Document) (protocol.LSPAny, error) {
	ws := d.Snapshot().ws.ws
	records, err := workbench.ReadRecords(ws.Root)
	if err != nil {
		return nil, err
	}
	limits, _ := workbench.LoadLimits(ws.Root)
	text := map[string]string{}
	for m, l := range limits {
		text[m] = l.Summary()
	}
	return jsonMarshal(struct {
		workbench.UsageReport
		Limits     map[string]workbench.RateLimits `json:"limits"`
		LimitsText map[string]string               `json:"limitsText"`
	}{workbench.SummarizeWith(records, time.Time{}, time.Now(), ws.Catalog), limits, text})
}

// usageReport writes the spend pictured under .claude-ls/ and opens it. The
// organisation's figures come in when an admin key is there; fetching them
// takes the network, so the page is written in the background.
func (s *Server) usageReport(ctx context.Context, d *Document) (protocol.LSPAny, error) {
	ws := d.Snapshot().ws.ws
	path := workbench.UsagePagePath(ws.Root)
	go func() {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Minute)
		defer cancel()
		view, err := workbench.GatherSpend(ctx, ws.Root, ws.Catalog, workbench.SpendOptions{OrgIfKey: true})
		if err == nil && view.OrgErr != nil {
			s.showMessage(ctx, protocol.MessageTypeWarning, "the organisation's usage is left out: "+view.OrgErr.Error())
		}
		if err == nil {
			err = view.WritePage(path)
		}
		if err != nil {
			s.showMessage(ctx, protocol.MessageTypeError, CommandUsageReport+": "+err.Error())
			return
		}
		s.openExternal(ctx, path)
	}()
	return jsonMarshal(map[string]any{"started": true, "file": path})
}

// openExternal asks the client to open a file in its own program (a page
// in the browser), when it can show documents.
func (s *Server) openExternal(ctx context.Context, path string) {
	s.mu.Lock()
	ok := s.clientCaps.showDocument
	s.mu.Unlock()
	if !ok {
		return
	}
	yes := true
	if _, err := s.client.ShowDocument(ctx, &protocol.ShowDocumentParams{URI: uri.File(path), External: &yes}); err != nil {
		s.log.Warn("showDocument", "error", err)
	}
}
