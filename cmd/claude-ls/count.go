package main

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/claude-ls/claude-ls/promptfile"
)

// countJSON is what `count --json` prints for one file.
type countJSON struct {
	File           string           `json:"file"`
	Model          string           `json:"model"`
	Approximate    bool             `json:"approximate"`
	InputTokens    int              `json:"input_tokens"`
	ExactTokens    int64            `json:"exact_input_tokens,omitempty"`
	Calibrated     bool             `json:"calibrated"`
	MaxTokens      int              `json:"max_tokens"`
	Blocks         []countBlockJSON `json:"blocks"`
	ToolsTokens    int              `json:"tools_tokens,omitempty"`
	FramingTokens  int              `json:"framing_tokens,omitempty"` // what the API adds around the text
	CachedTokens5m int              `json:"cache_prefix_tokens_5m,omitempty"`
	CachedTokens1h int              `json:"cache_prefix_tokens_1h,omitempty"`
	Cost           *countCostJSON   `json:"cost"`
	ModelKnown     bool             `json:"model_known"`
	ErrorsInPrompt int              `json:"errors"`
}

type countBlockJSON struct {
	Role   string          `json:"role"`
	Line   int             `json:"line"`
	Tokens int             `json:"tokens"`
	Cache  string          `json:"cache,omitempty"`
	Cost   json.RawMessage `json:"input_usd,omitempty"`
}

type countCostJSON struct {
	InputUSD          json.RawMessage `json:"input_usd"`
	OutputMaxUSD      json.RawMessage `json:"output_max_usd"`
	CacheWriteUSD     json.RawMessage `json:"cache_write_usd"`
	CacheReadUSD      json.RawMessage `json:"cache_read_usd"`
	BatchInputUSD     json.RawMessage `json:"batch_input_usd"`
	BatchOutputMaxUSD json.RawMessage `json:"batch_output_max_usd"`
	// Server tools' fees besides tokens: the upper bound from max_uses, and
	// the line count prints (promptfile.ServerToolCost).
	ServerToolsMaxUSD json.RawMessage `json:"server_tools_max_usd,omitempty"`
	ServerTools       string          `json:"server_tools,omitempty"`
}

// usdJSON writes an amount as an exact JSON number of dollars.
func usdJSON(u promptfile.USD) json.RawMessage { return json.RawMessage(u.Decimal()) }

func runCount(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("count", "[--json] [--model ID] [--var NAME=VALUE]... [--test NAME] [--exact] FILE...", stderr)
	asJSON := fs.Bool("json", false, "print JSON")
	model := fs.String("model", "", "count for model `ID` instead of the file's")
	vars := varFlags{}
	fs.Var(vars, "var", "set a variable, `NAME=VALUE` (repeatable)")
	test := fs.String("test", "", "use the values of the test case `NAME`")
	exact := fs.Bool("exact", false, "also ask the API's token-counting endpoint for the exact count (needs a key; free)")
	files, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(files) == 0 {
		fs.Usage()
		return exitUsage
	}
	var all []countJSON
	status := exitOK
	for _, path := range files {
		ws, err := openWorkspace(path, true)
		if err != nil {
			fmt.Fprintln(stderr, "claude-ls count:", err)
			status = exitUsage
			continue
		}
		// Strict, as the request would be sent: a prompt with errors exits 1
		// here as from render, export and run.
		res, err := ws.AnalyzeFile(path, promptfile.Options{Model: *model, Vars: vars, Test: *test, Strict: true})
		if err != nil {
			fmt.Fprintln(stderr, "claude-ls count:", err)
			status = exitUsage
			continue
		}
		if code := unknownTestCase("count", res, *test, stderr); code != exitOK {
			status = max(status, code)
			continue
		}
		c := countOf(path, res)
		if *exact {
			n, code := exactCount(ws, path, res, stderr)
			if code != exitOK {
				status = max(status, code)
				continue
			}
			c.ExactTokens = n
		}
		printDiagnostics(stderr, path, res, promptfile.Warning) // an unknown --model names the nearest id
		if res.ErrorCount() > 0 {
			status = max(status, exitProblems)
		}
		if *asJSON {
			all = append(all, c)
		} else {
			printCount(stdout, c, res)
		}
	}
	if *asJSON {
		var out []byte
		if len(all) == 1 {
			out, _ = json.MarshalIndent(all[0], "", "  ")
		} else {
			out, _ = json.MarshalIndent(all, "", "  ")
		}
		fmt.Fprintf(stdout, "%s\n", out)
	}
	return status
}

func countOf(path string, res *promptfile.Result) countJSON {
	t := res.Tokens
	c := countJSON{File: relPath(path), Model: res.ModelID, Approximate: true, InputTokens: t.Input, MaxTokens: res.MaxTokens,
		Calibrated:  res.Model != nil && res.Model.CalibratedFrom > 0,
		ToolsTokens: t.Tools, FramingTokens: t.Overhead, CachedTokens5m: t.Cached5m, CachedTokens1h: t.Cached1h, ModelKnown: res.Model != nil, Blocks: []countBlockJSON{}}
	for _, d := range res.Diagnostics {
		if d.Severity == promptfile.Error {
			c.ErrorsInPrompt++
		}
	}
	for _, rb := range res.Blocks {
		line, _ := res.File.Map.Position(rb.Block.Line.Start, promptfile.UTF8)
		if rb.Block.Implicit {
			line, _ = res.File.Map.Position(rb.Block.Content.Start, promptfile.UTF8)
		}
		b := countBlockJSON{Role: string(rb.Block.Role), Line: line + 1, Tokens: rb.Tokens, Cache: rb.Block.Cache}
		if res.Model != nil {
			b.Cost = usdJSON(res.InputCost(rb.Tokens))
		}
		c.Blocks = append(c.Blocks, b)
	}
	if res.Model != nil {
		e := t.Cost
		c.Cost = &countCostJSON{InputUSD: usdJSON(e.InputUSD), OutputMaxUSD: usdJSON(e.OutputMaxUSD), CacheWriteUSD: usdJSON(e.CacheWriteUSD),
			CacheReadUSD: usdJSON(e.CacheReadUSD), BatchInputUSD: usdJSON(e.BatchInputUSD), BatchOutputMaxUSD: usdJSON(e.BatchOutputMaxUSD)}
		if st := promptfile.ServerToolCost(res.Request); len(st.Tools) > 0 {
			c.Cost.ServerTools = st.String()
			if !st.Unbounded {
				c.Cost.ServerToolsMaxUSD = usdJSON(st.MaxUSD)
			}
		}
	}
	return c
}

func printCount(w io.Writer, c countJSON, res *promptfile.Result) {
	model := c.Model
	if model == "" {
		model = "no model"
	} else if !c.ModelKnown {
		model += " (unknown: no prices)"
	}
	label := "approximate"
	if c.Calibrated {
		label += ", calibrated"
	}
	fmt.Fprintf(w, "%s · %s · %s\n", c.File, model, label)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "line\trole\ttokens\tinput cost\t\t")
	for _, b := range c.Blocks {
		var cost promptfile.USD
		if res.Model != nil {
			cost = res.InputCost(b.Tokens)
		}
		attr := ""
		if b.Cache != "" {
			attr = b.Cache
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t\n", b.Line, b.Role, group(b.Tokens), costText(res, cost), attr)
	}
	if c.ToolsTokens > 0 {
		var cost promptfile.USD
		if res.Model != nil {
			cost = res.InputCost(c.ToolsTokens)
		}
		fmt.Fprintf(tw, "\ttools\t%s\t%s\t\t\n", group(c.ToolsTokens), costText(res, cost))
	}
	if c.FramingTokens > 0 {
		fmt.Fprintf(tw, "\tframing\t%s\t%s\t\t\n", group(c.FramingTokens), costText(res, res.InputCost(c.FramingTokens)))
	}
	fmt.Fprintf(tw, "\ttotal\t≈ %s\t%s\t\t\n", group(c.InputTokens), costText(res, res.Tokens.Cost.InputUSD))
	if c.ExactTokens > 0 {
		var cost promptfile.USD
		if res.Model != nil {
			cost = res.Model.Cost(promptfile.Usage{Input: c.ExactTokens}, false)
		}
		fmt.Fprintf(tw, "\texact\t%s\t%s\t\t\n", group(int(c.ExactTokens)), costText(res, cost))
	}
	tw.Flush()
	if res.Model == nil {
		return
	}
	e := res.Tokens.Cost
	fmt.Fprintf(w, "output: up to %s (max_tokens %s)\n", e.OutputMaxUSD, group(c.MaxTokens))
	if c.CachedTokens5m+c.CachedTokens1h > 0 {
		fmt.Fprintf(w, "cache: first run %s (writes %s tokens), later runs %s (reads them)\n", e.CacheWriteUSD, group(c.CachedTokens5m+c.CachedTokens1h), e.CacheReadUSD)
	}
	fmt.Fprintf(w, "batch: input %s, output up to %s\n", e.BatchInputUSD, e.BatchOutputMaxUSD)
	if st := promptfile.ServerToolCost(res.Request); len(st.Tools) > 0 {
		fmt.Fprintf(w, "server tools (besides tokens): %s\n", st)
	}
}

func costText(res *promptfile.Result, u promptfile.USD) string {
	if res.Model == nil {
		return "-"
	}
	return u.String()
}

func group(n int) string { return promptfile.GroupDigits(n) }
