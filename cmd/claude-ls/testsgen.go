package main

import (
	"fmt"
	"io"

	"github.com/claude-ls/claude-ls/workbench"
)

// runTestsCmd is `claude-ls tests SUBCOMMAND`.
func runTestsCmd(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "generate" {
		fmt.Fprintln(stderr, "Usage: claude-ls tests generate [-n N] [--model ID] [--yes] FILE")
		return exitUsage
	}
	return runTestsGenerate(args[1:], stdout, stderr)
}

// runTestsGenerate asks a model for new test cases and appends them to
// tests: (or to the tests file), never replacing one.
func runTestsGenerate(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("tests generate", "[-n N] [--model ID] [--yes] FILE", stderr)
	n := fs.Int("n", workbench.DefaultGeneratedCases, "how many new test cases, `N`")
	model := fs.String("model", "", "the model that writes them, `ID` (default: the prompt's model)")
	yes := fs.Bool("yes", false, "run without asking when the cost passes the confirmation threshold")
	files, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if *n < 1 || *n > workbench.MaxGeneratedCases {
		fmt.Fprintf(stderr, "claude-ls tests generate: -n is 1 to %d, not %d\n", workbench.MaxGeneratedCases, *n)
		fs.Usage()
		return exitUsage
	}
	path, p, code := onePrompt(fs, files, stderr)
	if code != exitOK {
		return code
	}
	ctx, stop := interruptible()
	defer stop()
	hooks := hooksFor(*yes, stderr)
	gen, err := workbench.GenerateTests(ctx, p, workbench.GenerateOptions{N: *n, Model: *model}, hooks)
	if err != nil {
		return failure("tests generate", path, err, stderr)
	}
	if err := gen.Change.Write(); err != nil {
		fmt.Fprintln(stderr, "claude-ls tests generate:", err)
		return exitUsage
	}
	for _, c := range gen.Cases {
		fmt.Fprintln(stdout, c.Name)
	}
	fmt.Fprintf(stderr, "claude-ls tests generate: %s added to %s\n", countNoun(len(gen.Cases), "test case"), relTo(gen.Change.Path))
	return exitOK
}
