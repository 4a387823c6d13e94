// Package fakeapi is a fake Anthropic API on loopback for tests: the real
// SDKs and exported programs talk to it through ANTHROPIC_BASE_URL. It
// records every request and answers from a script, or with a default reply.
package fakeapi

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// Request is one recorded request.
type Request struct {
	Method string
	Path   string
	Query  string // the raw query, as sent
	Header http.Header
	Body   []byte
}

// Response scripts one answer. A zero Status is 200 with a reply message.
type Response struct {
	Status     int
	Header     map[string]string
	ErrorType  string        // for an error status: the API's error type
	Message    string        // for an error status: the API's message
	Text       string        // the reply text (default: Server.Reply)
	StopReason string        // default end_turn
	Delay      time.Duration // wait before each streamed chunk
	Usage      *Usage
	CutStream  bool // end the stream after the first chunk without message_stop
	Stall      bool // after the first chunk, send nothing more until the client gives up
	Hang       bool // answer nothing at all until the client gives up
}

// Usage is what a reply reports.
type Usage struct {
	InputTokens              int `json:"input_tokens"`
	OutputTokens             int `json:"output_tokens"`
	CacheCreationInputTokens int `json:"cache_creation_input_tokens"`
	CacheReadInputTokens     int `json:"cache_read_input_tokens"`
	// CacheCreation splits the cache writes by TTL, as the API reports them.
	CacheCreation *CacheCreation `json:"cache_creation,omitempty"`
	// ServerToolUse counts server tools' uses, as the API reports them.
	ServerToolUse *ServerToolUse `json:"server_tool_use,omitempty"`
}

// ServerToolUse is usage.server_tool_use.
type ServerToolUse struct {
	WebSearchRequests int `json:"web_search_requests"`
	WebFetchRequests  int `json:"web_fetch_requests"`
}

// CacheCreation is the 5-minute / 1-hour split of cache writes.
type CacheCreation struct {
	Ephemeral5m int `json:"ephemeral_5m_input_tokens"`
	Ephemeral1h int `json:"ephemeral_1h_input_tokens"`
}

// Server is the fake API.
type Server struct {
	URL   string
	Reply string // default reply text
	// ReplyFor, when set, gives the default reply text of each messages
	// request from its body (a deterministic reply per prompt version).
	ReplyFor func(body []byte) string

	srv *httptest.Server

	mu       sync.Mutex
	requests []Request
	script   map[string][]Response
	batches  batchState // batches.go
	limits   limitState // ratelimits.go
	admin    *Admin     // admin.go
}

// New starts a fake API on 127.0.0.1.
func New() *Server {
	s := &Server{Reply: "Tides are the slow rise and fall of the sea, pulled by the Moon.", script: map[string][]Response{}}
	s.srv = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	s.srv.Listener = l
	s.srv.Start()
	s.URL = s.srv.URL
	return s
}

// Close stops the server.
func (s *Server) Close() { s.srv.CloseClientConnections(); s.srv.Close() }

// Push queues a response for path ("/v1/messages", "/v1/messages/count_tokens", ...).
func (s *Server) Push(path string, rs ...Response) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.script[path] = append(s.script[path], rs...)
}

// Requests returns what was received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Last returns the last request to path, or nil.
func (s *Server) Last(path string) *Request {
	reqs := s.Requests()
	for i := len(reqs) - 1; i >= 0; i-- {
		if reqs[i].Path == path {
			return &reqs[i]
		}
	}
	return nil
}

func (s *Server) next(path string) Response {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.script[path]
	if len(q) == 0 {
		return Response{}
	}
	s.script[path] = q[1:]
	return q[0]
}

// InputTokens is the fake's count of a body: one token per 4 bytes of its
// text fields, at least 1, so tests can predict it.
func InputTokens(body []byte) int {
	var req struct {
		System   json.RawMessage `json:"system"`
		Messages json.RawMessage `json:"messages"`
		Tools    json.RawMessage `json:"tools"`
	}
	json.Unmarshal(body, &req)
	return max(1, (len(req.System)+len(req.Messages)+len(req.Tools))/4)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.requests = append(s.requests, Request{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Body: body})
	s.mu.Unlock()
	defer s.enter(r.URL.Path)()
	resp := s.next(r.URL.Path)
	if resp.Hang {
		<-r.Context().Done()
		return
	}
	s.rateLimitHeaders(w, r, body)
	for k, v := range resp.Header {
		w.Header().Set(k, v)
	}
	w.Header().Set("request-id", fmt.Sprintf("req_fake_%d", len(s.Requests())))
	if resp.Status >= 400 {
		writeError(w, resp)
		return
	}
	if r.Header.Get("x-api-key") == "" && !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
		writeError(w, Response{Status: 401, ErrorType: "authentication_error", Message: "x-api-key header is required"})
		return
	}
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/v1/messages":
		s.messages(w, r, body, resp)
	case r.Method == http.MethodPost && r.URL.Path == "/v1/messages/count_tokens":
		writeJSON(w, map[string]int{"input_tokens": InputTokens(body)})
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/v1/organizations/"):
		s.serveAdmin(w, r)
	case strings.HasPrefix(r.URL.Path, "/v1/messages/batches"):
		s.serveBatches(w, r, body)
	case r.Method == http.MethodGet && r.URL.Path == "/v1/models":
		writeJSON(w, map[string]any{"data": []map[string]any{
			{"type": "model", "id": "claude-sonnet-4-6", "display_name": "Claude Sonnet 4.6", "max_input_tokens": 1000000, "max_tokens": 128000},
		}, "has_more": false})
	default:
		writeError(w, Response{Status: 404, ErrorType: "not_found_error", Message: "Not found: " + r.URL.Path})
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, resp Response) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(resp.Status)
	typ := resp.ErrorType
	if typ == "" {
		typ = map[int]string{400: "invalid_request_error", 401: "authentication_error", 403: "permission_error", 429: "rate_limit_error", 529: "overloaded_error"}[resp.Status]
		if typ == "" {
			typ = "api_error"
		}
	}
	json.NewEncoder(w).Encode(map[string]any{"type": "error", "error": map[string]string{"type": typ, "message": resp.Message}, "request_id": w.Header().Get("request-id")})
}

func (s *Server) messages(w http.ResponseWriter, r *http.Request, body []byte, resp Response) {
	var req struct {
		Model     string `json:"model"`
		MaxTokens int    `json:"max_tokens"`
		Stream    bool   `json:"stream"`
	}
	if err := json.Unmarshal(body, &req); err != nil || req.Model == "" || req.MaxTokens < 1 {
		writeError(w, Response{Status: 400, Message: "invalid request body: model and max_tokens are required"})
		return
	}
	text := resp.Text
	if text == "" && s.ReplyFor != nil {
		text = s.ReplyFor(body)
	}
	if text == "" {
		text = s.Reply
	}
	stop := resp.StopReason
	if stop == "" {
		stop = "end_turn"
	}
	usage := Usage{InputTokens: InputTokens(body), OutputTokens: max(1, len(strings.Fields(text)))}
	if resp.Usage != nil {
		usage = *resp.Usage
	}
	id := "msg_fake_" + fmt.Sprint(len(s.Requests()))
	if !req.Stream {
		writeJSON(w, map[string]any{"id": id, "type": "message", "role": "assistant", "model": req.Model,
			"content":     []map[string]string{{"type": "text", "text": text}},
			"stop_reason": stop, "stop_sequence": nil, "usage": usage})
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	flusher, _ := w.(http.Flusher)
	send := func(event string, data any) bool {
		b, _ := json.Marshal(data)
		if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, b); err != nil {
			return false
		}
		if flusher != nil {
			flusher.Flush()
		}
		return r.Context().Err() == nil
	}
	start := usage
	start.OutputTokens = 1
	send("message_start", map[string]any{"type": "message_start", "message": map[string]any{"id": id, "type": "message", "role": "assistant", "model": req.Model,
		"content": []any{}, "stop_reason": nil, "stop_sequence": nil, "usage": start}})
	send("content_block_start", map[string]any{"type": "content_block_start", "index": 0, "content_block": map[string]string{"type": "text", "text": ""}})
	send("ping", map[string]string{"type": "ping"})
	// An event type from a newer API: clients must ignore it.
	send("future_event", map[string]string{"type": "future_event"})
	for i, chunk := range chunks(text) {
		if resp.Delay > 0 {
			select {
			case <-time.After(resp.Delay):
			case <-r.Context().Done():
				return
			}
		}
		if !send("content_block_delta", map[string]any{"type": "content_block_delta", "index": 0, "delta": map[string]string{"type": "text_delta", "text": chunk}}) {
			return
		}
		if resp.CutStream && i == 0 {
			return
		}
		if resp.Stall && i == 0 {
			<-r.Context().Done()
			return
		}
	}
	send("content_block_stop", map[string]any{"type": "content_block_stop", "index": 0})
	delta := map[string]any{"output_tokens": usage.OutputTokens, "input_tokens": usage.InputTokens,
		"cache_creation_input_tokens": usage.CacheCreationInputTokens, "cache_read_input_tokens": usage.CacheReadInputTokens}
	if usage.ServerToolUse != nil {
		delta["server_tool_use"] = usage.ServerToolUse
	}
	send("message_delta", map[string]any{"type": "message_delta", "delta": map[string]any{"stop_reason": stop, "stop_sequence": nil},
		"usage": delta})
	send("message_stop", map[string]string{"type": "message_stop"})
}

// chunks splits a reply into word-sized pieces, as a stream delivers it.
func chunks(text string) []string {
	var out []string
	for len(text) > 0 {
		i := strings.IndexByte(text[1:], ' ')
		if i < 0 {
			out = append(out, text)
			break
		}
		out = append(out, text[:i+1])
		text = text[i+1:]
	}
	return out
}
