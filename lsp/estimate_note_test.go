package lsp

import (
	"strings"
	"testing"
)

const toolPromptOn = `---
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
---
user:
What's the weather like in San Francisco?
`

// TestHoverModelSaysWhenTheEstimateBorrowsAFigure: on a model the tool-use
// docs give no system-prompt figure for, the model hover says whose it
// uses; on a model they do, it says nothing of the kind.
func TestHoverModelSaysWhenTheEstimateBorrowsAFigure(t *testing.T) {
	for model, want := range map[string]bool{"claude-opus-5-5": true, "claude-opus-5": false} {
		c := newTestClient(t, map[string]string{"a.prompt": strings.Replace(toolPromptOn, "MODEL", model, 1)})
		openSettled(c, "a.prompt")
		md, _ := hoverAtMarker(t, c, "a.prompt", model)
		got := strings.Contains(md, "no system-prompt figure for "+model+": the estimate uses claude-opus-5's (286 tokens")
		if got != want {
			t.Errorf("%s: note shown = %v, want %v in\n%s", model, got, want, md)
		}
		if !strings.Contains(md, "**This prompt**") {
			t.Errorf("%s: no estimate in the hover:\n%s", model, md)
		}
	}
}
