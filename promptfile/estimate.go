package promptfile

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"

	"github.com/claude-ls/claude-ls/promptfile/tokencount"
)

// KindCounter is a TokenCounter that also splits counts by kind of text
// (Counters does); with a counter that does not, every token counts at the
// generation's typical factor.
type KindCounter interface {
	CountKinds(encoding string, texts []string) []tokencount.Kinds
}

// genOf is the tokenizer generation model m counts with.
func genOf(m *Model) *tokenizerGen {
	if m != nil && olderTokenizer[m.ID] {
		return genBefore47
	}
	return gen47
}

// scaleOf is what multiplies the uncalibrated estimate on m: its
// token_factor (catalog, config or calibrated) over its generation's typical
// factor, so that the catalog's own factor leaves the estimate as it is.
func scaleOf(m *Model, g *tokenizerGen) float64 {
	if m == nil || m.TokenFactor <= 0 {
		return 1
	}
	return m.TokenFactor / g.typical
}

// toolPromptOf is the tool-use system prompt of m for tool_choice choice,
// and a note when the figure is another model's.
func toolPromptOf(m *Model, choice string) (int, string) {
	id, note := "", ""
	if m != nil {
		id = m.ID
	}
	tp, ok := toolPrompts[id]
	if !ok {
		near := nearestToolPrompt[id]
		if near == "" {
			near = "claude-opus-5"
			if olderTokenizer[id] {
				near = "claude-opus-4-6"
			}
		}
		tp = toolPrompts[near]
		name := id
		if name == "" {
			name = "this model"
		}
		note = "The tool-use docs give no system-prompt figure for " + name + ": the estimate uses " + near + "'s (" +
			GroupDigits(tp.auto) + " tokens, " + GroupDigits(tp.forced) + " with tool_choice any/tool), the nearest family's."
	}
	if choice == "any" || choice == "tool" {
		return tp.forced, note
	}
	return tp.auto, note
}

// EstimateNote says where the estimate of r rests on a figure borrowed from
// another model (today: the tool-use system prompt); "" when it does not.
func EstimateNote(r *Result) string {
	if r == nil || r.Request == nil || len(toolList(r.Request)) == 0 {
		return ""
	}
	_, note := toolPromptOf(r.Model, toolChoice(r.Request))
	return note
}

// toolList is the request's tools array, nil without tools.
func toolList(req *Request) []json.RawMessage {
	var tools []json.RawMessage
	if raw := req.Param("tools"); raw != nil {
		json.Unmarshal(raw, &tools)
	}
	return tools
}

func toolChoice(req *Request) string {
	var tc struct {
		Type string `json:"type"`
	}
	if raw := req.Param("tool_choice"); raw != nil {
		json.Unmarshal(raw, &tc)
	}
	return tc.Type
}

// toolTexts is what the API reads of each tool: the name, description and
// input_schema of a custom tool as compact JSON (cache_control and the
// like are not shown to the model); fixed is the prompt of the
// Anthropic-defined tools (bash, text editor) it knows by type.
func toolTexts(tools []json.RawMessage) (texts []string, fixed int) {
	for _, raw := range tools {
		var t struct {
			Type        string          `json:"type"`
			Name        json.RawMessage `json:"name"`
			Description json.RawMessage `json:"description"`
			InputSchema json.RawMessage `json:"input_schema"`
		}
		if json.Unmarshal(raw, &t) != nil {
			texts = append(texts, string(raw))
			continue
		}
		if t.Type != "" && t.Type != "custom" && t.InputSchema == nil {
			if n, ok := toolTypeTokens[strings.TrimRight(strings.TrimRight(t.Type, "0123456789"), "_")]; ok {
				fixed += n
				continue
			}
			texts = append(texts, compactJSON(raw))
			continue
		}
		var b strings.Builder
		b.WriteByte('{')
		sep := ""
		for _, f := range []struct {
			key string
			val json.RawMessage
		}{{"name", t.Name}, {"description", t.Description}, {"input_schema", t.InputSchema}} {
			if f.val != nil {
				b.WriteString(sep + `"` + f.key + `":` + compactJSON(f.val))
				sep = ","
			}
		}
		b.WriteByte('}')
		texts = append(texts, b.String())
	}
	return texts, fixed
}

func compactJSON(raw json.RawMessage) string {
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return string(raw)
	}
	return b.String()
}

// countTexts counts texts by kind with counter; without kinds, every token
// is put in KindIdent and weighed at the typical factor by weigh.
func countTexts(counter TokenCounter, enc string, texts []string) ([]tokencount.Kinds, bool) {
	if kc, ok := counter.(KindCounter); ok {
		return kc.CountKinds(enc, texts), true
	}
	counts := counter.Count(enc, texts)
	out := make([]tokencount.Kinds, len(texts))
	for i, n := range counts {
		out[i][tokencount.KindIdent] = int32(n)
	}
	return out, false
}

// weigh is the uncalibrated Claude estimate of text counted as k.
func (g *tokenizerGen) weigh(k *tokencount.Kinds, byKind bool) float64 {
	if !byKind {
		return float64(k.Total()) * g.typical
	}
	f := 0.0
	for i, n := range k {
		f += float64(n) * g.kinds[i]
	}
	return f
}

// requestEstimate is the estimate of one rendering on one model, before
// rounding: texts[i] are the blocks then the includes, uncalibrated.
type requestEstimate struct {
	gen      *tokenizerGen
	scale    float64
	texts    []float64 // uncalibrated Claude tokens of each counted text
	tools    float64   // tool definitions, their prompt and framing
	overhead float64   // request, message, system and thinking framing
}

func (e *requestEstimate) tokens(f float64) int { return int(math.Round(f * e.scale)) }

// estimateRendering counts r's blocks, includes and tools for model m.
// A block's images and documents count with it (blockMediaTokens).
func estimateRendering(r *Result, m *Model, count textCounter) *requestEstimate {
	g := genOf(m)
	enc, _ := encodingOf(m)
	texts := make([]string, 0, len(r.Blocks)+len(r.Includes)+1)
	for _, rb := range r.Blocks {
		texts = append(texts, rb.Text)
	}
	for _, inc := range r.Includes {
		texts = append(texts, inc.Text)
	}
	var tools []json.RawMessage
	if r.Request != nil {
		tools = toolList(r.Request)
	}
	toolJSON, toolFixed := toolTexts(tools)
	nt := len(texts)
	texts = append(texts, toolJSON...)
	counts, byKind := count(enc, texts)
	e := &requestEstimate{gen: g, scale: scaleOf(m, g), texts: make([]float64, nt)}
	for i := range nt {
		e.texts[i] = g.weigh(&counts[i], byKind)
		if i < len(r.Blocks) {
			e.texts[i] += blockMediaTokens(r.Blocks[i], m) // medialimits.go: its images and documents
		}
	}
	if len(tools) > 0 {
		prompt, _ := toolPromptOf(m, toolChoice(r.Request))
		e.tools = float64(prompt+toolFixed) + float64(len(tools))*g.tool
		for i := nt; i < len(texts); i++ {
			e.tools += g.weigh(&counts[i], byKind)
		}
	}
	if r.Request != nil {
		e.overhead = g.request + float64(max(len(r.Request.Messages)-1, 0))*g.message
		if len(r.Request.System) > 0 {
			e.overhead += g.system
		}
		if r.Thinking == "enabled" || r.Thinking == "adaptive" {
			e.overhead += g.thinking
		}
	}
	return e
}

// result rounds the estimate into Tokens, with blocks' and includes' own
// counts, the cached prefixes, and the uncalibrated total in Raw (what
// calibration compares real counts with, in the model's catalog units).
func (e *requestEstimate) result(r *Result, blockTokens func(i int, n int)) Tokens {
	nb := len(r.Blocks)
	t := tally(r.Blocks, e.tokens(e.overhead), func(i int) int {
		if i == nb {
			return e.tokens(e.tools)
		}
		return e.tokens(e.texts[i])
	})
	raw := e.overhead + e.tools
	for i := range nb {
		raw += e.texts[i]
		if blockTokens != nil {
			blockTokens(i, e.tokens(e.texts[i]))
		}
	}
	t.Raw = int(math.Round(raw / e.gen.typical))
	return t
}

// textCounter counts texts by kind for one encoding; false: the counter
// does not split by kind.
type textCounter func(enc string, texts []string) ([]tokencount.Kinds, bool)

func kindsOf(counter TokenCounter) textCounter {
	return func(enc string, texts []string) ([]tokencount.Kinds, bool) { return countTexts(counter, enc, texts) }
}

// memoKinds counts once per encoding: for one rendering on many models,
// whose texts are the same.
func memoKinds(counter TokenCounter) textCounter {
	type counted struct {
		kinds  []tokencount.Kinds
		byKind bool
	}
	memo := map[string]counted{}
	return func(enc string, texts []string) ([]tokencount.Kinds, bool) {
		c, ok := memo[enc]
		if !ok {
			c.kinds, c.byKind = countTexts(counter, enc, texts)
			memo[enc] = c
		}
		return c.kinds, c.byKind
	}
}
