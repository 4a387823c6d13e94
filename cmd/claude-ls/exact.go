package main

import (
	"fmt"
	"io"

	"github.com/claude-ls/claude-ls/promptfile"
	"github.com/claude-ls/claude-ls/workbench"
)

// exactCount asks count_tokens for a rendering (once per request hash).
func exactCount(ws *workbench.Workspace, path string, res *promptfile.Result, stderr io.Writer) (int64, int) {
	ctx, stop := interruptible()
	defer stop()
	n, _, err := workbench.CountExact(ctx, ws, res, workbench.Hooks{Note: func(note string) { fmt.Fprintln(stderr, "claude-ls:", note) }})
	if err != nil {
		return 0, failure("count --exact", path, err, stderr)
	}
	return n, exitOK
}
