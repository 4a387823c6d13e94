package main

import (
	"strings"
	"testing"
)

// TestCheckReportsConfigProblemsWithPositions: `check` shows the workspace
// config's problems on the config file itself, as PATH:LINE:COL, and exits 1.
func TestCheckReportsConfigProblemsWithPositions(t *testing.T) {
	dir := newWorkspace(t, map[string]string{
		".claude-ls.yaml": "default_model: claude-sonet-4-6\n" +
			"default_max_tokens: 1024\n" +
			"models:\n" +
			"  - id: my-model\n" +
			"    context_window: 100000\n" +
			"budget:\n" +
			"  monthly_usd: 0\n",
		"a.prompt": "---\nmax_tokens: 100\n---\nuser:\nhi\n",
	})
	out, _, code := runCLI(t, dir, "check", ".")
	if code != 1 {
		t.Errorf("exit %d, want 1\n%s", code, out)
	}
	for _, want := range []string{
		`.claude-ls.yaml:1:16: error: unknown model "claude-sonet-4-6" (did you mean "claude-sonnet-4-6"?) [config]`,
		`.claude-ls.yaml:4:5: error: new model "my-model" needs max_output, pricing.input_per_mtok, pricing.output_per_mtok [config]`,
		`.claude-ls.yaml:7:16: error: monthly_usd of 0 refuses every run: give a positive amount, or remove the budget [config]`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("check output lacks %q:\n%s", want, out)
		}
	}

	// A default max_tokens above the default model's limit.
	dir = newWorkspace(t, map[string]string{
		".claude-ls.yaml": "default_model: claude-haiku-4-5\ndefault_max_tokens: 100000\n",
		"a.prompt":        "user:\nhi\n",
	})
	out, _, _ = runCLI(t, dir, "check", "--format", "json", ".")
	for _, want := range []string{`"file": ".claude-ls.yaml"`, `"line": 2`, `"column": 21`, `"end_column": 27`, "above claude-haiku-4-5's output limit of 64000"} {
		if !strings.Contains(out, want) {
			t.Errorf("json output lacks %q:\n%s", want, out)
		}
	}
}

// TestCheckRefusesARetiredOrUnknownConfigModel: default_model and
// helper_model are checked as a prompt's model is, on the config itself.
func TestCheckRefusesARetiredOrUnknownConfigModel(t *testing.T) {
	dir := newWorkspace(t, map[string]string{
		".claude-ls.yaml": "default_model: claude-sonnet-4-5\nhelper_model: claude-opsu-4-7\n",
		"a.prompt":        "---\nmodel: claude-sonnet-4-6\nmax_tokens: 100\n---\nuser:\nhi\n",
	})
	out, _, code := runCLI(t, dir, "check", ".")
	if code != 1 {
		t.Errorf("exit %d, want 1\n%s", code, out)
	}
	for _, want := range []string{
		".claude-ls.yaml:1:16: error: claude-sonnet-4-5 was retired on 30 November 2026: the API answers 404; use `claude-sonnet-5-5` instead [config]",
		`.claude-ls.yaml:2:15: error: unknown model "claude-opsu-4-7" (did you mean "claude-opus-4-7"?)`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("check output lacks %q:\n%s", want, out)
		}
	}
}
