package promptfile

import (
	"strings"
	"testing"
)

// markSite reads "[" "]" (the word replaced) and "|" (the cursor) out of src.
func markSite(t *testing.T, marked string) (string, int, Span) {
	t.Helper()
	open, close := strings.Index(marked, "["), strings.Index(marked, "]")
	src := marked[:open] + marked[open+1:close] + marked[close+1:]
	close--
	off := strings.Index(src, "|")
	src = src[:off] + src[off+1:]
	if off < close {
		close--
	}
	return src, off, Span{open, close}
}

func TestCompletionMediaAndTools(t *testing.T) {
	const fm = "---\nmodel: claude-sonnet-4-6\nmax_tokens: 100\ntools:\n  - {name: get_tide, description: t, input_schema: {type: object}}\n  - {name: get_moon, description: m, input_schema: {type: object}}\n---\n"
	const call = "user:\nTides?\n\ntool_use: get_tide id=toolu_01\n{}\n\ntool_use: get_moon id=toolu_02\n{}\n\ntool_result: id=toolu_01\nx\n\n"
	for _, tc := range []struct {
		name, src string
		kind      CompletionKind
		pathKind  PartKind
		want      []string // labels, in order; nil: not checked
	}{
		{"image path", fm + "user:\n{{image \"shots/[sc|]\"}}\n", PathCompletion, Image, nil},
		{"document path", fm + "user:\n{{document \"[|]\n", PathCompletion, Document, nil},
		{"tool name", fm + "user:\nx\n\ntool_use: [ge|]\n", ToolNameCompletion, 0, []string{"get_tide", "get_moon"}},
		{"tool id", fm + call + "tool_result: id=[|]\n", ToolIDCompletion, 0, []string{"toolu_02"}},
		{"role list offers tool lines", fm + "user:\nx\n\n[t|]\n", RoleCompletion, 0, []string{"system:", "user:", "assistant:", "tool_use:", "tool_result:"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src, off, replace := markSite(t, tc.src)
			got := CompletionAt([]byte(src), off)
			if got.Kind != tc.kind || got.PathKind != tc.pathKind || got.Replace != replace {
				t.Fatalf("site %+v, want kind %v path kind %v replace %v", got, tc.kind, tc.pathKind, replace)
			}
			if tc.want == nil {
				return
			}
			res := Analyze(Parse([]byte(src)), nil, Options{})
			var labels []string
			for _, c := range Complete(res, nil, got) {
				labels = append(labels, c.Label)
			}
			if strings.Join(labels, " ") != strings.Join(tc.want, " ") {
				t.Errorf("labels %v, want %v", labels, tc.want)
			}
		})
	}
	img := CompletionSite{Kind: PathCompletion, PathKind: Image}
	doc := CompletionSite{Kind: PathCompletion, PathKind: Document}
	inc := CompletionSite{Kind: PathCompletion}
	for _, tc := range []struct {
		s    CompletionSite
		name string
		want bool
	}{
		{img, "a.PNG", true}, {img, "a.webp", true}, {img, "a.pdf", false}, {doc, "a.pdf", true}, {doc, "notes.txt", true},
		{doc, "a.png", false}, {inc, "a.png", true},
	} {
		if got := tc.s.PathFits(tc.name); got != tc.want {
			t.Errorf("PathFits(%v, %s) = %v", tc.s.PathKind, tc.name, got)
		}
	}
}
