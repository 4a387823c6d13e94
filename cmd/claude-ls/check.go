package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/claude-ls/claude-ls/promptfile"
	"github.com/claude-ls/claude-ls/workbench"
)

// checkedProblem is one line of `check --format json`.
type checkedProblem struct {
	File      string `json:"file"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"end_line"`
	EndColumn int    `json:"end_column"`
	Severity  string `json:"severity"`
	Code      string `json:"code"`
	Message   string `json:"message"`
}

func runCheck(args []string, stdout, stderr io.Writer) int {
	fset := newFlags("check", "[--format text|json] [PATH...]", stderr)
	format := fset.String("format", "text", "output `format`: text (PATH:LINE:COL: SEVERITY: MESSAGE) or json")
	paths, code, ok := parseFlags(fset, args)
	if !ok {
		return code
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(stderr, "claude-ls check: --format must be text or json, not %q\n", *format)
		return exitUsage
	}
	if len(paths) == 0 {
		paths = []string{"."}
	}
	files, err := findPrompts(paths)
	if err != nil {
		fmt.Fprintln(stderr, "claude-ls check:", err)
		return exitUsage
	}
	var problems []checkedProblem
	ioFailed := false
	seenConfig := map[string]bool{}
	seenRoot := map[string]bool{}
	for _, path := range files {
		ws, err := openWorkspace(path, true)
		if err != nil {
			fmt.Fprintln(stderr, "claude-ls check:", err)
			ioFailed = true
			continue
		}
		if !seenRoot[ws.Root] {
			seenRoot[ws.Root] = true
			if workbench.EnvNotIgnored(ws.Root) {
				problems = append(problems, checkedProblem{File: relPath(filepath.Join(ws.Root, ".env")), Line: 1, Column: 1, EndLine: 1, EndColumn: 1,
					Severity: "warning", Code: "env-not-ignored", Message: workbench.EnvNotIgnoredMessage})
			}
		}
		if ws.ConfigPath != "" && !seenConfig[ws.ConfigPath] {
			seenConfig[ws.ConfigPath] = true
			for _, ce := range ws.ConfigErrors {
				problems = append(problems, checkedProblem{File: relPath(ws.ConfigPath), Line: ce.Line, Column: ce.Col, EndLine: ce.Line, EndColumn: max(ce.EndCol, ce.Col),
					Severity: "error", Code: "config", Message: ce.Msg})
			}
		}
		res, err := ws.AnalyzeFile(path, promptfile.Options{})
		if err != nil {
			fmt.Fprintln(stderr, "claude-ls check:", err)
			ioFailed = true
			continue
		}
		for _, d := range res.Diagnostics {
			l, c := res.File.Map.Position(d.Span.Start, promptfile.UTF8)
			el, ec := res.File.Map.Position(d.Span.End, promptfile.UTF8)
			problems = append(problems, checkedProblem{File: relPath(path), Line: l + 1, Column: c + 1, EndLine: el + 1, EndColumn: ec + 1,
				Severity: d.Severity.String(), Code: d.Code, Message: d.Message})
		}
	}
	errorsFound := 0
	for _, p := range problems {
		if p.Severity == "error" {
			errorsFound++
		}
	}
	if *format == "json" {
		if problems == nil {
			problems = []checkedProblem{}
		}
		out, _ := json.MarshalIndent(problems, "", "  ")
		fmt.Fprintf(stdout, "%s\n", out)
	} else {
		for _, p := range problems {
			fmt.Fprintf(stdout, "%s:%d:%d: %s: %s [%s]\n", p.File, p.Line, p.Column, p.Severity, p.Message, p.Code)
		}
		fmt.Fprintf(stderr, "%s checked, %s, %s\n", countNoun(len(files), "file"), countNoun(errorsFound, "error"), countNoun(len(problems)-errorsFound, "other problem"))
	}
	switch {
	case ioFailed:
		return exitUsage
	case errorsFound > 0:
		return exitProblems
	}
	return exitOK
}

// findPrompts expands folders into the .prompt files under them (as
// workbench finds them, for the editor too); files named directly are kept
// as given.
func findPrompts(paths []string) ([]string, error) {
	var files []string
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !fi.IsDir() {
			files = append(files, p)
			continue
		}
		files = append(files, workbench.FindPrompts(p)...)
	}
	sort.Strings(files)
	return files, nil
}

// relPath shows a path relative to the current folder when it is inside it.
func relPath(path string) string {
	if wd, err := os.Getwd(); err == nil {
		if abs, err := filepath.Abs(path); err == nil {
			if rel, err := filepath.Rel(wd, abs); err == nil && !strings.HasPrefix(rel, "..") {
				return filepath.ToSlash(rel)
			}
		}
	}
	return filepath.ToSlash(path)
}
