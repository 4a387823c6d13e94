package promptfile

import (
	"bytes"
	"regexp"
)

// keyPattern matches Anthropic API and admin keys.
var keyPattern = regexp.MustCompile(`sk-ant-(?:api|admin)[0-9]{2}-[A-Za-z0-9_-]{8,}`)

// keyPrefix starts every key keyPattern matches.
const keyPrefix = "sk-ant-"

const secretMessage = "this looks like an Anthropic API key: a key must never be in a prompt (it would be committed and sent). Remove it and set ANTHROPIC_API_KEY or put it in .env"

// findKeys locates keys; a plain search for the fixed prefix first keeps
// this cheap on every keystroke of a large file.
func findKeys(text []byte) [][]int {
	var out [][]int
	prefix := []byte(keyPrefix)
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

// UnfinishedKey is where a key that text may end in the middle of begins:
// the start of a run of key characters after "sk-ant-" reaching the end,
// or of a tail that is the beginning of "sk-ant-"; len(text) when there is
// none. A writer redacting a stream holds that much back until it knows how
// the text goes on. A run longer than maxRun is not held (returns len).
func UnfinishedKey(text []byte, maxRun int) int {
	if i := bytes.LastIndex(text, []byte(keyPrefix)); i >= 0 && len(text)-i <= maxRun {
		rest := text[i+len(keyPrefix):]
		if bytes.IndexFunc(rest, func(r rune) bool { return r > 0x7f || !isKeyChar(byte(r)) }) < 0 {
			return i
		}
	}
	return len(text) - PrefixTail(text, keyPrefix)
}

// PrefixTail is the length of the longest end of text that is a proper
// prefix of s: text that may become s with what follows.
func PrefixTail(text []byte, s string) int {
	for n := min(len(s)-1, len(text)); n > 0; n-- {
		if string(text[len(text)-n:]) == s[:n] {
			return n
		}
	}
	return 0
}

// SecretInRequest scans the request as it would be sent, after variables,
// includes, escapes, comments and test values, for an API key: a key
// assembled there is in no single file for checkSecrets to see. It returns
// an error naming where (a block or a front matter field), never the key;
// nil when the request is clean or there is none. Whatever prints, sends or
// batches a request asks this first.
func (r *Result) SecretInRequest() *Diagnostic {
	if r == nil || r.Request == nil {
		return nil
	}
	found := func(where string, at Span) *Diagnostic {
		return &Diagnostic{Code: "secret-in-request", Severity: Error, Span: at,
			Message: "the rendered request holds text that looks like an Anthropic API key, in " + where +
				": nothing is rendered or sent. Look at the variables (--var, test values, vars), includes and escapes it uses; keys belong in ANTHROPIC_API_KEY or .env"}
	}
	if ContainsKey([]byte(r.Request.Model)) {
		return found("the model", r.fileStart())
	}
	for _, p := range r.Request.Params {
		if ContainsKey(p.Value) {
			at := r.fileStart()
			if p.Entry != nil {
				at = p.Entry.KeyAt
			}
			return found("front matter `"+p.Key+"`", at)
		}
	}
	for _, rb := range r.Blocks {
		if !ContainsKey([]byte(rb.Text)) {
			continue
		}
		b := rb.Block
		where, at := "the "+string(b.Role)+" block", b.Line
		if b.Implicit || at.Empty() {
			at = Span{b.Content.Start, b.Content.Start}
		}
		if !r.File.hasBlock(b) {
			where = "front matter `system`" // rendered from the key's value
		}
		return found(where, at)
	}
	if body, err := r.Request.MarshalJSON(); err == nil && ContainsKey(body) {
		return found("the request body", r.fileStart())
	}
	return nil
}

// fileStart is where a problem of the whole request is shown.
func (r *Result) fileStart() Span {
	if r.File != nil && r.File.Front != nil {
		return r.File.Front.Open
	}
	return Span{}
}

func (f *File) hasBlock(b *Block) bool {
	if f == nil {
		return true
	}
	for _, fb := range f.Blocks {
		if fb == b {
			return true
		}
	}
	return false
}
