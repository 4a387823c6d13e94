// Package lsp is the language server: documents, handlers and capabilities.
// Everything a handler answers comes from promptfile; this package only
// maps it to and from the protocol.
package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/claude-ls/claude-ls/promptfile"
	"github.com/claude-ls/claude-ls/workbench"
)

// Version is reported in serverInfo; the binary sets it.
var Version = "dev"

// Server is one editor session's protocol side: its methods are the
// protocol handlers (UnimplementedServer answers MethodNotFound for the
// rest). What the session holds (documents, workspaces, the disk cache,
// runs) is the session type, kept apart in session.go.
type Server struct {
	protocol.UnimplementedServer
	session // its mu guards the fields below too

	log      *slog.Logger
	client   protocol.Client
	conn     jsonrpc2.Conn
	counters *promptfile.Counters

	order      sync.RWMutex // see sequence
	publishing sync.Mutex   // one publication at a time, so a disk check never overtakes an open document's
	state      lifecycle
	encoding   promptfile.Encoding
	settings   Settings
	roots      []string // workspace folders from initialize
	watcher    *watcher
	clientCaps clientCaps
	exitCode   chan int
	unanswered unanswered // calls whose answer is not written yet
}

type lifecycle int

const (
	created lifecycle = iota
	initialized
	shuttingDown
)

// clientCaps is what the client said it can do, as far as it matters here.
type clientCaps struct {
	watchedFiles     bool // workspace/didChangeWatchedFiles with dynamic registration
	snippets         bool
	showDocument     bool
	workDoneProgress bool
}

// Options configure Serve.
type Options struct {
	Logger *slog.Logger // nil: discard
	Trace  bool         // log every message read and written
}

// Serve runs the server on rwc until the client sends exit or closes the
// stream. It returns the process exit code the LSP asks for: 0 after a
// shutdown request, 1 otherwise.
func Serve(ctx context.Context, rwc io.ReadWriteCloser, opts Options) int {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	var trace *tracingRWC
	if opts.Trace {
		trace = newTracingRWC(rwc, log)
		rwc = trace
	}
	s := newServer(log)
	stream := newHeaderStream(rwc, log)
	stream.answered = s.unanswered.done
	stream.beforeEOF = func() { s.unanswered.wait(time.Second) }
	conn := jsonrpc2.NewConn(stream, jsonrpc2.WithCodec(codec{}))
	s.conn = conn
	s.client = protocol.ClientDispatcher(conn)
	ctx = protocol.WithClient(ctx, s.client)
	// middleware is outermost so that nothing a client sends, $/cancelRequest
	// with bad params included, can fail the connection; lifecycle is inside
	// sequence, so it sees the state the messages before it left.
	conn.Go(ctx, s.middleware(protocol.CancelHandler(s.sequence(jsonrpc2.AsyncHandler(s.lifecycle(protocol.ServerHandler(s, jsonrpc2.MethodNotFoundHandler)))))))
	defer trace.flush()
	select {
	case code := <-s.exitCode:
		// Answers still being written (initialize's, say, when the client
		// sent everything at once) go out before the process ends.
		s.unanswered.wait(time.Second)
		s.stop()
		closeSoon(conn)
		return code
	case <-conn.Done():
		s.stop()
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.state == shuttingDown {
			return 0
		}
		log.Warn("the client closed the connection without shutdown: exit code 1", "error", conn.Err())
		return 1
	case <-ctx.Done():
		s.stop()
		closeSoon(conn)
		log.Warn("stopped by a signal: exit code 1")
		return 1
	}
}

// closeSoon closes the connection, waiting a moment at most: Close waits for
// the reader, and a read blocked on the process's stdin cannot be
// interrupted; the process is about to exit anyway.
func closeSoon(conn jsonrpc2.Conn) {
	closed := make(chan struct{})
	go func() {
		conn.Close()
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(200 * time.Millisecond):
	}
}

func newServer(log *slog.Logger) *Server {
	return &Server{
		session:  newSession(),
		log:      log,
		counters: promptfile.NewCounters(),
		exitCode: make(chan int, 1),
		settings: defaultSettings(),
	}
}

// stop ends background work: watchers and document workers.
func (s *Server) stop() {
	s.mu.Lock()
	w := s.watcher
	s.watcher = nil
	docs := make([]*Document, 0, len(s.docs))
	for _, d := range s.docs {
		docs = append(docs, d)
	}
	s.mu.Unlock()
	if w != nil {
		w.close()
	}
	for _, d := range docs {
		d.close()
	}
	s.runs.mu.Lock()
	for _, r := range s.runs.byURI {
		r.cancel()
	}
	s.runs.mu.Unlock()
}

// middleware is the one place every message passes: it turns panics into
// errors and logs every failure, and drops a notification's error (there is
// no one to answer, and jsonrpc2 would close the connection on it), so no
// handler, and no message however malformed, can take the connection down.
func (s *Server) middleware(next jsonrpc2.Handler) jsonrpc2.Handler {
	return func(ctx context.Context, req *jsonrpc2.Request) (result any, err error) {
		method := req.Method()
		start := time.Now()
		if req.IsCall() {
			s.unanswered.add()
		}
		defer func() {
			if r := recover(); r != nil {
				s.log.Error("handler panic", "method", method, "panic", r, "stack", string(debug.Stack()))
				result, err = nil, jsonrpc2.NewError(jsonrpc2.InternalError, fmt.Sprintf("claude-ls: internal error in %s: %v", method, r))
			}
			if err != nil && !errors.Is(err, jsonrpc2.ErrMethodNotFound) {
				s.log.Warn("request failed", "method", method, "error", err)
			}
			if err != nil && !req.IsCall() {
				err = nil
			}
			s.log.Debug("handled", "method", method, "took", time.Since(start))
		}()
		return next(ctx, req)
	}
}

// unanswered counts the calls read whose answer is not written yet.
type unanswered struct {
	mu   sync.Mutex
	n    int
	zero chan struct{} // closed when n drops to 0, for wait
}

func (u *unanswered) add() {
	u.mu.Lock()
	u.n++
	u.mu.Unlock()
}

func (u *unanswered) done() {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.n > 0 {
		u.n--
	}
	if u.n == 0 && u.zero != nil {
		close(u.zero)
		u.zero = nil
	}
}

// wait waits until every call is answered, up to d.
func (u *unanswered) wait(d time.Duration) {
	u.mu.Lock()
	if u.n == 0 {
		u.mu.Unlock()
		return
	}
	if u.zero == nil {
		u.zero = make(chan struct{})
	}
	zero := u.zero
	u.mu.Unlock()
	select {
	case <-zero:
	case <-time.After(d):
	}
}

// lifecycle enforces initialize first and nothing after shutdown.
func (s *Server) lifecycle(next jsonrpc2.Handler) jsonrpc2.Handler {
	return func(ctx context.Context, req *jsonrpc2.Request) (any, error) {
		method := req.Method()
		s.mu.Lock()
		state := s.state
		s.mu.Unlock()
		switch {
		case method == "exit":
		case state == created && method != "initialize":
			if !req.IsCall() {
				return nil, nil // notifications before initialize are dropped
			}
			return nil, jsonrpc2.NewError(jsonrpc2.ServerNotInitialized, "claude-ls: initialize first")
		case state == shuttingDown:
			if !req.IsCall() {
				return nil, nil
			}
			return nil, jsonrpc2.NewError(jsonrpc2.InvalidRequest, "claude-ls: the server is shutting down")
		case state == initialized && method == "initialize":
			return nil, jsonrpc2.NewError(jsonrpc2.InvalidRequest, "claude-ls: already initialized")
		}
		return next(ctx, req)
	}
}

// sequence keeps wire order where it matters. It runs on the read loop,
// before AsyncHandler lets each message run concurrently: a message that
// changes state (inOrder) holds the order lock until it is handled, and
// every later message waits for it, so a hover after a keystroke sees the
// keystroke; other requests then run side by side, and a slow one never
// holds up typing.
func (s *Server) sequence(next jsonrpc2.Handler) jsonrpc2.Handler {
	return func(ctx context.Context, req *jsonrpc2.Request) (any, error) {
		if inOrder[req.Method()] {
			s.order.Lock()
			defer s.order.Unlock()
		} else {
			s.order.RLock()
			s.order.RUnlock()
		}
		return next(ctx, req)
	}
}

// inOrder are the messages handled before the next one is read: they change
// the state later requests depend on, so they must apply in wire order.
var inOrder = map[string]bool{
	"initialize": true, "initialized": true, "shutdown": true, "exit": true,
	"textDocument/didOpen": true, "textDocument/didChange": true, "textDocument/didClose": true, "textDocument/didSave": true,
	"workspace/didChangeConfiguration": true, "workspace/didChangeWatchedFiles": true,
}

// Initialize answers with what is implemented, and nothing more.
func (s *Server) Initialize(ctx context.Context, params *protocol.InitializeParams) (*protocol.InitializeResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state = initialized
	caps := params.Capabilities
	enc := protocol.PositionEncodingKindUTF16
	if caps.General != nil {
		for _, e := range caps.General.PositionEncodings {
			if e == protocol.PositionEncodingKindUTF8 {
				enc = e
				s.encoding = promptfile.UTF8
			}
		}
	}
	if w := caps.Workspace; w != nil && w.DidChangeWatchedFiles != nil && w.DidChangeWatchedFiles.DynamicRegistration != nil {
		s.clientCaps.watchedFiles = *w.DidChangeWatchedFiles.DynamicRegistration
	}
	if td := caps.TextDocument; td != nil && td.Completion != nil && td.Completion.CompletionItem != nil && td.Completion.CompletionItem.SnippetSupport != nil {
		s.clientCaps.snippets = *td.Completion.CompletionItem.SnippetSupport
	}
	if w := caps.Window; w != nil {
		s.clientCaps.showDocument = w.ShowDocument != nil && w.ShowDocument.Support
		s.clientCaps.workDoneProgress = w.WorkDoneProgress != nil && *w.WorkDoneProgress
	}
	folders, _ := params.WorkspaceFolders.Get()
	for _, f := range folders {
		if p := fsPath(f.URI); p != "" {
			s.roots = append(s.roots, p)
		}
	}
	if len(s.roots) == 0 && params.RootURI != nil {
		if p := fsPath(*params.RootURI); p != "" {
			s.roots = append(s.roots, p)
		}
	}
	if len(params.InitializationOptions) > 0 {
		if err := s.settings.apply(params.InitializationOptions); err != nil {
			s.log.Warn("initializationOptions", "error", err)
		}
	}
	s.applyLogLevel()
	return &protocol.InitializeResult{
		Capabilities: s.capabilities(enc),
		ServerInfo:   protocol.ServerInfo{Name: "claude-ls", Version: protocol.NewOptional(Version)},
	}, nil
}

// Initialized starts watching files, then checks every prompt of the
// workspace in the background.
func (s *Server) Initialized(ctx context.Context, _ *protocol.InitializedParams) error {
	s.startWatching()
	go s.startWorkspace(context.WithoutCancel(ctx))
	return nil
}

// Shutdown stops accepting requests; exit follows.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.state = shuttingDown
	s.mu.Unlock()
	return nil
}

// Exit ends the process: 0 after shutdown, 1 without.
func (s *Server) Exit(ctx context.Context) error {
	s.mu.Lock()
	code := 1
	if s.state == shuttingDown {
		code = 0
	}
	s.mu.Unlock()
	select {
	case s.exitCode <- code:
	default:
	}
	return nil
}

// DidChangeConfiguration takes new settings and re-checks open documents.
func (s *Server) DidChangeConfiguration(ctx context.Context, params *protocol.DidChangeConfigurationParams) error {
	s.mu.Lock()
	err := s.settings.apply(params.Settings)
	s.applyLogLevel()
	s.workspaces = map[string]*workspaceState{} // config path or defaults may have changed
	s.mu.Unlock()
	if err != nil {
		return fmt.Errorf("claude-ls settings: %w", err)
	}
	s.refreshAll()
	return nil
}

// codec is the protocol's union-aware codec (unexported there): raw JSON
// passes through, everything else goes through protocol.Marshal.
type codec struct{}

func (codec) Marshal(v any) ([]byte, error) {
	switch m := v.(type) {
	case jsonrpc2.RawMessage:
		if m == nil {
			return []byte("null"), nil
		}
		return m, nil
	case *jsonrpc2.RawMessage:
		if m == nil || *m == nil {
			return []byte("null"), nil
		}
		return *m, nil
	}
	return protocol.Marshal(v)
}

func (codec) Unmarshal(data []byte, v any) error {
	if p, ok := v.(*jsonrpc2.RawMessage); ok {
		*p = append(jsonrpc2.RawMessage(nil), data...)
		return nil
	}
	return protocol.Unmarshal(data, v)
}

// tracingRWC logs the stream both ways, for --trace. Each direction goes
// through a redacting writer that holds back a possible key's beginning
// until the next chunk, so a key split across two reads is never logged in
// halves.
type tracingRWC struct {
	rwc     io.ReadWriteCloser
	in, out *workbench.RedactWriter
}

func newTracingRWC(rwc io.ReadWriteCloser, log *slog.Logger) *tracingRWC {
	key := workbench.EnvKey()
	return &tracingRWC{rwc: rwc,
		in:  workbench.NewRedactWriter(traceLog{log, "trace <-"}, key),
		out: workbench.NewRedactWriter(traceLog{log, "trace ->"}, key)}
}

func (t *tracingRWC) Read(p []byte) (int, error) {
	n, err := t.rwc.Read(p)
	if n > 0 {
		t.in.Write(p[:n])
	}
	return n, err
}

func (t *tracingRWC) Write(p []byte) (int, error) {
	t.out.Write(p)
	return t.rwc.Write(p)
}

func (t *tracingRWC) Close() error {
	t.flush()
	return t.rwc.Close()
}

// flush logs what the redacting writers hold back; nil-safe.
func (t *tracingRWC) flush() {
	if t != nil {
		t.in.Flush()
		t.out.Flush()
	}
}

// traceLog is a log line per piece of redacted stream.
type traceLog struct {
	log *slog.Logger
	msg string
}

func (l traceLog) Write(p []byte) (int, error) {
	l.log.Info(l.msg, "data", string(p))
	return len(p), nil
}

// jsonMarshal encodes v as an LSPAny.
func jsonMarshal(v any) (protocol.LSPAny, error) {
	b, err := json.Marshal(v)
	return protocol.LSPAny(b), err
}
