package lsp

import (
	"slices"
	"testing"
)

// TestCompletionMediaPathsAndToolIDs: {{image "…"}} lists images and
// folders, {{document "…"}} PDFs and .txt files; `tool_result: id=` the
// calls still without a result; `tool_use: ` the request's tools.
func TestCompletionMediaPathsAndToolIDs(t *testing.T) {
	c := newTestClient(t, map[string]string{
		"p.prompt":     "---\nmodel: claude-sonnet-4-6\nmax_tokens: 100\n---\nuser:\nHi\n",
		"shot.png":     "x",
		"photo.JPG":    "x",
		"report.pdf":   "x",
		"notes.txt":    "x",
		"data.csv":     "x",
		"shots/a.webp": "x",
	})
	head := "---\nmodel: claude-sonnet-4-6\nmax_tokens: 100\ntools:\n  - {name: get_tide, description: t, input_schema: {type: object}}\n---\nuser:\n"
	u := complOpen(c, "p.prompt", head+"{{image \"")
	if got := complLabels(completeAt(c, u, c.pos(u, `{{image "`, 9), `"`)); !slices.Equal(got, []string{"photo.JPG", "shot.png", "shots/"}) {
		t.Errorf("image paths = %q", got)
	}
	complChange(c, u, `{{image "`, `{{document "`)
	if got := complLabels(completeAt(c, u, c.pos(u, `{{document "`, 12), `"`)); !slices.Equal(got, []string{"notes.txt", "report.pdf", "shots/"}) {
		t.Errorf("document paths = %q", got)
	}
	complChange(c, u, `{{document "`, "Tides?\n\ntool_use: get_tide id=toolu_07\n{port: Brest}\n\ntool_result: id=")
	if got := complLabels(completeAt(c, u, c.pos(u, "tool_result: id=", 16), "=")); !slices.Equal(got, []string{"toolu_07"}) {
		t.Errorf("tool ids = %q", got)
	}
	if got := complLabels(completeAt(c, u, c.pos(u, "tool_use: ", 10), " ")); !slices.Equal(got, []string{"get_tide"}) {
		t.Errorf("tool names = %q", got)
	}
}
