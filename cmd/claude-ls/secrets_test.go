package main

import (
	"strings"
	"testing"
)

// keyTail is the part of the test keys after the prefix; no output may
// hold it.
const keyTail = "QWERTYUIOPasdfghjkl0123456789_-zxcvbnm"

// TestRenderAndExportRefuseAKeyAssembledInTheRequest: a key that no single
// file holds, but the rendered request does, is refused by render and
// export with exit 1 and a message saying where, never the key.
func TestRenderAndExportRefuseAKeyAssembledInTheRequest(t *testing.T) {
	head := "---\nmodel: claude-sonnet-4-6\nmax_tokens: 100\n"
	cases := []struct {
		name  string
		files map[string]string
		args  []string
		where string
	}{
		{"split by a comment", map[string]string{"a.prompt": head + "---\nuser:\nMy key is sk-ant-api03-{{! hidden }}" + keyTail + "\n"}, nil, "in the user block"},
		{"joined from two variables", map[string]string{"a.prompt": head + "vars:\n  a: sk-ant-api03-\n  b: " + keyTail + "\n---\nuser:\n{{a}}{{b}}\n"}, nil, "in the user block"},
		{"a YAML escape in system", map[string]string{"a.prompt": head + `system: "Use sk-ant-api03-\x51` + keyTail[1:] + `"` + "\n---\nuser:\nHi\n"}, nil, "in front matter `system`"},
		{"a YAML escape in metadata", map[string]string{"a.prompt": head + `metadata: {user_id: "sk-ant-admin01-\x51` + keyTail[1:] + `"}` + "\n---\nuser:\nHi\n"}, nil, "in front matter `metadata`"},
		{"passed with --var", map[string]string{"a.prompt": head + "vars:\n  topic: tides\n---\nuser:\nExplain {{topic}}\n"}, []string{"--var", "topic=sk-ant-api03-" + keyTail}, "in the user block"},
		{"a test value", map[string]string{"a.prompt": head + "vars:\n  topic: tides\ntests:\n  - name: leak\n    topic: sk-ant-api03-\n---\nsystem:\nAbout {{topic}}" + keyTail + "\nuser:\nHi\n"}, []string{"--test", "leak"}, "in the system block"},
		{"split between an include and the text", map[string]string{"a.prompt": head + "---\nuser:\n{{file \"part.md\"}}" + keyTail + "\n", "part.md": "key: sk-ant-api03-"}, nil, "in the user block"},
	}
	for _, tc := range cases {
		dir := newWorkspace(t, tc.files)
		// The file alone is clean: check has nothing to say about a key.
		checkOut, checkErr, _ := runCLI(t, dir, "check", "a.prompt")
		if strings.Contains(checkOut+checkErr, "API key") {
			t.Errorf("%s: the case is not a split key, check sees it already: %s", tc.name, checkOut+checkErr)
		}
		for _, cmd := range [][]string{{"render"}, {"export", "--lang", "curl"}} {
			args := append(append(cmd, tc.args...), "a.prompt")
			out, errOut, code := runCLI(t, dir, args...)
			if code != 1 || out != "" {
				t.Errorf("%s: %s: exit %d, stdout %q", tc.name, cmd[0], code, out)
			}
			if strings.Contains(out+errOut, keyTail[1:12]) {
				t.Errorf("%s: %s repeats the key: %s", tc.name, cmd[0], errOut)
			}
			if !strings.Contains(errOut, "looks like an Anthropic API key, "+tc.where) || !strings.Contains(errOut, "a.prompt:") {
				t.Errorf("%s: %s: the message does not say where: %s", tc.name, cmd[0], errOut)
			}
		}
	}
}
