package promptfile

import (
	"fmt"
	"slices"
	"strings"
)

// This file is the one registry of front matter keys: what each means, the
// values it takes, how it is checked and whether it is sent. Diagnostics,
// hover and completion all read it.

// SendKind says where a front matter key ends up.
type SendKind int

const (
	NotSent      SendKind = iota // a key of this format only
	SentInBody                   // a field of the request body
	SentAsHeader                 // an HTTP header
)

// KeyValue is one value a key takes, for completion.
type KeyValue struct {
	Value  string
	Detail string
}

// KeySpec is everything known about one front matter key.
type KeySpec struct {
	Name string
	Doc  string // markdown: what the key does
	Sent SendKind
	// Values are the values of a key with a fixed set, for completion.
	Values []KeyValue
	// DeprecatedFor names the key to write instead of this one.
	DeprecatedFor string
	// rangeText is the valid range of the key, for this rendering's model
	// where it matters (r may be nil or have no model).
	rangeText func(r *Result) string
	// valueFits says whether a value suits this rendering (nil: all do).
	valueFits func(r *Result, v string) bool
	// check validates the entry; false keeps it out of the request. Keys
	// without one are read by their own step of the analysis (model,
	// max_tokens, system, anthropic_version, vars, tests, output settings).
	check func(a *analysis, e *Entry) bool
}

// Range is the key's valid range, written for people.
func (k *KeySpec) Range(r *Result) string {
	if k.rangeText == nil {
		return ""
	}
	return k.rangeText(r)
}

// ValuesFor are the completion values that suit this rendering.
func (k *KeySpec) ValuesFor(r *Result) []KeyValue {
	var out []KeyValue
	for _, v := range k.Values {
		if k.valueFits == nil || r == nil || k.valueFits(r, v.Value) {
			out = append(out, v)
		}
	}
	return out
}

var serviceTiers = []KeyValue{{"auto", "priority capacity when available"}, {"standard_only", "standard capacity only"}}

const legacyOnly = "; only with `anthropic_version: " + VersionLegacy + "`"

func fixed(s string) func(*Result) string { return func(*Result) string { return s } }

func modelOf(r *Result) *Model {
	if r == nil {
		return nil
	}
	return r.Model
}

// frontKeys lists every key in documentation order. Keys sent in the body
// come in the order the request carries them.
var frontKeys = []*KeySpec{
	{Name: "model", Sent: SentInBody,
		Doc:       "The model that answers: an id, alias or dated id (e.g. `claude-sonnet-4-6`). Required unless the workspace config sets `default_model`.",
		rangeText: fixed("an id, alias or dated id of a known model, or one added under `models:` in `.claude-ls.yaml`")},
	{Name: "max_tokens", Sent: SentInBody,
		Doc: "The most tokens the reply may have: an integer from 1 to the model's output limit. Required by the API; when absent the configured `default_max_tokens` is used.",
		rangeText: func(r *Result) string {
			if m := modelOf(r); m != nil {
				return fmt.Sprintf("an integer from 1 to %s (`%s`'s output limit)", GroupDigits(m.MaxOutput), m.ID)
			}
			return "an integer >= 1, at most the model's output limit"
		}},
	{Name: "system", Sent: SentInBody,
		Doc:       "The system prompt as a string (variables and comments work). Use either this key or a `system:` block, not both.",
		rangeText: fixed("a string")},
	{Name: "temperature", Sent: SentInBody, check: checkUnitNumber,
		Doc:       "Randomness of the reply, 0 to 1. Only with `anthropic_version: 2023-06-01`: API version 2026-10-21 removed it.",
		rangeText: fixed("a number from 0 to 1" + legacyOnly)},
	{Name: "top_p", Sent: SentInBody, check: checkUnitNumber,
		Doc:       "Nucleus sampling, 0 to 1. Only with `anthropic_version: 2023-06-01`: API version 2026-10-21 removed it.",
		rangeText: fixed("a number from 0 to 1" + legacyOnly)},
	{Name: "top_k", Sent: SentInBody, check: checkTopK,
		Doc:       "Sample only from the top K options, an integer >= 0. Only with `anthropic_version: 2023-06-01`: API version 2026-10-21 removed it.",
		rangeText: fixed("an integer >= 0" + legacyOnly)},
	{Name: "stop_sequences", Sent: SentInBody, check: checkStopSequences,
		Doc:       "A list of strings; the reply stops when the model writes one of them.",
		rangeText: fixed("a list of strings")},
	{Name: "thinking", Sent: SentInBody, check: (*analysis).checkThinking,
		Doc:       "Extended thinking: `{type: enabled, budget_tokens: N}` with 1024 <= N < max_tokens, `{type: adaptive}` or `{type: disabled}`. Which types a model takes is in its model card.",
		rangeText: thinkingRange},
	{Name: "tools", Sent: SentInBody, check: (*analysis).checkTools,
		Doc:       "Tools the model may call: a list of `{name, description, input_schema}`, where input_schema is a JSON Schema object and name matches `^[a-zA-Z0-9_-]{1,64}$`; or server tools the API runs, by type: `{type: web_search_20260318, max_uses: 5}` ($10 per 1,000 searches besides tokens), `{type: web_fetch_20260318}`, `{type: code_execution_20260521}` ($0.05 per container hour).",
		rangeText: fixed("a list of `{name, description, input_schema}`; names unique, 1 to 64 letters, digits, `_` or `-`")},
	{Name: "tool_choice", Sent: SentInBody, check: (*analysis).checkToolChoice,
		Doc: "How the model uses tools: `{type: auto}`, `{type: any}`, `{type: tool, name: NAME}` or `{type: none}`. Needs `tools`.",
		rangeText: func(r *Result) string {
			v := "`{type: auto}`, `{type: any}`, `{type: tool, name: NAME}` or `{type: none}`, with `tools`"
			if m := modelOf(r); m != nil && len(m.RefusesToolChoice) > 0 {
				v += fmt.Sprintf("; `%s` refuses %s", m.ID, quoteList(m.RefusesToolChoice))
			}
			return v
		}},
	{Name: "metadata", Sent: SentInBody, check: checkMetadata,
		Doc:       "Request metadata: `{user_id: ID}`, an opaque id of the end user.",
		rangeText: fixed("`{user_id: ID}`")},
	{Name: "effort", Sent: SentInBody,
		Doc: "How much effort the model spends (sent as `output_config.effort`): `low`, `medium`, `high`, `xhigh` or `max`. Which levels a model takes is in the models data.",
		Values: []KeyValue{
			{"low", "fastest, fewest tokens"}, {"medium", "balanced"}, {"high", "thorough (the default of most models)"},
			{"xhigh", "above high (some models only)"}, {"max", "the most effort"},
		},
		valueFits: func(r *Result, v string) bool { return r.Model == nil || r.Model.TakesEffort(v) },
		rangeText: func(r *Result) string {
			v := quoteList(EffortLevels)
			if m := modelOf(r); m != nil {
				if len(m.Effort) == 0 {
					return v + "; `" + m.ID + "` takes no effort setting"
				}
				v += "; `" + m.ID + "` takes " + quoteList(m.Effort)
			}
			return v
		}},
	{Name: "format", Sent: SentInBody,
		Doc:       "Structured output (sent as `output_config.format`): a JSON Schema the reply follows, or `{type: json_schema, schema: ...}`; a bare schema is wrapped. Every object needs `additionalProperties: false`; no recursion, no numeric or length bounds, only internal `$ref`.",
		rangeText: formatRange},
	{Name: "output_config", Sent: SentInBody,
		Doc:       "The API's `output_config` object written out: `{effort: LEVEL, format: {type: json_schema, schema: ...}}`. Use it or the `effort` and `format` keys, not both.",
		rangeText: fixed("`{effort: LEVEL, format: {type: json_schema, schema: SCHEMA}}`")},
	{Name: "output_format", Sent: SentInBody, DeprecatedFor: "format",
		Doc:       "The deprecated name of `format`: write `format` instead.",
		rangeText: formatRange},
	{Name: "service_tier", Sent: SentInBody, check: checkServiceTier,
		Doc:       "`auto` or `standard_only`.",
		Values:    serviceTiers,
		rangeText: fixed("`auto` or `standard_only`")},
	{Name: "anthropic_version", Sent: SentAsHeader,
		Doc:       "The API version the request is written for, sent as the `anthropic-version` header: `2026-10-21` (default) or `2023-06-01` (legacy, keeps temperature, top_p and top_k).",
		Values:    []KeyValue{{VersionCurrent, "current API (the default)"}, {VersionLegacy, "legacy: keeps temperature, top_p and top_k"}},
		rangeText: fixed("`" + VersionCurrent + "` (default) or `" + VersionLegacy + "`")},
	{Name: "citations", check: checkCitations,
		Doc:       "`true` enables citations on every `{{document \"…\"}}` of the prompt (not sent as such: each document block carries `citations: {enabled: true}`). The API takes citations on all documents or none, and not with `format`.",
		rangeText: fixed("`true` or `false`")},
	{Name: "name", check: checkString,
		Doc:       "A name for this prompt (not sent).",
		rangeText: fixed("a string")},
	{Name: "description", check: checkString,
		Doc:       "What this prompt is for (not sent).",
		rangeText: fixed("a string")},
	{Name: "vars",
		Doc:       "Default values of variables: a map of name to value (not sent). `{{name}}` in the text takes its value from `--var`, the chosen test case, then here.",
		rangeText: fixed("a map of variable names (letters, digits, `_` and `-`) to text")},
	{Name: "tests",
		Doc:       "Test cases (not sent): a list of maps of variable values, each with an optional `name` and `expect: {contains, not_contains, regex, max_tokens_out}`; or `{file: cases.csv}` naming a CSV or JSONL file with one column or key per variable.",
		rangeText: fixed("a list of maps of variable values (with optional `name` and `expect`), or `{file: cases.csv}` (or `.jsonl`)")},
}

var keyIndex = func() map[string]*KeySpec {
	m := make(map[string]*KeySpec, len(frontKeys))
	for _, k := range frontKeys {
		m[k.Name] = k
	}
	return m
}()

// LookupKey finds a front matter key.
func LookupKey(name string) (*KeySpec, bool) {
	k, ok := keyIndex[name]
	return k, ok
}

// FrontKeys lists every front matter key in documentation order.
func FrontKeys() []*KeySpec { return slices.Clone(frontKeys) }

// keyNames are the names of the keys, for suggestions.
func keyNames() []string {
	names := make([]string, len(frontKeys))
	for i, k := range frontKeys {
		names[i] = k.Name
	}
	return names
}

func thinkingRange(r *Result) string {
	v := "`{type: enabled, budget_tokens: N}` with 1,024 <= N < max_tokens"
	if r != nil && r.MaxTokens > 1024 {
		v += " (here up to " + GroupDigits(r.MaxTokens-1) + ")"
	} else if r != nil && r.MaxTokens > 0 {
		v += " (max_tokens must be above 1,024 for it)"
	}
	v += ", `{type: adaptive}` or `{type: disabled}`"
	if m := modelOf(r); m != nil {
		modes := slices.Clone(m.Thinking)
		if m.AcceptsThinking("disabled") {
			modes = append(modes, "disabled")
		}
		v += "; `" + m.ID + "` takes " + quoteList(modes)
	}
	return v
}

func formatRange(r *Result) string {
	v := "a JSON Schema object (every object with `additionalProperties: false`; no recursion, numeric or length bounds, or external `$ref`), or `{type: json_schema, schema: SCHEMA}`"
	if m := modelOf(r); m != nil && !m.StructuredOutputs {
		v += "; `" + m.ID + "` takes no structured outputs"
	}
	return v
}

// unknownKeyMessage says an unknown key is not sent, naming the nearest one.
func unknownKeyMessage(key string) (string, string, bool) {
	msg := "unknown key `" + key + "`"
	if near, ok := Nearest(key, keyNames()); ok {
		return msg + ": did you mean `" + near + "`?", near, true
	}
	return msg + " (it is not sent; known keys: " + strings.Join(keyNames(), ", ") + ")", "", false
}
