package lsp

import (
	"sync"

	"go.lsp.dev/uri"
)

// session is what one editor session holds, apart from the handlers that
// change it: the open documents, the workspaces they belong to, the results
// of prompts checked on disk, and the runs and exact counts in flight.
type session struct {
	mu          sync.Mutex // guards the maps here, and the Server's settings
	docs        map[uri.URI]*Document
	replies     map[uri.URI]*replyDoc // result documents and reports (replydocs.go)
	workspaces  map[string]*workspaceState
	diskResults map[string]bool            // prompts not open that were published with problems
	diskReads   map[string]map[string]bool // files each of those read
	diskMu      sync.Mutex                 // one disk check at a time
	runs        runs
	exact       exactCounts
}

func newSession() session {
	return session{
		docs:        map[uri.URI]*Document{},
		replies:     map[uri.URI]*replyDoc{},
		workspaces:  map[string]*workspaceState{},
		diskResults: map[string]bool{},
		diskReads:   map[string]map[string]bool{},
		runs:        runs{byURI: map[uri.URI]*runState{}, byToken: map[string]*runState{}},
		exact:       exactCounts{byURI: map[uri.URI]exactCount{}},
	}
}

// document finds an open document.
func (s *session) document(u uri.URI) (*Document, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.docs[u]
	return d, ok
}

// openDocuments lists the open documents.
func (s *session) openDocuments() []*Document {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*Document, 0, len(s.docs))
	for _, d := range s.docs {
		out = append(out, d)
	}
	return out
}

// forgetWorkspace drops w from the cache, so that the next look-up opens
// its root again (its config or calibration changed).
func (s *session) forgetWorkspace(w *workspaceState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.workspaces[w.ws.Root] == w {
		delete(s.workspaces, w.ws.Root)
	}
}
