package tokencount

import (
	"fmt"
	"math/rand/v2"
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
	counters := map[string]counterPair{}
	for _, name := range names {
		def, err := New(name)
		if err != nil {
			f.Fatal(err)
		}
		counters[name] = counterPair{def, fineCounter(f, name)}
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkCount(t, names, counters, s)
		checkCount(t, names, counters, tricky(s))
	})
}

// trickyUnits are the runes (and one invalid byte) where the two regexes
// are subtle: every letter category, marks, numbers, \s and non-\s spaces,
// the contraction letters in both cases and their Unicode look-alikes,
// newlines and '/'. tricky maps each fuzz byte to one of them, because
// byte-level mutation rarely produces well-formed non-ASCII text.
var trickyUnits = []string{
	"a", "s", "S", "t", "T", "r", "R", "e", "E", "v", "V", "m", "M", "l", "L", "d", "D", "x", "Q",
	"'", "'", " ", " ", "\t", "\n", "\n", "\r", "\v", "\f", "/", "!", ".", "0", "1", "9", "_",
	"é", "É", "ǅ", "ʰ", "中", "ſ", "\u212a", "İ", "Σ", "σ", "ς", "ｓ", "\u0301", "\u0903", "\u20dd",
	"٣", "Ⅻ", "½", "\u0085", "\u00a0", "\u2028", "\u3000", "\u200b", "\u00ad", "😀", "\ufffd", "\xff",
}

func tricky(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		b.WriteString(trickyUnits[int(s[i])%len(trickyUnits)])
	}
	return b.String()
}

type counterPair struct{ def, fine *Counter }

func checkCount(t *testing.T, names []string, counters map[string]counterPair, s string) {
	t.Helper()
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
}

// TestTrickyRandom is a deterministic sample of what the fuzzer explores.
func TestTrickyRandom(t *testing.T) {
	counters := map[string]counterPair{}
	for _, name := range encodingNames {
		def, _ := New(name)
		counters[name] = counterPair{def, fineCounter(t, name)}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	n := 3000
	if testing.Short() {
		n = 300
	}
	buf := make([]byte, 64)
	for range n {
		b := buf[:1+rng.IntN(len(buf))]
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		checkCount(t, encodingNames, counters, tricky(string(b)))
	}
}
