package workbench

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"time"
)

// A reply shown in a document the editor opens (a run's result document, a
// test or compare report) is marked by an HTML comment, invisible in a
// Markdown preview, naming the run record it came from:
//
//	<!-- claude-ls reply {"prompt":"a.prompt","test":"t","model":"m","run":"…"} -->
//
// so that the editor can grade that very reply (GradeReply).

// ReplyMark names one recorded reply.
type ReplyMark struct {
	Prompt string    `json:"prompt"` // relative to the root
	Test   string    `json:"test,omitempty"`
	Model  string    `json:"model"`        // as requested
	Run    time.Time `json:"run,omitzero"` // the record's time; zero: the latest
}

const replyMarkStart, replyMarkEnd = "<!-- claude-ls reply ", " -->"

// Comment is the mark as its own line, without the newline. json.Marshal
// escapes '>', so no value can end the comment early.
func (m ReplyMark) Comment() string {
	data, _ := json.Marshal(m)
	return replyMarkStart + string(data) + replyMarkEnd
}

// markOf marks a test case's reply, or is "" when it has none to grade.
func markOf(prompt string, r *TestResult) string {
	if r == nil || r.Reply == nil || r.Error != "" {
		return ""
	}
	return ReplyMark{Prompt: prompt, Test: r.Case, Model: r.ModelID, Run: r.Run}.Comment()
}

// PlacedMark is a mark and the byte offset of its line.
type PlacedMark struct {
	ReplyMark
	Offset int
}

// ReplyMarks finds the marks of a document, in order; lines that do not
// parse are not marks.
func ReplyMarks(text []byte) []PlacedMark {
	var out []PlacedMark
	for off := 0; off < len(text); {
		end := bytes.IndexByte(text[off:], '\n')
		if end < 0 {
			end = len(text) - off
		}
		line := bytes.TrimRight(text[off:off+end], "\r")
		if rest, ok := bytes.CutPrefix(line, []byte(replyMarkStart)); ok {
			if body, ok := bytes.CutSuffix(rest, []byte(replyMarkEnd)); ok {
				var m ReplyMark
				if json.Unmarshal(body, &m) == nil && m.Prompt != "" && m.Model != "" {
					out = append(out, PlacedMark{ReplyMark: m, Offset: off})
				}
			}
		}
		off += end + 1
	}
	return out
}

// ReplyDocumentRoot says whether path is a document claude-ls writes
// replies into, a result document (.claude-ls/runs/*.md) or a report
// (.claude-ls/reports/*.md), and returns the workspace root it belongs to.
// Editors serve these for grading only.
func ReplyDocumentRoot(path string) (string, bool) {
	dir := filepath.Dir(path)
	data := filepath.Dir(dir)
	kind := filepath.Base(dir)
	if filepath.Ext(path) != ".md" || (kind != "runs" && kind != "reports") || filepath.Base(data) != DataDir {
		return "", false
	}
	return filepath.Dir(data), true
}

// GradeOf is the latest grade of the reply m names.
func GradeOf(grades []Grade, m ReplyMark) (Grade, bool) {
	var found Grade
	ok := false
	for _, g := range grades {
		if g.Prompt == m.Prompt && g.Test == caseName(m.Test) && sameModel(g.Model, m.Model) && (m.Run.IsZero() || g.RunTime.Equal(m.Run)) {
			found, ok = g, true // later lines win
		}
	}
	return found, ok
}
