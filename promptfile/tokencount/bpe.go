package tokencount

import (
	"fmt"
	"math"
	"sync"

	tiktoken_loader "github.com/pkoukk/tiktoken-go-loader"
)

// encoding is the shared, read-only data of one tiktoken encoding. The ranks
// come from the files embedded in tiktoken-go-loader, the same ones
// tiktoken-go's offline loader reads, so nothing is downloaded. The BPE
// below is our own allocation-free version of tiktoken-go's bytePairMerge
// (same merge order: lowest rank first, leftmost on ties): tiktoken-go's
// EncodeOrdinary costs ~3 µs and ~750 B in 14 allocations even for a
// one-token piece, which alone would break the speed and heap goals.
type encoding struct {
	name  string
	ranks map[string]int
	next  func(s string, p int) int // pre-tokenizer: end of the piece at p
	slash bool                      // o200k: [\r\n/]* lets a piece run on over "\n/"
}

type encodingSlot struct {
	once sync.Once
	enc  *encoding
	err  error
}

var encodings = map[string]*encodingSlot{
	"cl100k_base": {},
	"o200k_base":  {},
}

// loadEncoding loads an encoding once per process; Counters share it
// because the ranks map is the largest thing in memory (~10-20 MB).
func loadEncoding(name string) (*encoding, error) {
	slot, ok := encodings[name]
	if !ok {
		return nil, fmt.Errorf("tokencount: unknown encoding %q (want cl100k_base or o200k_base)", name)
	}
	slot.once.Do(func() {
		ranks, err := tiktoken_loader.NewOfflineLoader().LoadTiktokenBpe(name + ".tiktoken")
		if err != nil {
			slot.err = fmt.Errorf("tokencount: loading %s: %w", name, err)
			return
		}
		e := &encoding{name: name, ranks: ranks, next: nextCL100K}
		if name == "o200k_base" {
			e.next, e.slash = nextO200K, true
		}
		slot.enc = e
	})
	return slot.enc, slot.err
}

// countText counts the tokens of s, which must be valid UTF-8 and must be
// pre-tokenized on its own (a whole text or a chunk cut at a piece boundary).
func (e *encoding) countText(s string) int {
	n := 0
	for p := 0; p < len(s); {
		q := e.next(s, p)
		n += e.pieceTokens(s[p:q])
		p = q
	}
	return n
}

// smallPiece is the length up to which the quadratic merge (like
// tiktoken-go's) is used; longer pieces use a heap so that a pathological
// megabyte-long piece costs O(n log n), not O(n²).
const smallPiece = 64

func (e *encoding) pieceTokens(piece string) int {
	if len(piece) == 1 {
		return 1 // every byte is a token
	}
	if _, ok := e.ranks[piece]; ok {
		return 1
	}
	if len(piece) <= smallPiece {
		return e.mergeSmall(piece)
	}
	return e.mergeHeap(piece)
}

// rank returns the rank of s or math.MaxInt if it is not a token.
func (e *encoding) rank(s string) int {
	if r, ok := e.ranks[s]; ok {
		return r
	}
	return math.MaxInt
}

// mergeSmall is tiktoken-go's bytePairMerge on stack arrays: parts[i] is
// the start of part i and ranks[i] the rank of merging parts i and i+1.
func (e *encoding) mergeSmall(piece string) int {
	var startBuf [smallPiece + 1]int32
	var rankBuf [smallPiece + 1]int
	n := len(piece) + 1
	start, ranks := startBuf[:n], rankBuf[:n]
	for i := range start {
		start[i] = int32(i)
		ranks[i] = math.MaxInt
	}
	for i := 0; i+2 < n; i++ {
		ranks[i] = e.rank(piece[i : i+2])
	}
	for n > 1 {
		minRank, minIdx := math.MaxInt, -1
		for i := 0; i < n-1; i++ {
			if ranks[i] < minRank {
				minRank, minIdx = ranks[i], i
			}
		}
		if minIdx < 0 {
			break
		}
		i := minIdx
		// Rank of parts i..i+1 merged plus part i+2, and of part i-1 plus the merged part.
		ranks[i] = math.MaxInt
		if i+3 < n {
			ranks[i] = e.rank(piece[start[i]:start[i+3]])
		}
		if i > 0 {
			ranks[i-1] = math.MaxInt
			if i+2 < n {
				ranks[i-1] = e.rank(piece[start[i-1]:start[i+2]])
			}
		}
		copy(start[i+1:], start[i+2:n])
		copy(ranks[i+1:], ranks[i+2:n])
		n--
	}
	return n - 1
}

// mergeHeap computes the same merges as mergeSmall with a linked list of
// parts and a min-heap of (rank, start) keys. A key is stale when its part
// has been merged away or re-ranked; a part's rank changes whenever its
// bytes or its right neighbour's bytes grow, and a longer byte string never
// has the same rank, so (rank, start) identifies the current state.
func (e *encoding) mergeHeap(piece string) int {
	n := len(piece)
	next := make([]int32, n) // next part start, n at the end
	prev := make([]int32, n) // previous part start, -1 at the beginning
	ranks := make([]int, n)  // rank of merging the part at i with its successor
	h := make(minHeap, 0, n)
	for i := 0; i < n; i++ {
		next[i], prev[i], ranks[i] = int32(i+1), int32(i-1), math.MaxInt
		if i+2 <= n {
			if r := e.rank(piece[i : i+2]); r != math.MaxInt {
				ranks[i] = r
				h = append(h, uint64(r)<<32|uint64(i))
			}
		}
	}
	h.init()
	parts := n
	// pairRank ranks the part at i merged with its successor.
	pairRank := func(i int32) int {
		j := next[i]
		if int(j) >= n {
			return math.MaxInt
		}
		return e.rank(piece[i:next[j]])
	}
	for len(h) > 0 {
		key := h.pop()
		r, i := int(key>>32), int32(key&math.MaxUint32)
		if ranks[i] != r || prev[i] == -2 {
			continue // stale
		}
		j := next[i]
		next[i] = next[j]
		if int(next[j]) < n {
			prev[next[j]] = i
		}
		prev[j] = -2 // merged away
		parts--
		if ranks[i] = pairRank(i); ranks[i] != math.MaxInt {
			h.push(uint64(ranks[i])<<32 | uint64(i))
		}
		if p := prev[i]; p >= 0 {
			if ranks[p] = pairRank(p); ranks[p] != math.MaxInt {
				h.push(uint64(ranks[p])<<32 | uint64(p))
			}
		}
	}
	return parts
}

// minHeap is a binary min-heap of uint64 keys (container/heap would box
// every key in an interface).
type minHeap []uint64

func (h minHeap) init() {
	for i := len(h)/2 - 1; i >= 0; i-- {
		h.down(i)
	}
}

func (h *minHeap) push(x uint64) {
	*h = append(*h, x)
	s := *h
	for i := len(s) - 1; i > 0; {
		p := (i - 1) / 2
		if s[p] <= s[i] {
			break
		}
		s[p], s[i] = s[i], s[p]
		i = p
	}
}

func (h *minHeap) pop() uint64 {
	s := *h
	x := s[0]
	s[0] = s[len(s)-1]
	*h = s[:len(s)-1]
	h.down(0)
	return x
}

func (h minHeap) down(i int) {
	for {
		l := 2*i + 1
		if l >= len(h) {
			return
		}
		m := l
		if r := l + 1; r < len(h) && h[r] < h[l] {
			m = r
		}
		if h[i] <= h[m] {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}
