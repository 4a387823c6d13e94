package promptfile

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"strings"
	"testing"

	"github.com/claude-ls/claude-ls/internal/txtar"
)

// TestImageTokens checks the API's formula: shrink to the model's long
// edge and token limits, then ⌈w/28⌉ × ⌈h/28⌉.
func TestImageTokens(t *testing.T) {
	cat := DefaultCatalog()
	sonnet, _ := cat.Lookup("claude-sonnet-4-6")
	opus47, _ := cat.Lookup("claude-opus-4-7")
	for _, tc := range []struct {
		w, h int
		m    *Model
		want int
	}{
		{200, 200, sonnet, 64},      // 8 × 8
		{1000, 1000, sonnet, 1296},  // 36 × 36, no resize
		{1092, 1092, sonnet, 1521},  // 39 × 39: the docs' largest square without resize
		{1568, 100, sonnet, 56 * 4}, // long edge at the limit: 56 × ⌈100/28⌉
		{1000, 1000, opus47, 1296},  // same on 4.7
		{4000, 3000, sonnet, 1568},  // shrunk to the 1,568-token cap
		{4000, 3000, opus47, 4784},  // larger on 4.7: its 4,784-token cap
	} {
		got := imageTokens(tc.w, tc.h, tc.m)
		if tc.w == 4000 {
			// Rounding the shrunk size may land a little under the cap.
			if got > tc.want || got < tc.want*97/100 {
				t.Errorf("%s %d×%d: %d tokens, want ≤ %d and within 3%%", tc.m.ID, tc.w, tc.h, got, tc.want)
			}
			continue
		}
		if got != tc.want {
			t.Errorf("%s %d×%d: %d tokens, want %d", tc.m.ID, tc.w, tc.h, got, tc.want)
		}
	}
	if w, h := ResizedImage(4000, 3000, maxEdgeBefore47, 1_000_000); w != 1568 || h != 1176 {
		t.Errorf("long edge resize: %d×%d, want 1568×1176", w, h)
	}
}

func pngOf(t testing.TB, w, h int) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewGray(image.Rect(0, 0, w, h))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func analyzeFiles(t testing.TB, prompt string, files map[string][]byte) *Result {
	t.Helper()
	ws := &Workspace{Root: testRoot, Counter: testCounters, ReadFile: func(p string) ([]byte, error) {
		if d, ok := files[strings.TrimPrefix(p, testRoot+"/")]; ok {
			return d, nil
		}
		return nil, os.ErrNotExist
	}}
	return Analyze(Parse([]byte(prompt)), ws, Options{Path: testRoot + "/input.prompt"})
}

// TestImageInEstimate: an image of known size adds its formula's tokens
// to the request's estimate, and its own count is on its MediaInfo.
func TestImageInEstimate(t *testing.T) {
	head := "---\nmodel: claude-sonnet-4-6\nmax_tokens: 100\n---\nuser:\nDescribe it.\n"
	plain := analyzeFiles(t, head, nil)
	res := analyzeFiles(t, head+"{{image \"shot.png\"}}\n", map[string][]byte{"shot.png": pngOf(t, 1000, 1000)})
	for _, d := range res.Diagnostics {
		if d.Severity == Error {
			t.Fatalf("%s: %s", d.Code, d.Message)
		}
	}
	if len(res.Media) != 1 || res.Media[0].Width != 1000 || res.Media[0].Tokens != 1296 {
		t.Fatalf("media: %+v", res.Media)
	}
	if d := res.Tokens.Input - plain.Tokens.Input; d < 1296 || d > 1296+10 {
		t.Errorf("the image adds %d tokens to the estimate, want 1,296 (+ a text block's framing)", d)
	}
}

// TestPDFCount: pages from the page tree, text from the content streams,
// each page's image on top.
func TestPDFCount(t *testing.T) {
	pdf := readDecoded(t, "testdata/media/document-citations.txtar", "tides.pdf")
	if n := pdfPages(pdf); n != 2 {
		t.Errorf("pages: %d, want 2", n)
	}
	if text := pdfText(pdf); !strings.Contains(text, "Tide report: high water at 06:12.") || !strings.Contains(text, "(spring tide)") {
		t.Errorf("text: %q", text)
	}
	res := analyzeFiles(t, "---\nmodel: claude-sonnet-4-6\nmax_tokens: 100\n---\nuser:\n{{document \"t.pdf\"}}\nSummarise.\n", map[string][]byte{"t.pdf": pdf})
	m := res.Media[0]
	if m.Pages != 2 || m.TextTokens < 10 || m.TextTokens > 40 {
		t.Fatalf("pdf: pages %d, text tokens %d", m.Pages, m.TextTokens)
	}
	if want := 2*pageImageTokens() + m.TextTokens; m.Tokens != want {
		t.Errorf("pdf tokens %d, want %d", m.Tokens, want)
	}
	// A letter page's image: at most the pre-4.7 cap, and close to it.
	if p := pageImageTokens(); p > 1568 || p < 1400 {
		t.Errorf("page image %d tokens", p)
	}
	// A PDF whose tree is unreadable falls back to its page objects.
	noCount := bytes.ReplaceAll(pdf, []byte("/Count 2"), []byte(""))
	if n := pdfPages(noCount); n != 2 {
		t.Errorf("pages without /Count: %d, want 2", n)
	}
}

func readDecoded(t *testing.T, archive, name string) []byte {
	t.Helper()
	ar, err := txtar.ParseFile(archive)
	if err != nil {
		t.Fatal(err)
	}
	data := decodeBase64Files(t, ar).Get(name)
	if data == nil {
		t.Fatalf("%s: no %s", archive, name)
	}
	return data
}

// TestMediaLimits: the API's limits, per model.
func TestMediaLimits(t *testing.T) {
	// 2 × 9000 px: over the 8,000 px side limit.
	res := analyzeFiles(t, "---\nmodel: claude-haiku-4-5\nmax_tokens: 100\n---\nuser:\n{{image \"wide.png\"}}\n", map[string][]byte{"wide.png": pngOf(t, 9000, 2)})
	if !hasCode(res, "media-limit", "8000 px") {
		t.Errorf("no side limit: %v", res.Diagnostics)
	}
	// 101 images on a 200K model.
	var b strings.Builder
	b.WriteString("---\nmodel: claude-haiku-4-5\nmax_tokens: 100\n---\nuser:\n")
	for range 101 {
		b.WriteString("{{image \"dot.png\"}}\n")
	}
	res = analyzeFiles(t, b.String(), map[string][]byte{"dot.png": pngOf(t, 2, 2)})
	if !hasCode(res, "media-limit", "at most 100") {
		t.Errorf("no count limit: %v", res.Diagnostics)
	}
	res = analyzeFiles(t, strings.Replace(b.String(), "claude-haiku-4-5", "claude-sonnet-4-6", 1), map[string][]byte{"dot.png": pngOf(t, 2, 2)})
	if hasCode(res, "media-limit", "") {
		t.Errorf("101 images refused on a 1M model: %v", res.Diagnostics)
	}
}

func hasCode(r *Result, code, part string) bool {
	for _, d := range r.Diagnostics {
		if d.Code == code && strings.Contains(d.Message, part) {
			return true
		}
	}
	return false
}

// TestServerToolCost: the cost line of declared server tools, an upper
// bound from max_uses.
func TestServerToolCost(t *testing.T) {
	res := analyzeFiles(t, "---\nmodel: claude-sonnet-4-6\nmax_tokens: 100\ntools:\n  - {type: web_search_20260318, max_uses: 5}\n  - {type: code_execution_20260521}\n---\nuser:\nhi\n", nil)
	e := ServerToolCost(res.Request)
	if len(e.Tools) != 2 || e.MaxUSD.Decimal() != "0.05" || e.Unbounded {
		t.Fatalf("estimate: %+v", e)
	}
	if s := e.String(); !strings.Contains(s, "web search ≤ $0.05 (5 uses at $10") || !strings.Contains(s, "code execution $0.05 per container hour") {
		t.Errorf("line: %s", s)
	}
	res = analyzeFiles(t, "---\nmodel: claude-sonnet-4-6\nmax_tokens: 100\ntools:\n  - {type: web_search_20260318}\n---\nuser:\nhi\n", nil)
	if e := ServerToolCost(res.Request); !e.Unbounded || !strings.Contains(e.String(), "no upper bound") {
		t.Errorf("without max_uses: %+v %s", e, e.String())
	}
}

// TestCachedDocumentIsAPrefix: a cached block holding only a PDF is a cache
// breakpoint like any other: its prefix counts the document.
func TestCachedDocumentIsAPrefix(t *testing.T) {
	pdf := readDecoded(t, "testdata/media/document-citations.txtar", "tides.pdf")
	res := analyzeFiles(t, "---\nmodel: claude-sonnet-4-6\nmax_tokens: 100\n---\nuser: cache\n{{document \"t.pdf\"}}\n\nassistant:\nRead.\n\nuser:\nSummarise.\n", map[string][]byte{"t.pdf": pdf})
	if res.Tokens.Cached5m < 2*pageImageTokens() {
		t.Errorf("cached prefix %d tokens, want the PDF's %d at least", res.Tokens.Cached5m, 2*pageImageTokens())
	}
	if res.Request.Messages[0].Content[0].CacheTTL != "5m" {
		t.Errorf("the document block carries no cache_control: %+v", res.Request.Messages[0].Content[0])
	}
}
