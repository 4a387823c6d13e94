package lsp

import (
	"io/fs"
	"path/filepath"

	"github.com/fsnotify/fsnotify"

	"github.com/claude-ls/claude-ls/workbench"
)

// maxWatchedDirs bounds the folders watched, so a huge tree cannot exhaust
// the system's watches; the client's file events cover the rest.
const maxWatchedDirs = 4096

// watcher follows changes on disk under the workspace roots.
type watcher struct {
	w    *fsnotify.Watcher
	done chan struct{}
}

func newWatcher(s *Server, roots []string) (*watcher, error) {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	w := &watcher{w: fw, done: make(chan struct{})}
	n := 0
	for _, r := range roots {
		workbench.WalkDirs(r, workbench.SkipWatch, func(dir string, _ []fs.DirEntry) {
			if n < maxWatchedDirs && fw.Add(dir) == nil {
				n++
			}
		})
	}
	go func() {
		defer close(w.done)
		for {
			select {
			case ev, ok := <-fw.Events:
				if !ok {
					return
				}
				if ev.Has(fsnotify.Create) {
					if workbench.IsDir(ev.Name) {
						fw.Add(ev.Name)
						continue
					}
				}
				s.fileChanged(filepath.Clean(ev.Name))
			case err, ok := <-fw.Errors:
				if !ok {
					return
				}
				s.log.Warn("file watcher", "error", err)
			}
		}
	}()
	return w, nil
}

func (w *watcher) close() {
	w.w.Close()
	<-w.done
}
