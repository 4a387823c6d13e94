package promptfile

import (
	"math"
	"sync"

	"github.com/claude-ls/claude-ls/promptfile/tokencount"
)

// TokenCounter counts tokens of texts with a tiktoken encoding.
type TokenCounter interface {
	Count(encoding string, texts []string) []int
}

// Tokens is the approximate size of a rendering. Per-block counts are on
// each RenderedBlock and IncludeInfo.
type Tokens struct {
	Input int // everything the request sends: tools, system, messages
	// Raw is the uncalibrated estimate in the catalog's units (Claude
	// tokens ÷ the generation's typical factor): a real count ÷ Raw is the
	// model's calibrated token_factor.
	Raw   int
	Tools int // tool definitions and the tool-use system prompt
	// Overhead is what the API adds around the text: request and message
	// framing, the system prompt's, thinking's.
	Overhead int
	Cached5m int // tokens of the prefix written to the 5-minute cache
	Cached1h int // tokens of the prefix written to the 1-hour cache
	Cost     Estimate
}

// price is the cost estimate of these tokens on m. Estimate takes the
// prefixes up to each breakpoint; Cached5m holds only what the 5-minute
// breakpoint adds beyond the 1-hour one, so the 5m prefix is their sum.
func (t *Tokens) price(m *Model, maxTokens int) Estimate {
	prefix5m := 0
	if t.Cached5m > 0 {
		prefix5m = t.Cached1h + t.Cached5m
	}
	return m.Estimate(int64(t.Input), int64(prefix5m), int64(t.Cached1h), int64(maxTokens))
}

// Fallbacks for a model the catalog does not know.
const (
	fallbackEncoding = "cl100k_base"
	fallbackFactor   = 1.2
)

// Counters is the TokenCounter of the tool: one cached counter per encoding.
type Counters struct {
	mu sync.Mutex
	by map[string]*tokencount.Counter
}

// NewCounters makes an empty set; encodings load on first use.
func NewCounters() *Counters { return &Counters{by: map[string]*tokencount.Counter{}} }

// Count counts texts; an unknown encoding counts with cl100k_base.
func (c *Counters) Count(encoding string, texts []string) []int {
	return c.counter(encoding).CountAll(texts)
}

// counter is the cached counter of encoding, cl100k_base if unknown.
func (c *Counters) counter(encoding string) *tokencount.Counter {
	c.mu.Lock()
	tc, ok := c.by[encoding]
	if !ok {
		var err error
		if tc, err = tokencount.New(encoding); err != nil {
			tc, _ = tokencount.New(fallbackEncoding)
		}
		c.by[encoding] = tc
	}
	c.mu.Unlock()
	return tc
}

// encodingOf says how a model's tokens are estimated.
func encodingOf(m *Model) (string, float64) {
	if m == nil || m.Tokenizer == "" || m.TokenFactor <= 0 {
		return fallbackEncoding, fallbackFactor
	}
	return m.Tokenizer, m.TokenFactor
}

// EstimateText is the estimated token count of text on model m (counted
// alone, without any request framing), e.g. for output a stream delivered
// before its usage said so.
func EstimateText(m *Model, counter TokenCounter, text string) int {
	if counter == nil || text == "" {
		return 0
	}
	g := genOf(m)
	enc, _ := encodingOf(m)
	counts, byKind := countTexts(counter, enc, []string{text})
	return int(math.Round(g.weigh(&counts[0], byKind) * scaleOf(m, g)))
}

// count estimates every block, include and tools (estimate.go), then the cost.
func (a *analysis) count() {
	if a.ws.Counter == nil {
		return
	}
	r := a.r
	a.countMedia(a.ws.Counter) // medialimits.go: documents' text, each image's and document's tokens
	e := estimateRendering(r, r.Model, kindsOf(a.ws.Counter))
	r.Tokens = e.result(r, func(i, n int) { r.Blocks[i].Tokens = n })
	for i, inc := range r.Includes {
		inc.Tokens = e.tokens(e.texts[len(r.Blocks)+i])
	}
	a.checkSize()
	if r.Model != nil {
		r.Tokens.Cost = r.Tokens.price(r.Model, r.MaxTokens)
	}
}

func systemBlocks(bs []*RenderedBlock) []*RenderedBlock {
	var out []*RenderedBlock
	for _, b := range bs {
		if b.Block.Role == System {
			out = append(out, b)
		}
	}
	return out
}

func messageBlocks(bs []*RenderedBlock) []*RenderedBlock {
	var out []*RenderedBlock
	for _, b := range bs {
		if b.Block.Role != System {
			out = append(out, b)
		}
	}
	return out
}

// checkSize compares the estimate with the model's context window.
func (a *analysis) checkSize() {
	r := a.r
	m := r.Model
	if m == nil || m.ContextWindow <= 0 {
		return
	}
	for _, inc := range r.Includes {
		if inc.Tokens > m.ContextWindow {
			a.errorf("include-too-large", inc.Part.NameSpan, "`"+inc.Part.Name+"` is ≈ "+GroupDigits(inc.Tokens)+" tokens, more than "+m.ID+"'s context window of "+GroupDigits(m.ContextWindow))
		}
	}
	// max_tokens above the output limit is its own error; count the limit here.
	maxOut := r.MaxTokens
	if m.MaxOutput > 0 {
		maxOut = min(maxOut, m.MaxOutput)
	}
	if total := r.Tokens.Input + maxOut; total > m.ContextWindow {
		span := a.headerSpan()
		if e := a.f.Front.Lookup("model"); e != nil {
			span = e.At
		}
		a.errorf("context-window", span, "the request is ≈ "+GroupDigits(r.Tokens.Input)+" input tokens + "+GroupDigits(maxOut)+" max_tokens = "+GroupDigits(total)+", beyond "+m.ID+"'s context window of "+GroupDigits(m.ContextWindow))
	}
}

// CountKinds counts texts split by kind of text (KindCounter).
func (c *Counters) CountKinds(encoding string, texts []string) []tokencount.Kinds {
	return c.counter(encoding).CountKinds(texts)
}
