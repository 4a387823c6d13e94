package promptfile

import (
	"bytes"
	"encoding/json"
)

// Request is the Messages API request body a file renders to.
type Request struct {
	Model     string
	MaxTokens int
	Params    []Param        // optional parameters, in API order
	System    []ContentBlock // empty without a system prompt
	Messages  []Message
}

// Message is one turn of the conversation.
type Message struct {
	Role    Role
	Content []ContentBlock
	Block   *Block `json:"-"`
}

// ContentBlock is a text block, or (when one of the pointers is set) an
// image or document, a tool call or a tool result; CacheTTL is "", "5m" or
// "1h".
type ContentBlock struct {
	Text       string
	CacheTTL   string
	Media      *MediaInfo  `json:"-"`
	ToolUse    *ToolCall   `json:"-"`
	ToolResult *ToolAnswer `json:"-"`
}

// ToolCall is a tool_use block: an earlier call of the model's.
type ToolCall struct {
	ID, Name string
	Input    json.RawMessage
}

// ToolAnswer is a tool_result block: the result of a call.
type ToolAnswer struct {
	ID      string
	IsError bool
	Content []ContentBlock // text, images, documents; empty: none
}

type cacheControl struct {
	Type string `json:"type"`
	TTL  string `json:"ttl,omitempty"`
}

type textBlockJSON struct {
	Type         string        `json:"type"`
	Text         string        `json:"text"`
	CacheControl *cacheControl `json:"cache_control,omitempty"`
}

// contentJSON writes content as a plain string, or as a list of text blocks
// where one carries cache_control, as the API and the Workbench do.
func contentJSON(blocks []ContentBlock) json.RawMessage {
	if len(blocks) == 1 && blocks[0].CacheTTL == "" && blocks[0].isText() {
		return mustJSON(blocks[0].Text)
	}
	list := make([]json.RawMessage, len(blocks))
	for i, b := range blocks {
		var cc *cacheControl
		if b.CacheTTL != "" {
			cc = &cacheControl{Type: "ephemeral"}
			if b.CacheTTL == "1h" {
				cc.TTL = "1h"
			}
		}
		list[i] = b.blockJSON(cc) // toolturns.go, media.go
	}
	return mustJSON(list)
}

func (b ContentBlock) isText() bool { return b.Media == nil && b.ToolUse == nil && b.ToolResult == nil }

func mustJSON(v any) json.RawMessage {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // prompts are full of < and &; keep them readable
	if err := enc.Encode(v); err != nil {
		panic(err) // only plain strings and structs reach here
	}
	return bytes.TrimRight(buf.Bytes(), "\n")
}

// MarshalJSON writes the body in the order the API documents: model,
// max_tokens, the optional parameters, system, messages.
func (r *Request) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`{"model":`)
	b.Write(mustJSON(r.Model))
	b.WriteString(`,"max_tokens":`)
	b.Write(mustJSON(r.MaxTokens))
	for _, p := range r.Params {
		b.WriteByte(',')
		b.Write(mustJSON(p.Key))
		b.WriteByte(':')
		b.Write(p.Value)
	}
	if len(r.System) > 0 {
		b.WriteString(`,"system":`)
		b.Write(contentJSON(r.System))
	}
	b.WriteString(`,"messages":[`)
	for i, m := range r.Messages {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(`{"role":`)
		b.Write(mustJSON(string(m.Role)))
		b.WriteString(`,"content":`)
		b.Write(contentJSON(m.Content))
		b.WriteByte('}')
	}
	b.WriteString("]}")
	return b.Bytes(), nil
}

// JSON is the body indented for people, as `claude-ls render` prints it.
func (r *Request) JSON() []byte {
	raw, _ := r.MarshalJSON()
	var out bytes.Buffer
	if err := json.Indent(&out, raw, "", "  "); err != nil {
		return raw
	}
	return out.Bytes()
}

// Param returns an optional parameter's JSON value, or nil.
func (r *Request) Param(key string) json.RawMessage {
	for _, p := range r.Params {
		if p.Key == key {
			return p.Value
		}
	}
	return nil
}

func (a *analysis) buildRequest() {
	r := a.r
	if r.ModelID == "" || r.MaxTokens == 0 {
		return
	}
	a.nameServerTools() // servertools.go: the API needs a name on each server tool
	req := &Request{Model: r.ModelID, MaxTokens: r.MaxTokens, Params: a.params}
	for _, rb := range r.Blocks {
		cbs := a.contentOf(rb) // toolturns.go: text, media, tool calls and results
		if len(cbs) == 0 {
			continue
		}
		if rb.Block.Role == System {
			req.System = append(req.System, cbs...)
			continue
		}
		if a.joinsPrevious(req, rb) {
			last := &req.Messages[len(req.Messages)-1]
			last.Content = append(last.Content, cbs...)
			continue
		}
		req.Messages = append(req.Messages, Message{Role: rb.Block.Role, Content: cbs, Block: rb.Block})
	}
	r.Request = req
}
