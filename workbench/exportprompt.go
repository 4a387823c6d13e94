package workbench

import (
	"os"
	"path/filepath"

	"github.com/claude-ls/claude-ls/promptfile"
)

// ExportOptions choose the rendering an export sends.
type ExportOptions struct {
	Vars  map[string]string
	Test  string
	Model string
}

// ExportPrompt renders p and writes it as a program in lang: the export use
// case of the command line and the editor. A prompt with errors is a
// *ProblemsError.
func ExportPrompt(p Prompt, lang string, o ExportOptions) (string, error) {
	if _, ok := ExportLanguageOf(lang); !ok {
		return "", UnknownExportLanguage(lang)
	}
	opts := promptfile.Options{Path: p.Path, Vars: o.Vars, Test: o.Test, Model: o.Model, Strict: true}
	res := p.Analyze(opts)
	if err := Runnable(res); err != nil {
		return "", err
	}
	return Export(res, lang, opts)
}

// SaveExport writes an editor's export under .claude-ls/exports/, named
// after the prompt, and returns its path.
func SaveExport(root, prompt, lang, program string) (string, error) {
	l, ok := ExportLanguageOf(lang)
	if !ok {
		return "", UnknownExportLanguage(lang)
	}
	path := filepath.Join(root, DataDir, "exports", promptStem(prompt)+l.Ext)
	mode := os.FileMode(0o644)
	if l.Executable {
		mode = 0o755
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return "", err
	}
	ensureIgnored(root)
	if err := os.WriteFile(path, []byte(program), mode); err != nil {
		return "", err
	}
	return path, os.Chmod(path, mode)
}
