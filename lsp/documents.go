package lsp

import (
	"context"
	"sync"

	"go.lsp.dev/uri"

	"github.com/claude-ls/claude-ls/promptfile"
)

// Document is an open text document. Its analysis is computed at most once
// per version, by whichever comes first: the diagnostics worker or a request.
type Document struct {
	uri  uri.URI
	path string // "" for documents that are not files
	root string // its workspace root, found once: finding it may walk the disk
	s    *Server

	mu      sync.Mutex
	version int32
	text    []byte
	snap    *Snapshot // analysis of some version; stale when snap.Version != version

	wake chan struct{} // tells the worker there is a new version
	quit chan struct{}
	once sync.Once
}

// Snapshot is one version of a document with its analysis.
type Snapshot struct {
	Version int32
	Text    []byte
	File    *promptfile.File
	Result  *promptfile.Result
	ws      *workspaceState
}

func newDocument(s *Server, u uri.URI, version int32, text []byte) *Document {
	d := &Document{uri: u, path: fsPath(u), s: s, version: version, text: text,
		wake: make(chan struct{}, 1), quit: make(chan struct{})}
	d.root = s.rootFor(d.path)
	return d
}

// start begins publishing the document's diagnostics.
func (d *Document) start() {
	go d.worker()
	d.changed()
}

// changed wakes the worker; wakes coalesce, so a burst of keystrokes is
// analyzed once for the latest version.
func (d *Document) changed() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

func (d *Document) close() { d.once.Do(func() { close(d.quit) }) }

// worker publishes diagnostics for the latest version whenever it changes.
func (d *Document) worker() {
	for {
		select {
		case <-d.quit:
			return
		case <-d.wake:
		}
		d.s.publish(context.Background(), d, d.Snapshot())
	}
}

func (d *Document) current(version int32) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.version == version
}

// Snapshot returns the analysis of the current version, computing it if needed.
func (d *Document) Snapshot() *Snapshot {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.snap != nil && d.snap.Version == d.version {
		return d.snap
	}
	ws := d.s.workspaceAt(d.root)
	file := promptfile.Parse(d.text)
	res := promptfile.Analyze(file, ws.engine(), promptfile.Options{Path: d.path})
	d.snap = &Snapshot{Version: d.version, Text: d.text, File: file, Result: res, ws: ws}
	return d.snap
}

// invalidate drops the cached analysis (an include or the config changed)
// and re-publishes.
func (d *Document) invalidate() {
	d.mu.Lock()
	d.snap = nil
	d.mu.Unlock()
	d.changed()
}

// update replaces the text with a new version.
func (d *Document) update(version int32, text []byte) {
	d.mu.Lock()
	d.version, d.text = version, text
	d.mu.Unlock()
	d.changed()
}

// includes reports whether the last analysis read path.
func (d *Document) includes(path string) bool {
	d.mu.Lock()
	snap := d.snap
	d.mu.Unlock()
	return snap != nil && resultReads(snap.Result, path)
}

// resultReads reports whether an analysis read path (an include).
func resultReads(res *promptfile.Result, path string) bool {
	for _, inc := range res.Includes {
		if inc.Path == path {
			return true
		}
	}
	for _, m := range res.Media { // images and documents: their tokens change with them
		if m.Path == path {
			return true
		}
	}
	return false
}

// refreshAll re-analyzes every open document and the workspace's prompts on disk.
func (s *Server) refreshAll() {
	for _, d := range s.openDocuments() {
		d.invalidate()
	}
	go s.checkDisk(context.Background(), nil)
}
