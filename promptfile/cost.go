package promptfile

import "encoding/json"

// Usage is the token usage of one request, as the API reports it, and as
// run records keep it.
type Usage struct {
	Input        int64 `json:"input_tokens"`          // uncached input tokens
	CacheWrite5m int64 `json:"cache_write_5m_tokens"` // input tokens written to the 5-minute cache
	CacheWrite1h int64 `json:"cache_write_1h_tokens"` // input tokens written to the 1-hour cache
	CacheRead    int64 `json:"cache_read_tokens"`     // input tokens read from the cache
	Output       int64 `json:"output_tokens"`
	// ServerTools counts the server tools' uses (web searches are priced
	// per use, beside the tokens: servertools.go).
	ServerTools ServerToolUsage `json:"server_tool_use,omitzero"`
}

// UnmarshalJSON also reads records written before the 5m/1h split, whose
// cache_write_tokens were all priced at the 5-minute rate.
func (u *Usage) UnmarshalJSON(data []byte) error {
	type plain Usage
	var v struct {
		plain
		Legacy int64 `json:"cache_write_tokens"`
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	*u = Usage(v.plain)
	if u.CacheWrite5m == 0 && u.CacheWrite1h == 0 {
		u.CacheWrite5m = v.Legacy
	}
	return nil
}

// Plus is the sum of two usages.
func (u Usage) Plus(v Usage) Usage {
	return Usage{Input: u.Input + v.Input, CacheWrite5m: u.CacheWrite5m + v.CacheWrite5m, CacheWrite1h: u.CacheWrite1h + v.CacheWrite1h,
		CacheRead: u.CacheRead + v.CacheRead, Output: u.Output + v.Output, ServerTools: u.ServerTools.Plus(v.ServerTools)}
}

// CacheWrite is every input token written to the cache, whatever its TTL.
func (u Usage) CacheWrite() int64 { return u.CacheWrite5m + u.CacheWrite1h }

// TotalInput is every input token of the request: what the long-context
// tier's threshold is compared with.
func (u Usage) TotalInput() int64 {
	return u.Input + u.CacheWrite5m + u.CacheWrite1h + u.CacheRead
}

// Cost is the real cost of a usage. The long-context tier, when the model
// has one and the total input is above its threshold, prices the whole
// request, output included. batch applies the Message Batches discount,
// which stacks with the cache multipliers.
func (m *Model) Cost(u Usage, batch bool) USD {
	p := &m.Pricing
	in, out, _ := p.rates(u.TotalInput())
	k := func(mult Multiplier) Multiplier {
		if batch {
			return mult.Times(orDefault(p.Batch, defaultBatch))
		}
		return mult
	}
	return CostOf(u.Input, in, k(MultiplierOne)) +
		CostOf(u.CacheWrite5m, in, k(orDefault(p.CacheWrite5m, defaultCacheWrite5m))) +
		CostOf(u.CacheWrite1h, in, k(orDefault(p.CacheWrite1h, defaultCacheWrite1h))) +
		CostOf(u.CacheRead, in, k(orDefault(p.CacheRead, defaultCacheRead))) +
		CostOf(u.Output, out, k(MultiplierOne)) +
		u.ServerTools.Cost() // per-use fees: no batch discount
}

// orDefault protects models built by hand (not through a Catalog) whose
// multipliers were left zero.
func orDefault(m, def Multiplier) Multiplier {
	if m == 0 {
		return def
	}
	return m
}

// Estimate is what the editor and `count` show for a request before it runs.
type Estimate struct {
	InputTokens int64
	// InputUSD prices every input token uncached; OutputMaxUSD is the upper
	// bound max_tokens × output price.
	InputUSD, OutputMaxUSD USD
	// CacheWriteUSD is the input cost of a first run, which writes the cached
	// prefixes; CacheReadUSD that of later runs, which read them (the rest
	// uncached). Both equal InputUSD when nothing is cached.
	CacheWriteUSD, CacheReadUSD USD
	// Batch prices of InputUSD and OutputMaxUSD.
	BatchInputUSD, BatchOutputMaxUSD USD
	// LongContext: the input is above the model's long-context threshold, so
	// that tier's prices were used.
	LongContext bool
}

// Estimate prices a request of inputTokens input tokens and at most maxTokens
// output tokens. cached5m and cached1h are the tokens of the request prefix
// up to the last cache breakpoint of each TTL (0 when there is none); the
// caller computes them; a prefix below the model's cache minimum counts as
// uncached. The API puts 1h entries before 5m ones, so the 1h
// prefix is written at the 1h price and only what the 5m prefix adds beyond
// it at the 5m price.
func (m *Model) Estimate(inputTokens, cached5m, cached1h int64, maxTokens int64) Estimate {
	inputTokens = max(inputTokens, 0)
	// A prefix below the model's cache minimum is not cached: no saving.
	if !m.Caches(cached1h) {
		cached1h = 0
	}
	if !m.Caches(cached5m) {
		cached5m = 0
	}
	w1h := min(max(cached1h, 0), inputTokens)
	w5m := max(min(max(cached5m, 0), inputTokens)-w1h, 0)
	uncached := inputTokens - w1h - w5m

	write := m.Cost(Usage{Input: uncached, CacheWrite5m: w5m, CacheWrite1h: w1h}, false)
	read := m.Cost(Usage{Input: uncached, CacheRead: w5m + w1h}, false)
	// Prices are taken from the same tier for all figures: cache reads and
	// writes count toward the threshold like uncached input.
	_, _, long := m.Pricing.rates(inputTokens)
	return Estimate{
		InputTokens:       inputTokens,
		InputUSD:          m.Cost(Usage{Input: inputTokens}, false),
		OutputMaxUSD:      m.outputCost(inputTokens, maxTokens, false),
		CacheWriteUSD:     write,
		CacheReadUSD:      read,
		BatchInputUSD:     m.Cost(Usage{Input: inputTokens}, true),
		BatchOutputMaxUSD: m.outputCost(inputTokens, maxTokens, true),
		LongContext:       long,
	}
}

// outputCost prices output tokens at the tier chosen by the input size.
func (m *Model) outputCost(inputTokens, outputTokens int64, batch bool) USD {
	_, out, _ := m.Pricing.rates(inputTokens)
	k := MultiplierOne
	if batch {
		k = orDefault(m.Pricing.Batch, defaultBatch)
	}
	return CostOf(max(outputTokens, 0), out, k)
}
