package promptfile

import (
	"bytes"
	"path"
	"strings"
)

// imageExts and documentExts are the files each media line takes.
var (
	imageExts    = []string{".png", ".jpg", ".jpeg", ".gif", ".webp"}
	documentExts = []string{".pdf", ".txt"}
)

// PathFits reports whether a file name suits the path being completed: any
// file for an include, images for {{image}}, PDFs and .txt for {{document}}.
func (s CompletionSite) PathFits(name string) bool {
	ext := strings.ToLower(path.Ext(name))
	switch s.PathKind {
	case Image:
		return containsString(imageExts, ext)
	case Document:
		return containsString(documentExts, ext)
	}
	return true
}

// mediaPathSite finds a path being typed in {{image "…"}} or
// {{document "…"}}; rest is the text after the braces.
func mediaPathSite(src []byte, ls, off, le int, rest []byte) (CompletionSite, bool) {
	kind, word := Image, "image"
	if bytes.HasPrefix(rest, []byte("document")) {
		kind, word = Document, "document"
	} else if !bytes.HasPrefix(rest, []byte("image")) {
		return CompletionSite{}, false
	}
	if len(rest) <= len(word) || !isSpace(rest[len(word)]) {
		return CompletionSite{}, false
	}
	s, ok := quotedPathSite(src, off, le, rest[len(word):]) // complete.go
	s.PathKind = kind
	return s, ok
}

// toolSite finds a tool name typed after `tool_use:` or an id after
// `tool_result: id=`.
func toolSite(src []byte, ls, off, le int) (CompletionSite, bool) {
	i := wordEnd(src, ls, off, isSpace)
	line := src[i:off]
	notSpace := func(c byte) bool { return !isSpace(c) }
	switch {
	case bytes.HasPrefix(line, []byte("tool_use:")):
		after := i + len("tool_use:")
		j := wordEnd(src, after, off, isSpace)
		if wordStart(src, j, off, notSpace) != j {
			return CompletionSite{}, false // past the name
		}
		s := site(ToolNameCompletion, src, j, off, wordEnd(src, off, le, notSpace))
		if j == after {
			s.Lead = " "
		}
		return s, true
	case bytes.HasPrefix(line, []byte("tool_result:")):
		start := wordStart(src, ls, off, notSpace)
		if !bytes.HasPrefix(src[start:off], []byte("id=")) {
			return CompletionSite{}, false
		}
		return site(ToolIDCompletion, src, start+3, off, wordEnd(src, off, le, notSpace)), true
	}
	return CompletionSite{}, false
}

// completeTools lists the request's tool names, or the ids of its tool
// calls not yet answered (the nearest call before the cursor first).
func completeTools(r *Result, s CompletionSite) []Completion {
	if r == nil || r.File == nil {
		return nil
	}
	var out []Completion
	if s.Kind == ToolNameCompletion {
		for _, n := range (&analysis{f: r.File}).toolNames() {
			out = append(out, Completion{Label: n, Detail: "a tool of `tools`"})
		}
		return out
	}
	answered := map[string]bool{}
	var calls []*ToolTurn
	for _, b := range r.File.Blocks {
		if b.Tool == nil || b.Tool.ID == "" || b.Line.Contains(s.Replace.Start) {
			continue
		}
		if b.Tool.Kind == ToolResult {
			answered[b.Tool.ID] = true
		} else if b.Line.Start < s.Replace.Start {
			calls = append(calls, b.Tool)
		}
	}
	for i := len(calls) - 1; i >= 0; i-- {
		c := calls[i]
		if !answered[c.ID] {
			out = append(out, Completion{Label: c.ID, Detail: "the call of `" + c.Name + "`", Sort: itoa(100 + len(out))})
		}
	}
	return out
}

// toolTurnCompletions are the tool turn lines offered with the role lines
// when the request has tools.
func toolTurnCompletions(r *Result) []Completion {
	if r == nil || r.File == nil || r.File.Front.Lookup("tools") == nil {
		return nil
	}
	return []Completion{
		{Label: "tool_use:", Detail: "a tool call of the assistant", Sort: "3", Text: "tool_use: ", Snippet: "tool_use: ${1:name} id=${2:toolu_01}",
			Doc: "A call the model made: `tool_use: NAME id=ID`, its input as YAML or JSON on the next lines. It joins the assistant message before it."},
		{Label: "tool_result:", Detail: "the result of a tool call", Sort: "4", Text: "tool_result: id=", Snippet: "tool_result: id=${1:toolu_01}",
			Doc: "The result of a call: `tool_result: id=ID` (add `error` when the tool failed), the result text on the next lines. It goes first in the next user message."},
	}
}
