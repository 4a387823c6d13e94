package lsp

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/claude-ls/claude-ls/promptfile"
	"github.com/claude-ls/claude-ls/workbench"
)

// workspaceState is one workspace root: its config, and a cache of the files
// prompts include, so a keystroke never waits on the disk. The watcher drops
// cached files when they change.
type workspaceState struct {
	ws *workbench.Workspace

	mu    sync.Mutex
	files map[string]cachedFile
}

type cachedFile struct {
	data []byte
	err  error
}

func (w *workspaceState) engine() *promptfile.Workspace { return w.ws.Engine(w.read) }

func (w *workspaceState) read(path string) ([]byte, error) {
	w.mu.Lock()
	if f, ok := w.files[path]; ok {
		w.mu.Unlock()
		return f.data, f.err
	}
	w.mu.Unlock()
	data, err := workbench.ReadFile(w.ws.Root, path)
	w.mu.Lock()
	w.files[path] = cachedFile{data, err}
	w.mu.Unlock()
	return data, err
}

// forget drops a file from the cache; it reports whether it was cached.
func (w *workspaceState) forget(path string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	_, ok := w.files[path]
	delete(w.files, path)
	return ok
}

// rootFor is the workspace root of path: the client's workspace folder that
// holds it, else its git repository, else its folder.
func (s *Server) rootFor(path string) string {
	s.mu.Lock()
	roots := s.roots
	s.mu.Unlock()
	if path == "" {
		if len(roots) > 0 {
			return roots[0]
		}
		wd, _ := os.Getwd()
		return wd
	}
	for _, r := range roots {
		if within(r, path) {
			return r
		}
	}
	return workbench.FindRoot(path)
}

func within(root, path string) bool {
	rel, err := filepath.Rel(root, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// workspaceFor returns the state of the root holding path, opening it once.
func (s *Server) workspaceFor(path string) *workspaceState {
	return s.workspaceAt(s.rootFor(path))
}

// workspaceAt returns the state of a root, opening it once.
func (s *Server) workspaceAt(root string) *workspaceState {
	s.mu.Lock()
	defer s.mu.Unlock()
	if w, ok := s.workspaces[root]; ok {
		return w
	}
	ws, err := workbench.Open(root, s.counters)
	if err != nil {
		s.log.Warn("workspace config", "root", root, "error", err)
	}
	if p := s.settings.ConfigPath; p != "" {
		if !filepath.IsAbs(p) {
			p = filepath.Join(root, p)
		}
		if src, err := workbench.ReadFile("", p); err == nil { // the user's own setting: any regular file
			ws.SetConfig(p, src)
		} else {
			s.log.Warn("configPath", "path", p, "error", err)
		}
	}
	if s.settings.DefaultModel != "" && ws.Config.DefaultModel == "" {
		ws.Config.DefaultModel = s.settings.DefaultModel
	}
	w := &workspaceState{ws: ws, files: map[string]cachedFile{}}
	s.workspaces[root] = w
	return w
}

// recalibrated reopens a workspace whose calibration a run or an exact
// count changed, so the estimates of every open prompt there use the new
// factor.
func (s *Server) recalibrated(w *workspaceState) {
	s.forgetWorkspace(w)
	for _, d := range s.openDocuments() {
		if d.root == w.ws.Root {
			d.invalidate()
		}
	}
}

// startWatching follows the roots on disk; it is done before any document
// opens, so no change is missed.
func (s *Server) startWatching() {
	s.mu.Lock()
	roots := append([]string(nil), s.roots...)
	s.mu.Unlock()
	w, err := newWatcher(s, roots)
	if err != nil {
		s.log.Warn("file watching off", "error", err)
		return
	}
	s.mu.Lock()
	s.watcher = w
	s.mu.Unlock()
}

// startWorkspace asks for the client's file events and checks every prompt
// of the roots, so problems show before files are opened.
func (s *Server) startWorkspace(ctx context.Context) {
	s.registerWatchedFiles(ctx)
	s.checkDisk(ctx, nil)
}

// registerWatchedFiles asks the client for file events where it offers them;
// they complement fsnotify (remote file systems, files the server cannot watch).
func (s *Server) registerWatchedFiles(ctx context.Context) {
	s.mu.Lock()
	ok := s.clientCaps.watchedFiles
	s.mu.Unlock()
	if !ok {
		return
	}
	opts := map[string]any{"watchers": []map[string]any{{"globPattern": "**/*"}}}
	raw, _ := jsonMarshal(opts)
	err := s.client.RegisterCapability(ctx, &protocol.RegistrationParams{Registrations: []protocol.Registration{{
		ID: "claude-ls-watch", Method: "workspace/didChangeWatchedFiles", RegisterOptions: raw,
	}}})
	if err != nil {
		s.log.Warn("registering watched files", "error", err)
	}
}

// DidChangeWatchedFiles handles the client's file events like fsnotify's.
func (s *Server) DidChangeWatchedFiles(ctx context.Context, params *protocol.DidChangeWatchedFilesParams) error {
	for _, c := range params.Changes {
		if p := fsPath(c.URI); p != "" {
			s.fileChanged(p)
		}
	}
	return nil
}

// fileChanged updates whatever depends on path.
func (s *Server) fileChanged(path string) {
	s.mu.Lock()
	var states []*workspaceState
	for root, w := range s.workspaces {
		if within(root, path) {
			states = append(states, w)
		}
	}
	s.mu.Unlock()
	if base := filepath.Base(path); base == ".env" || base == ".gitignore" {
		for _, r := range s.rootsHolding(path) {
			s.publishEnvProblem(context.Background(), r)
		}
	}
	if filepath.Base(path) == workbench.ConfigName || strings.HasSuffix(path, ".claude-ls.yaml") {
		s.mu.Lock()
		s.workspaces = map[string]*workspaceState{}
		s.mu.Unlock()
		s.publishConfigProblems(context.Background(), path)
		s.refreshAll()
		return
	}
	for _, w := range states {
		w.forget(path)
	}
	for _, d := range s.openDocuments() {
		if d.includes(path) {
			d.invalidate()
		}
	}
	if strings.HasSuffix(path, ".prompt") {
		go s.checkDisk(context.Background(), []string{path})
		return
	}
	go s.checkDisk(context.Background(), s.diskPromptsReading(path))
}

// diskPromptsReading lists prompts on disk whose last check read path.
func (s *Server) diskPromptsReading(path string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for p, reads := range s.diskReads {
		if reads[path] {
			out = append(out, p)
		}
	}
	return out
}

// checkDisk checks prompts that are not open: the given ones, or every one
// under the roots. It publishes their problems, and an empty list for a
// prompt that had problems and has none now.
func (s *Server) checkDisk(ctx context.Context, paths []string) {
	s.diskMu.Lock() // one check at a time; each is quick
	defer s.diskMu.Unlock()
	if paths == nil {
		s.mu.Lock()
		roots := append([]string(nil), s.roots...)
		s.mu.Unlock()
		for _, r := range roots {
			paths = append(paths, workbench.FindPrompts(r)...)
		}
		for _, r := range roots {
			s.publishConfigProblems(ctx, filepath.Join(r, workbench.ConfigName))
			s.publishEnvProblem(ctx, r)
		}
	}
	for _, p := range paths {
		u := uri.File(p)
		if _, open := s.document(u); open {
			continue
		}
		src, err := workbench.ReadFile(s.rootFor(p), p) // never waits: FIFOs and devices are refused
		if errors.Is(err, fs.ErrNotExist) {
			s.forgetDisk(ctx, p)
			continue
		}
		if err != nil {
			s.publishRefused(ctx, p, err)
			continue
		}
		w := s.workspaceFor(p)
		file := promptfile.Parse(src)
		res := promptfile.Analyze(file, w.engine(), promptfile.Options{Path: p})
		reads := map[string]bool{}
		for _, inc := range res.Includes {
			reads[inc.Path] = true
		}
		for _, m := range res.Media {
			if m.Path != "" {
				reads[m.Path] = true
			}
		}
		s.mu.Lock()
		had := s.diskResults[p]
		s.diskResults[p] = len(res.Diagnostics) > 0
		s.diskReads[p] = reads
		s.mu.Unlock()
		if len(res.Diagnostics) > 0 || had {
			s.publishDisk(ctx, u, file, res.Diagnostics)
		}
	}
}

// publishRefused shows on a file why it is not read (a FIFO, a device, a
// link out of the workspace, too large).
func (s *Server) publishRefused(ctx context.Context, p string, err error) {
	s.log.Warn("file refused", "path", p, "error", err)
	msg := err.Error()
	var pe *fs.PathError
	if errors.As(err, &pe) {
		msg = pe.Err.Error()
	}
	s.mu.Lock()
	s.diskResults[p] = true
	delete(s.diskReads, p)
	s.mu.Unlock()
	s.publishDisk(ctx, uri.File(p), promptfile.Parse(nil), []promptfile.Diagnostic{{Code: "file-refused", Severity: promptfile.Error,
		Message: "claude-ls does not read this file: " + msg}})
}

// forgetDisk clears a deleted prompt's problems.
func (s *Server) forgetDisk(ctx context.Context, p string) {
	s.mu.Lock()
	had := s.diskResults[p]
	delete(s.diskResults, p)
	delete(s.diskReads, p)
	s.mu.Unlock()
	if had {
		s.client.PublishDiagnostics(ctx, &protocol.PublishDiagnosticsParams{URI: uri.File(p), Diagnostics: []protocol.Diagnostic{}})
	}
}

// publishConfigProblems shows the workspace config's errors on the config file.
func (s *Server) publishConfigProblems(ctx context.Context, path string) {
	src, err := workbench.ReadFile(s.rootFor(path), path)
	if errors.Is(err, fs.ErrNotExist) {
		return
	}
	if err != nil {
		s.publishRefused(ctx, path, err)
		return
	}
	_, errs := promptfile.CheckConfig(src, nil)
	diags := configDiagnostics(src, errs, s.positionEncoding()) // diagnostics.go
	s.client.PublishDiagnostics(ctx, &protocol.PublishDiagnosticsParams{URI: uri.File(path), Diagnostics: diags})
}

// rootsHolding lists the client's roots that contain path.
func (s *Server) rootsHolding(path string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, r := range s.roots {
		if within(r, path) {
			out = append(out, r)
		}
	}
	return out
}

// publishEnvProblem warns on .env when it holds a key that git would commit,
// and clears the warning once it is ignored.
func (s *Server) publishEnvProblem(ctx context.Context, root string) {
	path := filepath.Join(root, ".env")
	diags := []protocol.Diagnostic{}
	if workbench.EnvNotIgnored(root) {
		diags = append(diags, protocol.Diagnostic{Severity: protocol.DiagnosticSeverityWarning, Code: protocol.String("env-not-ignored"),
			Source: protocol.NewOptional("claude-ls"), Message: protocol.String(workbench.EnvNotIgnoredMessage)})
	} else if _, err := os.Stat(path); err != nil {
		return
	}
	s.client.PublishDiagnostics(ctx, &protocol.PublishDiagnosticsParams{URI: uri.File(path), Diagnostics: diags})
}
