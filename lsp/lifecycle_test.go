package lsp

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"

	"github.com/claude-ls/claude-ls/workbench"
)

func TestInitializeAdvertisesWhatIsImplemented(t *testing.T) {
	c := newTestClient(t, nil, clientOptions{noInitialize: true})
	res := c.initialize(clientOptions{})
	caps := res.Capabilities
	if caps.PositionEncoding != protocol.PositionEncodingKindUTF16 {
		t.Errorf("encoding = %q", caps.PositionEncoding)
	}
	sync, ok := caps.TextDocumentSync.(*protocol.TextDocumentSyncOptions)
	if !ok || sync.Change == nil || *sync.Change != protocol.TextDocumentSyncKindIncremental {
		t.Errorf("textDocumentSync = %#v", caps.TextDocumentSync)
	}
	if got := strings.Join(caps.ExecuteCommandProvider.Commands, ","); got != "claude-ls.run,claude-ls.runAppend,claude-ls.countExact,claude-ls.export,claude-ls.summary,claude-ls.usage,claude-ls.runTests,claude-ls.runBatch,claude-ls.usageReport,claude-ls.improve,claude-ls.generateTests,claude-ls.grade,claude-ls.compare" {
		t.Errorf("commands = %s", got)
	}
	// The editors' export menus come from here, js included.
	// So do the bounds of a test-case generation.
	var exp struct {
		ExportLanguages []struct{ ID, Title, Ext, LanguageID string } `json:"exportLanguages"`
		GenerateTests   struct{ Default, Max int }                    `json:"generateTests"`
	}
	if err := json.Unmarshal(caps.Experimental, &exp); err != nil || len(exp.ExportLanguages) != 5 ||
		exp.ExportLanguages[3].ID != "js" || exp.ExportLanguages[3].LanguageID != "javascript" ||
		exp.GenerateTests.Default != workbench.DefaultGeneratedCases || exp.GenerateTests.Max != workbench.MaxGeneratedCases {
		t.Errorf("experimental = %s (%v)", caps.Experimental, err)
	}
	if v, _ := res.ServerInfo.Version.Get(); res.ServerInfo.Name != "claude-ls" || v == "" {
		t.Errorf("serverInfo = %+v", res.ServerInfo)
	}
}

func TestUTF8Negotiated(t *testing.T) {
	c := newTestClient(t, nil, clientOptions{noInitialize: true})
	if res := c.initialize(clientOptions{utf8: true}); res.Capabilities.PositionEncoding != protocol.PositionEncodingKindUTF8 {
		t.Errorf("encoding = %q, want utf-8", res.Capabilities.PositionEncoding)
	}
}

func TestRequestBeforeInitialize(t *testing.T) {
	c := newTestClient(t, nil, clientOptions{noInitialize: true})
	_, err := c.server.Hover(c.ctx, &protocol.HoverParams{})
	var je *jsonrpc2.Error
	if !errors.As(err, &je) || je.Code != jsonrpc2.ServerNotInitialized {
		t.Errorf("hover before initialize: %v", err)
	}
}

func TestUnknownMethodIsMethodNotFound(t *testing.T) {
	c := newTestClient(t, nil)
	err := c.call("claude-ls/nonsense", map[string]any{"x": 1}, nil)
	var je *jsonrpc2.Error
	if !errors.As(err, &je) || je.Code != jsonrpc2.MethodNotFound {
		t.Errorf("unknown method: %v", err)
	}
	// Still alive.
	if err := c.call("textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": "file:///nope.prompt"}, "position": map[string]any{"line": 0, "character": 0}}, nil); err != nil && strings.Contains(err.Error(), "closed") {
		t.Errorf("connection died: %v", err)
	}
}

func TestShutdownThenExitCodeZero(t *testing.T) {
	c := newTestClient(t, nil)
	if err := c.server.Shutdown(c.ctx); err != nil {
		t.Fatal(err)
	}
	// Requests after shutdown are refused, not fatal.
	_, err := c.server.Hover(c.ctx, &protocol.HoverParams{})
	var je *jsonrpc2.Error
	if !errors.As(err, &je) || je.Code != jsonrpc2.InvalidRequest {
		t.Errorf("hover after shutdown: %v", err)
	}
	c.server.Exit(c.ctx)
	select {
	case code := <-c.exit:
		if code != 0 {
			t.Errorf("exit code %d after shutdown, want 0", code)
		}
		c.exit <- code // for the cleanup
	case <-time.After(5 * time.Second):
		t.Fatal("no exit")
	}
}

func TestExitWithoutShutdownIsOne(t *testing.T) {
	c := newTestClient(t, nil)
	c.server.Exit(c.ctx)
	select {
	case code := <-c.exit:
		if code != 1 {
			t.Errorf("exit code %d without shutdown, want 1", code)
		}
		c.exit <- code
	case <-time.After(5 * time.Second):
		t.Fatal("no exit")
	}
}

func TestSettingsFromInitializationOptions(t *testing.T) {
	c := newTestClient(t, map[string]string{"a.prompt": "---\nmax_tokens: 10\n---\nuser:\nhi\n"},
		clientOptions{initOptions: map[string]any{"defaultModel": "claude-haiku-4-5"}})
	u := c.open("a.prompt")
	p := c.waitVersion(u, 1)
	if len(p.Diagnostics) != 0 {
		t.Errorf("default model from settings not used: %s", describe(p))
	}
	// didChangeConfiguration, nested as VS Code sends it, takes the default away.
	raw, _ := json.Marshal(map[string]any{"claude-ls": map[string]any{"defaultModel": ""}})
	if err := c.server.DidChangeConfiguration(c.ctx, &protocol.DidChangeConfigurationParams{Settings: raw}); err != nil {
		t.Fatal(err)
	}
	c.waitDiagnostics(u, func(p *protocol.PublishDiagnosticsParams) bool {
		return strings.Contains(describe(p), "model-missing")
	})
}

func TestCancelRequestIsHarmless(t *testing.T) {
	c := newTestClient(t, map[string]string{"a.prompt": "user:\nhi\n"})
	u := c.open("a.prompt")
	c.waitVersion(u, 1)
	// Cancels of unknown ids, of numeric and string ids, are taken in stride.
	for _, id := range []any{12345, "abc"} {
		if err := c.conn.Notify(c.ctx, "$/cancelRequest", map[string]any{"id": id}); err != nil {
			t.Fatal(err)
		}
	}
	// A request cancelled by the client is answered (an error or a result),
	// and the next one is served.
	ctx, cancel := context.WithCancel(c.ctx)
	cancel()
	c.server.Hover(ctx, &protocol.HoverParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: u}}})
	h, err := c.server.Hover(c.ctx, &protocol.HoverParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: u}, Position: c.pos(u, "user:")}})
	if err != nil || h == nil {
		t.Errorf("after cancels: %v %v", h, err)
	}
}

func TestConfigPathAndBudgetSettings(t *testing.T) {
	api := withAPI(t)
	c := newTestClient(t, map[string]string{
		"a.prompt":             "user:\nhi\n",
		"config/claude-ls.yml": "default_model: claude-haiku-4-5\ndefault_max_tokens: 64\n",
	}, clientOptions{initOptions: map[string]any{"configPath": "config/claude-ls.yml", "confirmAboveUsd": "0.0000001"}})
	u := c.open("a.prompt")
	// The config named by configPath is the workspace's: its defaults apply.
	p := c.waitVersion(u, 1)
	if got := strings.Join(codes(p), ","); got != "max-tokens-default" {
		t.Errorf("diagnostics with configPath: %s", got)
	}
	// The budget settings stand in for a config without a budget: the run asks.
	c.execute(CommandRun, u, nil, "")
	c.waitFor("the question", func() bool { return len(c.asked) == 1 })
	if len(api.Requests()) != 0 {
		t.Error("ran without asking")
	}
}
