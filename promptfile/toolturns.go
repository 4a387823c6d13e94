package promptfile

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ToolTurnKind says which half of a tool call a block is.
type ToolTurnKind int

const (
	ToolUse    ToolTurnKind = iota + 1 // `tool_use: NAME id=ID`: the call, in an assistant message
	ToolResult                         // `tool_result: id=ID [error]`: its result, in the next user message
)

// ToolTurn is what a tool turn's line says.
type ToolTurn struct {
	Kind     ToolTurnKind
	Name     string // the tool's name (tool_use only)
	NameSpan Span
	ID       string
	IDSpan   Span
	IsError  bool // tool_result ... error
	// Extra is a word the line does not take, empty when there is none.
	Extra Span
}

// toolIDRE is what the API accepts as a tool_use id.
var toolIDRE = regexp.MustCompile(`^[a-zA-Z0-9_-]+$`)

// parseToolLine reads a `tool_use:` or `tool_result:` line whose first
// letter is at i. Offsets in the result are within the line.
func parseToolLine(line []byte, i int) (roleLine, bool) {
	rl := roleLine{attrStart: -1}
	rest := line[i:]
	t := &ToolTurn{}
	var word string
	switch {
	case bytes.HasPrefix(rest, []byte("tool_use:")):
		t.Kind, rl.role, word = ToolUse, Assistant, "tool_use"
	case bytes.HasPrefix(rest, []byte("tool_result:")):
		t.Kind, rl.role, word = ToolResult, User, "tool_result"
	default:
		return rl, false
	}
	rl.roleStart, rl.roleEnd = i, i+len(word)
	rl.tool = t
	for j := rl.roleEnd + 1; j < len(line); {
		for j < len(line) && (line[j] == ' ' || line[j] == '\t' || line[j] == '\r') {
			j++
		}
		k := j
		for k < len(line) && line[k] != ' ' && line[k] != '\t' && line[k] != '\r' {
			k++
		}
		if k == j {
			break
		}
		w := string(line[j:k])
		switch {
		case strings.HasPrefix(w, "id=") && t.IDSpan.End == 0:
			t.ID, t.IDSpan = w[3:], Span{j + 3, k}
		case t.Kind == ToolUse && t.NameSpan.End == 0 && t.IDSpan.End == 0:
			t.Name, t.NameSpan = w, Span{j, k}
		case t.Kind == ToolResult && w == "error" && !t.IsError:
			t.IsError = true
		case strings.HasPrefix(w, "cache") && rl.attrStart < 0:
			// The cache attribute of role lines: on the call's or result's block.
			rl.attrStart, rl.attrEnd, rl.attr = j, k, w
		case t.Extra.End == 0:
			t.Extra = Span{j, k}
		}
		j = k
	}
	return rl, true
}

// shift moves the turn's spans from line offsets to file offsets.
func (t *ToolTurn) shift(by int) *ToolTurn {
	c := *t
	for _, s := range []*Span{&c.NameSpan, &c.IDSpan, &c.Extra} {
		if s.End > 0 || s.Start > 0 {
			s.Start += by
			s.End += by
		}
	}
	return &c
}

// toolInput reads a tool_use block's rendered text, YAML or JSON, as the
// JSON object the API takes as input; empty text is {}.
func (a *analysis) toolInput(rb *RenderedBlock) json.RawMessage {
	b := rb.Block
	if strings.TrimSpace(rb.Text) == "" {
		return json.RawMessage("{}")
	}
	doc, err := unmarshalYAML([]byte(rb.Text)) // aliases within the budget
	if err != nil {
		msg := err.Error()
		msg = strings.TrimPrefix(msg, "yaml: ")
		a.errorf("tool-input", a.blockSpan(b), "the input of this tool call is not YAML or JSON: "+msg)
		return nil
	}
	n := doc
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	if n.Kind != yaml.MappingNode {
		a.errorf("tool-input", a.blockSpan(b), "the input of a tool call must be a map (a JSON object), e.g. `city: Paris`")
		return nil
	}
	js, err := nodeJSON(n)
	if err != nil {
		a.errorf("tool-input", a.blockSpan(b), "the input of this tool call cannot be sent as JSON: "+err.Error())
		return nil
	}
	return js
}

// checkToolTurns checks tool turns against each other and against `tools`:
// each call has a known name and a unique id; each result answers a call
// of the assistant message just before, first in its user message; each
// call gets its result.
func (a *analysis) checkToolTurns() {
	names := a.toolNames()
	calls := map[string]*ToolTurn{} // every call, by id
	var open []*ToolTurn            // calls of the last assistant message still without a result
	answered := map[string]bool{}
	unanswered := func() {
		for _, c := range open {
			if c.ID != "" && !answered[c.ID] {
				a.errorf("tool-unanswered", c.IDSpan, "tool call `"+c.ID+"` has no result: add a `tool_result: id="+c.ID+"` block right after the assistant message that makes it (the API refuses a call without its result)",
					a.addResultFix(c))
				answered[c.ID] = true // said once
			}
		}
		open = nil
	}
	var prevRole Role
	prevText := false // the user message so far holds text (not only results)
	for _, rb := range a.r.Blocks {
		b := rb.Block
		if b.Role == System {
			continue
		}
		t := b.Tool
		if t == nil {
			if rb.Text == "" && len(rb.Segments) == 0 {
				continue
			}
			if b.Role == Assistant && prevRole != Assistant {
				unanswered() // a new assistant message: the user message before is over
			}
			prevRole, prevText = b.Role, b.Role == User
			continue
		}
		a.checkToolLine(b, t)
		switch t.Kind {
		case ToolUse:
			if prevRole != Assistant {
				unanswered()
			}
			if t.Name != "" && !containsString(names, t.Name) {
				msg := "no tool named `" + t.Name + "` in `tools`"
				if len(names) > 0 {
					msg += " (the request's tools: " + quoteList(names) + ")"
				} else {
					msg += ": a request that carries tool calls must define its tools"
				}
				var fixes []Fix
				if near, ok := Nearest(t.Name, names); ok {
					fixes = append(fixes, Fix{Title: "Use `" + near + "`", Edits: []Edit{{Span: t.NameSpan, NewText: near}}})
				}
				a.errorf("tool-unknown", t.NameSpan, msg, fixes...)
			}
			if t.ID != "" {
				if first, dup := calls[t.ID]; dup {
					a.errorf("tool-id-duplicate", t.IDSpan, "two tool calls have the id `"+t.ID+"` (the first on line "+itoa(a.f.Map.Line(first.IDSpan.Start)+1)+"): ids must be unique")
				} else {
					calls[t.ID] = t
				}
			}
			open = append(open, t)
			prevRole, prevText = Assistant, false
		case ToolResult:
			if prevRole == User && prevText {
				a.errorf("tool-result-order", a.blockSpan(b), "text comes before this tool result in its user message: the API wants the results first (move the text after the `tool_result:` blocks)")
			}
			if t.ID != "" {
				switch {
				case answered[t.ID]:
					a.errorf("tool-id-duplicate", t.IDSpan, "tool call `"+t.ID+"` already has a result")
				case containsCall(open, t.ID):
				case calls[t.ID] != nil:
					a.errorf("tool-id-unknown", t.IDSpan, "tool call `"+t.ID+"` is not in the assistant message just before: a result goes in the user message right after its call")
				default:
					msg := "no tool call has the id `" + t.ID + "`"
					if ids := callIDs(open); len(ids) > 0 {
						msg += " (open calls: " + quoteList(ids) + ")"
					}
					a.errorf("tool-id-unknown", t.IDSpan, msg)
				}
				answered[t.ID] = true
			}
			if prevRole != User {
				prevText = false
			}
			prevRole = User
		}
	}
	unanswered()
}

// checkToolLine checks the words of a tool turn's line.
func (a *analysis) checkToolLine(b *Block, t *ToolTurn) {
	switch {
	case t.Kind == ToolUse && t.NameSpan.End == 0:
		a.errorf("tool-line", b.Line, "a tool call is written `tool_use: NAME id=ID`: the tool's name is missing")
	case t.IDSpan.End == 0:
		id := a.freeToolID()
		a.errorf("tool-line", b.Line, "the tool call's id is missing: write `id=ID` (e.g. id=toolu_01) on this line",
			Fix{Title: "Add `id=" + id + "`", Edits: []Edit{{Span: Span{b.Line.End, b.Line.End}, NewText: " id=" + id}}})
	case !toolIDRE.MatchString(t.ID):
		a.errorf("tool-line", t.IDSpan, "tool call id `"+t.ID+"` is refused by the API: an id is letters, digits, `_` and `-`")
	}
	if t.Extra.End > 0 {
		want := "`tool_use: NAME id=ID`"
		if t.Kind == ToolResult {
			want = "`tool_result: id=ID` or `tool_result: id=ID error`"
		}
		a.errorf("tool-line", t.Extra, "unexpected `"+string(a.f.Src[t.Extra.Start:t.Extra.End])+"`: this line is written "+want)
	}
}

func containsCall(calls []*ToolTurn, id string) bool {
	for _, c := range calls {
		if c.ID == id {
			return true
		}
	}
	return false
}

func callIDs(calls []*ToolTurn) []string {
	var out []string
	for _, c := range calls {
		if c.ID != "" {
			out = append(out, c.ID)
		}
	}
	return out
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// contentOf is what a rendered block sends: its text blocks, images and
// documents, or its tool call or result, with the block's cache_control on
// the last.
func (a *analysis) contentOf(rb *RenderedBlock) []ContentBlock {
	b := rb.Block
	var out []ContentBlock
	switch {
	case b.Tool != nil && b.Tool.Kind == ToolUse:
		input := a.toolInput(rb)
		if input == nil {
			input = json.RawMessage("{}")
		}
		out = []ContentBlock{{ToolUse: &ToolCall{ID: b.Tool.ID, Name: b.Tool.Name, Input: input}}}
	case b.Tool != nil:
		out = []ContentBlock{{ToolResult: &ToolAnswer{ID: b.Tool.ID, IsError: b.Tool.IsError, Content: segmentBlocks(rb)}}}
	default:
		out = segmentBlocks(rb)
	}
	if ttl, _ := cacheTTL(b.Cache); ttl != "" && len(out) > 0 {
		out[len(out)-1].CacheTTL = ttl
	}
	return out
}

// segmentBlocks are a block's text, images and documents as content blocks.
func segmentBlocks(rb *RenderedBlock) []ContentBlock {
	if rb.Segments == nil {
		if rb.Text == "" {
			return nil
		}
		return []ContentBlock{{Text: rb.Text}}
	}
	out := make([]ContentBlock, 0, len(rb.Segments))
	for _, s := range rb.Segments {
		out = append(out, ContentBlock{Text: s.Text, Media: s.Media})
	}
	return out
}

// joinsPrevious reports whether rb's content goes into the last message of
// req: a tool call into the assistant message it follows, a tool result
// into the user message of results before it, and text after results into
// their user message.
func (a *analysis) joinsPrevious(req *Request, rb *RenderedBlock) bool {
	if len(req.Messages) == 0 {
		return false
	}
	last := req.Messages[len(req.Messages)-1]
	if last.Role != rb.Block.Role {
		return false
	}
	if rb.Block.Tool != nil {
		return true
	}
	return last.Role == User && last.Content[len(last.Content)-1].ToolResult != nil
}

type toolUseJSON struct {
	Type         string          `json:"type"`
	ID           string          `json:"id"`
	Name         string          `json:"name"`
	Input        json.RawMessage `json:"input"`
	CacheControl *cacheControl   `json:"cache_control,omitempty"`
}

type toolResultJSON struct {
	Type         string          `json:"type"`
	ToolUseID    string          `json:"tool_use_id"`
	Content      json.RawMessage `json:"content,omitempty"`
	IsError      bool            `json:"is_error,omitempty"`
	CacheControl *cacheControl   `json:"cache_control,omitempty"`
}

// blockJSON is one content block as the API takes it.
func (b ContentBlock) blockJSON(cc *cacheControl) json.RawMessage {
	switch {
	case b.Media != nil:
		return b.Media.blockJSON(cc)
	case b.ToolUse != nil:
		return mustJSON(toolUseJSON{Type: "tool_use", ID: b.ToolUse.ID, Name: b.ToolUse.Name, Input: b.ToolUse.Input, CacheControl: cc})
	case b.ToolResult != nil:
		j := toolResultJSON{Type: "tool_result", ToolUseID: b.ToolResult.ID, IsError: b.ToolResult.IsError, CacheControl: cc}
		if len(b.ToolResult.Content) > 0 {
			j.Content = contentJSON(b.ToolResult.Content)
		}
		return mustJSON(j)
	}
	return mustJSON(textBlockJSON{Type: "text", Text: b.Text, CacheControl: cc})
}

// ToolPeer is the other half of the tool turn b: the result of a call, or
// the call of a result; nil when there is none.
func (f *File) ToolPeer(b *Block) *Block {
	if b == nil || b.Tool == nil || b.Tool.ID == "" {
		return nil
	}
	for _, o := range f.Blocks {
		if o != b && o.Tool != nil && o.Tool.ID == b.Tool.ID && o.Tool.Kind != b.Tool.Kind {
			return o
		}
	}
	return nil
}

// freeToolID is an id no tool turn of the file uses: toolu_01, toolu_02, …
func (a *analysis) freeToolID() string {
	used := map[string]bool{}
	for _, b := range a.f.Blocks {
		if b.Tool != nil {
			used[b.Tool.ID] = true
		}
	}
	for n := 1; ; n++ {
		id := "toolu_" + itoa(n)
		if n < 10 {
			id = "toolu_0" + itoa(n)
		}
		if !used[id] {
			return id
		}
	}
}

// addResultFix adds a result block for call c right after its block.
func (a *analysis) addResultFix(c *ToolTurn) Fix {
	// After the call's assistant message: past the calls and assistant
	// text that follow it.
	at := len(a.f.Src)
	bs := a.f.Blocks
	for i, b := range bs {
		if b.Tool == nil || b.Tool.IDSpan != c.IDSpan {
			continue
		}
		j := i + 1
		for j < len(bs) && bs[j].Role == Assistant {
			j++
		}
		if j < len(bs) {
			at = bs[j].Line.Start
			if bs[j].Implicit {
				at = bs[j].Content.Start
			}
		}
		break
	}
	text := "tool_result: id=" + c.ID + "\n\n"
	if at == len(a.f.Src) {
		text = a.lineBreakBefore(at) + "\ntool_result: id=" + c.ID + "\n"
	}
	return Fix{Title: "Add a result for `" + c.ID + "`", Edits: []Edit{{Span: Span{at, at}, NewText: text}}}
}
