package lsp

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/png"
	"slices"
	"strings"
	"testing"

	"go.lsp.dev/protocol"
)

// twoPagePDF is a two-page PDF with one line of text on each page.
const twoPagePDF = "JVBERi0xLjQKMSAwIG9iago8PCAvVHlwZSAvQ2F0YWxvZyAvUGFnZXMgMiAwIFIgPj4KZW5kb2JqCjIgMCBvYmoKPDwgL1R5cGUgL1BhZ2VzIC9LaWRzIFszIDAgUiA1IDAgUl0gL0NvdW50IDIgPj4KZW5kb2JqCjMgMCBvYmoKPDwgL1R5cGUgL1BhZ2UgL1BhcmVudCAyIDAgUiAvTWVkaWFCb3ggWzAgMCA2MTIgNzkyXSAvQ29udGVudHMgNCAwIFIgL1Jlc291cmNlcyA8PCAvRm9udCA8PCAvRjEgNyAwIFIgPj4gPj4gPj4KZW5kb2JqCjQgMCBvYmoKPDwgL0xlbmd0aCA3MyA+PgpzdHJlYW0KQlQgL0YxIDEyIFRmIDcyIDcyMCBUZCAxNCBUTAooVGlkZSByZXBvcnQ6IGhpZ2ggd2F0ZXIgYXQgMDY6MTIuKSBUaiBUKgpFVAplbmRzdHJlYW0KZW5kb2JqCjUgMCBvYmoKPDwgL1R5cGUgL1BhZ2UgL1BhcmVudCAyIDAgUiAvTWVkaWFCb3ggWzAgMCA2MTIgNzkyXSAvQ29udGVudHMgNiAwIFIgL1Jlc291cmNlcyA8PCAvRm9udCA8PCAvRjEgNyAwIFIgPj4gPj4gPj4KZW5kb2JqCjYgMCBvYmoKPDwgL0xlbmd0aCA3NSA+PgpzdHJlYW0KQlQgL0YxIDEyIFRmIDcyIDcyMCBUZCAxNCBUTAooTG93IHdhdGVyIGF0IDEyOjMwIFwoc3ByaW5nIHRpZGVcKS4pIFRqIFQqCkVUCmVuZHN0cmVhbQplbmRvYmoKNyAwIG9iago8PCAvVHlwZSAvRm9udCAvU3VidHlwZSAvVHlwZTEgL0Jhc2VGb250IC9IZWx2ZXRpY2EgPj4KZW5kb2JqCnhyZWYKMCA4CjAwMDAwMDAwMDAgNjU1MzUgZiAKMDAwMDAwMDAwOSAwMDAwMCBuIAowMDAwMDAwMDU4IDAwMDAwIG4gCjAwMDAwMDAxMjEgMDAwMDAgbiAKMDAwMDAwMDI0NyAwMDAwMCBuIAowMDAwMDAwMzcwIDAwMDAwIG4gCjAwMDAwMDA0OTYgMDAwMDAgbiAKMDAwMDAwMDYyMSAwMDAwMCBuIAp0cmFpbGVyCjw8IC9TaXplIDggL1Jvb3QgMSAwIFIgPj4Kc3RhcnR4cmVmCjY5MQolJUVPRgo="

func pngBytes(t *testing.T, w, h int) string {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

const mediaPrompt = `---
model: claude-sonnet-4-6
max_tokens: 100
tools:
  - {name: get_tide, description: t, input_schema: {type: object}}
---
user:
{{image "shot.png"}}
{{document "tides.pdf" citations: true}}
What is high water in Brest?

tool_use: get_tide id=toolu_07
{port: Brest}

tool_result: id=toolu_07
06:12
`

// TestHoverMediaAndToolIDs: an image's size and tokens, a PDF's pages, a
// tool id's call and result, and go to definition between them.
func TestHoverMediaAndToolIDs(t *testing.T) {
	pdf, _ := base64.StdEncoding.DecodeString(twoPagePDF)
	c := newTestClient(t, map[string]string{"a.prompt": mediaPrompt, "shot.png": pngBytes(t, 2000, 1000), "tides.pdf": string(pdf)})
	u := openSettled(c, "a.prompt")
	text, _ := hoverAtMarker(t, c, "a.prompt", "shot.png", 1)
	// 2000×1000 on Sonnet 4.6: long edge to 1,568 (1568×784), then under
	// the 1,568-token cap.
	for _, want := range []string{"**image** `shot.png`", "2000×1000 px", "shrunk by the API to", "tokens (⌈w/28⌉ × ⌈h/28⌉)"} {
		if !strings.Contains(text, want) {
			t.Errorf("image hover lacks %q:\n%s", want, text)
		}
	}
	text, _ = hoverAtMarker(t, c, "a.prompt", "tides.pdf", 1)
	for _, want := range []string{"**PDF** `tides.pdf`", "2 pages", "Citations enabled"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF hover lacks %q:\n%s", want, text)
		}
	}
	text, _ = hoverAtMarker(t, c, "a.prompt", "id=toolu_07\n{", 4)
	if !strings.Contains(text, "**tool call** `toolu_07` of `get_tide`") || !strings.Contains(text, "result is on line 15") {
		t.Errorf("tool call hover:\n%s", text)
	}
	loc := c.definition(u, c.pos(u, "id=toolu_07\n{", 4))
	if loc == nil || loc.Range.Start != c.pos(u, "id=toolu_07\n06", 3) {
		t.Errorf("definition from the call = %+v, want the result's id", loc)
	}
	loc = c.definition(u, c.pos(u, "id=toolu_07\n06", 4))
	if loc == nil || loc.Range.Start != c.pos(u, "id=toolu_07\n{", 3) {
		t.Errorf("definition from the result = %+v, want the call's id", loc)
	}
	if loc := c.definition(u, c.pos(u, "shot.png", 1)); loc == nil || !strings.HasSuffix(string(loc.URI), "/shot.png") {
		t.Errorf("definition on the image = %+v, want its file", loc)
	}
}

// TestImageChangeOnDiskUpdatesOpenPrompt: an image the prompt sends is
// watched like an include: replaced by a 9,000 px one on disk, the open
// prompt gets the API's size limit at once.
func TestImageChangeOnDiskUpdatesOpenPrompt(t *testing.T) {
	c := newTestClient(t, map[string]string{
		"a.prompt": "---\nmodel: claude-sonnet-4-6\nmax_tokens: 10\n---\nuser:\n{{image \"shot.png\"}}\n",
		"shot.png": pngBytes(t, 20, 20),
	})
	u := c.open("a.prompt")
	if p := c.waitVersion(u, 1); len(p.Diagnostics) != 0 {
		t.Fatalf("%s", describe(p))
	}
	writeFile(t, c.uri("shot.png").FsPath(), pngBytes(t, 9000, 2))
	c.waitDiagnostics(u, func(p *protocol.PublishDiagnosticsParams) bool { return slices.Contains(codes(p), "media-limit") })
}

// TestSemanticTokensMediaAndToolLines: image and document lines get the
// include's tokens, tool turn lines their keyword.
func TestSemanticTokensMediaAndToolLines(t *testing.T) {
	c := newTestClient(t, nil)
	src := "user:\n{{image \"a.png\"}}\n{{document \"b.pdf\" citations: true}}\n\ntool_result: id=x\nok\n"
	u := openReady(c, "m.prompt", src)
	c.checkTokens(u, []semWant{
		{"user", 0, "user", "keyword"},
		{"{{image", 0, "{{", "operator"},
		{"{{image", 2, "image", "keyword"},
		{`"a.png"`, 0, `"a.png"`, "string"},
		{`"}}`, 1, "}}", "operator"},
		{"{{document", 0, "{{", "operator"},
		{"{{document", 2, "document", "keyword"},
		{`"b.pdf"`, 0, `"b.pdf"`, "string"},
		{"true}}", 4, "}}", "operator"},
		{"tool_result", 0, "tool_result", "keyword"},
	}, false)
}

// TestSymbolsNameToolTurns: the outline names a tool turn by its line.
func TestSymbolsNameToolTurns(t *testing.T) {
	c := newTestClient(t, map[string]string{"a.prompt": mediaPrompt, "shot.png": pngBytes(t, 2, 2)})
	u := openSettled(c, "a.prompt")
	var names []string
	for _, s := range c.documentSymbols(u) {
		names = append(names, s.Name)
	}
	if !slices.Contains(names, "tool_use get_tide toolu_07") || !slices.Contains(names, "tool_result toolu_07") {
		t.Errorf("symbols %q", names)
	}
}
