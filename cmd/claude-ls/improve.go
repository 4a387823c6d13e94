package main

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/claude-ls/claude-ls/workbench"
)

// runImprove is `claude-ls improve`: a model rewrites the prompt; the
// result is printed as a unified diff, or written with --write.
func runImprove(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("improve", "[--goal TEXT] [--model ID] [--write] [--yes] FILE", stderr)
	goal := fs.String("goal", "", "what to make better, in your words")
	model := fs.String("model", "", "the model that improves it, `ID` (default: the prompt's model)")
	write := fs.Bool("write", false, "write the improved file instead of printing a diff")
	yes := fs.Bool("yes", false, "run without asking when the cost passes the confirmation threshold")
	files, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	path, p, code := onePrompt(fs, files, stderr)
	if code != exitOK {
		return code
	}
	ctx, stop := interruptible()
	defer stop()
	hooks := hooksFor(*yes, stderr)
	imp, err := workbench.Improve(ctx, p, workbench.ImproveOptions{Goal: *goal, Model: *model}, hooks)
	if err != nil {
		return failure("improve", path, err, stderr)
	}
	if *write {
		if err := (workbench.FileChange{Path: p.Path, Old: p.Src, New: []byte(imp.Text)}).Write(); err != nil {
			fmt.Fprintln(stderr, "claude-ls improve:", err)
			return exitUsage
		}
		fmt.Fprintf(stderr, "claude-ls improve: wrote %s (improved by %s)\n", filepath.ToSlash(path), imp.Model)
		return exitOK
	}
	name := filepath.ToSlash(path)
	diff := workbench.UnifiedDiff("a/"+name, "b/"+name, string(p.Src), imp.Text)
	if diff == "" {
		fmt.Fprintf(stderr, "claude-ls improve: %s suggests no change\n", imp.Model)
		return exitOK
	}
	fmt.Fprint(stdout, diff)
	fmt.Fprintf(stderr, "claude-ls improve: improved by %s; apply with --write, or with `git apply`\n", imp.Model)
	return exitOK
}
