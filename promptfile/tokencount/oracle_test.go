package tokencount

import (
	"sync"
	"testing"

	"github.com/dlclark/regexp2"
	tiktoken "github.com/pkoukk/tiktoken-go"
	tiktoken_loader "github.com/pkoukk/tiktoken-go-loader"
)

// The reference: tiktoken-go itself, loaded offline.
var (
	oracleMu  sync.Mutex
	oracleEnc = map[string]*tiktoken.Tiktoken{}
)

func oracle(t testing.TB, name string) *tiktoken.Tiktoken {
	t.Helper()
	oracleMu.Lock()
	defer oracleMu.Unlock()
	if enc, ok := oracleEnc[name]; ok {
		return enc
	}
	tiktoken.SetBpeLoader(tiktoken_loader.NewOfflineLoader())
	enc, err := tiktoken.GetEncoding(name)
	if err != nil {
		t.Fatal(err)
	}
	oracleEnc[name] = enc
	return enc
}

// The patterns of tiktoken-go v0.1.8 (encoding.go), to compare pieces and
// not only counts when something goes wrong.
var patterns = map[string]string{
	"cl100k_base": `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`,
	"o200k_base": `[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?` +
		`|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?` +
		`|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+`,
}

var regexCache sync.Map

// regexPieces splits s the way tiktoken-go does (regexp2 over []rune(s)).
func regexPieces(name, s string) []string {
	v, ok := regexCache.Load(name)
	if !ok {
		v, _ = regexCache.LoadOrStore(name, regexp2.MustCompile(patterns[name], regexp2.None))
	}
	re := v.(*regexp2.Regexp)
	runes := []rune(s)
	var out []string
	m, _ := re.FindRunesMatch(runes)
	for m != nil {
		out = append(out, string(runes[m.Index:m.Index+m.Length]))
		m, _ = re.FindNextMatch(m)
	}
	return out
}

// ourPieces splits valid UTF-8 s with the hand-written pre-tokenizer.
func ourPieces(e *encoding, s string) []string {
	var out []string
	for p := 0; p < len(s); {
		q := e.next(s, p)
		out = append(out, s[p:q])
		p = q
	}
	return out
}

// fineCounter cuts at every piece boundary isCut allows, so that a short
// text exercises the chunking as much as a long one does.
func fineCounter(t testing.TB, name string) *Counter {
	c, err := New(name)
	if err != nil {
		t.Fatal(err)
	}
	c.chunkMin, c.cutMask = 1, 0
	return c
}

var encodingNames = []string{"cl100k_base", "o200k_base"}
