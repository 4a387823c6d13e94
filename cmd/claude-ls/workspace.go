package main

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/claude-ls/claude-ls/promptfile"
	"github.com/claude-ls/claude-ls/workbench"
)

// counters is shared by every workspace of one process, so caches are too.
var counters = promptfile.NewCounters()

// workspaces caches opened roots: check walks many files of one root.
var workspaces = map[string]*workbench.Workspace{}

// openWorkspace opens the workspace of path; count decides whether tokens are counted.
func openWorkspace(path string, count bool) (*workbench.Workspace, error) {
	root := workbench.FindRoot(path)
	key := fmt.Sprint(root, count)
	if ws, ok := workspaces[key]; ok {
		return ws, nil
	}
	var counter promptfile.TokenCounter
	if count {
		counter = counters
	}
	ws, err := workbench.Open(root, counter)
	if err != nil {
		return nil, err
	}
	workspaces[key] = ws
	return ws, nil
}

// printDiagnostic writes PATH:LINE:COL: SEVERITY: MESSAGE [code], with
// 1-based lines and byte columns, as compilers and editors' quickfix read them.
func printDiagnostic(w io.Writer, path string, f *promptfile.File, d promptfile.Diagnostic) {
	line, col := f.Map.Position(d.Span.Start, promptfile.UTF8)
	fmt.Fprintf(w, "%s:%d:%d: %s: %s [%s]\n", filepath.ToSlash(path), line+1, col+1, d.Severity, d.Message, d.Code)
}
