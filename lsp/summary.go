package lsp

import (
	"time"

	"go.lsp.dev/protocol"

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

// usage is the workspace's recorded spend, as `claude-ls usage --json` prints it.
func (s *Server) usage(d *Document) (protocol.LSPAny, error) {
	root := d.Snapshot().ws.ws.Root
	records, err := workbench.ReadRecords(root)
	if err != nil {
		return nil, err
	}
	return jsonMarshal(workbench.Summarize(records, time.Time{}, time.Now()))
}
