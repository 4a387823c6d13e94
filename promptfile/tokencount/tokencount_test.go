package tokencount

import (
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/claude-ls/claude-ls/promptfile/tokencount/testcorpus"
)

// realTexts returns every licence text and a spread sample of Go sources,
// about maxBytes in all (tiktoken-go, the reference, runs at ~1 MB/s).
func realTexts(t *testing.T, maxBytes int) []string {
	files := testcorpus.Files()
	if files == nil {
		t.Skip("no Go sources or licence texts on this machine")
	}
	var lic, gos []string
	for _, f := range files {
		if strings.HasSuffix(f, ".go") {
			gos = append(gos, f)
		} else {
			lic = append(lic, f)
		}
	}
	seen := map[string]bool{}
	var out []string
	total := 0
	add := func(f string) {
		if seen[f] {
			return
		}
		seen[f] = true
		if data, err := os.ReadFile(f); err == nil {
			out = append(out, string(data))
			total += len(data)
		}
	}
	for _, f := range lic {
		add(f)
	}
	for i := 0; total < maxBytes && i < len(gos); i++ {
		add(gos[(i*7919)%len(gos)]) // spread over the tree
	}
	return out
}

func TestCountMatchesTiktokenOnRealTexts(t *testing.T) {
	maxBytes := 3 << 20
	if testing.Short() {
		maxBytes = 300 << 10
	}
	texts := realTexts(t, maxBytes)
	if !testing.Short() { // files run together, as in the benchmarks
		texts = append(texts, testcorpus.Build(1<<20))
	}
	for _, name := range encodingNames {
		t.Run(name, func(t *testing.T) {
			enc := oracle(t, name)
			c, _ := New(name)
			fine := fineCounter(t, name)
			got, gotFine := c.CountAll(texts), fine.CountAll(texts)
			for i, s := range texts {
				want := len(enc.EncodeOrdinary(s))
				if got[i] != want || gotFine[i] != want {
					t.Errorf("text %d (%d bytes, %.40q): Count %d, fine chunks %d, tiktoken-go %d", i, len(s), s, got[i], gotFine[i], want)
				}
				if c.Count(s) != want { // now from the cache
					t.Errorf("text %d: cached count differs", i)
				}
			}
		})
	}
}

// TestPiecesMatchRegex compares pieces, not just counts, on the same texts.
func TestPiecesMatchRegex(t *testing.T) {
	texts := realTexts(t, 200<<10)
	texts = append(texts, fuzzSeeds...)
	for _, name := range encodingNames {
		e, err := loadEncoding(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range texts {
			if strings.ContainsRune(s, 0xfffd) || !isValid(s) {
				continue
			}
			ours, theirs := ourPieces(e, s), regexPieces(name, s)
			for i := range min(len(ours), len(theirs)) {
				if ours[i] != theirs[i] {
					t.Fatalf("%s: piece %d: ours %q, regexp2 %q", name, i, ours[i], theirs[i])
				}
			}
			if len(ours) != len(theirs) {
				t.Fatalf("%s: %d pieces, regexp2 %d", name, len(ours), len(theirs))
			}
		}
	}
}

func isValid(s string) bool { return strings.ToValidUTF8(s, "\xff") == s }

// TestMergeHeapMatchesSmall checks the long-piece BPE against the
// tiktoken-go-shaped one and against tiktoken-go itself.
func TestMergeHeapMatchesSmall(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabets := []string{"ab", "abc ", "aeiou", "0123456789abcdef", "é中a"}
	for _, name := range encodingNames {
		e, _ := loadEncoding(name)
		enc := oracle(t, name)
		for i := range 2000 {
			alpha := []rune(alphabets[i%len(alphabets)])
			n := 2 + rng.IntN(40)
			if i%100 == 0 {
				n = 200 + rng.IntN(3000)
			}
			var b strings.Builder
			for range n {
				b.WriteRune(alpha[rng.IntN(len(alpha))])
			}
			s := b.String()
			heap := e.mergeHeap(s)
			if len(s) <= smallPiece {
				if small := e.mergeSmall(s); small != heap {
					t.Fatalf("%s %q: mergeSmall %d, mergeHeap %d", name, s, small, heap)
				}
			}
			// tiktoken-go's BPE on the same bytes as one piece: a string of
			// letters only is a single cl100k/o200k piece when it has no spaces.
			if !strings.ContainsAny(s, " 0123456789") && len(regexPieces(name, s)) == 1 {
				if want := len(enc.EncodeOrdinary(s)); want != heap && !e.isToken(s) {
					t.Fatalf("%s %q: mergeHeap %d, tiktoken-go %d", name, s, heap, want)
				}
			}
		}
	}
}

func (e *encoding) isToken(s string) bool { _, ok := e.ranks[s]; return ok }

// TestRecountAfterEditTokenizesLittle checks the content-defined chunking:
// after inserting a character in the middle of a large text, only the
// chunks around the edit are new.
func TestRecountAfterEditTokenizesLittle(t *testing.T) {
	text := testcorpus.Build(1 << 20)
	if text == "" {
		t.Skip("no corpus")
	}
	c, _ := New("cl100k_base")
	chunks := func(s string) map[chunkKey]int {
		m := map[chunkKey]int{}
		for start := 0; start < len(s); {
			end := c.nextCut(s, start, false)
			m[c.key(s[start:end])] = end - start
			start = end
		}
		return m
	}
	before := chunks(text)
	mid := len(text) / 2
	edited := text[:mid] + "x" + text[mid:]
	after := chunks(edited)
	newChunks, newBytes := 0, 0
	for k, n := range after {
		if _, ok := before[k]; !ok {
			newChunks++
			newBytes += n
		}
	}
	t.Logf("%d chunks (avg %d B); after the edit %d new chunks, %d bytes to re-tokenize", len(after), len(edited)/len(after), newChunks, newBytes)
	if newChunks > 3 || newBytes > 3*defaultChunkMax {
		t.Errorf("edit produced %d new chunks (%d bytes)", newChunks, newBytes)
	}
	if c.Count(text)+1 < c.Count(edited)-1 {
		t.Errorf("implausible counts")
	}
}

// TestChunksAreBounded: text with newlines and words is cut into small
// chunks even without blank lines.
func TestChunksAreBounded(t *testing.T) {
	text := testcorpus.Build(1 << 20)
	if text == "" {
		t.Skip("no corpus")
	}
	text = strings.ReplaceAll(text, "\n\n", "\n") // no blank lines
	oneLine := strings.ReplaceAll(text, "\n", " ")
	c, _ := New("o200k_base")
	for _, s := range []string{text, oneLine} {
		largest := 0
		for start := 0; start < len(s); {
			end := c.nextCut(s, start, true)
			largest = max(largest, end-start)
			start = end
		}
		if largest > defaultChunkMax+1024 {
			t.Errorf("largest chunk %d bytes", largest)
		}
	}
}

func TestCacheIsBounded(t *testing.T) {
	c, _ := New("cl100k_base")
	c.genLimit = 100
	for i := range 1000 {
		c.Count(strings.Repeat("word ", i%7) + string(rune('a'+i%26)) + strings.Repeat("x", i))
	}
	if n := len(c.cur) + len(c.prev); n > 200 {
		t.Errorf("cache holds %d entries", n)
	}
}

func TestConcurrentUse(t *testing.T) {
	text := testcorpus.Build(256 << 10)
	if text == "" {
		t.Skip("no corpus")
	}
	c, _ := New("o200k_base")
	want := len(oracle(t, "o200k_base").EncodeOrdinary(text[:64<<10]))
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 20 {
				if got := c.Count(text[:64<<10]); got != want {
					t.Errorf("goroutine %d: %d, want %d", g, got, want)
				}
				c.Count(text[i*1000:])
			}
		})
	}
	wg.Wait()
}

func TestNewRejectsUnknownEncoding(t *testing.T) {
	if _, err := New("p50k_base"); err == nil {
		t.Error("no error for p50k_base")
	}
}
