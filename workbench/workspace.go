package workbench

// The workspace: the engine's view of the disk (where the workspace root is,
// its config, and the files a prompt may read).

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
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
	src, err := ReadFile(root, path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		w.calibrate()
		return w, nil
	case err != nil:
		return w, err
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
	w.Config, w.ConfigErrors = promptfile.CheckConfig(src, nil) // parse problems and catalog checks
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

// MaxFileBytes is the most ReadFile reads of one workspace file.
const MaxFileBytes = promptfile.MaxIncludeBytes

// Why a workspace file is refused; errors.Is finds them inside the
// *fs.PathError that ReadFile and OpenFile return.
var (
	ErrNotRegular = errors.New("not a regular file")
	ErrOutside    = errors.New("outside the workspace")
)

// ReadFile reads a workspace file (a prompt, an include, the config, .env,
// a tests file): the one way claude-ls reads what a repository holds. See
// OpenFile for what it refuses; above MaxFileBytes it returns an error
// wrapping promptfile.ErrTooLarge without reading.
func ReadFile(root, path string) ([]byte, error) {
	f, fi, err := OpenFile(root, path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi.Size() > MaxFileBytes {
		return nil, tooLarge(path, fi.Size())
	}
	// The file may grow after the check: never read past the limit.
	data, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, &fs.PathError{Op: "read", Path: path, Err: err}
	}
	if len(data) > MaxFileBytes {
		return nil, tooLarge(path, int64(len(data)))
	}
	return data, nil
}

func tooLarge(path string, size int64) error {
	return &fs.PathError{Op: "refusing", Path: path,
		Err: fmt.Errorf("%w: %d MiB, the limit is %d MiB", promptfile.ErrTooLarge, size>>20, MaxFileBytes>>20)}
}

// OpenFile opens a workspace file for reading, without ever blocking: it
// refuses anything but a regular file (a FIFO, a device such as /dev/zero
// or /dev/stdin, a socket, a folder) before opening it, and refuses a path
// whose symbolic links lead outside root (when root is not empty). Errors
// are *fs.PathError naming path and the reason; a missing file is
// fs.ErrNotExist. Records, which may be large, are read this way too.
func OpenFile(root, path string) (*os.File, fs.FileInfo, error) {
	refuse := func(err error) (*os.File, fs.FileInfo, error) {
		return nil, nil, &fs.PathError{Op: "refusing", Path: path, Err: err}
	}
	fi, err := os.Stat(path) // stat never waits on a FIFO
	if err != nil {
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		return refuse(fmt.Errorf("%w: it is %s", ErrNotRegular, fileKind(fi.Mode())))
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return nil, nil, err
	}
	if real, err = filepath.Abs(real); err != nil {
		return nil, nil, err
	}
	if root != "" {
		rr, err := filepath.EvalSymlinks(root)
		if err != nil {
			rr = root
		}
		rr, _ = filepath.Abs(rr)
		if rel, err := filepath.Rel(rr, real); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			return refuse(fmt.Errorf("%w: it leads to %s, outside %s", ErrOutside, real, rr))
		}
	}
	f, err := os.OpenFile(real, os.O_RDONLY|openFlags, 0)
	if err != nil {
		return nil, nil, &fs.PathError{Op: "open", Path: path, Err: errors.Unwrap(err)}
	}
	// What was opened may not be what was checked (swapped meanwhile). A
	// regular file put there by a rename (every writer here writes a
	// temporary file and renames it) is read; anything else is refused.
	// O_NOFOLLOW already refused a link swapped in.
	ofi, err := f.Stat()
	if err != nil || !ofi.Mode().IsRegular() {
		f.Close()
		return refuse(fmt.Errorf("%w: it changed while it was opened", ErrNotRegular))
	}
	return f, ofi, nil
}

// fileKind names a non-regular file for a message.
func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return "not a regular file (" + m.Type().String() + ")"
}

// WriteFile replaces a file of the workspace through a temporary file and a
// rename, so a symbolic link planted at path is replaced, never written
// through (to a file outside the workspace).
func WriteFile(path string, data []byte) error { return writeFileAtomic(path, data) }

// Reader reads workspace files for the engine.
func (w *Workspace) Reader() func(string) ([]byte, error) {
	return func(path string) ([]byte, error) { return ReadFile(w.Root, path) }
}

// AnalyzeFile reads, parses and analyzes one prompt file.
func (w *Workspace) AnalyzeFile(path string, opts promptfile.Options) (*promptfile.Result, error) {
	src, err := ReadFile(w.Root, path)
	if err != nil {
		return nil, err
	}
	abs, _ := filepath.Abs(path)
	opts.Path = abs
	return promptfile.Analyze(promptfile.Parse(src), w.Engine(w.Reader()), opts), nil
}
