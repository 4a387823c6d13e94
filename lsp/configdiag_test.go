package lsp

import (
	"strings"
	"testing"

	"go.lsp.dev/protocol"
)

// TestConfigProblemsOnTheConfigFile: the workspace config's problems (here
// an unknown default model, with its nearest id) are published on the
// config file, over the offending value, and cleared once it is fixed.
func TestConfigProblemsOnTheConfigFile(t *testing.T) {
	c := newTestClient(t, map[string]string{
		".claude-ls.yaml": "default_model: claude-sonet-4-6\ndefault_max_tokens: 1024\n",
		"a.prompt":        "user:\nhi\n",
	})
	cfg := c.uri(".claude-ls.yaml")
	p := c.waitDiagnostics(cfg, func(p *protocol.PublishDiagnosticsParams) bool { return len(p.Diagnostics) > 0 })
	d := p.Diagnostics[0]
	if msg := text(d.Message); !strings.Contains(msg, `unknown model "claude-sonet-4-6" (did you mean "claude-sonnet-4-6"?)`) {
		t.Errorf("message %q", msg)
	}
	want := protocol.Range{Start: protocol.Position{Line: 0, Character: 15}, End: protocol.Position{Line: 0, Character: 31}}
	if d.Range != want || d.Severity != protocol.DiagnosticSeverityError {
		t.Errorf("range %+v severity %v, want %+v error", d.Range, d.Severity, want)
	}
	writeFile(t, cfg.FsPath(), "default_model: claude-haiku-4-5\ndefault_max_tokens: 100000\n")
	p = c.waitDiagnostics(cfg, func(p *protocol.PublishDiagnosticsParams) bool {
		return len(p.Diagnostics) == 1 && strings.Contains(text(p.Diagnostics[0].Message), "above claude-haiku-4-5's output limit")
	})
	if r := p.Diagnostics[0].Range; r.Start.Line != 1 || r.Start.Character != 20 || r.End.Character != 26 {
		t.Errorf("max_tokens range %+v", r)
	}
	writeFile(t, cfg.FsPath(), "default_model: claude-haiku-4-5\ndefault_max_tokens: 1000\n")
	c.waitDiagnostics(cfg, func(p *protocol.PublishDiagnosticsParams) bool { return len(p.Diagnostics) == 0 })
}

// TestOpenConfigFileShowsItsProblemsAsTyped: a client that opens the config
// gets the config's problems for the text in the editor, not a prompt's.
func TestOpenConfigFileShowsItsProblemsAsTyped(t *testing.T) {
	c := newTestClient(t, map[string]string{"a.prompt": "user:\nhi\n"})
	u := c.open(".claude-ls.yaml", "default_model: claude-haiku-4-5\n")
	p := c.waitVersion(u, 1)
	if len(p.Diagnostics) != 0 {
		t.Fatalf("a valid config has %s", describe(p))
	}
	v := c.edit(u, "claude-haiku-4-5", "claude-haiku-4")
	p = c.waitVersion(u, v)
	if len(p.Diagnostics) != 1 || text(p.Diagnostics[0].Code) != "config" || !strings.Contains(text(p.Diagnostics[0].Message), `unknown model "claude-haiku-4"`) {
		t.Errorf("after the edit: %s", describe(p))
	}
}
