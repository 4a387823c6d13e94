package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/claude-ls/claude-ls/promptfile"
	"github.com/claude-ls/claude-ls/workbench"
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
	res, code := analyzeForRun("render", files[0], promptfile.Options{Vars: vars, Test: *test, Model: *model, Strict: true}, false, stderr)
	if res == nil {
		return code
	}
	fmt.Fprintf(stdout, "%s\n", res.Request.JSON())
	return exitOK
}

// analyzeForRun analyzes a file for command cmd as it would be sent: its
// warnings and errors are printed, and errors (or a key in the final
// request) refuse it with exit 1, nothing printed on stdout. count
// estimates tokens, which pricing needs.
func analyzeForRun(cmd, path string, opts promptfile.Options, count bool, stderr io.Writer) (*promptfile.Result, int) {
	ws, err := openWorkspace(path, count)
	if err != nil {
		fmt.Fprintf(stderr, "claude-ls %s: %v\n", cmd, err)
		return nil, exitUsage
	}
	res, err := ws.AnalyzeFile(path, opts)
	if err != nil {
		fmt.Fprintf(stderr, "claude-ls %s: %v\n", cmd, err)
		return nil, exitUsage
	}
	if code := unknownTestCase(cmd, res, opts.Test, stderr); code != exitOK {
		return nil, code
	}
	printDiagnostics(stderr, path, res, promptfile.Warning)
	if err := workbench.Runnable(res); err != nil {
		if d := res.SecretInRequest(); d != nil && res.ErrorCount() == 0 {
			printDiagnostic(stderr, path, res.File, *d) // a key assembled from variables, includes or escapes is in no file
		}
		fmt.Fprintf(stderr, "claude-ls %s: %s: %v: nothing %s\n", cmd, filepath.ToSlash(path), err, doneWord(cmd))
		return nil, exitProblems
	}
	return res, exitOK
}

// unknownTestCase refuses a --test that names no case of the file: a usage
// error (exit 2) that lists the cases.
func unknownTestCase(cmd string, res *promptfile.Result, name string, stderr io.Writer) int {
	if name == "" {
		return exitOK
	}
	var names []string
	for _, tc := range res.Tests {
		if tc.Name == name {
			return exitOK
		}
		names = append(names, tc.Name)
	}
	cases := "the file has no test cases"
	if len(names) > 0 {
		cases = "its cases are " + strings.Join(names, ", ")
	}
	fmt.Fprintf(stderr, "claude-ls %s: --test %s: no test case of that name (%s)\n", cmd, name, cases)
	return exitUsage
}

// doneWord is what a refused command did not do.
func doneWord(cmd string) string {
	switch cmd {
	case "export":
		return "exported"
	case "count":
		return "counted"
	case "render":
		return "rendered"
	}
	return "sent"
}

func countNoun(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
