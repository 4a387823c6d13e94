package lsp

import (
	"strings"
	"testing"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

func hoverText(t *testing.T, c *testClient, pos protocol.Position, u uri.URI) string {
	t.Helper()
	h, err := c.server.Hover(c.ctx, &protocol.HoverParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: u}, Position: pos}})
	if err != nil || h == nil {
		t.Fatalf("hover: %v %v", h, err)
	}
	return text(h.Contents)
}

func TestHoverSaysWhetherTheEstimateIsCalibrated(t *testing.T) {
	c := newTestClient(t, map[string]string{
		"a.prompt":                    runPrompt,
		".claude-ls/calibration.json": `{"models": {"claude-sonnet-4-6": {"real_tokens": 130, "tiktoken_tokens": 100, "samples": 2}}}`,
	})
	u := c.open("a.prompt")
	c.waitVersion(u, 1)
	if md := hoverText(t, c, c.pos(u, "user:"), u); !strings.Contains(md, "calibrated: tiktoken counts weighed by kind of text, scaled by the factor 1.3 measured from 2 real counts") {
		t.Errorf("calibrated workspace:\n%s", md)
	}
}

func TestHoverSaysWhenNotCalibrated(t *testing.T) {
	c := newTestClient(t, map[string]string{"a.prompt": runPrompt})
	u := c.open("a.prompt")
	c.waitVersion(u, 1)
	if md := hoverText(t, c, c.pos(u, "user:"), u); !strings.Contains(md, "not calibrated yet") {
		t.Errorf("fresh workspace:\n%s", md)
	}
}

func TestARunCalibratesTheOpenPrompts(t *testing.T) {
	withAPI(t)
	c := newTestClient(t, map[string]string{"a.prompt": runPrompt})
	u := c.open("a.prompt")
	c.waitVersion(u, 1)
	if md := hoverText(t, c, c.pos(u, "user:"), u); !strings.Contains(md, "not calibrated yet") {
		t.Fatalf("before the run:\n%s", md)
	}
	c.execute(CommandRun, u, nil, "cal")
	c.progressEnd("cal")
	if md := hoverText(t, c, c.pos(u, "user:"), u); !strings.Contains(md, "measured from 1 real count") {
		t.Errorf("after the run:\n%s", md)
	}
}
