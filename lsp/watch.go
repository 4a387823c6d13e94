package lsp

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/fsnotify/fsnotify"
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
		filepath.WalkDir(r, func(path string, d fs.DirEntry, err error) error {
			if err != nil || !d.IsDir() {
				return nil
			}
			if path != r && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules") {
				return filepath.SkipDir
			}
			if n >= maxWatchedDirs {
				return filepath.SkipAll
			}
			if fw.Add(path) == nil {
				n++
			}
			return nil
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
					if fi, err := os.Stat(ev.Name); err == nil && fi.IsDir() {
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
