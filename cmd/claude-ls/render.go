package main

import (
	"fmt"
	"io"

	"github.com/claude-ls/claude-ls/promptfile"
)

func runRender(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("render", "[--var NAME=VALUE]... [--test NAME] [--model ID] FILE", stderr)
	vars := varFlags{}
	fs.Var(vars, "var", "set a variable, `NAME=VALUE` (repeatable); wins over test cases and vars")
	test := fs.String("test", "", "use the variable values of the test case `NAME`")
	model := fs.String("model", "", "render for model `ID` instead of the file's")
	files, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(files) != 1 {
		fs.Usage()
		return exitUsage
	}
	res, code := analyzeForRun(files[0], promptfile.Options{Vars: vars, Test: *test, Model: *model, Strict: true}, false, stderr)
	if res == nil {
		return code
	}
	fmt.Fprintf(stdout, "%s\n", res.Request.JSON())
	return exitOK
}

// analyzeForRun analyzes a file for sending: errors are printed and refuse
// it. count estimates tokens, which pricing needs.
func analyzeForRun(path string, opts promptfile.Options, count bool, stderr io.Writer) (*promptfile.Result, int) {
	ws, err := openWorkspace(path, count)
	if err != nil {
		fmt.Fprintln(stderr, "claude-ls:", err)
		return nil, exitUsage
	}
	res, err := ws.AnalyzeFile(path, opts)
	if err != nil {
		fmt.Fprintln(stderr, "claude-ls:", err)
		return nil, exitUsage
	}
	errs := 0
	for _, d := range res.Diagnostics {
		if d.Severity <= promptfile.Warning {
			printDiagnostic(stderr, path, res.File, d)
		}
		if d.Severity == promptfile.Error {
			errs++
		}
	}
	if errs > 0 || res.Request == nil {
		fmt.Fprintf(stderr, "claude-ls: %s has %s: nothing rendered\n", path, countNoun(errs, "error"))
		return nil, exitProblems
	}
	// A key assembled from variables, includes or escapes is in no file.
	if d := res.SecretInRequest(); d != nil {
		printDiagnostic(stderr, path, res.File, *d)
		fmt.Fprintf(stderr, "claude-ls: %s: nothing rendered\n", path)
		return nil, exitProblems
	}
	return res, exitOK
}

func countNoun(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
