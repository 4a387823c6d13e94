package tokencount

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"unicode/utf8"
)

var fuzzSeeds = []string{
	"", "a", "hello world", "Hello, World!\n", "don't I'LL we'Re you'VE it's 'S 'tis",
	"x'  's", "'ſ 'K 'İ", "foo\r\nbar\r\n\r\n  baz\n", "a\n\n\n\tb\n \n c",
	"x;\n//comment\n/*\n*/", "x!\n/y", "\n/\n//", "12345 6789012 ½¾ ٣٤٥",
	"e\u0301cole \u0301x !\u0301 ABc DEF ghI ǅungla ʰa", "中文，日本語。한국어",
	"\u2028x\u0085y\u00a0z\u3000 w", "\xff\xfe invalid \xe2\x82 utf8 \xed\xa0\x80",
	"<|endoftext|> <|fim_prefix|>", "     \n      x", "\t\t\tfunc main() {\n\t\tx := 1\n\t}\n",
	"https://example.com/a/b?c=d&e=f", "🙂🙂 emoji 👍🏽", strings.Repeat("ab", 100),
	strings.Repeat(" ", 300) + "x", strings.Repeat("=", 70) + "\n",
	"ΑΒΓ αβγ ΑβΓ ПРИВЕТ Привет мир's", "العَرَبِيَّة हिन्दी देवनागरी", "ǈǋ ǲ Ǳ ᾈᾉ ͅ'S", "ＡＢＣｄｅ'Ｓ",
	"x\r\r\ny \r z\t\r\n\tw", "a!\r\n/b", "  ' '' 's'ss '", "ab'c" + "\n" + "\u0301x",
	"٠١٢٣٤٥٦٧٨٩ 12٣4 Ⅻ ①②③", "\u200b\u200dx\ufeffy", "\x00\x01\x1f\x7f", "a\u00ad-b",
}

// FuzzCountMatchesTiktoken checks Count against tiktoken-go's EncodeOrdinary
// for both encodings (or only $TOKENCOUNT_FUZZ_ENCODING), with the default
// chunking and with a cut at every allowed position.
func FuzzCountMatchesTiktoken(f *testing.F) {
	names := encodingNames
	if only := os.Getenv("TOKENCOUNT_FUZZ_ENCODING"); only != "" {
		names = []string{only}
	}
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	type pair struct{ def, fine *Counter }
	counters := map[string]pair{}
	for _, name := range names {
		def, err := New(name)
		if err != nil {
			f.Fatal(err)
		}
		counters[name] = pair{def, fineCounter(f, name)}
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, name := range names {
			want := len(oracle(t, name).EncodeOrdinary(s))
			c := counters[name]
			got, fine := c.def.Count(s), c.fine.Count(s)
			if got == want && fine == want {
				continue
			}
			msg := ""
			if utf8.ValidString(s) {
				e, _ := loadEncoding(name)
				ours, theirs := ourPieces(e, s), regexPieces(name, s)
				for i := 0; i < len(ours) || i < len(theirs); i++ {
					var o, r string
					if i < len(ours) {
						o = ours[i]
					}
					if i < len(theirs) {
						r = theirs[i]
					}
					if o != r {
						msg = fmt.Sprintf("; first differing piece #%d: ours %q, regexp2 %q", i, o, r)
						break
					}
				}
			}
			t.Fatalf("%s: Count(%q) = %d (fine chunks %d), tiktoken-go %d%s", name, s, got, fine, want, msg)
		}
	})
}
