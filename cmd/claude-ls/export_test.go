package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/claude-ls/claude-ls/internal/fakeapi"
)

func TestExportWritesAProgramThatSendsTheRenderedRequest(t *testing.T) {
	dir := newWorkspace(t, map[string]string{"a.prompt": goodPrompt, "notes/extra.md": "Keep it short.\n"})
	topic := `the "moon" & $(tides) \ 🌊`
	out, errOut, code := runCLI(t, dir, "export", "--lang", "curl", "--test", "volcanoes", "--var", "topic="+topic, "-o", "ask.sh", "a.prompt")
	if code != 0 || out != "" {
		t.Fatalf("exit %d, stdout %q: %s", code, out, errOut)
	}
	fi, err := os.Stat(filepath.Join(dir, "ask.sh"))
	if err != nil || fi.Mode().Perm()&0o100 == 0 {
		t.Fatalf("ask.sh: %v %v", fi, err)
	}
	for _, tool := range []string{"sh", "curl", "awk"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is missing", tool)
			}
			t.Skipf("%s is missing", tool)
		}
	}
	api := fakeapi.New()
	defer api.Close()
	cmd := exec.Command("sh", "ask.sh")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), apiEnv(api)...)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	rendered, _, _ := runCLI(t, dir, "render", "--test", "volcanoes", "--var", "topic="+topic, "a.prompt")
	var sent, want map[string]any
	json.Unmarshal(api.Last("/v1/messages").Body, &sent)
	json.Unmarshal([]byte(rendered), &want)
	a, _ := json.Marshal(sent)
	b, _ := json.Marshal(want)
	if string(a) != string(b) {
		t.Errorf("sent %s\nwant %s", a, b)
	}
	if got := api.Last("/v1/messages").Header.Get("anthropic-version"); got != "2026-10-21" {
		t.Errorf("anthropic-version %q", got)
	}
	noKeyAnywhere(t, dir)
}

func TestExportPrintsTheProgram(t *testing.T) {
	dir := newWorkspace(t, map[string]string{"a.prompt": goodPrompt, "notes/extra.md": "Keep it short.\n"})
	out, errOut, code := runCLI(t, dir, "export", "--lang", "python", "--test", "volcanoes", "a.prompt")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"import anthropic",
		"def ask_claude(client: anthropic.Anthropic, topic: str) -> str:",
		`f"Explain {topic} to a ten-year-old.\n"`,
		`print(ask_claude(client, "volcanoes"))`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("want %s in\n%s", want, out)
		}
	}
}

func TestExportRefusals(t *testing.T) {
	dir := newWorkspace(t, map[string]string{
		"a.prompt":       goodPrompt,
		"notes/extra.md": "Keep it short.\n",
		"bad.prompt":     "---\nmodel: claude-sonnet-4-6\nmax_tokens: 100\ntemperature: 0.5\n---\nhi\n",
	})
	key := "sk-ant-api03-SECRETsecretSECRETsecret0123"
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"a.prompt"}, exitUsage, "claude-ls export: --lang is required: use one of go, python, ts, js, curl"},
		{[]string{"--lang", "cobol", "a.prompt"}, exitUsage, `unknown --lang "cobol"`},
		{[]string{"--lang", "go", "missing.prompt"}, exitUsage, "missing.prompt"},
		{[]string{"--lang", "go", "bad.prompt"}, exitProblems, "sampling-removed"},
		{[]string{"--lang", "ts", "--var", "topic=" + key, "a.prompt"}, exitProblems, "looks like an Anthropic API key"},
		{[]string{"--lang", "js", "-o", "no/such/dir/x.mjs", "a.prompt"}, exitUsage, "no/such/dir"},
	} {
		out, errOut, code := runCLI(t, dir, append([]string{"export"}, tc.args...)...)
		if code != tc.code || !strings.Contains(errOut, tc.want) || out != "" {
			t.Errorf("export %v: exit %d (want %d), stdout %q, stderr %s", tc.args, code, tc.code, out, errOut)
		}
		if strings.Contains(errOut, key) {
			t.Errorf("export %v: the key is echoed: %s", tc.args, errOut)
		}
	}
}
