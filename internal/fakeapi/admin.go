package fakeapi

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The Admin API's usage and cost reports, paged as the API pages them
// (limit buckets a page; has_more and next_page), with cost amounts as
// decimal strings in cents. Only admin keys (sk-ant-admin01-…) are let in.

// AdminKeyPrefix is what an admin key starts with.
const AdminKeyPrefix = "sk-ant-admin01-"

// Admin is the organisation's data the reports answer from, one bucket a day.
type Admin struct {
	Usage []UsageBucket
	Cost  []CostBucket
}

// UsageBucket is one day of /v1/organizations/usage_report/messages.
type UsageBucket struct {
	StartingAt string        `json:"starting_at"`
	EndingAt   string        `json:"ending_at"`
	Results    []UsageResult `json:"results"`
}

// UsageResult is one model and service tier on one day.
type UsageResult struct {
	UncachedInput int            `json:"uncached_input_tokens"`
	CacheCreation *CacheCreation `json:"cache_creation"`
	CacheRead     int            `json:"cache_read_input_tokens"`
	Output        int            `json:"output_tokens"`
	Model         *string        `json:"model"`
	ServiceTier   *string        `json:"service_tier"`
}

// CostBucket is one day of /v1/organizations/cost_report.
type CostBucket struct {
	StartingAt string       `json:"starting_at"`
	EndingAt   string       `json:"ending_at"`
	Results    []CostResult `json:"results"`
}

// CostResult is one cost item; Amount is in cents, as a decimal string.
type CostResult struct {
	Currency    string  `json:"currency"`
	Amount      string  `json:"amount"`
	Description *string `json:"description"`
	CostType    *string `json:"cost_type"`
	Model       *string `json:"model"`
	ServiceTier *string `json:"service_tier"`
	TokenType   *string `json:"token_type"`
}

// SetAdmin sets the organisation's data.
func (s *Server) SetAdmin(a Admin) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.admin = &a
}

func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.Header.Get("x-api-key"), AdminKeyPrefix) {
		writeError(w, Response{Status: 401, ErrorType: "authentication_error", Message: "invalid x-api-key: the Admin API needs an admin key"})
		return
	}
	s.mu.Lock()
	a := Admin{}
	if s.admin != nil {
		a = *s.admin
	}
	s.mu.Unlock()
	q := r.URL.Query()
	from, err1 := time.Parse(time.RFC3339, q.Get("starting_at"))
	var to time.Time
	var err2 error
	if v := q.Get("ending_at"); v != "" {
		to, err2 = time.Parse(time.RFC3339, v)
	}
	if err1 != nil || err2 != nil {
		writeError(w, Response{Status: 400, Message: "starting_at (and ending_at) must be RFC 3339 timestamps"})
		return
	}
	limit := 7
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 31 {
			writeError(w, Response{Status: 400, Message: "limit must be 1 to 31 for 1d buckets"})
			return
		}
		limit = n
	}
	start := 0
	if p := q.Get("page"); p != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(p, "page_"))
		if err != nil || !strings.HasPrefix(p, "page_") {
			writeError(w, Response{Status: 400, Message: "invalid page token " + p})
			return
		}
		start = n
	}
	within := func(s, e string) bool {
		st, _ := time.Parse(time.RFC3339, s)
		en, _ := time.Parse(time.RFC3339, e)
		return !st.Before(from) && (to.IsZero() || !en.After(to))
	}
	switch r.URL.Path {
	case "/v1/organizations/usage_report/messages":
		var in []UsageBucket
		for _, b := range a.Usage {
			if within(b.StartingAt, b.EndingAt) {
				in = append(in, b)
			}
		}
		writePage(w, in, start, limit)
	case "/v1/organizations/cost_report":
		var in []CostBucket
		for _, b := range a.Cost {
			if within(b.StartingAt, b.EndingAt) {
				in = append(in, b)
			}
		}
		writePage(w, in, start, limit)
	default:
		writeError(w, Response{Status: 404, ErrorType: "not_found_error", Message: "Not found: " + r.URL.Path})
	}
}

func writePage[T any](w http.ResponseWriter, all []T, start, limit int) {
	start = min(start, len(all))
	end := min(start+limit, len(all))
	page := append([]T{}, all[start:end]...)
	var next any
	if end < len(all) {
		next = fmt.Sprintf("page_%d", end)
	}
	writeJSON(w, map[string]any{"data": page, "has_more": end < len(all), "next_page": next})
}

// SampleAdmin is a plausible organisation over the days before end (UTC),
// for pictures and demos: two models, some batch work, cache reads, and a
// web search bill; amounts are exact cents strings.
func SampleAdmin(days int, end time.Time) Admin {
	str := func(s string) *string { return &s }
	var a Admin
	day0 := time.Date(end.Year(), end.Month(), end.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, -days+1)
	for i := 0; i < days; i++ {
		st := day0.AddDate(0, 0, i)
		s, e := st.Format(time.RFC3339), st.AddDate(0, 0, 1).Format(time.RFC3339)
		k := 1 + i%3
		sIn, sOut, sRead := 400_000*k, 60_000*k, 900_000*k
		hIn, hOut := 1_500_000+200_000*i, 250_000+30_000*i
		bIn, bOut := 0, 0
		if i%2 == 1 {
			bIn, bOut = 2_000_000, 300_000
		}
		a.Usage = append(a.Usage, UsageBucket{StartingAt: s, EndingAt: e, Results: []UsageResult{
			{UncachedInput: sIn, CacheCreation: &CacheCreation{Ephemeral5m: 50_000 * k}, CacheRead: sRead, Output: sOut, Model: str("claude-sonnet-4-6"), ServiceTier: str("standard")},
			{UncachedInput: hIn, CacheCreation: &CacheCreation{}, Output: hOut, Model: str("claude-haiku-4-5"), ServiceTier: str("standard")},
			{UncachedInput: bIn, CacheCreation: &CacheCreation{}, Output: bOut, Model: str("claude-haiku-4-5"), ServiceTier: str("batch")},
		}})
		// Cents, exactly: Sonnet $3/$15, cache write 1.25×, read 0.1×;
		// Haiku $1/$5, batch half.
		cents := func(tokens, centsPerMTok int) string { return centsText(int64(tokens) * int64(centsPerMTok)) }
		tok := func(model, tier, typ string, amount string) CostResult {
			return CostResult{Currency: "USD", Amount: amount, Description: str(model + " " + typ), CostType: str("tokens"), Model: str(model), ServiceTier: str(tier), TokenType: str(typ)}
		}
		a.Cost = append(a.Cost, CostBucket{StartingAt: s, EndingAt: e, Results: []CostResult{
			tok("claude-sonnet-4-6", "standard", "uncached_input_tokens", cents(sIn, 300)),
			tok("claude-sonnet-4-6", "standard", "cache_creation.ephemeral_5m_input_tokens", cents(50_000*k, 375)),
			tok("claude-sonnet-4-6", "standard", "cache_read_input_tokens", cents(sRead, 30)),
			tok("claude-sonnet-4-6", "standard", "output_tokens", cents(sOut, 1500)),
			tok("claude-haiku-4-5", "standard", "uncached_input_tokens", cents(hIn, 100)),
			tok("claude-haiku-4-5", "standard", "output_tokens", cents(hOut, 500)),
			tok("claude-haiku-4-5", "batch", "uncached_input_tokens", cents(bIn, 50)),
			tok("claude-haiku-4-5", "batch", "output_tokens", cents(bOut, 250)),
			{Currency: "USD", Amount: "10.00", Description: str("Web search"), CostType: str("web_search")},
		}})
	}
	return a
}

// centsText writes tokens × cents-per-million-tokens as a cents decimal
// string: n is in millionths of a cent.
func centsText(n int64) string {
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%d.%06d", n/1_000_000, n%1_000_000), "0"), ".")
}
