package workbench

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/claude-ls/claude-ls/internal/fakeapi"
)

func TestParseRateLimits(t *testing.T) {
	h := http.Header{}
	h.Set("anthropic-ratelimit-requests-limit", "50")
	h.Set("anthropic-ratelimit-requests-remaining", "49")
	h.Set("anthropic-ratelimit-requests-reset", "2026-11-20T10:31:05Z")
	h.Set("anthropic-ratelimit-input-tokens-limit", "30000")
	h.Set("anthropic-ratelimit-input-tokens-remaining", "29000")
	h.Set("anthropic-ratelimit-output-tokens-limit", "8000")
	h.Set("anthropic-ratelimit-output-tokens-remaining", "junk") // unreadable: left out
	at := time.Date(2026, 11, 20, 10, 30, 5, 0, time.UTC)
	l := ParseRateLimits(h, at)
	if l == nil || l.Requests.Remaining != 49 || l.Requests.Reset.Minute() != 31 || l.InputTokens.Limit != 30000 || l.OutputTokens != nil || l.Tokens != nil {
		t.Fatalf("parsed %+v", l)
	}
	want := "rate limits left: requests 49 of 50, input tokens 29,000 of 30,000 (full again by 10:31:05 UTC)"
	if got := l.Summary(); got != want {
		t.Errorf("Summary()\n got %s\nwant %s", got, want)
	}
	if ParseRateLimits(http.Header{}, at) != nil {
		t.Error("no headers should be no limits")
	}
}

// TestRunsKeepTheirRateLimits: the reply carries the headers of its answer,
// streamed or not; saved per model, they say whether a test run fits.
func TestRunsKeepTheirRateLimits(t *testing.T) {
	c, api, _ := newClient(t)
	api.SetRateLimits(fakeapi.RateLimits{Requests: 5, InputTokens: 10_000, OutputTokens: 4_000})
	res := render(t, prompt)
	body, _ := res.Request.MarshalJSON()
	root := t.TempDir()
	for _, stream := range []bool{false, true} {
		reply, err := c.Send(context.Background(), body, res.Version, stream, nil)
		if err != nil {
			t.Fatal(err)
		}
		if reply.RateLimits == nil || reply.RateLimits.Requests.Limit != 5 || reply.RateLimits.OutputTokens.Limit != 4_000 {
			t.Fatalf("stream=%v: limits %+v", stream, reply.RateLimits)
		}
		if err := SaveLimits(root, reply.Model, reply.RateLimits); err != nil {
			t.Fatal(err)
		}
	}
	all, err := LoadLimits(root)
	if err != nil {
		t.Fatal(err)
	}
	l := all["claude-sonnet-4-6"]
	if l.Requests == nil || l.Requests.Remaining != 3 || l.OutputTokens.Remaining != 3_000 { // 2 requests of max_tokens 200 spent
		t.Fatalf("kept %+v %+v", l.Requests, l.OutputTokens)
	}
	now := time.Now()
	if err := FitsLimits(root, LimitNeed{Model: "claude-sonnet-4-6", Requests: 3, InputTokens: 100, OutputTokens: 600}, now); err != nil {
		t.Errorf("3 requests fit 3 left: %v", err)
	}
	err = FitsLimits(root, LimitNeed{Model: "claude-sonnet-4-6", Requests: 4, InputTokens: 100, OutputTokens: 3_200}, now)
	var le *LimitError
	if !errors.As(err, &le) || !strings.Contains(err.Error(), "4 requests to claude-sonnet-4-6, but only 3 of 5 are left") ||
		!strings.Contains(err.Error(), "3,200 output tokens") {
		t.Errorf("4 requests with 3 left: %v", err)
	}
	if err := FitsLimits(root, LimitNeed{Model: "claude-sonnet-4-6", Requests: 40}, now.Add(2*time.Minute)); err != nil {
		t.Errorf("after the reset every limit is full again: %v", err)
	}
	if err := FitsLimits(root, LimitNeed{Model: "claude-haiku-4-5", Requests: 400}, now); err != nil {
		t.Errorf("unknown limits fit: %v", err)
	}
}

func TestSaveLimitsFromManyProcessesKeepsEveryModel(t *testing.T) {
	root := t.TempDir()
	var wg sync.WaitGroup
	models := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
	for _, m := range models {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := SaveLimits(root, m, &RateLimits{Requests: &RateLimit{Limit: 50, Remaining: 7}, At: time.Now()}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	all, _ := LoadLimits(root)
	if len(all) != len(models) {
		t.Errorf("kept %d models of %d", len(all), len(models))
	}
	// An older answer does not replace a newer one.
	SaveLimits(root, "a", &RateLimits{Requests: &RateLimit{Limit: 50, Remaining: 1}, At: time.Now().Add(-time.Hour)})
	if all, _ := LoadLimits(root); all["a"].Requests.Remaining != 7 {
		t.Error("an older answer replaced a newer one")
	}
}
