package promptfile

import (
	"bytes"
	"regexp"
)

// keyPattern matches Anthropic API and admin keys.
var keyPattern = regexp.MustCompile(`sk-ant-(?:api|admin)[0-9]{2}-[A-Za-z0-9_-]{8,}`)

const secretMessage = "this looks like an Anthropic API key: a key must never be in a prompt (it would be committed and sent). Remove it and set ANTHROPIC_API_KEY or put it in .env"

// findKeys locates keys; a plain search for the fixed prefix first keeps
// this cheap on every keystroke of a large file.
func findKeys(text []byte) [][]int {
	var out [][]int
	prefix := []byte("sk-ant-")
	for off := 0; ; {
		i := bytes.Index(text[off:], prefix)
		if i < 0 {
			return out
		}
		start := off + i
		if loc := keyPattern.FindIndex(text[start:min(len(text), start+512)]); loc != nil && loc[0] == 0 {
			end := start + loc[1]
			// A key longer than the window: take the rest of its characters.
			for end < len(text) && isKeyChar(text[end]) {
				end++
			}
			out = append(out, []int{start, end})
			off = end
			continue
		}
		off = start + len(prefix)
	}
}

func isKeyChar(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

// checkSecrets reports keys written in the file itself.
func (a *analysis) checkSecrets() {
	for _, loc := range findKeys(a.f.Src) {
		span := Span{loc[0], loc[1]}
		a.errorf("secret", span, secretMessage, Fix{Title: "Remove the key", Edits: []Edit{{Span: span}}})
	}
}

// scanSecrets reports keys in a file the prompt pulls in, at the place that
// names it; the message never repeats the key.
func (a *analysis) scanSecrets(data []byte, at Span, what string) {
	if n := len(findKeys(data)); n > 0 {
		a.errorf("secret", at, what+" holds "+plural(n, "text")+" that looks like an Anthropic API key: remove it from the file (keys belong in ANTHROPIC_API_KEY or .env)")
	}
}

// ContainsKey reports whether text holds something that looks like a key;
// the workbench uses it to refuse writing such text anywhere.
func ContainsKey(text []byte) bool { return keyPattern.Match(text) }

// RedactKeys replaces anything that looks like a key.
func RedactKeys(text string) string { return keyPattern.ReplaceAllString(text, "sk-ant-…[redacted]") }
