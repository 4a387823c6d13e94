package promptfile

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
)

// Model is what the tool knows of one Claude model: limits, prices and what
// requests it accepts. The built-in entries live in models.json; a workspace
// can add or override entries in .claude-ls.yaml (same fields).
type Model struct {
	ID            string   `json:"id" yaml:"id"` // canonical id, e.g. "claude-sonnet-4-6"
	DisplayName   string   `json:"display_name" yaml:"display_name,omitempty"`
	Aliases       []string `json:"aliases,omitempty" yaml:"aliases,omitempty"`
	DatedIDs      []string `json:"dated_ids,omitempty" yaml:"dated_ids,omitempty"`
	ContextWindow int      `json:"context_window" yaml:"context_window,omitempty"`
	MaxOutput     int      `json:"max_output" yaml:"max_output,omitempty"`
	Pricing       Pricing  `json:"pricing" yaml:"pricing,omitempty"`
	// Thinking lists the thinking types accepted besides "disabled":
	// "enabled" (budget_tokens), "adaptive", "between_tools".
	Thinking []string `json:"thinking" yaml:"thinking,omitempty"`
	// RejectsDisabledThinking: the API answers 400 to thinking
	// {type: disabled} (thinking always on, e.g. Opus 5.5).
	RejectsDisabledThinking bool `json:"rejects_disabled_thinking,omitempty" yaml:"rejects_disabled_thinking,omitempty"`
	// Prefill: the model accepts a final assistant message.
	Prefill bool `json:"prefill" yaml:"prefill,omitempty"`
	// CacheMinTokens is the shortest prefix the model caches; below it a
	// breakpoint caches nothing (and the API says nothing). 0: unknown.
	CacheMinTokens int `json:"cache_min_tokens,omitempty" yaml:"cache_min_tokens,omitempty"`
	// Effort lists the output_config.effort levels the model takes; empty:
	// it takes no effort setting.
	Effort []string `json:"effort,omitempty" yaml:"effort,omitempty"`
	// StructuredOutputs: the model takes output_config.format.
	StructuredOutputs bool `json:"structured_outputs,omitempty" yaml:"structured_outputs,omitempty"`
	// RefusesToolChoice lists tool_choice types the API refuses for the
	// model (e.g. "any", "tool").
	RefusesToolChoice []string `json:"refuses_tool_choice,omitempty" yaml:"refuses_tool_choice,omitempty"`
	// DeprecatedOn and RetiresOn are dates (YYYY-MM-DD); Successor is the
	// model Anthropic recommends instead. After RetiresOn the API answers 404.
	DeprecatedOn string `json:"deprecated_on,omitempty" yaml:"deprecated_on,omitempty"`
	RetiresOn    string `json:"retires_on,omitempty" yaml:"retires_on,omitempty"`
	Successor    string `json:"successor,omitempty" yaml:"successor,omitempty"`
	// Tokenizer is the tiktoken encoding used for the offline estimate:
	// "cl100k_base" or "o200k_base".
	Tokenizer string `json:"tokenizer" yaml:"tokenizer,omitempty"`
	// TokenFactor: Claude tokens ≈ tiktoken tokens × factor.
	TokenFactor float64 `json:"token_factor" yaml:"token_factor,omitempty"`
	// Source is the URL of the docs page the entry comes from.
	Source string `json:"source" yaml:"source,omitempty"`
	// CalibratedFrom is how many real counts TokenFactor was calibrated
	// from in this workspace; 0 means the catalog's factor.
	CalibratedFrom int `json:"-" yaml:"-"`
}

// Pricing is a model's price card. Cache and batch prices are multipliers of
// the base prices, as Anthropic publishes them.
type Pricing struct {
	InputPerMTok  USD `json:"input_per_mtok" yaml:"input_per_mtok,omitempty"`
	OutputPerMTok USD `json:"output_per_mtok" yaml:"output_per_mtok,omitempty"`
	// Multipliers of the input price; zero means the default (1.25, 2, 0.1).
	CacheWrite5m Multiplier `json:"cache_write_5m,omitempty" yaml:"cache_write_5m,omitempty"`
	CacheWrite1h Multiplier `json:"cache_write_1h,omitempty" yaml:"cache_write_1h,omitempty"`
	CacheRead    Multiplier `json:"cache_read,omitempty" yaml:"cache_read,omitempty"`
	// Batch multiplies input and output for the Message Batches API; zero
	// means the default 0.5.
	Batch Multiplier `json:"batch,omitempty" yaml:"batch,omitempty"`
	// LongContext is an optional tier: when a request's input (uncached +
	// cache writes + cache reads) is above ThresholdTokens, its prices apply
	// to the whole request, output included.
	LongContext *LongContextPricing `json:"long_context,omitempty" yaml:"long_context,omitempty"`
}

// LongContextPricing is the price tier of long prompts.
type LongContextPricing struct {
	ThresholdTokens int64 `json:"threshold_tokens" yaml:"threshold_tokens,omitempty"`
	InputPerMTok    USD   `json:"input_per_mtok" yaml:"input_per_mtok,omitempty"`
	OutputPerMTok   USD   `json:"output_per_mtok" yaml:"output_per_mtok,omitempty"`
}

// Defaults from Anthropic's pricing page: they hold for every model unless
// its entry says otherwise.
const (
	defaultCacheWrite5m Multiplier = 1_250_000
	defaultCacheWrite1h Multiplier = 2_000_000
	defaultCacheRead    Multiplier = 100_000
	defaultBatch        Multiplier = 500_000
	// A model added without tokenizer data is assumed to count like the
	// newest models: over- rather than under-estimating cost is safer.
	defaultTokenizer   = "cl100k_base"
	defaultTokenFactor = 1.55
)

var (
	knownTokenizers    = []string{"cl100k_base", "o200k_base"}
	knownThinkingTypes = []string{"enabled", "adaptive", "between_tools"}
)

func (p *Pricing) fillDefaults() {
	if p.CacheWrite5m == 0 {
		p.CacheWrite5m = defaultCacheWrite5m
	}
	if p.CacheWrite1h == 0 {
		p.CacheWrite1h = defaultCacheWrite1h
	}
	if p.CacheRead == 0 {
		p.CacheRead = defaultCacheRead
	}
	if p.Batch == 0 {
		p.Batch = defaultBatch
	}
}

// rates returns the input and output prices for a request with this many
// input tokens, and whether the long-context tier applies.
func (p *Pricing) rates(inputTokens int64) (in, out USD, long bool) {
	if lc := p.LongContext; lc != nil && inputTokens > lc.ThresholdTokens {
		return lc.InputPerMTok, lc.OutputPerMTok, true
	}
	return p.InputPerMTok, p.OutputPerMTok, false
}

// AcceptsThinking reports whether the model takes thinking {type: t}.
func (m *Model) AcceptsThinking(t string) bool {
	if t == "disabled" {
		return !m.RejectsDisabledThinking
	}
	return slices.Contains(m.Thinking, t)
}

// ClaudeTokens converts an offline tiktoken count into the estimated Claude
// count, rounded up.
func (m *Model) ClaudeTokens(tiktokenCount int64) int64 {
	f := m.TokenFactor
	if f <= 0 {
		f = 1
	}
	return int64(math.Ceil(float64(tiktokenCount) * f))
}

// Names returns every id the model answers to: its id, aliases, dated ids.
func (m *Model) Names() []string {
	names := append([]string{m.ID}, m.Aliases...)
	return append(names, m.DatedIDs...)
}

func (m *Model) clone() *Model {
	c := *m
	c.Aliases = slices.Clone(m.Aliases)
	c.DatedIDs = slices.Clone(m.DatedIDs)
	c.Thinking = slices.Clone(m.Thinking)
	c.Effort = slices.Clone(m.Effort)
	c.RefusesToolChoice = slices.Clone(m.RefusesToolChoice)
	if m.Pricing.LongContext != nil {
		lc := *m.Pricing.LongContext
		c.Pricing.LongContext = &lc
	}
	return &c
}

// normalize fills the defaults of absent fields.
func (m *Model) normalize() {
	if m.DisplayName == "" {
		m.DisplayName = m.ID
	}
	if m.Tokenizer == "" {
		m.Tokenizer = defaultTokenizer
	}
	if m.TokenFactor == 0 {
		m.TokenFactor = defaultTokenFactor
	}
	if m.Thinking == nil {
		m.Thinking = []string{}
	}
	m.Pricing.fillDefaults()
}

// problems lists what is wrong with a (normalized) entry; empty when valid.
func (m *Model) problems() []string {
	var p []string
	add := func(format string, args ...any) { p = append(p, fmt.Sprintf(format, args...)) }
	if m.ID == "" {
		add("missing id")
	}
	if m.ContextWindow <= 0 {
		add("context_window must be positive")
	}
	if m.MaxOutput <= 0 {
		add("max_output must be positive")
	}
	if m.ContextWindow > 0 && m.MaxOutput > m.ContextWindow {
		add("max_output is larger than context_window")
	}
	if m.Pricing.InputPerMTok <= 0 || m.Pricing.OutputPerMTok <= 0 {
		add("pricing needs positive input_per_mtok and output_per_mtok")
	}
	if lc := m.Pricing.LongContext; lc != nil {
		if lc.ThresholdTokens <= 0 || lc.InputPerMTok <= 0 || lc.OutputPerMTok <= 0 {
			add("pricing.long_context needs positive threshold_tokens, input_per_mtok and output_per_mtok")
		}
	}
	for _, t := range m.Thinking {
		if !slices.Contains(knownThinkingTypes, t) {
			add("unknown thinking type %q", t)
		}
	}
	for _, e := range m.Effort {
		if !slices.Contains(EffortLevels, e) {
			add("unknown effort level %q", e)
		}
	}
	for _, t := range m.RefusesToolChoice {
		if !slices.Contains(toolChoiceTypes, t) {
			add("unknown tool_choice type %q", t)
		}
	}
	for _, d := range []string{m.DeprecatedOn, m.RetiresOn} {
		if d != "" && !validDate(d) {
			add("%q is not a date (YYYY-MM-DD)", d)
		}
	}
	if m.CacheMinTokens < 0 {
		add("cache_min_tokens must not be negative")
	}
	if !slices.Contains(knownTokenizers, m.Tokenizer) {
		add("unknown tokenizer %q", m.Tokenizer)
	}
	if m.TokenFactor <= 0 || m.TokenFactor > 10 {
		add("token_factor must be between 0 and 10")
	}
	return p
}

// Catalog is an immutable set of models, looked up by id, alias or dated id.
type Catalog struct {
	models []*Model
	byName map[string]*Model
}

//go:embed models.json
var modelsJSON []byte

// modelsFile is the layout of models.json.
type modelsFile struct {
	Checked string  `json:"checked"` // date the figures were last checked
	Models  []Model `json:"models"`
}

var defaultCatalog = sync.OnceValue(func() *Catalog {
	c, err := parseCatalog(modelsJSON)
	if err != nil {
		panic("promptfile: embedded models.json: " + err.Error())
	}
	return c
})

// DefaultCatalog is the built-in catalog, parsed once from the embedded
// models.json. Callers must not modify the models it returns.
func DefaultCatalog() *Catalog { return defaultCatalog() }

func parseCatalog(data []byte) (*Catalog, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields() // a misspelt field must not silently vanish
	var f modelsFile
	if err := dec.Decode(&f); err != nil {
		return nil, err
	}
	c := newCatalog(f.Models)
	for _, m := range c.models {
		if p := m.problems(); len(p) > 0 {
			return nil, fmt.Errorf("model %q: %s", m.ID, strings.Join(p, "; "))
		}
	}
	return c, nil
}

func newCatalog(models []Model) *Catalog {
	c := &Catalog{}
	for i := range models {
		m := models[i].clone()
		m.normalize()
		c.models = append(c.models, m)
	}
	c.index()
	return c
}

// index maps every name to its model. Ids are entered last so that an id
// always wins over another model's alias; among equals the later model wins.
func (c *Catalog) index() {
	c.byName = make(map[string]*Model)
	for _, m := range c.models {
		for _, n := range append(slices.Clone(m.Aliases), m.DatedIDs...) {
			c.byName[n] = m
		}
	}
	for _, m := range c.models {
		c.byName[m.ID] = m
	}
}

// Lookup finds a model by id, alias or dated id (exact match: the API does
// not fold case).
func (c *Catalog) Lookup(id string) (*Model, bool) {
	m, ok := c.byName[id]
	return m, ok
}

// Models returns the models in a stable order: the file's order, then added
// models in the order they were given.
func (c *Catalog) Models() []*Model { return slices.Clone(c.models) }

// IDs returns every accepted name (ids, aliases, dated ids) once, for
// completion and suggestions.
func (c *Catalog) IDs() []string {
	var ids []string
	seen := make(map[string]bool)
	for _, m := range c.models {
		for _, n := range m.Names() {
			if !seen[n] && c.byName[n] == m {
				seen[n] = true
				ids = append(ids, n)
			}
		}
	}
	return ids
}

// With returns a new catalog. An override whose id names an existing model
// (by id, alias or dated id) replaces the fields it sets, and a zero field
// keeps the base value; other ids are added as new models, with defaults for
// what they leave out.
func (c *Catalog) With(overrides []Model) *Catalog {
	has := make([]func(string) bool, len(overrides))
	for i := range overrides {
		has[i] = nonZeroFields(&overrides[i])
	}
	return c.with(overrides, has)
}

func (c *Catalog) with(overrides []Model, has []func(string) bool) *Catalog {
	n := &Catalog{}
	byPtr := make(map[*Model]*Model)
	for _, m := range c.models {
		cp := m.clone()
		byPtr[m] = cp
		n.models = append(n.models, cp)
	}
	n.index()
	for i := range overrides {
		o := &overrides[i]
		if base, ok := c.byName[o.ID]; ok && o.ID != "" {
			mergeModel(byPtr[base], o, has[i])
			continue
		}
		if existing, ok := n.byName[o.ID]; ok && o.ID != "" {
			// The same new id twice: the later entry merges into the first.
			mergeModel(existing, o, has[i])
			continue
		}
		m := o.clone()
		m.normalize()
		n.models = append(n.models, m)
		n.index()
	}
	for _, m := range n.models {
		m.normalize()
	}
	n.index()
	return n
}

// modelFields are the keys of a model entry as written in models.json and
// .claude-ls.yaml; pricing keys are dotted.
var modelFields = []string{
	"id", "display_name", "aliases", "dated_ids", "context_window", "max_output",
	"pricing", "thinking", "rejects_disabled_thinking", "prefill", "tokenizer",
	"token_factor", "source", "cache_min_tokens", "effort", "structured_outputs",
	"refuses_tool_choice", "deprecated_on", "retires_on", "successor",
}

var pricingFields = []string{
	"input_per_mtok", "output_per_mtok", "cache_write_5m", "cache_write_1h",
	"cache_read", "batch", "long_context",
}

var longContextFields = []string{"threshold_tokens", "input_per_mtok", "output_per_mtok"}

// nonZeroFields reports the fields an override sets when it comes without
// key information: the non-zero ones.
func nonZeroFields(o *Model) func(string) bool {
	lc := o.Pricing.LongContext
	return func(k string) bool {
		switch k {
		case "display_name":
			return o.DisplayName != ""
		case "aliases":
			return len(o.Aliases) > 0
		case "dated_ids":
			return len(o.DatedIDs) > 0
		case "context_window":
			return o.ContextWindow != 0
		case "max_output":
			return o.MaxOutput != 0
		case "thinking":
			return len(o.Thinking) > 0
		case "rejects_disabled_thinking":
			return o.RejectsDisabledThinking
		case "prefill":
			return o.Prefill
		case "tokenizer":
			return o.Tokenizer != ""
		case "token_factor":
			return o.TokenFactor != 0
		case "source":
			return o.Source != ""
		case "cache_min_tokens":
			return o.CacheMinTokens != 0
		case "effort":
			return len(o.Effort) > 0
		case "structured_outputs":
			return o.StructuredOutputs
		case "refuses_tool_choice":
			return len(o.RefusesToolChoice) > 0
		case "deprecated_on":
			return o.DeprecatedOn != ""
		case "retires_on":
			return o.RetiresOn != ""
		case "successor":
			return o.Successor != ""
		case "pricing.input_per_mtok":
			return o.Pricing.InputPerMTok != 0
		case "pricing.output_per_mtok":
			return o.Pricing.OutputPerMTok != 0
		case "pricing.cache_write_5m":
			return o.Pricing.CacheWrite5m != 0
		case "pricing.cache_write_1h":
			return o.Pricing.CacheWrite1h != 0
		case "pricing.cache_read":
			return o.Pricing.CacheRead != 0
		case "pricing.batch":
			return o.Pricing.Batch != 0
		case "pricing.long_context":
			return lc != nil
		case "pricing.long_context.threshold_tokens":
			return lc != nil && lc.ThresholdTokens != 0
		case "pricing.long_context.input_per_mtok":
			return lc != nil && lc.InputPerMTok != 0
		case "pricing.long_context.output_per_mtok":
			return lc != nil && lc.OutputPerMTok != 0
		}
		return false
	}
}

// mergeModel copies into dst the fields of o that has reports as set.
// "pricing.long_context" set with a nil value removes the tier.
func mergeModel(dst, o *Model, has func(string) bool) {
	if has("display_name") {
		dst.DisplayName = o.DisplayName
	}
	if has("aliases") {
		dst.Aliases = slices.Clone(o.Aliases)
	}
	if has("dated_ids") {
		dst.DatedIDs = slices.Clone(o.DatedIDs)
	}
	if has("context_window") {
		dst.ContextWindow = o.ContextWindow
	}
	if has("max_output") {
		dst.MaxOutput = o.MaxOutput
	}
	if has("thinking") {
		dst.Thinking = slices.Clone(o.Thinking)
	}
	if has("rejects_disabled_thinking") {
		dst.RejectsDisabledThinking = o.RejectsDisabledThinking
	}
	if has("prefill") {
		dst.Prefill = o.Prefill
	}
	if has("tokenizer") {
		dst.Tokenizer = o.Tokenizer
	}
	if has("token_factor") {
		dst.TokenFactor = o.TokenFactor
	}
	if has("source") {
		dst.Source = o.Source
	}
	if has("cache_min_tokens") {
		dst.CacheMinTokens = o.CacheMinTokens
	}
	if has("effort") {
		dst.Effort = slices.Clone(o.Effort)
	}
	if has("structured_outputs") {
		dst.StructuredOutputs = o.StructuredOutputs
	}
	if has("refuses_tool_choice") {
		dst.RefusesToolChoice = slices.Clone(o.RefusesToolChoice)
	}
	if has("deprecated_on") {
		dst.DeprecatedOn = o.DeprecatedOn
	}
	if has("retires_on") {
		dst.RetiresOn = o.RetiresOn
	}
	if has("successor") {
		dst.Successor = o.Successor
	}
	p, op := &dst.Pricing, &o.Pricing
	if has("pricing.input_per_mtok") {
		p.InputPerMTok = op.InputPerMTok
	}
	if has("pricing.output_per_mtok") {
		p.OutputPerMTok = op.OutputPerMTok
	}
	if has("pricing.cache_write_5m") {
		p.CacheWrite5m = op.CacheWrite5m
	}
	if has("pricing.cache_write_1h") {
		p.CacheWrite1h = op.CacheWrite1h
	}
	if has("pricing.cache_read") {
		p.CacheRead = op.CacheRead
	}
	if has("pricing.batch") {
		p.Batch = op.Batch
	}
	if has("pricing.long_context") {
		if op.LongContext == nil {
			p.LongContext = nil
			return
		}
		if p.LongContext == nil {
			p.LongContext = &LongContextPricing{}
		}
		lc, olc := p.LongContext, op.LongContext
		if has("pricing.long_context.threshold_tokens") {
			lc.ThresholdTokens = olc.ThresholdTokens
		}
		if has("pricing.long_context.input_per_mtok") {
			lc.InputPerMTok = olc.InputPerMTok
		}
		if has("pricing.long_context.output_per_mtok") {
			lc.OutputPerMTok = olc.OutputPerMTok
		}
	}
}
