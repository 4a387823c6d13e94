package workbench

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// ResultFile is the Markdown document an editor's run streams its reply
// into, under .claude-ls/runs/, ended by the run's summary.
type ResultFile struct {
	f *os.File
}

// ResultFilePath names the result file of a run of prompt started at t.
func ResultFilePath(root, prompt string, t time.Time) string {
	return filepath.Join(root, DataDir, "runs", promptStem(prompt)+"-"+t.UTC().Format("20060102-150405.000")+".md")
}

// promptStem names the files made from a prompt: its file name without
// ".prompt", or "untitled" for an unsaved buffer.
func promptStem(prompt string) string {
	stem := strings.TrimSuffix(filepath.Base(prompt), ".prompt")
	if stem == "" || stem == "." || stem == string(filepath.Separator) {
		return "untitled"
	}
	return stem
}

// NewResultFile starts the result file at path.
func NewResultFile(path, prompt, model string) (*ResultFile, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	ensureIgnored(filepath.Dir(filepath.Dir(filepath.Dir(path))))
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(f, "<!-- claude-ls run of %s with %s at %s -->\n\n", filepath.Base(prompt), model, time.Now().UTC().Format(time.RFC3339))
	return &ResultFile{f: f}, nil
}

// WriteString appends streamed text.
func (r *ResultFile) WriteString(s string) { r.f.WriteString(s) }

// Finish ends the reply with the given lines (the problem that stopped the
// run, its summary, the rate limits left); empty ones are left out.
func (r *ResultFile) Finish(lines ...string) {
	var kept []string
	for _, l := range lines {
		if l != "" {
			kept = append(kept, l)
		}
	}
	fmt.Fprintf(r.f, "\n\n---\n%s\n", strings.Join(kept, "\n\n"))
}

// Close closes the file.
func (r *ResultFile) Close() error { return r.f.Close() }
