package plugintest

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/claude-ls/claude-ls/internal/nvimtest"
)

// mediaPrompt holds the lines of spec section 9: images, documents, tool
// turns and their escapes.
const mediaPrompt = `---
model: claude-sonnet-4-6
max_tokens: 100
---
user:
{{image "shots/screen.png"}}
{{document "report.pdf" citations: true}}
See {{image "a.png"}} inline.
\tool_use: not a call

tool_use: get_tide id=toolu_01
{port: Brest}

tool_result: id=toolu_01 error
06:12
`

// TestSyntaxMediaAndToolTurns asks a real Neovim for the syntax group at
// marked places of mediaPrompt (syntax/prompt.vim, no language server).
func TestSyntaxMediaAndToolTurns(t *testing.T) {
	nvim := nvimtest.Find(t)
	plugin, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "m.prompt")
	os.WriteFile(file, []byte(mediaPrompt), 0o644)
	marks := []struct{ name, text, group string }{
		{"image keyword", "image \"shots", "promptMediaKeyword"},
		{"image path", "\"shots/screen.png\"", "promptIncludePath"},
		{"document keyword", "document \"report", "promptMediaKeyword"},
		{"citations", "citations: true", "promptMediaAttr"},
		{"inline image is an error", "{{image \"a.png\"}} inline", "promptTemplateError"},
		{"escaped tool line", "\\tool_use: not", "promptEscape"},
		{"escaped tool word", "tool_use: not", ""},
		{"tool_use keyword", "tool_use: get_tide", "promptToolKeyword"},
		{"tool name", "get_tide id", "promptToolName"},
		{"tool id", "toolu_01\n{", "promptToolId"},
		{"tool_result keyword", "tool_result:", "promptToolKeyword"},
		{"error flag", "error\n06", "promptToolError"},
	}
	var lua strings.Builder
	lua.WriteString("local out = {}\n")
	for _, m := range marks {
		i := strings.Index(mediaPrompt, m.text)
		if i < 0 {
			t.Fatalf("mark %q not found", m.text)
		}
		line := strings.Count(mediaPrompt[:i], "\n") + 1
		col := i - strings.LastIndex(mediaPrompt[:i], "\n")
		lua.WriteString("table.insert(out, vim.fn.synIDattr(vim.fn.synID(" + strconv.Itoa(line) + ", " + strconv.Itoa(col) + ", 1), 'name'))\n")
	}
	report := filepath.Join(dir, "groups.json")
	lua.WriteString("vim.fn.writefile({vim.fn.json_encode(out)}, '" + report + "')\n")
	script := filepath.Join(dir, "check.lua")
	os.WriteFile(script, []byte(lua.String()), 0o644)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, nvim, "--headless", "-u", "NONE", "-i", "NONE", "-n",
		"--cmd", "set rtp^="+plugin, "-c", "syntax on", "-c", "set filetype=prompt", "-c", "luafile "+script, "-c", "qa!", file)
	cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+dir, "XDG_DATA_HOME="+dir, "XDG_STATE_HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("nvim: %v\n%s", err, out)
	}
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	if err := json.Unmarshal(data, &got); err != nil || len(got) != len(marks) {
		t.Fatalf("report %s: %v", data, err)
	}
	for i, m := range marks {
		if got[i] != m.group {
			t.Errorf("%s: group %q, want %q", m.name, got[i], m.group)
		}
	}
}
