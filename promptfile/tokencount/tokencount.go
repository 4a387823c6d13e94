// Package tokencount counts tiktoken tokens offline, fast enough to run on
// every keystroke and on multi-megabyte files.
//
// Count(text) equals len(EncodeOrdinary(text)) of github.com/pkoukk/tiktoken-go
// for the same encoding. It gets there without calling tiktoken-go at run
// time: a hand-written pre-tokenizer equivalent to the encoding's regex
// (pretokenize.go) splits text into pieces, and an allocation-free BPE on
// the ranks embedded in tiktoken-go-loader counts each piece (bpe.go). The
// equivalence is established by tests against tiktoken-go on real texts and
// by FuzzCountMatchesTiktoken.
//
// A text is cut into content-defined chunks at positions that are piece
// boundaries of the encoding (see isCut), and the count of each chunk is
// cached under a 128-bit hash of its bytes, so re-counting a text after a
// small edit re-tokenizes only the chunks that changed.
package tokencount

import (
	"fmt"
	"hash/maphash"
	"runtime"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// Chunking parameters. Chunks average ~1.3 KB: small enough that an edit
// re-tokenizes little, large enough that the cache holds few entries.
const (
	defaultChunkMin = 256
	defaultChunkMax = 8 << 10 // after this, cut at the next piece boundary
	// A cut is armed where the top 10 bits of the gear hash are zero
	// (1 in 1024 bytes); the top bits depend on the last 64 bytes only, so
	// cuts depend on local content and resynchronise after an insertion.
	defaultCutMask = uint64(0x3ff) << 54

	// cacheGeneration bounds the chunk cache: when the current generation
	// reaches this many entries it becomes the previous one and the older
	// one is dropped, so entries not used by recent counts are evicted.
	// 2 generations × 32 Ki entries × ~72 B (key and counts by kind) ≈
	// 5 MB at most.
	cacheGeneration = 32 << 10

	// parallelGrain is the amount of uncached text per extra goroutine.
	parallelGrain = 64 << 10
)

// Counter counts tokens with a tiktoken encoding, offline, caching counts per
// chunk. It is safe for concurrent use.
type Counter struct {
	name string

	chunkMin, chunkMax int
	cutMask            uint64

	seed1, seed2 maphash.Seed

	mu        sync.Mutex
	cur, prev map[chunkKey]Kinds // chunk hash -> token counts by kind, two generations
	genLimit  int                // entries per generation
}

type chunkKey struct{ h1, h2 uint64 }

// New returns a Counter for "cl100k_base" or "o200k_base". The encoding is
// loaded on first use and shared by all Counters of the process.
func New(encoding string) (*Counter, error) {
	if _, ok := encodings[encoding]; !ok {
		return nil, fmt.Errorf("tokencount: unknown encoding %q (want cl100k_base or o200k_base)", encoding)
	}
	return &Counter{
		name:     encoding,
		chunkMin: defaultChunkMin,
		chunkMax: defaultChunkMax,
		cutMask:  defaultCutMask,
		seed1:    maphash.MakeSeed(),
		seed2:    maphash.MakeSeed(),
		cur:      map[chunkKey]Kinds{},
		genLimit: cacheGeneration,
	}, nil
}

// Encoding returns the encoding name given to New.
func (c *Counter) Encoding() string { return c.name }

// Load loads the encoding now (Count does it on first use), for callers
// that want to pay the ~0.1-0.3 s up front or see the error.
func (c *Counter) Load() error {
	_, err := loadEncoding(c.name)
	return err
}

func (c *Counter) encoding() *encoding {
	e, err := loadEncoding(c.name)
	if err != nil {
		// The ranks are embedded in the binary: this is a build defect.
		panic(err)
	}
	return e
}

// Count returns the number of tokens of text, equal to
// len(EncodeOrdinary(text)) of tiktoken-go (special tokens such as
// <|endoftext|> are counted as ordinary text).
func (c *Counter) Count(text string) int {
	texts := [1]string{text}
	var out [1]Kinds
	c.count(texts[:], out[:])
	return out[0].Total()
}

// CountAll counts many texts, spreading the work over GOMAXPROCS goroutines.
func (c *Counter) CountAll(texts []string) []int {
	kinds := c.CountKinds(texts)
	out := make([]int, len(texts))
	for i := range kinds {
		out[i] = kinds[i].Total()
	}
	return out
}

// CountKinds counts many texts like CountAll, each split by kind of text;
// the sum of a text's kinds is its Count.
func (c *Counter) CountKinds(texts []string) []Kinds {
	out := make([]Kinds, len(texts))
	c.count(texts, out)
	return out
}

type chunkRef struct {
	text       int32
	start, end int32
	key        chunkKey
	n          Kinds // token counts, valid once known
	known      bool
	miss       bool // not in the cache: insert after counting
}

var refPool = sync.Pool{New: func() any { return new([]chunkRef) }}

func (c *Counter) count(texts []string, out []Kinds) {
	e := c.encoding()
	refsp := refPool.Get().(*[]chunkRef)
	refs := (*refsp)[:0]
	for ti, t := range texts {
		if len(t) > 1<<31-1 {
			panic("tokencount: text larger than 2 GiB")
		}
		for start := 0; start < len(t); {
			end := c.nextCut(t, start, e.slash)
			chunk := t[start:end]
			refs = append(refs, chunkRef{
				text: int32(ti), start: int32(start), end: int32(end),
				key: c.key(chunk),
			})
			start = end
		}
	}

	missBytes, misses := 0, 0
	c.mu.Lock()
	for i := range refs {
		if n, ok := c.lookup(refs[i].key); ok {
			refs[i].n, refs[i].known = n, true
		} else {
			refs[i].miss = true
			misses++
			missBytes += int(refs[i].end - refs[i].start)
		}
	}
	c.mu.Unlock()

	if misses > 0 {
		c.countMisses(e, texts, refs, missBytes)
		c.mu.Lock()
		for i := range refs {
			if refs[i].miss {
				c.insert(refs[i].key, refs[i].n)
			}
		}
		c.mu.Unlock()
	}

	for i := range out {
		out[i] = Kinds{}
	}
	for i := range refs {
		out[refs[i].text].add(&refs[i].n)
	}
	if cap(refs) <= 1<<14 { // ~16 MB of text; do not pin larger slices in the pool
		*refsp = refs[:0]
		refPool.Put(refsp)
	}
}

// countMisses tokenizes the chunks whose count is unknown, in parallel when
// there is enough of them.
func (c *Counter) countMisses(e *encoding, texts []string, refs []chunkRef, missBytes int) {
	workers := min(runtime.GOMAXPROCS(0), missBytes/parallelGrain+1)
	var next atomic.Int64
	work := func() {
		for {
			i := int(next.Add(1) - 1)
			if i >= len(refs) {
				return
			}
			r := &refs[i]
			if r.known {
				continue
			}
			chunk := texts[r.text][r.start:r.end]
			if !utf8.ValidString(chunk) {
				// tiktoken-go decodes text with []rune, turning each invalid
				// byte into U+FFFD; chunks start and end on rune boundaries
				// of that decoding, so converting per chunk is the same.
				chunk = string([]rune(chunk))
			}
			r.n, r.known = e.countKinds(chunk), true
		}
	}
	if workers <= 1 {
		work()
		return
	}
	var wg sync.WaitGroup
	for range workers - 1 {
		wg.Go(work)
	}
	work()
	wg.Wait()
}

// key hashes a chunk with two seeds: a wrong count would take a 128-bit
// collision, where one 64-bit hash would leave ~1e-15 per lookup.
func (c *Counter) key(chunk string) chunkKey {
	return chunkKey{maphash.String(c.seed1, chunk), maphash.String(c.seed2, chunk)}
}

// lookup and insert implement a two-generation cache; c.mu must be held.
func (c *Counter) lookup(k chunkKey) (Kinds, bool) {
	if n, ok := c.cur[k]; ok {
		return n, true
	}
	if n, ok := c.prev[k]; ok {
		c.insert(k, n) // still in use: keep it in the current generation
		return n, true
	}
	return Kinds{}, false
}

func (c *Counter) insert(k chunkKey, n Kinds) {
	if _, ok := c.cur[k]; ok {
		return
	}
	if len(c.cur) >= c.genLimit {
		c.prev, c.cur = c.cur, make(map[chunkKey]Kinds, c.genLimit/8)
	}
	c.cur[k] = n
}

// gear is a table of random 64-bit values for the gear rolling hash
// h = h<<1 + gear[b] (FastCDC), fixed so that cuts are reproducible.
var gear = func() (t [256]uint64) {
	x := uint64(0x9e3779b97f4a7c15)
	for i := range t {
		// splitmix64
		x += 0x9e3779b97f4a7c15
		z := x
		z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
		z = (z ^ z>>27) * 0x94d049bb133111eb
		t[i] = z ^ z>>31
	}
	return t
}()

// nextCut returns the end of the chunk that starts at start: the first piece
// boundary (isCut) at or after the first position, at least chunkMin bytes
// in, where the gear hash of the preceding 64 bytes hits cutMask, or where
// the chunk reaches chunkMax.
func (c *Counter) nextCut(s string, start int, slash bool) int {
	if len(s)-start <= c.chunkMin {
		return len(s)
	}
	i := start + c.chunkMin
	var h uint64
	for j := max(0, i-64); j < i; j++ {
		h = h<<1 + gear[s[j]]
	}
	for ; i < len(s); i++ {
		if h&c.cutMask == 0 || i-start >= c.chunkMax {
			for b := i; b < len(s); b++ {
				if isCut(s, b, slash) {
					return b
				}
			}
			return len(s)
		}
		h = h<<1 + gear[s[i]]
	}
	return len(s)
}

// isCut reports whether 0 < b < len(s) is a position where the text can be
// split and each side pre-tokenized on its own with the same pieces as the
// whole text. Pieces are found left to right without look-behind, so the
// right side is unaffected; what must hold is that some piece ends exactly
// at b, and that every decision made left of b reads s[b] only in a way that
// gives the same answer at the end of the text. Two kinds of positions
// qualify, for both encodings:
//
//  1. s[b-1] == '\n', and the whitespace run at s[b:] (possibly empty) holds
//     no \r or \n, and for o200k s[b] != '/'. The only patterns that can
//     take a \n are \s*[\r\n]+ and the [\r\n]* (o200k: [\r\n/]*) tail of
//     the punctuation pattern ([^\r\n…] and [^\s…] exclude it); the latter
//     stops at b because s[b] is not \r, \n or '/'. \s*[\r\n]+ is tried
//     before \s+(?!\S), takes the whole whitespace run and backs off to its
//     last newline, which is s[b-1]. So a piece ends at b, and the same
//     happens when the text ends at b. ("\r\n" ends in \n, so CRLF text
//     qualifies too.)
//  2. s[b-1] is a letter (\p{L}) and s[b] is neither a letter, a mark
//     (\p{M}) nor '\”. A letter is only ever taken by the letter patterns
//     (cl100k \p{L}+ or a contraction; o200k the [\p{Lu}…]/[\p{Ll}…] runs
//     or a contraction), whose runs cannot take s[b] (o200k's runs include
//     marks) and whose contraction must start with '\”. Every test these
//     patterns make at b fails for s[b] as it does at the end of the text.
//
// Both kinds are rune boundaries of tiktoken-go's []rune decoding even in
// invalid UTF-8: '\n' is never part of a multi-byte sequence, and a valid
// rune ending at b is decoded as such from the left.
func isCut(s string, b int, slash bool) bool {
	prev := s[b-1]
	if prev == '\n' {
		c := s[b]
		if c == '\r' || c == '\n' || (slash && c == '/') {
			return false
		}
		for j := b; j < len(s); {
			r, n, cls := decode(s, j)
			if cls&clsS == 0 {
				return true
			}
			if r == '\r' || r == '\n' {
				return false
			}
			j += n
		}
		return true
	}
	if prev < utf8.RuneSelf {
		if asciiClass[prev]&clsL == 0 {
			return false
		}
	} else {
		r, n := utf8.DecodeLastRuneInString(s[:b])
		if n <= 1 || slowClass(r)&clsL == 0 { // n <= 1: invalid UTF-8
			return false
		}
	}
	r, _, cls := decode(s, b)
	return cls&(clsL|clsM) == 0 && r != '\''
}
