package workbench

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/claude-ls/claude-ls/promptfile"
)

// TestCalibrationScalesTheEstimate: a real count recorded for a request
// (as an exact count or a run does) makes the workspace's estimate of that
// request, on that model, land within 3 % of it, tools and framing
// included, and leaves other models alone.
func TestCalibrationScalesTheEstimate(t *testing.T) {
	root := t.TempDir()
	path := filepath.Join(root, "weather.prompt")
	src := "---\nmodel: claude-sonnet-4-6\nmax_tokens: 200\ntools:\n  - name: get_weather\n    description: Get the current weather in a given location\n    input_schema: {type: object, properties: {location: {type: string}}, required: [location]}\n---\nuser:\n" +
		"What's the weather like in San Francisco, and should I take an umbrella to the harbour this afternoon?\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	counter := promptfile.NewCounters()
	open := func() (*Workspace, *promptfile.Result) {
		w, err := Open(root, counter)
		if err != nil {
			t.Fatal(err)
		}
		res, err := w.AnalyzeFile(path, promptfile.Options{})
		if err != nil {
			t.Fatal(err)
		}
		return w, res
	}
	_, before := open()
	real := int64(float64(before.Tokens.Input) * 1.17) // the API counts 17 % more than estimated
	if err := Calibrate(root, before.ModelID, real, int64(before.Tokens.Raw)); err != nil {
		t.Fatal(err)
	}
	w, after := open()
	if d := float64(after.Tokens.Input-int(real)) / float64(real); d < -0.03 || d > 0.03 {
		t.Errorf("calibrated estimate %d, real %d (%+.1f %%); uncalibrated was %d", after.Tokens.Input, real, 100*d, before.Tokens.Input)
	}
	if after.Model.CalibratedFrom != 1 {
		t.Errorf("calibrated from %d counts, want 1", after.Model.CalibratedFrom)
	}
	other, _ := w.Catalog.Lookup("claude-opus-4-7")
	if def, _ := promptfile.DefaultCatalog().Lookup("claude-opus-4-7"); other.TokenFactor != def.TokenFactor {
		t.Errorf("claude-opus-4-7's factor moved: %v, catalog %v", other.TokenFactor, def.TokenFactor)
	}
}
