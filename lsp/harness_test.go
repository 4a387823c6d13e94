package lsp

import (
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// testClient is an editor for the tests: it talks to a real server over a
// pipe through JSON-RPC and records what the server sends.
type testClient struct {
	t      testing.TB
	dir    string // the workspace root
	server protocol.Server
	conn   jsonrpc2.Conn
	exit   chan int
	ctx    context.Context

	mu          sync.Mutex
	changed     *sync.Cond
	diagnostics map[uri.URI]*protocol.PublishDiagnosticsParams
	messages    []*protocol.ShowMessageParams
	registered  []protocol.Registration
	progress    []progressEvent
	shown       []string // paths of window/showDocument
	applied     []*protocol.ApplyWorkspaceEditParams
	asked       []string // messages of window/showMessageRequest
	answer      string   // the action chosen for showMessageRequest
	versions    map[uri.URI]int32
	texts       map[uri.URI]string
}

// recorder is the client side: it records notifications and answers requests.
type recorder struct {
	protocol.UnimplementedClient
	c *testClient
}

func (r recorder) PublishDiagnostics(_ context.Context, p *protocol.PublishDiagnosticsParams) error {
	r.c.mu.Lock()
	defer r.c.mu.Unlock()
	r.c.diagnostics[p.URI] = p
	r.c.changed.Broadcast()
	return nil
}

func (r recorder) ShowMessage(_ context.Context, p *protocol.ShowMessageParams) error {
	r.c.mu.Lock()
	defer r.c.mu.Unlock()
	r.c.messages = append(r.c.messages, p)
	r.c.changed.Broadcast()
	return nil
}

func (r recorder) LogMessage(context.Context, *protocol.LogMessageParams) error { return nil }

// progressEvent is one $/progress value: its kind and message.
type progressEvent struct {
	Token   string
	Kind    string `json:"kind"`
	Title   string `json:"title"`
	Message string `json:"message"`
}

func (r recorder) WorkDoneProgressCreate(context.Context, *protocol.WorkDoneProgressCreateParams) error {
	return nil
}

func (r recorder) Progress(_ context.Context, p *protocol.ProgressParams) error {
	var ev progressEvent
	json.Unmarshal(p.Value, &ev)
	ev.Token = text(p.Token)
	r.c.mu.Lock()
	defer r.c.mu.Unlock()
	r.c.progress = append(r.c.progress, ev)
	r.c.changed.Broadcast()
	return nil
}

func (r recorder) ShowDocument(_ context.Context, p *protocol.ShowDocumentParams) (*protocol.ShowDocumentResult, error) {
	r.c.mu.Lock()
	defer r.c.mu.Unlock()
	r.c.shown = append(r.c.shown, p.URI.FsPath())
	r.c.changed.Broadcast()
	return &protocol.ShowDocumentResult{Success: true}, nil
}

func (r recorder) ShowMessageRequest(_ context.Context, p *protocol.ShowMessageRequestParams) (*protocol.MessageActionItem, error) {
	r.c.mu.Lock()
	defer r.c.mu.Unlock()
	r.c.asked = append(r.c.asked, p.Message)
	r.c.changed.Broadcast()
	if r.c.answer == "" {
		return nil, nil
	}
	return &protocol.MessageActionItem{Title: r.c.answer}, nil
}

func (r recorder) ApplyEdit(_ context.Context, p *protocol.ApplyWorkspaceEditParams) (*protocol.ApplyWorkspaceEditResult, error) {
	r.c.mu.Lock()
	defer r.c.mu.Unlock()
	r.c.applied = append(r.c.applied, p)
	r.c.changed.Broadcast()
	return &protocol.ApplyWorkspaceEditResult{Applied: true}, nil
}

func (r recorder) CodeLensRefresh(context.Context) error  { return nil }
func (r recorder) InlayHintRefresh(context.Context) error { return nil }

// waitFor waits until cond, checked under the client's lock, holds.
func (c *testClient) waitFor(what string, cond func() bool) {
	c.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	timer := time.AfterFunc(10*time.Second, func() {
		c.mu.Lock()
		c.changed.Broadcast()
		c.mu.Unlock()
	})
	defer timer.Stop()
	c.mu.Lock()
	defer c.mu.Unlock()
	for !cond() {
		if time.Now().After(deadline) {
			c.t.Fatalf("timed out waiting for %s", what)
		}
		c.changed.Wait()
	}
}

func (r recorder) RegisterCapability(_ context.Context, p *protocol.RegistrationParams) error {
	r.c.mu.Lock()
	defer r.c.mu.Unlock()
	r.c.registered = append(r.c.registered, p.Registrations...)
	return nil
}

// clientOptions adjust what the test editor says it can do.
type clientOptions struct {
	initOptions  map[string]any
	utf8         bool
	watchedFiles bool
	noInitialize bool
	noShowDoc    bool // a client without window/showDocument (Neovim 0.7)
}

// newTestClient writes files into a new workspace (a git root), starts a
// server on a pipe and initializes it.
func newTestClient(t testing.TB, files map[string]string, opts ...clientOptions) *testClient {
	t.Helper()
	var o clientOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	dir := t.TempDir()
	dir, _ = filepath.EvalSymlinks(dir)
	os.Mkdir(filepath.Join(dir, ".git"), 0o755)
	for name, text := range files {
		writeFile(t, filepath.Join(dir, name), text)
	}
	ctx, cancel := context.WithCancel(context.Background())
	serverEnd, clientEnd := net.Pipe()
	c := &testClient{t: t, dir: dir, exit: make(chan int, 1), ctx: ctx,
		diagnostics: map[uri.URI]*protocol.PublishDiagnosticsParams{}, versions: map[uri.URI]int32{}, texts: map[uri.URI]string{}}
	c.changed = sync.NewCond(&c.mu)
	var log *slog.Logger
	if os.Getenv("CLAUDE_LS_TEST_LOG") != "" {
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	go func() { c.exit <- Serve(ctx, serverEnd, Options{Logger: log}) }()
	_, conn, server := protocol.NewClient(ctx, recorder{c: c}, jsonrpc2.NewStream(clientEnd))
	c.conn, c.server = conn, server
	t.Cleanup(func() {
		cancel()
		conn.Close()
		select {
		case <-c.exit:
		case <-time.After(5 * time.Second):
			t.Error("server did not stop")
		}
	})
	if !o.noInitialize {
		c.initialize(o)
	}
	return c
}

func writeFile(t testing.TB, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func (c *testClient) initialize(o clientOptions) *protocol.InitializeResult {
	c.t.Helper()
	yes := true
	params := &protocol.InitializeParams{
		Capabilities: protocol.ClientCapabilities{
			General: &protocol.GeneralClientCapabilities{PositionEncodings: []protocol.PositionEncodingKind{protocol.PositionEncodingKindUTF16}},
			TextDocument: &protocol.TextDocumentClientCapabilities{
				Completion: &protocol.CompletionClientCapabilities{CompletionItem: &protocol.ClientCompletionItemOptions{SnippetSupport: &yes}},
			},
		},
	}
	if o.utf8 {
		params.Capabilities.General.PositionEncodings = []protocol.PositionEncodingKind{protocol.PositionEncodingKindUTF8, protocol.PositionEncodingKindUTF16}
	}
	params.Capabilities.Window = &protocol.WindowClientCapabilities{WorkDoneProgress: &yes, ShowDocument: &protocol.ShowDocumentClientCapabilities{Support: !o.noShowDoc}}
	if o.watchedFiles {
		params.Capabilities.Workspace = &protocol.WorkspaceClientCapabilities{DidChangeWatchedFiles: &protocol.DidChangeWatchedFilesClientCapabilities{DynamicRegistration: &yes}}
	}
	root := uri.File(c.dir)
	params.RootURI = &root
	params.WorkspaceFolders = protocol.NewNullable([]protocol.WorkspaceFolder{{URI: root, Name: "ws"}})
	if o.initOptions != nil {
		raw, _ := json.Marshal(o.initOptions)
		params.InitializationOptions = raw
	}
	res, err := c.server.Initialize(c.ctx, params)
	if err != nil {
		c.t.Fatalf("initialize: %v", err)
	}
	if err := c.server.Initialized(c.ctx, &protocol.InitializedParams{}); err != nil {
		c.t.Fatalf("initialized: %v", err)
	}
	return res
}

// uri of a workspace file.
func (c *testClient) uri(name string) uri.URI { return uri.File(filepath.Join(c.dir, name)) }

// open opens a workspace file with its text on disk, or the given text.
func (c *testClient) open(name string, text ...string) uri.URI {
	c.t.Helper()
	u := c.uri(name)
	var body string
	if len(text) > 0 {
		body = text[0]
	} else {
		data, err := os.ReadFile(filepath.Join(c.dir, name))
		if err != nil {
			c.t.Fatal(err)
		}
		body = string(data)
	}
	c.mu.Lock()
	c.versions[u] = 1
	c.texts[u] = body
	c.mu.Unlock()
	err := c.server.DidOpen(c.ctx, &protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{URI: u, LanguageID: "prompt", Version: 1, Text: body}})
	if err != nil {
		c.t.Fatal(err)
	}
	return u
}

// edit replaces the first occurrence of old with new in an open document,
// as an incremental change; it returns the new version.
func (c *testClient) edit(u uri.URI, old, new string) int32 {
	c.t.Helper()
	c.mu.Lock()
	text := c.texts[u]
	i := strings.Index(text, old)
	if i < 0 {
		c.mu.Unlock()
		c.t.Fatalf("edit: %q not in the document", old)
	}
	r := protocol.Range{Start: utf16Pos(text, i), End: utf16Pos(text, i+len(old))}
	c.texts[u] = text[:i] + new + text[i+len(old):]
	c.versions[u]++
	v := c.versions[u]
	c.mu.Unlock()
	err := c.server.DidChange(c.ctx, &protocol.DidChangeTextDocumentParams{
		TextDocument:   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: u}, Version: v},
		ContentChanges: []protocol.TextDocumentContentChangeEvent{&protocol.TextDocumentContentChangePartial{Range: r, Text: new}},
	})
	if err != nil {
		c.t.Fatal(err)
	}
	return v
}

// pos is the position of the first occurrence of marker in an open
// document, plus offset bytes into it; markers find places by text.
func (c *testClient) pos(u uri.URI, marker string, offset ...int) protocol.Position {
	c.t.Helper()
	c.mu.Lock()
	text := c.texts[u]
	c.mu.Unlock()
	i := strings.Index(text, marker)
	if i < 0 {
		c.t.Fatalf("marker %q not in %s", marker, u)
	}
	if len(offset) > 0 {
		i += offset[0]
	}
	return utf16Pos(text, i)
}

// utf16Pos is the LSP position of byte offset i, computed independently of
// the server's mapper.
func utf16Pos(text string, i int) protocol.Position {
	line := strings.Count(text[:i], "\n")
	start := strings.LastIndex(text[:i], "\n") + 1
	col := 0
	for _, r := range text[start:i] {
		col++
		if r >= 0x10000 {
			col++
		}
	}
	return protocol.Position{Line: uint32(line), Character: uint32(col)}
}

// waitDiagnostics waits for diagnostics of u that satisfy ok.
func (c *testClient) waitDiagnostics(u uri.URI, ok func(*protocol.PublishDiagnosticsParams) bool) *protocol.PublishDiagnosticsParams {
	c.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	timer := time.AfterFunc(10*time.Second, func() {
		c.mu.Lock()
		c.changed.Broadcast()
		c.mu.Unlock()
	})
	defer timer.Stop()
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		if p := c.diagnostics[u]; p != nil && ok(p) {
			return p
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("timed out waiting for diagnostics of %s; last: %s", u, describe(c.diagnostics[u]))
		}
		c.changed.Wait()
	}
}

// waitVersion waits for the diagnostics of version v of an open document.
func (c *testClient) waitVersion(u uri.URI, v int32) *protocol.PublishDiagnosticsParams {
	c.t.Helper()
	return c.waitDiagnostics(u, func(p *protocol.PublishDiagnosticsParams) bool {
		got, ok := p.Version.Get()
		return ok && got == v
	})
}

// codes lists the diagnostic codes of a publication.
func codes(p *protocol.PublishDiagnosticsParams) []string {
	var out []string
	for _, d := range p.Diagnostics {
		if s, ok := d.Code.(protocol.String); ok {
			out = append(out, string(s))
		}
	}
	return out
}

func describe(p *protocol.PublishDiagnosticsParams) string {
	if p == nil {
		return "none"
	}
	b, _ := json.Marshal(codes(p))
	return string(b)
}

// text of a protocol string-ish union, for assertions.
func text(v any) string {
	switch v := v.(type) {
	case protocol.String:
		return string(v)
	case *protocol.MarkupContent:
		return v.Value
	case nil:
		return ""
	}
	b, _ := protocol.Marshal(v)
	return string(b)
}

// call sends a raw request, for methods and params the typed API cannot express.
func (c *testClient) call(method string, params any, result any) error {
	_, err := c.conn.Call(c.ctx, method, params, result)
	return err
}
