package promptfile

import (
	"bytes"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// Config is the workspace configuration, read from .claude-ls.yaml at the
// workspace root:
//
//	default_model: claude-sonnet-4-6
//	default_max_tokens: 1024
//	models:            # added models, or overrides of built-in ones
//	  - id: claude-sonnet-4-6
//	    pricing: {input_per_mtok: "2.5"}
//	budget: {monthly_usd: "50", confirm_above_usd: "0.50"}
type Config struct {
	DefaultModel     string         `yaml:"default_model,omitempty"`
	HelperModel      string         `yaml:"helper_model,omitempty"` // improves prompts and writes test cases; default the prompt's model
	DefaultMaxTokens int            `yaml:"default_max_tokens,omitempty"`
	Models           []Model        `yaml:"models,omitempty"` // same fields as models.json
	Budget           *MonthlyBudget `yaml:"budget,omitempty"`

	// What ParseConfig saw, so that overrides merge the keys written (a
	// written `prefill: false` counts) and Check can point at lines.
	modelKeys       []map[string]bool
	modelAt         []configPos
	defaultModelAt  configPos
	helperModelAt   configPos
	defaultMaxTokAt configPos
}

// MonthlyBudget is the spending guard used by the workbench.
type MonthlyBudget struct {
	MonthlyUSD      USD `yaml:"monthly_usd,omitempty"`       // spending limit per calendar month
	ConfirmAboveUSD USD `yaml:"confirm_above_usd,omitempty"` // ask before a run estimated above this

	// Invalid is the first problem with the budget as written: a run must
	// not go on as if there were no budget.
	Invalid *ConfigError `yaml:"-"`
}

// ConfigError is a problem in the config file. Line and Col are 1-based, Col
// counted in characters as the YAML parser reports it.
type ConfigError struct {
	Line, Col int
	// EndCol is the column just after the offending token on Line, when
	// known (0: a point at Col).
	EndCol int
	Msg    string
}

func (e ConfigError) Error() string { return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg) }

type configPos struct{ line, col, end int }

var configKeys = []string{"default_model", "default_max_tokens", "helper_model", "models", "budget"}
var budgetKeys = []string{"monthly_usd", "confirm_above_usd"}

// yamlErrLine finds the line in messages like "yaml: line 3: did not find
// expected key".
var yamlErrLine = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)

// ParseConfig reads a .claude-ls.yaml file. It returns what it could read
// together with every problem found: YAML syntax, unknown keys (naming the
// nearest known key), wrong types, bad prices. It never panics.
func ParseConfig(src []byte) (cfg *Config, errs []ConfigError) {
	cfg = &Config{}
	defer func() {
		if r := recover(); r != nil { // the YAML library must not take the server down
			errs = append(errs, ConfigError{Line: 1, Col: 1, Msg: fmt.Sprintf("cannot read the config: %v", r)})
		}
	}()
	if len(bytes.TrimSpace(src)) == 0 {
		return cfg, nil
	}
	doc, err := unmarshalYAML(src) // aliases within the budget
	if err != nil {
		line, col, msg, what := 1, 1, err.Error(), "YAML syntax: "
		if be, ok := err.(*YAMLBudgetError); ok {
			col, what = be.Column, ""
		}
		if m := yamlErrLine.FindStringSubmatch(msg); m != nil {
			if m[1] != "" {
				line, _ = strconv.Atoi(m[1])
			}
			msg = m[2]
		}
		return cfg, []ConfigError{{Line: line, Col: col, Msg: what + msg}}
	}
	p := &configParser{}
	p.parse(doc, cfg)
	return cfg, p.errs
}

type configParser struct{ errs []ConfigError }

func (p *configParser) errorf(n *yaml.Node, format string, args ...any) {
	p.errs = append(p.errs, ConfigError{Line: n.Line, Col: n.Column, EndCol: tokenEnd(n.Column, n), Msg: fmt.Sprintf(format, args...)})
}

// tokenEnd is the column after a one-line scalar's text, 0 for other nodes.
func tokenEnd(col int, n *yaml.Node) int {
	if n == nil || n.Kind != yaml.ScalarNode || strings.Contains(n.Value, "\n") || n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
		return 0
	}
	w := utf8.RuneCountInString(n.Value)
	if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		w += 2
	}
	return col + w
}

func cfgResolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

func cfgIsNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.Tag == "!!null" }

// pairs walks a mapping, reporting duplicate and unknown keys (with the
// nearest known one). where names the mapping in messages.
func (p *configParser) pairs(n *yaml.Node, where string, known []string, fn func(key string, k, v *yaml.Node)) {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "%s must be a mapping of keys to values", where)
		return
	}
	seen := make(map[string]bool)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := cfgResolve(n.Content[i]), cfgResolve(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			p.errorf(k, "keys in %s must be plain names", where)
			continue
		}
		if seen[k.Value] {
			p.errorf(k, "%s appears twice in %s", strconv.Quote(k.Value), where)
			continue
		}
		seen[k.Value] = true
		if !slices.Contains(known, k.Value) {
			msg := fmt.Sprintf("unknown key %q in %s", k.Value, where)
			if s, ok := Nearest(k.Value, known); ok {
				msg += fmt.Sprintf("; did you mean %q?", s)
			}
			p.errs = append(p.errs, ConfigError{Line: k.Line, Col: k.Column, EndCol: tokenEnd(k.Column, k), Msg: msg})
			continue
		}
		fn(k.Value, k, v)
	}
}

func (p *configParser) parse(doc *yaml.Node, cfg *Config) {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return
	}
	root := cfgResolve(doc.Content[0])
	if cfgIsNull(root) {
		return
	}
	p.pairs(root, "the config", configKeys, func(key string, k, v *yaml.Node) {
		switch key {
		case "default_model":
			if s, ok := p.str(v, key); ok {
				cfg.DefaultModel = s
				cfg.defaultModelAt = configPos{v.Line, v.Column, tokenEnd(v.Column, v)}
			}
		case "helper_model":
			if s, ok := p.str(v, key); ok {
				cfg.HelperModel = s
				cfg.helperModelAt = configPos{v.Line, v.Column, tokenEnd(v.Column, v)}
			}
		case "default_max_tokens":
			if n, ok := p.integer(v, key, 1); ok {
				if n > math.MaxInt32 {
					p.errorf(v, "default_max_tokens is too large")
					return
				}
				cfg.DefaultMaxTokens = int(n)
				cfg.defaultMaxTokAt = configPos{v.Line, v.Column, tokenEnd(v.Column, v)}
			}
		case "models":
			if cfgIsNull(v) {
				return
			}
			if v.Kind != yaml.SequenceNode {
				p.errorf(v, "models must be a list of model entries (- id: ...)")
				return
			}
			for _, e := range v.Content {
				p.model(cfgResolve(e), cfg)
			}
		case "budget":
			if cfgIsNull(v) {
				return
			}
			b := &MonthlyBudget{}
			before := len(p.errs)
			defer func() {
				if len(p.errs) > before {
					b.Invalid = &p.errs[before]
				}
			}()
			p.pairs(v, "budget", budgetKeys, func(key string, _, v *yaml.Node) {
				u, ok := p.usd(v, key)
				if ok && u < 0 {
					p.errorf(v, "%s must not be negative", key)
					ok = false
				}
				if ok && key == "monthly_usd" && u == 0 {
					p.errorf(v, "monthly_usd of 0 refuses every run: give a positive amount, or remove the budget")
					ok = false
				}
				if ok {
					if key == "monthly_usd" {
						b.MonthlyUSD = u
					} else {
						b.ConfirmAboveUSD = u
					}
				}
			})
			cfg.Budget = b
		}
	})
}

func (p *configParser) model(n *yaml.Node, cfg *Config) {
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "a model entry must be a mapping (id, context_window, pricing, ...)")
		return
	}
	var m Model
	keys := make(map[string]bool)
	sawID := false // a bad id was reported already
	p.pairs(n, "a model entry", modelFields, func(key string, _, v *yaml.Node) {
		ok := true
		switch key {
		case "id":
			sawID = true
			m.ID, ok = p.str(v, key)
			if ok && strings.TrimSpace(m.ID) == "" {
				p.errorf(v, "id must not be empty")
				ok = false
			}
		case "display_name":
			m.DisplayName, ok = p.str(v, key)
		case "source":
			m.Source, ok = p.str(v, key)
		case "aliases":
			m.Aliases, ok = p.strList(v, key, nil)
		case "dated_ids":
			m.DatedIDs, ok = p.strList(v, key, nil)
		case "thinking":
			m.Thinking, ok = p.strList(v, key, knownThinkingTypes)
		case "context_window", "max_output":
			var i int64
			if i, ok = p.integer(v, key, 1); ok {
				if i > math.MaxInt32 {
					p.errorf(v, "%s is too large", key)
					return
				}
				if key == "context_window" {
					m.ContextWindow = int(i)
				} else {
					m.MaxOutput = int(i)
				}
			}
		case "prefill":
			m.Prefill, ok = p.boolean(v, key)
		case "rejects_disabled_thinking":
			m.RejectsDisabledThinking, ok = p.boolean(v, key)
		case "tokenizer":
			if m.Tokenizer, ok = p.str(v, key); ok && !slices.Contains(knownTokenizers, m.Tokenizer) {
				p.errorf(v, "unknown tokenizer %q%s (known: %s)", m.Tokenizer, suggestSuffix(m.Tokenizer, knownTokenizers), strings.Join(knownTokenizers, ", "))
				ok = false
			}
		case "token_factor":
			if m.TokenFactor, ok = p.float(v, key); ok && (m.TokenFactor <= 0 || m.TokenFactor > 10) {
				p.errorf(v, "token_factor must be above 0 and at most 10")
				ok = false
			}
		case "pricing":
			p.pricing(v, &m.Pricing, keys)
			return
		case "cache_min_tokens":
			var i int64
			if i, ok = p.integer(v, key, 0); ok {
				m.CacheMinTokens = int(min(i, math.MaxInt32))
			}
		case "effort":
			m.Effort, ok = p.strList(v, key, EffortLevels)
		case "refuses_tool_choice":
			m.RefusesToolChoice, ok = p.strList(v, key, toolChoiceTypes)
		case "structured_outputs":
			m.StructuredOutputs, ok = p.boolean(v, key)
		case "successor":
			m.Successor, ok = p.str(v, key)
		case "deprecated_on", "retires_on":
			var d string
			if d, ok = p.date(v, key); ok {
				if key == "retires_on" {
					m.RetiresOn = d
				} else {
					m.DeprecatedOn = d
				}
			}
		}
		if ok {
			keys[key] = true
		}
	})
	if m.ID == "" {
		if !sawID {
			p.errorf(n, "a model entry needs an id")
		}
		return
	}
	cfg.Models = append(cfg.Models, m)
	cfg.modelKeys = append(cfg.modelKeys, keys)
	cfg.modelAt = append(cfg.modelAt, configPos{n.Line, n.Column, 0})
}

func (p *configParser) pricing(n *yaml.Node, pr *Pricing, keys map[string]bool) {
	p.pairs(n, "pricing", pricingFields, func(key string, _, v *yaml.Node) {
		ok := true
		switch key {
		case "input_per_mtok":
			pr.InputPerMTok, ok = p.usd(v, key)
		case "output_per_mtok":
			pr.OutputPerMTok, ok = p.usd(v, key)
		case "cache_write_5m":
			pr.CacheWrite5m, ok = p.multiplier(v, key)
		case "cache_write_1h":
			pr.CacheWrite1h, ok = p.multiplier(v, key)
		case "cache_read":
			pr.CacheRead, ok = p.multiplier(v, key)
		case "batch":
			pr.Batch, ok = p.multiplier(v, key)
		case "long_context":
			if cfgIsNull(v) { // `long_context: null` removes an inherited tier
				pr.LongContext = nil
				break
			}
			lc := &LongContextPricing{}
			p.pairs(v, "long_context", longContextFields, func(key string, _, v *yaml.Node) {
				ok := true
				switch key {
				case "threshold_tokens":
					lc.ThresholdTokens, ok = p.integer(v, key, 1)
				case "input_per_mtok":
					lc.InputPerMTok, ok = p.usd(v, key)
				case "output_per_mtok":
					lc.OutputPerMTok, ok = p.usd(v, key)
				}
				if ok {
					keys["pricing.long_context."+key] = true
				}
			})
			pr.LongContext = lc
		}
		if ok {
			keys["pricing."+key] = true
		}
	})
}

func suggestSuffix(s string, known []string) string {
	if n, ok := Nearest(s, known); ok {
		return fmt.Sprintf(" (did you mean %q?)", n)
	}
	return ""
}

func (p *configParser) scalar(v *yaml.Node, key, want string) bool {
	if v.Kind != yaml.ScalarNode || cfgIsNull(v) {
		p.errorf(v, "%s must be %s", key, want)
		return false
	}
	return true
}

func (p *configParser) str(v *yaml.Node, key string) (string, bool) {
	if !p.scalar(v, key, "a string") {
		return "", false
	}
	if v.Tag != "!!str" {
		p.errorf(v, "%s must be a string; quote it: \"%s\"", key, v.Value)
		return "", false
	}
	return v.Value, true
}

func (p *configParser) strList(v *yaml.Node, key string, known []string) ([]string, bool) {
	if v.Kind != yaml.SequenceNode {
		p.errorf(v, "%s must be a list of strings", key)
		return nil, false
	}
	out := []string{} // an empty list is a value: `thinking: []` clears it
	ok := true
	for _, e := range v.Content {
		e = cfgResolve(e)
		s, good := p.str(e, key+" entry")
		if good && known != nil && !slices.Contains(known, s) {
			p.errorf(e, "unknown %s value %q%s (known: %s)", key, s, suggestSuffix(s, known), strings.Join(known, ", "))
			good = false
		}
		if !good {
			ok = false
			continue
		}
		out = append(out, s)
	}
	return out, ok
}

func (p *configParser) integer(v *yaml.Node, key string, minimum int64) (int64, bool) {
	if !p.scalar(v, key, "a whole number") {
		return 0, false
	}
	if v.Tag != "!!int" {
		p.errorf(v, "%s must be a whole number, not %q", key, v.Value)
		return 0, false
	}
	n, err := strconv.ParseInt(strings.ReplaceAll(v.Value, "_", ""), 0, 64)
	if err != nil {
		p.errorf(v, "%s: %q is not a usable whole number", key, v.Value)
		return 0, false
	}
	if n < minimum {
		p.errorf(v, "%s must be at least %d", key, minimum)
		return 0, false
	}
	return n, true
}

func (p *configParser) float(v *yaml.Node, key string) (float64, bool) {
	if !p.scalar(v, key, "a number") {
		return 0, false
	}
	if v.Tag != "!!float" && v.Tag != "!!int" {
		p.errorf(v, "%s must be a number, not %q", key, v.Value)
		return 0, false
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(v.Value, "_", ""), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		p.errorf(v, "%s: %q is not a usable number", key, v.Value)
		return 0, false
	}
	return f, true
}

// date reads a YYYY-MM-DD date; YAML reads it as a timestamp or a string.
func (p *configParser) date(v *yaml.Node, key string) (string, bool) {
	if !p.scalar(v, key, "a date (YYYY-MM-DD)") {
		return "", false
	}
	if !validDate(v.Value) {
		p.errorf(v, "%s must be a date written YYYY-MM-DD, not %q", key, v.Value)
		return "", false
	}
	return v.Value, true
}

func (p *configParser) boolean(v *yaml.Node, key string) (bool, bool) {
	if !p.scalar(v, key, "true or false") {
		return false, false
	}
	b, err := strconv.ParseBool(v.Value)
	if v.Tag != "!!bool" || err != nil {
		p.errorf(v, "%s must be true or false, not %q", key, v.Value)
		return false, false
	}
	return b, true
}

// usd reads a price written as a string ("0.30") or a number (0.30). Both
// are read from the source text, so no float rounding happens.
func (p *configParser) usd(v *yaml.Node, key string) (USD, bool) {
	if !p.scalar(v, key, `a dollar amount such as "3" or "0.30"`) {
		return 0, false
	}
	u, err := ParseUSD(v.Value)
	if err != nil {
		p.errorf(v, "%s: %v", key, err)
		return 0, false
	}
	return u, true
}

func (p *configParser) multiplier(v *yaml.Node, key string) (Multiplier, bool) {
	if !p.scalar(v, key, "a number such as 1.25") {
		return 0, false
	}
	m, err := ParseMultiplier(v.Value)
	if err != nil {
		p.errorf(v, "%s: %v", key, err)
		return 0, false
	}
	return m, true
}

// Catalog is base with the config's models added or merged in (base nil
// means DefaultCatalog). An entry whose id names a known model changes only
// the keys it writes; `long_context: null` removes a price tier; a zero
// multiplier means the default.
func (c *Config) Catalog(base *Catalog) *Catalog {
	if base == nil {
		base = DefaultCatalog()
	}
	if len(c.Models) == 0 {
		return base
	}
	has := make([]func(string) bool, len(c.Models))
	for i := range c.Models {
		if i < len(c.modelKeys) && c.modelKeys[i] != nil {
			keys := c.modelKeys[i]
			has[i] = func(k string) bool { return keys[k] }
		} else { // a Config built in code: set fields are the non-zero ones
			has[i] = nonZeroFields(&c.Models[i])
		}
	}
	return base.with(c.Models, has)
}

// Check reports what only the catalog can tell: a new model missing the
// fields it needs, a default or helper model that is not known or is
// retired, a default max_tokens above the default model's output limit.
func (c *Config) Check(base *Catalog) []ConfigError {
	if base == nil {
		base = DefaultCatalog()
	}
	var errs []ConfigError
	at := func(p configPos, format string, args ...any) {
		errs = append(errs, ConfigError{Line: max(p.line, 1), Col: max(p.col, 1), EndCol: p.end, Msg: fmt.Sprintf(format, args...)})
	}
	for i := range c.Models {
		m := &c.Models[i]
		if _, known := base.Lookup(m.ID); known {
			continue
		}
		var pos configPos
		if i < len(c.modelAt) {
			pos = c.modelAt[i]
		}
		var missing []string
		if m.ContextWindow <= 0 {
			missing = append(missing, "context_window")
		}
		if m.MaxOutput <= 0 {
			missing = append(missing, "max_output")
		}
		if m.Pricing.InputPerMTok == 0 && (i >= len(c.modelKeys) || !c.modelKeys[i]["pricing.input_per_mtok"]) {
			missing = append(missing, "pricing.input_per_mtok")
		}
		if m.Pricing.OutputPerMTok == 0 && (i >= len(c.modelKeys) || !c.modelKeys[i]["pricing.output_per_mtok"]) {
			missing = append(missing, "pricing.output_per_mtok")
		}
		if len(missing) > 0 {
			at(pos, "new model %q needs %s", m.ID, strings.Join(missing, ", "))
		}
	}
	cat := c.Catalog(base)
	for _, use := range []struct {
		id  string
		pos configPos
	}{{c.DefaultModel, c.defaultModelAt}, {c.HelperModel, c.helperModelAt}} {
		if use.id == "" {
			continue
		}
		m, ok := cat.Lookup(use.id)
		switch {
		case !ok:
			at(use.pos, "unknown model %q%s", use.id, suggestSuffix(use.id, cat.IDs()))
		case m.LifecycleOn(time.Now()) == Retired:
			at(use.pos, "%s", m.retiredText())
		}
	}
	if m, ok := cat.Lookup(c.DefaultModel); ok && c.DefaultMaxTokens > m.MaxOutput {
		at(c.defaultMaxTokAt, "default_max_tokens %d is above %s's output limit of %d", c.DefaultMaxTokens, m.ID, m.MaxOutput)
	}
	return errs
}

// CheckConfig reads a config and reports every problem, in file order: what
// ParseConfig finds and what Check finds against base (nil: the built-in
// catalog). `check` and the editor show these on the config file itself.
func CheckConfig(src []byte, base *Catalog) (*Config, []ConfigError) {
	cfg, errs := ParseConfig(src)
	if cfg != nil {
		errs = append(errs, cfg.Check(base)...)
	}
	slices.SortStableFunc(errs, func(a, b ConfigError) int {
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return a.Col - b.Col
	})
	return cfg, errs
}
