package tokencount

import (
	"strings"
	"testing"

	"github.com/claude-ls/claude-ls/promptfile/tokencount/testcorpus"
)

func TestCountKindsClassifies(t *testing.T) {
	c, _ := New("cl100k_base")
	for _, tt := range []struct {
		text string
		want Kind
	}{
		{" the", KindShort},
		{"Hello", KindShort},
		{" extraordinary", KindWord},
		{"extraordinary", KindIdent},
		{".Println", KindIdent},
		{"2026", KindDigit},
		{"1b4e28ba", KindDigit}, // letters glued to digits: hex
		{"你好世界", KindCJK},
		{" привет", KindCyrillic},
		{"مرحبا", KindArabic},
		{" שלום", KindArabic},
		{" γειά", KindOther},
		{" :=", KindPunct},
		{"🙂", KindPunct},
		{"\n\n\t\t", KindSpace},
	} {
		k := c.CountKinds([]string{tt.text})[0]
		if k.Total() == 0 || int(k[tt.want]) != k.Total() {
			t.Errorf("%q: kinds %v, want all %s", tt.text, k, tt.want)
		}
	}
}

// TestCountKindsMatchesCount: the kinds of a text sum to its count, and do
// not depend on how the text is cut into cached chunks.
func TestCountKindsMatchesCount(t *testing.T) {
	text := testcorpus.Build(256 << 10)
	if text == "" {
		t.Skip("no corpus")
	}
	text += "\n中文 и русский, العربية 0x1f2e3d 2026-12-03T08:35:02Z\n"
	for _, name := range encodingNames {
		c, _ := New(name)
		whole, _ := New(name)
		whole.chunkMin, whole.chunkMax = len(text)+1, len(text)+1 // one chunk
		k := c.CountKinds([]string{text})[0]
		if n := c.Count(text); k.Total() != n {
			t.Errorf("%s: kinds sum to %d, Count says %d", name, k.Total(), n)
		}
		if w := whole.CountKinds([]string{text})[0]; w != k {
			t.Errorf("%s: chunked kinds %v, whole text %v", name, k, w)
		}
		edited := strings.Replace(text, "func", "fun", 1)
		if a, b := c.CountKinds([]string{edited})[0], whole.CountKinds([]string{edited})[0]; a != b {
			t.Errorf("%s: after an edit, cached %v, whole %v", name, a, b)
		}
	}
}
