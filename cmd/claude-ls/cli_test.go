package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/claude-ls/claude-ls/internal/fixtures"
)

// binary is claude-ls built once for the tests, which run it as a user does.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "claude-ls-cli")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "claude-ls")
	if runtime.GOOS == "windows" {
		binary += ".exe"
	}
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		os.Stderr.Write(out)
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// runCLI runs the binary in dir and returns stdout, stderr and the exit code.
func runCLI(t *testing.T, dir string, args ...string) (string, string, int) {
	t.Helper()
	return runCLIEnv(t, dir, nil, args...)
}

// runCLIEnv runs the binary with extra environment variables.
func runCLIEnv(t *testing.T, dir string, env []string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return stdout.String(), stderr.String(), code
}

// workspace writes files into a new folder that is its own git root.
func newWorkspace(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const goodPrompt = "---\n" + fixtures.TidesFrontMatter + `---
system: cache
You are a patient teacher. {{! not sent }}

user:
Explain {{topic}} to a ten-year-old.
{{file "notes/extra.md"}}
`

func TestRender(t *testing.T) {
	dir := newWorkspace(t, map[string]string{"a.prompt": goodPrompt, "notes/extra.md": "Keep it short.\n"})
	out, errOut, code := runCLI(t, dir, "render", "--test", "volcanoes", "a.prompt")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var body struct {
		Model     string `json:"model"`
		MaxTokens int    `json:"max_tokens"`
		System    []struct {
			Text         string         `json:"text"`
			CacheControl map[string]any `json:"cache_control"`
		} `json:"system"`
		Messages []struct {
			Role    string `json:"role"`
			Content string `json:"content"`
		} `json:"messages"`
	}
	if err := json.Unmarshal([]byte(out), &body); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if body.Model != "claude-sonnet-4-6" || body.MaxTokens != 1024 {
		t.Errorf("model/max_tokens = %q/%d", body.Model, body.MaxTokens)
	}
	if len(body.System) != 1 || body.System[0].Text != "You are a patient teacher." || body.System[0].CacheControl["type"] != "ephemeral" {
		t.Errorf("system = %+v", body.System)
	}
	if len(body.Messages) != 1 || body.Messages[0].Content != "Explain volcanoes to a ten-year-old.\nKeep it short." {
		t.Errorf("messages = %+v", body.Messages)
	}
	if strings.Contains(out, "anthropic_version") || strings.Contains(out, "anthropic-version") {
		t.Errorf("the API version must not be in the body:\n%s", out)
	}

	// --var wins over the test case.
	out, _, _ = runCLI(t, dir, "render", "--test", "volcanoes", "--var", "topic=glaciers", "a.prompt")
	if !strings.Contains(out, "Explain glaciers") {
		t.Errorf("--var did not win:\n%s", out)
	}
}

func TestRenderRefusesErrors(t *testing.T) {
	dir := newWorkspace(t, map[string]string{"a.prompt": "---\nmodel: claude-sonnet-4-6\nmax_tokens: 10\n---\nuser:\n{{missing}}\n"})
	out, errOut, code := runCLI(t, dir, "render", "a.prompt")
	if code != 1 || out != "" {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	if !strings.Contains(errOut, "a.prompt:6:3: error:") || !strings.Contains(errOut, "--var missing=VALUE") {
		t.Errorf("stderr:\n%s", errOut)
	}
}

func TestCheck(t *testing.T) {
	dir := newWorkspace(t, map[string]string{
		"good.prompt":    goodPrompt,
		"notes/extra.md": "x\n",
		// good.prompt's cached system prompt is far below the model's cache
		// minimum (a cache-minimum warning): let it cache any prefix here.
		".claude-ls.yaml":     "models:\n  - id: claude-sonnet-4-6\n    cache_min_tokens: 0\n",
		"bad/sampling.prompt": "---\nmodel: claude-sonnet-4-6\nmax_tokens: 10\ntemperature: 0.5\n---\nuser:\nhi\n",
		"bad/model.prompt":    "---\nmodel: claude-sonet-4-6\nmax_tokens: 10\n---\nuser:\nhi\n",
		".hidden/x.prompt":    "garbage {{",
		"ignored.txt":         "{{",
	})
	out, errOut, code := runCLI(t, dir, "check")
	if code != 1 {
		t.Fatalf("exit %d, want 1 (an error)\n%s%s", code, out, errOut)
	}
	want := []string{
		"bad/model.prompt:2:8: warning: unknown model `claude-sonet-4-6`: did you mean `claude-sonnet-4-6`?",
		"bad/sampling.prompt:4:1: error: `temperature` was removed in API version 2026-10-21",
	}
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	if strings.Contains(out, "good.prompt") || strings.Contains(out, ".hidden") {
		t.Errorf("unexpected files reported:\n%s", out)
	}
	if !strings.Contains(errOut, "3 files checked, 1 error") {
		t.Errorf("summary: %s", errOut)
	}

	// Only warnings: exit 0.
	_, _, code = runCLI(t, dir, "check", "bad/model.prompt", "good.prompt")
	if code != 0 {
		t.Errorf("warnings only: exit %d, want 0", code)
	}

	// JSON output.
	out, _, code = runCLI(t, dir, "check", "--format", "json", "bad")
	var problems []map[string]any
	if err := json.Unmarshal([]byte(out), &problems); err != nil || code != 1 || len(problems) != 2 {
		t.Fatalf("json: exit %d, %v\n%s", code, err, out)
	}
	if problems[1]["code"] != "sampling-removed" || problems[1]["line"] != 4.0 || problems[1]["severity"] != "error" {
		t.Errorf("problem = %v", problems[1])
	}

	// A missing path or a bad flag is a usage problem.
	if _, _, code := runCLI(t, dir, "check", "nope"); code != 2 {
		t.Errorf("missing path: exit %d, want 2", code)
	}
	if _, _, code := runCLI(t, dir, "check", "--format", "xml"); code != 2 {
		t.Errorf("bad format: exit %d, want 2", code)
	}
}

func TestCount(t *testing.T) {
	dir := newWorkspace(t, map[string]string{"a.prompt": goodPrompt, "notes/extra.md": strings.Repeat("More notes about the sea and the moon.\n", 50)})
	out, errOut, code := runCLI(t, dir, "count", "--json", "a.prompt")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var c struct {
		File        string `json:"file"`
		Model       string `json:"model"`
		Approximate bool   `json:"approximate"`
		InputTokens int    `json:"input_tokens"`
		Framing     int    `json:"framing_tokens"`
		Blocks      []struct {
			Role   string `json:"role"`
			Line   int    `json:"line"`
			Tokens int    `json:"tokens"`
		} `json:"blocks"`
		Cost map[string]json.Number `json:"cost"`
	}
	dec := json.NewDecoder(strings.NewReader(out))
	dec.UseNumber()
	if err := dec.Decode(&c); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if c.File != "a.prompt" || c.Model != "claude-sonnet-4-6" || !c.Approximate {
		t.Errorf("header = %+v", c)
	}
	if len(c.Blocks) != 2 || c.Blocks[0].Role != "system" || c.Blocks[0].Line != 10 || c.Blocks[1].Role != "user" || c.Blocks[1].Line != 13 {
		t.Fatalf("blocks = %+v", c.Blocks)
	}
	// 50 lines of ~9 words: the user block is in the hundreds, the system block tiny.
	if c.Blocks[1].Tokens < 300 || c.Blocks[1].Tokens > 1000 || c.Blocks[0].Tokens < 3 || c.Blocks[0].Tokens > 20 {
		t.Errorf("token counts implausible: %+v", c.Blocks)
	}
	if c.Framing <= 0 || c.InputTokens != c.Blocks[0].Tokens+c.Blocks[1].Tokens+c.Framing {
		t.Errorf("total %d != sum of blocks and framing (%d)", c.InputTokens, c.Framing)
	}
	for _, k := range []string{"input_usd", "output_max_usd", "cache_write_usd", "cache_read_usd", "batch_input_usd"} {
		if _, ok := c.Cost[k]; !ok {
			t.Errorf("cost lacks %s: %v", k, c.Cost)
		}
	}
	// Sonnet 4.6: $15/MTok output, 1,024 max tokens = $0.01536 exactly.
	if got := c.Cost["output_max_usd"].String(); got != "0.01536" {
		t.Errorf("output_max_usd = %s, want 0.01536", got)
	}

	out, _, code = runCLI(t, dir, "count", "a.prompt")
	if code != 0 || !strings.Contains(out, "a.prompt · claude-sonnet-4-6 · approximate") || !strings.Contains(out, "total") || !strings.Contains(out, "output: up to $0.0154") {
		t.Errorf("text output (exit %d):\n%s", code, out)
	}
}

func TestHelpAndVersion(t *testing.T) {
	out, _, code := runCLI(t, ".", "--help")
	if code != 0 || !strings.Contains(out, "claude-ls check") {
		t.Errorf("help: exit %d\n%s", code, out)
	}
	out, _, code = runCLI(t, ".", "version")
	if code != 0 || !strings.HasPrefix(out, "claude-ls ") {
		t.Errorf("version: exit %d %q", code, out)
	}
	_, errOut, code := runCLI(t, ".", "frobnicate")
	if code != 2 || !strings.Contains(errOut, `unknown command "frobnicate"`) {
		t.Errorf("unknown command: exit %d %q", code, errOut)
	}
	if _, _, code := runCLI(t, ".", "render"); code != 2 {
		t.Errorf("render without file: exit %d", code)
	}
}

func TestExamplesAreClean(t *testing.T) {
	out, errOut, code := runCLI(t, "../..", "check", "examples")
	if code != 0 || strings.Contains(out, "error") || strings.Contains(out, "warning") {
		t.Errorf("examples have problems (exit %d):\n%s%s", code, out, errOut)
	}
}

func TestCheckWarnsOnAnUnignoredEnv(t *testing.T) {
	dir := newWorkspace(t, map[string]string{
		"a.prompt": "---\nmodel: claude-sonnet-4-6\nmax_tokens: 10\n---\nuser:\nhi\n",
		".env":     "ANTHROPIC_API_KEY=sk-ant-api03-notarealkeynotarealkeynotarealkey00\n",
	})
	out, _, code := runCLI(t, dir, "check")
	if code != 0 || !strings.Contains(out, ".env:1:1: warning: .env holds a key (ANTHROPIC_API_KEY or ANTHROPIC_ADMIN_KEY) but git does not ignore it") || strings.Contains(out, "sk-ant") {
		t.Errorf("exit %d:\n%s", code, out)
	}
	os.WriteFile(filepath.Join(dir, ".gitignore"), []byte(".env\n"), 0o644)
	if out, _, _ := runCLI(t, dir, "check"); strings.Contains(out, ".env") {
		t.Errorf("ignored .env still reported:\n%s", out)
	}
}
