package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/claude-ls/claude-ls/promptfile"
	"github.com/claude-ls/claude-ls/workbench"
)

// runExport prints (or writes) the file's request as a program that sends
// it: Go, Python, TypeScript, JavaScript or a curl script.
func runExport(args []string, stdout, stderr io.Writer) int {
	langs := strings.Join(workbench.ExportLangs, "|")
	synopsis := "--lang " + langs + " [--var NAME=VALUE]... [--test NAME] [--model ID] [-o FILE] FILE"
	fs := newFlags("export", synopsis, stderr)
	lang := fs.String("lang", "", "the language, one of `"+langs+"`")
	vars := varFlags{}
	fs.Var(vars, "var", "set a variable, `NAME=VALUE` (repeatable): the value the program calls its function with")
	test := fs.String("test", "", "use the variable values of the test case `NAME`")
	model := fs.String("model", "", "export for model `ID` instead of the file's")
	out := fs.String("o", "", "write the program to `FILE` instead of stdout")
	files, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(files) != 1 {
		fs.Usage()
		return exitUsage
	}
	if _, ok := workbench.ExportLanguageOf(*lang); !ok {
		what := fmt.Sprintf("unknown --lang %q", *lang)
		if *lang == "" {
			what = "--lang is required"
		}
		fmt.Fprintf(stderr, "claude-ls export: %s: use one of %s\n", what, strings.Join(workbench.ExportLangs, ", "))
		return exitUsage
	}
	opts := promptfile.Options{Path: files[0], Vars: vars, Test: *test, Model: *model, Strict: true}
	res, code := analyzeForRun("export", files[0], opts, false, stderr)
	if res == nil {
		return code
	}
	program, err := workbench.Export(res, *lang, opts)
	if err != nil {
		fmt.Fprintln(stderr, "claude-ls export:", promptfile.RedactKeys(err.Error()))
		return exitProblems
	}
	if *out == "" {
		fmt.Fprint(stdout, program)
		return exitOK
	}
	mode := os.FileMode(0o644)
	if *lang == "curl" {
		mode = 0o755 // a script, run as ./name.sh
	}
	if err := os.WriteFile(*out, []byte(program), mode); err != nil {
		fmt.Fprintln(stderr, "claude-ls export:", err)
		return exitUsage
	}
	return exitOK
}
