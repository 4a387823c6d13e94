package lsp

import (
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"

	"go.lsp.dev/protocol"
)

const samplePrompt = `---
model: claude-sonnet-4-6
max_tokens: 1024
vars:
  topic: tides
---
system:
You are a patient teacher.

user:
Explain {{topic}} to a ten-year-old. 😀 中文
`

func TestDiagnosticsFollowEdits(t *testing.T) {
	c := newTestClient(t, map[string]string{"a.prompt": samplePrompt})
	u := c.open("a.prompt")
	if p := c.waitVersion(u, 1); len(p.Diagnostics) != 0 {
		t.Fatalf("clean file has %s", describe(p))
	}
	v := c.edit(u, "claude-sonnet-4-6", "claude-sonet-4-6")
	p := c.waitVersion(u, v)
	if !slices.Equal(codes(p), []string{"model-unknown"}) {
		t.Fatalf("after typo: %s", describe(p))
	}
	d := p.Diagnostics[0]
	if d.Range.Start != c.pos(u, "claude-sonet") || d.Range.End.Character != d.Range.Start.Character+uint32(len("claude-sonet-4-6")) {
		t.Errorf("range = %+v", d.Range)
	}
	if !strings.Contains(text(d.Message), "claude-sonnet-4-6") {
		t.Errorf("message = %q", text(d.Message))
	}
	// An edit after the emoji: UTF-16 columns must be counted right.
	v = c.edit(u, "中文", "{{missing}}")
	p = c.waitVersion(u, v)
	var found bool
	for _, d := range p.Diagnostics {
		if text(d.Code) == "var-undefined" {
			found = true
			if want := c.pos(u, "missing"); d.Range.Start != want {
				t.Errorf("var-undefined at %+v, want %+v", d.Range.Start, want)
			}
		}
	}
	if !found {
		t.Errorf("no var-undefined: %s", describe(p))
	}
}

func TestWholeDocumentChangeAndClose(t *testing.T) {
	c := newTestClient(t, nil)
	u := c.open("b.prompt", "user:\nhi\n")
	c.waitVersion(u, 1)
	err := c.server.DidChange(c.ctx, &protocol.DidChangeTextDocumentParams{
		TextDocument:   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: u}, Version: 2},
		ContentChanges: []protocol.TextDocumentContentChangeEvent{&protocol.TextDocumentContentChangeWholeDocument{Text: "---\nmodel: claude-sonnet-4-6\n"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	p := c.waitVersion(u, 2)
	if !slices.Contains(codes(p), "frontmatter-unterminated") {
		t.Errorf("after replacement: %s", describe(p))
	}
	if err := c.server.DidClose(c.ctx, &protocol.DidCloseTextDocumentParams{TextDocument: protocol.TextDocumentIdentifier{URI: u}}); err != nil {
		t.Fatal(err)
	}
	c.waitDiagnostics(u, func(p *protocol.PublishDiagnosticsParams) bool {
		return p.Diagnostics != nil && len(p.Diagnostics) == 0
	})
}

func TestBadInputKeepsServerAlive(t *testing.T) {
	c := newTestClient(t, nil)
	u := c.uri("c.prompt")
	// Text no editor should send: a lone surrogate, NUL, a broken template,
	// and raw invalid UTF-8 bytes inside the JSON string.
	raw := `{"textDocument":{"uri":"` + string(u) + `","languageId":"prompt","version":1,"text":"---\nmodel: \ud800x\n---\nuser:\n\u0000{{ \xff\xfe\n"}}`
	raw = strings.ReplaceAll(raw, `\xff\xfe`, "\xff\xfe")
	if err := c.conn.Notify(c.ctx, "textDocument/didOpen", json.RawMessage(raw)); err != nil {
		t.Fatal(err)
	}
	c.mu.Lock()
	c.texts[u], c.versions[u] = "x", 1
	c.mu.Unlock()
	c.waitVersion(u, 1)
	// Edits past the end, reversed ranges and huge positions are clamped.
	for i, r := range []protocol.Range{
		{Start: protocol.Position{Line: 99, Character: 5}, End: protocol.Position{Line: 120, Character: 0}},
		{Start: protocol.Position{Line: 1, Character: 400}, End: protocol.Position{Line: 0, Character: 0}},
		{Start: protocol.Position{Line: 4294967295, Character: 4294967295}, End: protocol.Position{Line: 4294967295, Character: 4294967295}},
	} {
		err := c.server.DidChange(c.ctx, &protocol.DidChangeTextDocumentParams{
			TextDocument:   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: u}, Version: int32(2 + i)},
			ContentChanges: []protocol.TextDocumentContentChangeEvent{&protocol.TextDocumentContentChangePartial{Range: r, Text: "x\n"}},
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	c.waitVersion(u, 4)
	// A change to a document that is not open is an error answer, not a crash.
	err := c.server.DidChange(c.ctx, &protocol.DidChangeTextDocumentParams{TextDocument: protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: c.uri("nope.prompt")}, Version: 1}})
	_ = err // notifications have no answer; the server must simply go on
	// Garbage params to a known method get an error answer.
	if err := c.call("textDocument/didOpen", []int{1, 2, 3}, nil); err == nil {
		t.Log("didOpen with garbage accepted as a notification") // notifications cannot answer
	}
	var res any
	if err := c.call("textDocument/hover", "garbage", &res); err == nil {
		t.Errorf("hover with garbage params: no error")
	}
	// Alive: a fresh open still gets diagnostics.
	u2 := c.open("d.prompt", "user:\n{{x}}\n")
	c.waitVersion(u2, 1)
}

func TestConcurrentEdits(t *testing.T) {
	c := newTestClient(t, map[string]string{"a.prompt": samplePrompt})
	u := c.open("a.prompt")
	c.waitVersion(u, 1)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 25; j++ {
				c.server.Hover(c.ctx, &protocol.HoverParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
					TextDocument: protocol.TextDocumentIdentifier{URI: u}, Position: protocol.Position{Line: 1, Character: 9}}})
			}
		}()
	}
	var last int32
	for j := 0; j < 50; j++ {
		last = c.edit(u, "ten", "ten")
	}
	wg.Wait()
	if p := c.waitVersion(u, last); len(p.Diagnostics) != 0 {
		t.Errorf("final diagnostics: %s", describe(p))
	}
}

func TestWorkspaceCheckedOnStartup(t *testing.T) {
	c := newTestClient(t, map[string]string{
		"prompts/bad.prompt":  "---\nmodel: claude-sonnet-4-6\nmax_tokens: 10\ntemperature: 0.5\n---\nuser:\nhi\n",
		"prompts/good.prompt": samplePrompt,
	})
	bad := c.uri("prompts/bad.prompt")
	p := c.waitDiagnostics(bad, func(p *protocol.PublishDiagnosticsParams) bool { return len(p.Diagnostics) > 0 })
	if !slices.Equal(codes(p), []string{"sampling-removed"}) {
		t.Errorf("bad.prompt: %s", describe(p))
	}
	// Fixed on disk: the problem is cleared without opening the file.
	writeFile(t, bad.FsPath(), "---\nmodel: claude-sonnet-4-6\nmax_tokens: 10\n---\nuser:\nhi\n")
	c.waitDiagnostics(bad, func(p *protocol.PublishDiagnosticsParams) bool { return len(p.Diagnostics) == 0 })
}

func TestIncludeChangeOnDiskUpdatesOpenPrompt(t *testing.T) {
	c := newTestClient(t, map[string]string{
		"a.prompt": "---\nmodel: claude-sonnet-4-6\nmax_tokens: 10\n---\nuser:\n{{file \"doc.md\"}}\n",
		"doc.md":   "fine\n",
	})
	u := c.open("a.prompt")
	if p := c.waitVersion(u, 1); len(p.Diagnostics) != 0 {
		t.Fatalf("%s", describe(p))
	}
	writeFile(t, c.uri("doc.md").FsPath(), "now with a key sk-ant-api03-"+strings.Repeat("Z", 40)+"\n")
	c.waitDiagnostics(u, func(p *protocol.PublishDiagnosticsParams) bool { return slices.Contains(codes(p), "secret") })
}

func TestConfigChangeOnDisk(t *testing.T) {
	c := newTestClient(t, map[string]string{"a.prompt": "user:\nhi\n"})
	u := c.open("a.prompt")
	c.waitDiagnostics(u, func(p *protocol.PublishDiagnosticsParams) bool { return slices.Contains(codes(p), "model-missing") })
	writeFile(t, c.uri(".claude-ls.yaml").FsPath(), "default_model: claude-haiku-4-5\ndefault_max_tokens: 100\n")
	c.waitDiagnostics(u, func(p *protocol.PublishDiagnosticsParams) bool {
		return !slices.Contains(codes(p), "model-missing") && slices.Contains(codes(p), "max-tokens-default")
	})
}

func TestUnignoredEnvIsWarnedInTheEditor(t *testing.T) {
	c := newTestClient(t, map[string]string{".env": "ANTHROPIC_API_KEY=sk-ant-api03-notarealkeynotarealkeynotarealkey00\n"})
	env := c.uri(".env")
	p := c.waitDiagnostics(env, func(p *protocol.PublishDiagnosticsParams) bool { return len(p.Diagnostics) > 0 })
	if !slices.Equal(codes(p), []string{"env-not-ignored"}) || strings.Contains(text(p.Diagnostics[0].Message), "sk-ant") {
		t.Errorf(".env: %s %q", describe(p), text(p.Diagnostics[0].Message))
	}
	writeFile(t, c.uri(".gitignore").FsPath(), ".env\n")
	c.waitDiagnostics(env, func(p *protocol.PublishDiagnosticsParams) bool { return len(p.Diagnostics) == 0 })
}
