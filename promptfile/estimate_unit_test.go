package promptfile

import (
	"encoding/json"
	"strings"
	"testing"
)

func analyzeEstimate(t *testing.T, src string) *Result {
	t.Helper()
	return Analyze(Parse([]byte(src)), &Workspace{Counter: testCounters}, Options{})
}

const toolSrc = `---
model: MODEL
max_tokens: 1024
tools:
  - name: get_weather
    description: Get the current weather in a given location
    input_schema:
      type: object
      properties:
        location: {type: string}
      required: [location]
CHOICE---
user:
What's the weather like in San Francisco?
`

func toolSource(model, choice string) string {
	src := strings.Replace(toolSrc, "MODEL", model, 1)
	if choice != "" {
		choice = "tool_choice: {type: " + choice + "}\n"
	}
	return strings.Replace(src, "CHOICE", choice, 1)
}

// TestEstimateToolChoice: any and tool add the larger tool-use system
// prompt of the docs' table, auto and none the smaller one.
func TestEstimateToolChoice(t *testing.T) {
	auto := analyzeEstimate(t, toolSource("claude-sonnet-4-6", "")).Tokens
	for choice, extra := range map[string]int{"auto": 0, "none": 0, "any": 589 - 497} {
		got := analyzeEstimate(t, toolSource("claude-sonnet-4-6", choice)).Tokens
		if got.Tools-auto.Tools != extra {
			t.Errorf("tool_choice %s: tools %d, auto %d; want %+d", choice, got.Tools, auto.Tools, extra)
		}
	}
	if auto.Tools < 497 {
		t.Errorf("tools %d: the tool-use system prompt (497) is not counted", auto.Tools)
	}
}

// TestEstimateNote: a model without a row in the tool-use table borrows
// the nearest family's, and says so; a model with a row says nothing.
func TestEstimateNote(t *testing.T) {
	r := analyzeEstimate(t, toolSource("claude-opus-5-5", ""))
	if note := EstimateNote(r); !strings.Contains(note, "for claude-opus-5-5:") || !strings.Contains(note, "uses claude-opus-5's") {
		t.Errorf("note = %q", note)
	}
	if note := EstimateNote(analyzeEstimate(t, toolSource("claude-opus-5", ""))); note != "" {
		t.Errorf("claude-opus-5 has a row; note = %q", note)
	}
	if note := EstimateNote(analyzeEstimate(t, "---\nmodel: claude-opus-5-5\nmax_tokens: 10\n---\nuser:\nhi\n")); note != "" {
		t.Errorf("no tools; note = %q", note)
	}
}

// TestEstimateToolsAsTheAPIReadsThem: cache_control is not shown to the
// model; the Anthropic-defined bash tool adds its documented prompt.
func TestEstimateToolsAsTheAPIReadsThem(t *testing.T) {
	plain, fixed := toolTexts([]json.RawMessage{json.RawMessage(`{"name":"a","description":"d","input_schema":{"type":"object"},"cache_control":{"type":"ephemeral"}}`)})
	if len(plain) != 1 || plain[0] != `{"name":"a","description":"d","input_schema":{"type":"object"}}` || fixed != 0 {
		t.Errorf("custom tool read as %q, %d", plain, fixed)
	}
	texts, fixed := toolTexts([]json.RawMessage{json.RawMessage(`{"type":"bash_20250124","name":"bash"}`), json.RawMessage(`{"type":"text_editor_20250728","name":"str_replace_based_edit_tool"}`)})
	if len(texts) != 0 || fixed != 245+700 {
		t.Errorf("bash and text editor: %q, %d; want 945 fixed tokens", texts, fixed)
	}
}

// TestEstimateByKind: the newer tokenizer costs more on English prose,
// about the same on Chinese.
func TestEstimateByKind(t *testing.T) {
	old, _ := DefaultCatalog().Lookup("claude-sonnet-4-6")
	newer, _ := DefaultCatalog().Lookup("claude-opus-4-7")
	english := strings.Repeat("The librarian remembered her later as polite but determined. ", 40)
	chinese := strings.Repeat("那天早上，港口小镇慢慢醒来。", 40)
	if r := float64(EstimateText(newer, testCounters, english)) / float64(EstimateText(old, testCounters, english)); r < 1.2 || r > 1.5 {
		t.Errorf("English: new ÷ old = %.2f", r)
	}
	if r := float64(EstimateText(newer, testCounters, chinese)) / float64(EstimateText(old, testCounters, chinese)); r < 0.97 || r > 1.03 {
		t.Errorf("Chinese: new ÷ old = %.2f", r)
	}
}

// TestEstimateCalibrationScales: a calibrated token_factor scales the whole
// estimate, framing and tools included, and Raw × factor is the estimate.
func TestEstimateCalibrationScales(t *testing.T) {
	r := analyzeEstimate(t, toolSource("claude-opus-5", ""))
	m := *r.Model
	m.TokenFactor *= 1.1
	got := estimateRendering(r, &m, kindsOf(testCounters)).result(r, nil).Input
	if want := float64(r.Tokens.Input) * 1.1; float64(got) < want-2 || float64(got) > want+2 {
		t.Errorf("calibrated ×1.1: %d, want ≈ %.0f", got, want)
	}
	if est := float64(r.Tokens.Raw) * r.Model.TokenFactor; est < float64(r.Tokens.Input)-1 || est > float64(r.Tokens.Input)+1 {
		t.Errorf("Raw %d × %.2f = %.0f, estimate %d", r.Tokens.Raw, r.Model.TokenFactor, est, r.Tokens.Input)
	}
}

// countOnly is a TokenCounter without kinds: every token weighs the
// generation's typical factor.
type countOnly struct{ c *Counters }

func (c countOnly) Count(enc string, texts []string) []int { return c.c.Count(enc, texts) }

func TestEstimateWithoutKinds(t *testing.T) {
	m, _ := DefaultCatalog().Lookup("claude-sonnet-4-6")
	text := "Tell me about the tides."
	n := testCounters.Count("cl100k_base", []string{text})[0]
	if got, want := EstimateText(m, countOnly{testCounters}, text), int(float64(n)*m.TokenFactor+0.5); got != want {
		t.Errorf("without kinds: %d, want %d × %.2f = %d", got, n, m.TokenFactor, want)
	}
}
