package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestMediaExamplesCountAndRender drives the binary on the examples of
// spec section 9: the screenshot's tokens, the PDF with citations, the
// tool turns, and the web search's fee line (text and --json).
func TestMediaExamplesCountAndRender(t *testing.T) {
	out, errOut, code := runCLI(t, "../..", "render", "examples/summarise-pdf.prompt")
	if code != 0 || !strings.Contains(out, `"media_type": "application/pdf"`) || !strings.Contains(out, `"enabled": true`) {
		t.Errorf("render pdf: exit %d\n%s%s", code, out, errOut)
	}
	out, errOut, code = runCLI(t, "../..", "render", "examples/tool-result.prompt")
	if code != 0 || !strings.Contains(out, `"type": "tool_use"`) || !strings.Contains(out, `"tool_use_id": "toolu_01"`) {
		t.Errorf("render tool turns: exit %d\n%s%s", code, out, errOut)
	}
	// 320×200 px: ⌈320/28⌉ × ⌈200/28⌉ = 12 × 8 = 96 image tokens, and the text.
	out, errOut, code = runCLI(t, "../..", "count", "--json", "examples/screenshot-question.prompt")
	var c struct {
		Blocks []struct{ Tokens int } `json:"blocks"`
	}
	if err := json.Unmarshal([]byte(out), &c); code != 0 || err != nil || len(c.Blocks) != 1 || c.Blocks[0].Tokens < 96+30 || c.Blocks[0].Tokens > 96+80 {
		t.Errorf("count screenshot: exit %d %v %+v\n%s%s", code, err, c, out, errOut)
	}
	out, _, code = runCLI(t, "../..", "count", "examples/web-search.prompt")
	if code != 0 || !strings.Contains(out, "server tools (besides tokens): web search ≤ $0.03 (3 uses at $10 per 1,000)") {
		t.Errorf("count web search: exit %d\n%s", code, out)
	}
	out, _, _ = runCLI(t, "../..", "count", "--json", "examples/web-search.prompt")
	if !strings.Contains(out, `"server_tools_max_usd": 0.03`) {
		t.Errorf("count --json web search:\n%s", out)
	}
}
