package workbench

// The workspace: the engine's view of the disk (where the workspace root is,
// its config, and the files a prompt may read).

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/claude-ls/claude-ls/promptfile"
)

// ConfigName is the workspace config file at the root.
const ConfigName = ".claude-ls.yaml"

// FindRoot is the root of the git repository holding path, else the folder
// of path itself.
func FindRoot(path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	dir := abs
	if fi, err := os.Stat(abs); err != nil || !fi.IsDir() {
		dir = filepath.Dir(abs)
	}
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return dir
		}
		d = parent
	}
}

// Workspace is one root with its config, shared by every prompt under it.
type Workspace struct {
	Root         string
	Config       *promptfile.Config
	ConfigErrors []promptfile.ConfigError
	ConfigPath   string // empty when the root has no config
	Catalog      *promptfile.Catalog
	Counter      promptfile.TokenCounter
}

// Open reads the config at root; a missing config is not an error.
func Open(root string, counter promptfile.TokenCounter) (*Workspace, error) {
	w := &Workspace{Root: root, Counter: counter, Catalog: promptfile.DefaultCatalog(), Config: &promptfile.Config{}}
	path := filepath.Join(root, ConfigName)
	src, err := os.ReadFile(path)
	switch {
	case os.IsNotExist(err):
		w.calibrate()
		return w, nil
	case err != nil:
		return w, fmt.Errorf("reading %s: %w", path, err)
	}
	w.SetConfig(path, src)
	return w, nil
}

// calibrate replaces each model's token factor with the ratio measured in
// this workspace (exact counts and runs' real input against tiktoken).
func (w *Workspace) calibrate() {
	cal := LoadCalibration(w.Root)
	if len(cal.Models) == 0 {
		return
	}
	var overrides []promptfile.Model
	for id, c := range cal.Models {
		if m, ok := w.Catalog.Lookup(id); ok && c.Samples > 0 {
			overrides = append(overrides, promptfile.Model{ID: m.ID, TokenFactor: c.Ratio()})
		}
	}
	w.Catalog = w.Catalog.With(overrides)
	for id, c := range cal.Models {
		if m, ok := w.Catalog.Lookup(id); ok && c.Samples > 0 {
			m.CalibratedFrom = c.Samples
		}
	}
}

// SetConfig replaces the config with the given text (as read or as edited).
func (w *Workspace) SetConfig(path string, src []byte) {
	w.ConfigPath = path
	w.Config, w.ConfigErrors = promptfile.ParseConfig(src)
	if w.Config == nil {
		w.Config = &promptfile.Config{}
	}
	w.Catalog = w.Config.Catalog(promptfile.DefaultCatalog())
	w.calibrate()
}

// Engine is the promptfile view of this workspace, reading files through read.
func (w *Workspace) Engine(read func(string) ([]byte, error)) *promptfile.Workspace {
	return &promptfile.Workspace{Catalog: w.Catalog, Config: w.Config, Root: w.Root, ReadFile: read, Counter: w.Counter}
}

// ReadFile reads a file a prompt names. It refuses files above
// promptfile.MaxIncludeBytes and symbolic links that lead out of root.
func ReadFile(root, path string) ([]byte, error) {
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return nil, err
	}
	if rr, err := filepath.EvalSymlinks(root); err == nil {
		if rel, err := filepath.Rel(rr, real); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return nil, fmt.Errorf("%s leads outside the workspace", path)
		}
	}
	f, err := os.Open(real)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("%s is a folder", path)
	}
	if fi.Size() > promptfile.MaxIncludeBytes {
		return nil, promptfile.ErrTooLarge
	}
	data, err := io.ReadAll(io.LimitReader(f, promptfile.MaxIncludeBytes+1))
	if err == nil && len(data) > promptfile.MaxIncludeBytes {
		return nil, promptfile.ErrTooLarge
	}
	return data, err
}

// Reader reads workspace files for the engine.
func (w *Workspace) Reader() func(string) ([]byte, error) {
	return func(path string) ([]byte, error) { return ReadFile(w.Root, path) }
}

// AnalyzeFile reads, parses and analyzes one prompt file.
func (w *Workspace) AnalyzeFile(path string, opts promptfile.Options) (*promptfile.Result, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	abs, _ := filepath.Abs(path)
	opts.Path = abs
	return promptfile.Analyze(promptfile.Parse(src), w.Engine(w.Reader()), opts), nil
}
