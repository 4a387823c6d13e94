package promptfile

import (
	"strings"
	"testing"

	"github.com/claude-ls/claude-ls/internal/txtar"
)

// TestSecretInRequestNamesWhereNeverWhat: a key assembled in the rendered
// request is found and placed (block, front matter field); a clean request
// passes; the message never holds the key.
func TestSecretInRequestNamesWhereNeverWhat(t *testing.T) {
	const tail = "ZXCVBNMasdfgh0123456789"
	cases := []struct{ src, where string }{
		{"---\nmodel: claude-sonnet-4-6\nmax_tokens: 10\n---\nuser:\nsk-ant-api03-{{! x }}" + tail + "\n", "the user block"},
		{"---\nmodel: claude-sonnet-4-6\nmax_tokens: 10\nsystem: \"sk-ant-api03-\\x5A" + tail[1:] + "\"\n---\nuser:\nhi\n", "front matter `system`"},
		{"---\nmodel: claude-sonnet-4-6\nmax_tokens: 10\nstop_sequences: [\"sk-ant-admin01-\\x5A" + tail[1:] + "\"]\n---\nuser:\nhi\n", "front matter `stop_sequences`"},
		{"---\nmodel: claude-sonnet-4-6\nmax_tokens: 10\n---\nuser:\nsk-ant-api03 is how keys begin, sk-ant- too\n", ""},
	}
	for _, tc := range cases {
		res := analyzeArchive(t, &txtar.Archive{Files: []txtar.File{{Name: "input.prompt", Data: []byte(tc.src)}}})
		d := res.SecretInRequest()
		switch {
		case tc.where == "" && d != nil:
			t.Errorf("a clean request refused: %s", d.Message)
		case tc.where != "" && (d == nil || !strings.Contains(d.Message, "key, in "+tc.where)):
			t.Errorf("%q: %+v", tc.src, d)
		case d != nil && strings.Contains(d.Message, tail[1:8]):
			t.Errorf("the message repeats the key: %s", d.Message)
		}
	}
}

// TestUnfinishedKey: where a stream may be in the middle of a key.
func TestUnfinishedKey(t *testing.T) {
	for _, tc := range []struct {
		text string
		want int
	}{
		{"hello", 5}, {"hello s", 6}, {"a sk-ant", 2}, {"a sk-ant-api03-abc", 2}, {"sk-ant-api03-abc def", 20}, {"x sk-ant-é", 11},
	} {
		if got := UnfinishedKey([]byte(tc.text), 100); got != tc.want {
			t.Errorf("UnfinishedKey(%q) = %d, want %d", tc.text, got, tc.want)
		}
	}
}
