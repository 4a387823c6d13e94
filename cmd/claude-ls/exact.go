package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/claude-ls/claude-ls/promptfile"
	"github.com/claude-ls/claude-ls/workbench"
)

// exactCount asks count_tokens for a rendering, once per request hash, and
// calibrates the model's estimate with the answer.
func exactCount(ws *workbench.Workspace, res *promptfile.Result, stderr io.Writer) (int64, int) {
	if res.Request == nil {
		fmt.Fprintln(stderr, "claude-ls count: the prompt has errors: no exact count")
		return 0, exitProblems
	}
	body, _ := res.Request.MarshalJSON()
	hash := workbench.RequestHash(body, res.Version)
	if n, ok := workbench.CachedCount(ws.Root, hash); ok {
		return n, exitOK
	}
	key, err := workbench.LoadKey(ws.Root)
	if err != nil {
		fmt.Fprintln(stderr, "claude-ls count --exact:", err)
		return 0, exitUsage
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	client := workbench.NewClient(key, workbench.BaseURL(ws.Root))
	client.OnRetry = func(note string) { fmt.Fprintln(stderr, "claude-ls:", note) }
	n, err := client.CountTokens(ctx, body, res.Version)
	if err != nil {
		fmt.Fprintln(stderr, "claude-ls count --exact:", workbench.Explain(err, key, res))
		return 0, exitAPI
	}
	workbench.StoreCount(ws.Root, hash, n)
	workbench.Calibrate(ws.Root, res.ModelID, n, int64(res.Tokens.Raw))
	return n, exitOK
}
