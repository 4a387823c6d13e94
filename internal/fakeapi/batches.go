package fakeapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// BatchResult scripts the outcome of one request of a batch, by custom_id.
// A zero Type is "succeeded" with the default reply.
type BatchResult struct {
	Type      string // "succeeded", "errored", "expired" or "canceled"
	Text      string // succeeded: the reply text (default: Server.Reply)
	Usage     *Usage // succeeded: the usage (default: computed like /v1/messages)
	ErrorType string // errored: the API's error type (default invalid_request_error)
	Message   string // errored: the API's message
}

// Batch is a batch the fake holds.
type Batch struct {
	ID       string
	Body     []byte            // the create request's body, as received
	Params   []json.RawMessage // each request's params, in order
	CustomID []string
	Polls    int // GETs answered so far
	Created  time.Time
	Ended    time.Time
}

// batchState is the fake's batches, behind the Server's lock.
type batchState struct {
	mu       sync.Mutex
	polls    int // GETs answered in_progress before a batch ends; -1 until set (default 2)
	batches  map[string]*Batch
	results  map[string]BatchResult
	inflight int
	peak     int
}

func (b *batchState) init() {
	if b.batches == nil {
		b.batches = map[string]*Batch{}
		b.results = map[string]BatchResult{}
		b.polls = 2
	}
}

// SetBatchPolls says how many status requests a batch answers in_progress
// before it ends (default 2; 0 ends at the first). It applies to batches
// already created too, so a test can let a waiting batch end.
func (s *Server) SetBatchPolls(n int) {
	s.batches.mu.Lock()
	defer s.batches.mu.Unlock()
	s.batches.init()
	s.batches.polls = n
}

// ScriptBatchResult sets the result of the request with customID in any batch.
func (s *Server) ScriptBatchResult(customID string, r BatchResult) {
	s.batches.mu.Lock()
	defer s.batches.mu.Unlock()
	s.batches.init()
	s.batches.results[customID] = r
}

// Batches returns the batches created so far, oldest first.
func (s *Server) Batches() []Batch {
	s.batches.mu.Lock()
	defer s.batches.mu.Unlock()
	var out []Batch
	for i := 1; i <= len(s.batches.batches); i++ {
		if b := s.batches.batches[batchID(i)]; b != nil {
			out = append(out, *b)
		}
	}
	return out
}

// MaxConcurrent is the most requests to /v1/messages the fake was serving
// at once.
func (s *Server) MaxConcurrent() int {
	s.batches.mu.Lock()
	defer s.batches.mu.Unlock()
	return s.batches.peak
}

// enter counts a request to /v1/messages in flight; the returned function
// ends it.
func (s *Server) enter(path string) func() {
	if path != "/v1/messages" {
		return func() {}
	}
	b := &s.batches
	b.mu.Lock()
	b.inflight++
	b.peak = max(b.peak, b.inflight)
	b.mu.Unlock()
	return func() {
		b.mu.Lock()
		b.inflight--
		b.mu.Unlock()
	}
}

func batchID(n int) string { return fmt.Sprintf("msgbatch_fake%04d", n) }

// serveBatches answers POST /v1/messages/batches, GET .../{id} and GET
// .../{id}/results.
func (s *Server) serveBatches(w http.ResponseWriter, r *http.Request, body []byte) {
	b := &s.batches
	rest := strings.Trim(strings.TrimPrefix(r.URL.Path, "/v1/messages/batches"), "/")
	id, sub, _ := strings.Cut(rest, "/")
	b.mu.Lock()
	defer b.mu.Unlock()
	b.init()
	switch {
	case r.Method == http.MethodPost && rest == "":
		var req struct {
			Requests []struct {
				CustomID string          `json:"custom_id"`
				Params   json.RawMessage `json:"params"`
			} `json:"requests"`
		}
		if err := json.Unmarshal(body, &req); err != nil || len(req.Requests) == 0 {
			writeError(w, Response{Status: 400, Message: "requests: a non-empty list of {custom_id, params} is required"})
			return
		}
		batch := &Batch{ID: batchID(len(b.batches) + 1), Body: body, Created: time.Now().UTC()}
		seen := map[string]bool{}
		for i, rq := range req.Requests {
			var p struct {
				Model     string `json:"model"`
				MaxTokens int    `json:"max_tokens"`
			}
			if json.Unmarshal(rq.Params, &p) != nil || p.Model == "" || p.MaxTokens < 1 {
				writeError(w, Response{Status: 400, Message: fmt.Sprintf("requests.%d.params: model and max_tokens are required", i)})
				return
			}
			if rq.CustomID == "" || seen[rq.CustomID] {
				writeError(w, Response{Status: 400, Message: fmt.Sprintf("requests.%d.custom_id: must be unique and not empty", i)})
				return
			}
			seen[rq.CustomID] = true
			batch.Params = append(batch.Params, rq.Params)
			batch.CustomID = append(batch.CustomID, rq.CustomID)
		}
		b.batches[batch.ID] = batch
		writeJSON(w, s.batchJSON(batch, false))
	case r.Method == http.MethodGet && id != "" && sub == "":
		batch := b.batches[id]
		if batch == nil {
			writeError(w, Response{Status: 404, ErrorType: "not_found_error", Message: "no batch " + id})
			return
		}
		batch.Polls++
		if batch.Ended.IsZero() && batch.Polls > b.polls {
			batch.Ended = time.Now().UTC()
		}
		writeJSON(w, s.batchJSON(batch, true))
	case r.Method == http.MethodGet && id != "" && sub == "results":
		batch := b.batches[id]
		if batch == nil {
			writeError(w, Response{Status: 404, ErrorType: "not_found_error", Message: "no batch " + id})
			return
		}
		if batch.Ended.IsZero() {
			writeError(w, Response{Status: 400, Message: "batch " + id + " is still processing: results are available once it has ended"})
			return
		}
		w.Header().Set("Content-Type", "application/x-jsonl")
		enc := json.NewEncoder(w)
		// Backwards, as the API promises no order: clients match custom_id.
		for i := len(batch.Params) - 1; i >= 0; i-- {
			enc.Encode(map[string]any{"custom_id": batch.CustomID[i], "result": s.batchResult(batch, i)})
		}
	default:
		writeError(w, Response{Status: 404, ErrorType: "not_found_error", Message: "Not found: " + r.URL.Path})
	}
}

// batchJSON is a batch as the API describes it.
func (s *Server) batchJSON(b *Batch, counts bool) map[string]any {
	n := len(b.Params)
	rc := map[string]int{"processing": n, "succeeded": 0, "errored": 0, "canceled": 0, "expired": 0}
	out := map[string]any{"id": b.ID, "type": "message_batch", "processing_status": "in_progress",
		"created_at": b.Created.Format(time.RFC3339Nano), "expires_at": b.Created.Add(24 * time.Hour).Format(time.RFC3339Nano),
		"ended_at": nil, "archived_at": nil, "cancel_initiated_at": nil, "results_url": nil}
	if !b.Ended.IsZero() {
		rc["processing"] = 0
		for i := range b.Params {
			typ := s.batches.results[b.CustomID[i]].Type
			if typ == "" {
				typ = "succeeded"
			}
			rc[typ]++
		}
		out["processing_status"] = "ended"
		out["ended_at"] = b.Ended.Format(time.RFC3339Nano)
		out["results_url"] = s.URL + "/v1/messages/batches/" + b.ID + "/results"
	}
	out["request_counts"] = rc
	return out
}

// batchResult is the result entry of request i.
func (s *Server) batchResult(b *Batch, i int) map[string]any {
	script := s.batches.results[b.CustomID[i]]
	switch script.Type {
	case "errored":
		typ := script.ErrorType
		if typ == "" {
			typ = "invalid_request_error"
		}
		return map[string]any{"type": "errored", "error": map[string]any{"type": "error",
			"error": map[string]string{"type": typ, "message": script.Message}, "request_id": fmt.Sprintf("req_fake_batch_%d", i)}}
	case "expired", "canceled":
		return map[string]any{"type": script.Type}
	}
	var p struct {
		Model string `json:"model"`
	}
	json.Unmarshal(b.Params[i], &p)
	text := script.Text
	if text == "" {
		text = s.Reply
	}
	usage := Usage{InputTokens: InputTokens(b.Params[i]), OutputTokens: max(1, len(strings.Fields(text)))}
	if script.Usage != nil {
		usage = *script.Usage
	}
	return map[string]any{"type": "succeeded", "message": map[string]any{"id": fmt.Sprintf("msg_fake_batch_%d", i), "type": "message",
		"role": "assistant", "model": p.Model, "content": []map[string]string{{"type": "text", "text": text}},
		"stop_reason": "end_turn", "stop_sequence": nil, "usage": usage}}
}
