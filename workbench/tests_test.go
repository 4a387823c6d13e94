package workbench

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/claude-ls/claude-ls/internal/fakeapi"
	"github.com/claude-ls/claude-ls/internal/fixtures"
	"github.com/claude-ls/claude-ls/promptfile"
)

// testsPrompt has a case that passes, one that fails and one with nothing
// to check, against the fake's default reply ("Tides are the slow rise and
// fall of the sea, pulled by the Moon.").
var testsPrompt = strings.Replace(fixtures.PassFailNothing, "      contains: Moon\n", "      contains: Moon\n      not_contains: [volcano, lava]\n", 1)

// plan renders src's test cases on models.
func plan(t *testing.T, src string, models ...string) []TestJob {
	t.Helper()
	ws := &promptfile.Workspace{Counter: promptfile.NewCounters()}
	analyze := func(o promptfile.Options) *promptfile.Result {
		return promptfile.Analyze(promptfile.Parse([]byte(src)), ws, o)
	}
	jobs, err := PlanTests(analyze(promptfile.Options{}), models, analyze)
	if err != nil {
		t.Fatal(err)
	}
	return jobs
}

func TestCheckReplySemantics(t *testing.T) {
	reply := "Tides are the slow rise and fall of the sea, pulled by the Moon."
	for _, tc := range []struct {
		name string
		ex   promptfile.Expect
		out  int64
		want Status
	}{
		{"contains is a substring", promptfile.Expect{Contains: []string{"rise and fall", "Moon."}}, 10, StatusPass},
		{"contains is case-sensitive", promptfile.Expect{Contains: []string{"moon"}}, 10, StatusFail},
		{"every contains must hold", promptfile.Expect{Contains: []string{"Moon", "lava"}}, 10, StatusFail},
		{"not_contains", promptfile.Expect{NotContains: []string{"Sun"}}, 10, StatusPass},
		{"not_contains fails when present", promptfile.Expect{NotContains: []string{"sea"}}, 10, StatusFail},
		{"regex is unanchored", promptfile.Expect{Regex: `slow \w+`}, 10, StatusPass},
		{"regex (?i)", promptfile.Expect{Regex: `(?i)^TIDES`}, 10, StatusPass},
		{"regex no match", promptfile.Expect{Regex: `^Moon`}, 10, StatusFail},
		{"invalid regex fails", promptfile.Expect{Regex: `(`}, 10, StatusFail},
		{"max_tokens_out at the limit", promptfile.Expect{MaxTokensOut: 10}, 10, StatusPass},
		{"max_tokens_out above", promptfile.Expect{MaxTokensOut: 10}, 11, StatusFail},
		{"empty expect", promptfile.Expect{}, 10, StatusOK},
	} {
		checks := CheckReply(&tc.ex, reply, promptfile.Usage{Output: tc.out})
		if got := StatusOf(checks); got != tc.want {
			t.Errorf("%s: %s, want %s (%+v)", tc.name, got, tc.want, checks)
		}
	}
	checks := CheckReply(&promptfile.Expect{Contains: []string{"moon"}}, reply, promptfile.Usage{})
	if !strings.Contains(checks[0].Detail, "case-sensitive") {
		t.Errorf("a near miss in another case should say matching is case-sensitive: %q", checks[0].Detail)
	}
	checks = CheckReply(&promptfile.Expect{MaxTokensOut: 5}, reply, promptfile.Usage{Output: 9})
	if checks[0].Detail != "the reply used 9 output tokens" {
		t.Errorf("detail %q", checks[0].Detail)
	}
	if CheckReply(nil, reply, promptfile.Usage{}) != nil {
		t.Error("no expect, no checks")
	}
}

func TestPlanTestsRendersEveryCaseOnEveryModel(t *testing.T) {
	jobs := plan(t, testsPrompt, "claude-sonnet-4-6", "claude-haiku-4-5")
	if len(jobs) != 6 {
		t.Fatalf("%d jobs, want 3 cases × 2 models", len(jobs))
	}
	if jobs[0].Case != "tides" || jobs[0].ModelID != "claude-sonnet-4-6" || jobs[1].ModelID != "claude-haiku-4-5" || jobs[2].Case != "volcanoes" {
		t.Errorf("order: %s/%s %s/%s %s", jobs[0].Case, jobs[0].ModelID, jobs[1].Case, jobs[1].ModelID, jobs[2].Case)
	}
	if !strings.Contains(string(jobs[2].Body), "Explain volcanoes") || !strings.Contains(string(jobs[3].Body), `"model":"claude-haiku-4-5"`) {
		t.Errorf("bodies: %s\n%s", jobs[2].Body, jobs[3].Body)
	}
	// Without tests: one case, the defaults.
	jobs = plan(t, "---\nmodel: claude-sonnet-4-6\nmax_tokens: 10\n---\nhi\n")
	if len(jobs) != 1 || jobs[0].Case != "default" {
		t.Errorf("no tests: %+v", jobs)
	}
	// A case that does not render names itself.
	ws := &promptfile.Workspace{}
	src := "---\nmodel: claude-sonnet-4-6\nmax_tokens: 10\ntests:\n  - name: empty\n---\nuser:\n{{x}}\n"
	analyze := func(o promptfile.Options) *promptfile.Result {
		return promptfile.Analyze(promptfile.Parse([]byte(src)), ws, o)
	}
	if _, err := PlanTests(analyze(promptfile.Options{}), nil, analyze); err == nil || !strings.Contains(err.Error(), "case `empty`") {
		t.Errorf("error %v", err)
	}
}

func TestRunTestsChecksRecordsAndPrices(t *testing.T) {
	c, api, _ := newClient(t)
	root := t.TempDir()
	jobs := plan(t, testsPrompt, "claude-sonnet-4-6", "claude-haiku-4-5")
	var seen []string
	results := RunTests(context.Background(), c, jobs, TestOptions{Root: root, Prompt: "t.prompt",
		OnResult: func(r TestResult, done, total int) { seen = append(seen, fmt.Sprintf("%d/%d", done, total)) }})
	want := []Status{StatusPass, StatusPass, StatusFail, StatusFail, StatusOK, StatusOK}
	for i, r := range results {
		if r.Status != want[i] || r.Case != jobs[i].Case || r.ModelID != jobs[i].ModelID {
			t.Errorf("result %d: %s %s %s, want %s", i, r.Case, r.ModelID, r.Status, want[i])
		}
	}
	if len(seen) != 6 || seen[5] != "6/6" {
		t.Errorf("progress %v", seen)
	}
	recs, _ := ReadRecords(root)
	if len(recs) != 6 {
		t.Fatalf("%d records, want one per case × model", len(recs))
	}
	for _, rec := range recs {
		if rec.Prompt != "t.prompt" || rec.Test == "" || rec.Batch || rec.Reply != api.Reply {
			t.Errorf("record %+v", rec)
		}
		m, _ := promptfile.DefaultCatalog().Lookup(rec.Model)
		// The fake's usage: its count of the body in, one token per word out.
		if want := m.Cost(promptfile.Usage{Input: rec.Usage.Input, Output: rec.Usage.Output}, false); rec.CostUSD != want || want == 0 {
			t.Errorf("%s on %s: cost %s, want %s", rec.Test, rec.Model, rec.CostUSD, want)
		}
	}
	// Every request was exactly a rendered body, streamed.
	sent := 0
	for _, r := range api.Requests() {
		if r.Path == "/v1/messages" {
			sent++
		}
	}
	if sent != 6 {
		t.Errorf("%d requests", sent)
	}
}

func TestRunTestsBoundsConcurrency(t *testing.T) {
	c, api, _ := newClient(t)
	var b strings.Builder
	b.WriteString("---\nmodel: claude-haiku-4-5\nmax_tokens: 50\ntests:\n")
	for i := range 12 {
		fmt.Fprintf(&b, "  - n: \"%d\"\n", i)
	}
	b.WriteString("---\nuser:\nCount to {{n}}.\n")
	jobs := plan(t, b.String())
	for range jobs {
		api.Push("/v1/messages", fakeapi.Response{Delay: 10 * time.Millisecond}) // ≈ 130 ms a request
	}
	results := RunTests(context.Background(), c, jobs, TestOptions{Concurrency: 3})
	for _, r := range results {
		if r.Status != StatusOK {
			t.Errorf("%s: %s %s", r.Case, r.Status, r.Error)
		}
	}
	if got := api.MaxConcurrent(); got > 3 || got < 2 {
		t.Errorf("at most %d requests at once, want 2 or 3 with --concurrency 3", got)
	}
}

func TestRunTestsBacksOffOn429(t *testing.T) {
	c, api, notes := newClient(t)
	var mu sync.Mutex
	inner := c.OnRetry
	c.OnRetry = func(n string) { mu.Lock(); inner(n); mu.Unlock() }
	jobs := plan(t, testsPrompt)
	// The first request is refused more often than the SDK retries: after
	// them it waits and tries again, at a lower concurrency.
	for range MaxRetries + 1 {
		api.Push("/v1/messages", fakeapi.Response{Status: 429, Header: map[string]string{"retry-after": "0"}, Message: "slow down"})
	}
	results := RunTests(context.Background(), c, jobs, TestOptions{Concurrency: 1, RateLimitPause: 20 * time.Millisecond})
	// Then, four at once, a 429 halves the concurrency.
	api.Push("/v1/messages", fakeapi.Response{Status: 429, Header: map[string]string{"retry-after": "0"}})
	results = append(results, RunTests(context.Background(), c, jobs, TestOptions{Concurrency: 4})...)
	for _, r := range results {
		if r.Broken() {
			t.Errorf("%s: %s %s", r.Case, r.Status, r.Error)
		}
	}
	all := strings.Join(*notes, "\n")
	if !strings.Contains(all, "HTTP 429 rate limited; retrying") || !strings.Contains(all, "running at most 2 at once") || !strings.Contains(all, "still rate limited after 4 retries; waiting 20ms") {
		t.Errorf("notes:\n%s", all)
	}
	if c.OnRetry == nil {
		t.Error("OnRetry not given back")
	}
}

func TestRunTestsErrorsAndCancel(t *testing.T) {
	c, api, _ := newClient(t)
	root := t.TempDir()
	jobs := plan(t, testsPrompt)
	api.Push("/v1/messages", fakeapi.Response{Status: 400, Message: "messages.0.content: bad"})
	results := RunTests(context.Background(), c, jobs[:1], TestOptions{Root: root, Prompt: "t.prompt"})
	if results[0].Status != StatusError || !strings.Contains(results[0].Error, "line 20: the API refused the request") {
		t.Errorf("400: %+v", results[0])
	}
	if recs, _ := ReadRecords(root); len(recs) != 1 || recs[0].Error == "" || recs[0].CostUSD != 0 {
		t.Errorf("an error is recorded, at no cost: %+v", recs)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	results = RunTests(ctx, c, jobs, TestOptions{Root: root})
	for _, r := range results {
		if r.Status != StatusCanceled {
			t.Errorf("cancelled: %s %s", r.Case, r.Status)
		}
	}
}

func TestLimiter(t *testing.T) {
	l := newLimiter(4)
	if n, ok := l.lower(); n != 2 || !ok {
		t.Errorf("lower: %d %v", n, ok)
	}
	if n, ok := l.lower(); n != 2 || ok {
		t.Errorf("a second 429 within a second counts once: %d %v", n, ok)
	}
	ctx := context.Background()
	l.acquire(ctx)
	l.acquire(ctx)
	short, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	if err := l.acquire(short); err == nil {
		t.Error("a third slot at a limit of 2")
	}
	l.release(true)
	l.release(true) // two successes at a limit of 2: back up to 3
	if l.limit != 3 {
		t.Errorf("limit %d after successes, want 3", l.limit)
	}
}
