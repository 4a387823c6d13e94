package fakeapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// RateLimits are the per-minute limits the fake reports in the
// anthropic-ratelimit-* headers of every answer, as the API does. Each
// request spends one request; a Messages request also spends its input
// tokens and its max_tokens of output (the API counts output so at the start).
type RateLimits struct {
	Requests, InputTokens, OutputTokens int
}

// DefaultRateLimits are tier-1-like limits.
var DefaultRateLimits = RateLimits{Requests: 50, InputTokens: 30_000, OutputTokens: 8_000}

type limitState struct {
	set               bool
	limits            RateLimits
	window            time.Time // when the current minute began
	requests, in, out int
}

// SetRateLimits replaces the limits and starts a new minute.
func (s *Server) SetRateLimits(l RateLimits) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limits = limitState{set: true, limits: l}
}

// rateLimitHeaders spends this request and writes what is left. Token
// counts are rounded down to thousands, as the API does.
func (s *Server) rateLimitHeaders(w http.ResponseWriter, r *http.Request, body []byte) {
	s.mu.Lock()
	st := &s.limits
	if !st.set {
		st.set, st.limits = true, DefaultRateLimits
	}
	now := time.Now().UTC()
	if st.window.IsZero() || now.Sub(st.window) >= time.Minute {
		st.window, st.requests, st.in, st.out = now, 0, 0, 0
	}
	st.requests++
	if r.Method == http.MethodPost && r.URL.Path == "/v1/messages" {
		var req struct {
			MaxTokens int `json:"max_tokens"`
		}
		json.Unmarshal(body, &req)
		st.in += InputTokens(body)
		st.out += req.MaxTokens
	}
	l, used := st.limits, [3]int{st.requests, st.in, st.out}
	reset := st.window.Add(time.Minute).Format(time.RFC3339)
	s.mu.Unlock()
	set := func(kind string, limit, remaining int) {
		w.Header().Set("anthropic-ratelimit-"+kind+"-limit", fmt.Sprint(limit))
		w.Header().Set("anthropic-ratelimit-"+kind+"-remaining", fmt.Sprint(max(0, remaining)))
		w.Header().Set("anthropic-ratelimit-"+kind+"-reset", reset)
	}
	thousands := func(n int) int { return n / 1000 * 1000 }
	set("requests", l.Requests, l.Requests-used[0])
	set("input-tokens", l.InputTokens, thousands(l.InputTokens-used[1]))
	set("output-tokens", l.OutputTokens, thousands(l.OutputTokens-used[2]))
	set("tokens", l.InputTokens+l.OutputTokens, thousands(l.InputTokens+l.OutputTokens-used[1]-used[2]))
}
