package promptfile

import (
	"cmp"
	"slices"
)

// This file prices parts of one rendering (a block, a cached prefix) and the
// whole rendering on other models, for the editor's hover, inlay hints and
// code lens.

// InputCost prices tokens of uncached input at the tier of the whole
// request, whose total input is requestInput: what one block or include adds
// to the request's input cost.
func (m *Model) InputCost(tokens, requestInput int64) USD {
	if m == nil {
		return 0
	}
	in, _, _ := m.Pricing.rates(requestInput)
	return CostOf(max(tokens, 0), in, MultiplierOne)
}

// InputCost is what tokens of this rendering's input cost uncached, at the
// price tier the whole request falls in (a block of a long prompt is priced
// as part of it); 0 without a known model.
func (r *Result) InputCost(tokens int) USD {
	return r.Model.InputCost(int64(tokens), int64(r.Tokens.Input))
}

// Breakpoint is the request prefix a cache attribute marks: tools, the
// system prompt and the messages up to and including its block.
type Breakpoint struct {
	TTL    string // "5m" or "1h"
	Tokens int    // approximate tokens of the prefix
	// Write is what a first run pays for the prefix (the cache-write price),
	// Read what later runs pay (the cache-read price); both zero when the
	// model is unknown.
	Write, Read USD
	// Uncached: the prefix is below the model's cache minimum, so the API
	// caches nothing; Write and Read are then the uncached price.
	Uncached bool
}

// BreakpointAt is the cache breakpoint block b carries in r; false when it
// carries none (no or unknown attribute, or an empty block, which is not sent).
func (r *Result) BreakpointAt(b *Block) (Breakpoint, bool) {
	if r == nil || b == nil {
		return Breakpoint{}, false
	}
	ttl, _ := cacheTTL(b.Cache)
	if ttl == "" {
		return Breakpoint{}, false
	}
	prefix := r.Tokens.Tools + r.Tokens.Overhead
	found := false
	for _, rb := range append(systemBlocks(r.Blocks), messageBlocks(r.Blocks)...) {
		prefix += rb.Tokens
		if rb.Block == b {
			found = rb.Sends()
			break
		}
	}
	if !found {
		return Breakpoint{}, false
	}
	bp := Breakpoint{TTL: ttl, Tokens: prefix}
	if m := r.Model; m != nil {
		// Priced at the tier of the whole request: the rest of it is
		// uncached input, which cancels out of the difference.
		total := int64(max(r.Tokens.Input, prefix))
		rest := Usage{Input: total - int64(prefix)}
		write := rest
		if ttl == "1h" {
			write.CacheWrite1h = int64(prefix)
		} else {
			write.CacheWrite5m = int64(prefix)
		}
		read := rest
		read.CacheRead = int64(prefix)
		if bp.Uncached = !m.Caches(int64(prefix)); bp.Uncached {
			write, read = Usage{Input: total}, Usage{Input: total}
		}
		base := m.Cost(rest, false)
		bp.Write = m.Cost(write, false) - base
		bp.Read = m.Cost(read, false) - base
	}
	return bp, true
}

// ModelCost is one rendering priced on one model.
type ModelCost struct {
	Model *Model
	// Tokens is the estimate on this model, with its own tokenizer and
	// factor; Tokens.Cost uses the same cache breakpoints and max_tokens
	// capped at the model's output limit.
	Tokens    Tokens
	MaxTokens int
}

// CompareModels prices r's rendering on each of models, cheapest input
// first (then the lower output bound, then the id). The texts are counted
// once per tokenizer and scaled by each model's factor, as Analyze does for
// the file's own model. Nil without a counter.
func CompareModels(r *Result, models []*Model, counter TokenCounter) []ModelCost {
	if r == nil || counter == nil {
		return nil
	}
	out := make([]ModelCost, 0, len(models))
	count := memoKinds(counter) // the same texts on every model: count once per encoding
	for _, m := range models {
		if m == nil {
			continue
		}
		tok := estimateRendering(r, m, count).result(r, nil)
		maxOut := r.MaxTokens
		if m.MaxOutput > 0 {
			maxOut = min(maxOut, m.MaxOutput)
		}
		tok.dropUncached(m)
		tok.Cost = tok.price(m, maxOut)
		out = append(out, ModelCost{Model: m, Tokens: tok, MaxTokens: maxOut})
	}
	slices.SortStableFunc(out, func(a, b ModelCost) int {
		return cmp.Or(
			cmp.Compare(a.Tokens.Cost.InputUSD, b.Tokens.Cost.InputUSD),
			cmp.Compare(a.Tokens.Cost.OutputMaxUSD, b.Tokens.Cost.OutputMaxUSD),
			cmp.Compare(a.Model.ID, b.Model.ID))
	})
	return out
}

// tally sums the estimates of the blocks (est(i) for block i, est(len) for
// the tools) and the request's overhead into Tokens, with the cached
// prefixes in request order: overhead and tools, system, then messages.
func tally(blocks []*RenderedBlock, overhead int, est func(i int) int) Tokens {
	var t Tokens
	t.Tools = est(len(blocks))
	t.Overhead = overhead
	t.Input = t.Tools + overhead
	tokens := make(map[*RenderedBlock]int, len(blocks))
	for i, rb := range blocks {
		tokens[rb] = est(i)
		t.Input += tokens[rb]
	}
	prefix5m, prefix1h := 0, 0
	running := t.Tools + overhead
	for _, rb := range append(systemBlocks(blocks), messageBlocks(blocks)...) {
		running += tokens[rb]
		if !rb.Sends() {
			continue
		}
		switch ttl, _ := cacheTTL(rb.Block.Cache); ttl {
		case "5m":
			prefix5m = running
		case "1h":
			prefix1h = running
		}
	}
	t.Cached1h = prefix1h
	if prefix5m > prefix1h {
		t.Cached5m = prefix5m - prefix1h
	}
	return t
}
