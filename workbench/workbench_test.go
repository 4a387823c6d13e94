package workbench

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/claude-ls/claude-ls/internal/fakeapi"
	"github.com/claude-ls/claude-ls/promptfile"
)

// testKey looks like a real key, so a leak of it is caught by the pattern too.
const testKey = "sk-ant-api03-TESTKEYtestkeyTESTKEYtestkeyTESTKEY0123456789"

func render(t *testing.T, src string) *promptfile.Result {
	t.Helper()
	res := promptfile.Analyze(promptfile.Parse([]byte(src)), &promptfile.Workspace{Counter: promptfile.NewCounters()}, promptfile.Options{Strict: true})
	for _, d := range res.Diagnostics {
		if d.Severity == promptfile.Error {
			t.Fatalf("%s: %s", d.Code, d.Message)
		}
	}
	return res
}

const prompt = "---\nmodel: claude-sonnet-4-6\nmax_tokens: 200\n---\nsystem: cache\nBe brief.\n\nuser:\nExplain tides.\n"

func newClient(t *testing.T) (*Client, *fakeapi.Server, *[]string) {
	api := fakeapi.New()
	t.Cleanup(api.Close)
	c := NewClient(Key{value: testKey, Source: "test"}, api.URL)
	var notes []string
	c.OnRetry = func(n string) { notes = append(notes, n) }
	return c, api, &notes
}

func TestSendStreamsTheRenderedRequest(t *testing.T) {
	c, api, _ := newClient(t)
	res := render(t, prompt)
	body, _ := res.Request.MarshalJSON()
	var pieces []string
	reply, err := c.Send(context.Background(), body, res.Version, true, func(s string) { pieces = append(pieces, s) })
	if err != nil {
		t.Fatal(err)
	}
	if reply.Text != api.Reply || strings.Join(pieces, "") != api.Reply || len(pieces) < 3 {
		t.Errorf("reply %q in %d pieces", reply.Text, len(pieces))
	}
	if reply.StopReason != "end_turn" || reply.Usage.Input != int64(fakeapi.InputTokens(body)) || reply.Usage.Output == 0 {
		t.Errorf("reply = %+v", reply)
	}
	req := api.Last("/v1/messages")
	if got := req.Header.Get("anthropic-version"); got != promptfile.VersionCurrent {
		t.Errorf("anthropic-version = %q", got)
	}
	if got := req.Header.Get("Authorization"); got != "Bearer "+testKey {
		t.Errorf("auth header = %q", got)
	}
	// Exactly the rendered body, plus the stream flag.
	var sent, want map[string]any
	json.Unmarshal(req.Body, &sent)
	json.Unmarshal(body, &want)
	if sent["stream"] != true {
		t.Errorf("stream flag missing: %s", req.Body)
	}
	delete(sent, "stream")
	a, _ := json.Marshal(sent)
	b, _ := json.Marshal(want)
	if string(a) != string(b) {
		t.Errorf("sent %s\nwant %s", a, b)
	}
}

func TestSendWithoutStreamAndLegacyVersion(t *testing.T) {
	c, api, _ := newClient(t)
	res := render(t, "---\nmodel: claude-haiku-4-5\nanthropic_version: 2023-06-01\ntemperature: 0.3\nmax_tokens: 50\n---\nuser:\nhi\n")
	body, _ := res.Request.MarshalJSON()
	reply, err := c.Send(context.Background(), body, res.Version, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if reply.Text != api.Reply {
		t.Errorf("reply %q", reply.Text)
	}
	req := api.Last("/v1/messages")
	if req.Header.Get("anthropic-version") != "2023-06-01" || !strings.Contains(string(req.Body), `"temperature":0.3`) || strings.Contains(string(req.Body), "stream") {
		t.Errorf("sent %s with version %q", req.Body, req.Header.Get("anthropic-version"))
	}
}

func TestRetriesAreNotedAndHonourRetryAfter(t *testing.T) {
	c, api, notes := newClient(t)
	api.Push("/v1/messages",
		fakeapi.Response{Status: 429, Header: map[string]string{"retry-after": "0"}, Message: "slow down"},
		fakeapi.Response{Status: 529, Header: map[string]string{"retry-after": "0"}, Message: "busy"},
		fakeapi.Response{Status: 500, Header: map[string]string{"retry-after-ms": "1"}, Message: "oops"})
	res := render(t, prompt)
	body, _ := res.Request.MarshalJSON()
	reply, err := c.Send(context.Background(), body, res.Version, true, nil)
	if err != nil {
		t.Fatal(err)
	}
	if reply.Text != api.Reply || len(api.Requests()) != 4 {
		t.Errorf("reply %q after %d requests", reply.Text, len(api.Requests()))
	}
	want := []string{"HTTP 429 rate limited; retrying after 0 s (retry-after) (1 of 4)", "HTTP 529 overloaded; retrying after 0 s (retry-after) (2 of 4)", "HTTP 500 Internal Server Error; retrying (3 of 4)"}
	if strings.Join(*notes, "|") != strings.Join(want, "|") {
		t.Errorf("notes:\n%s", strings.Join(*notes, "\n"))
	}
}

func TestErrorsExplained(t *testing.T) {
	res := render(t, prompt)
	body, _ := res.Request.MarshalJSON()
	for _, tc := range []struct {
		resp fakeapi.Response
		want string
		line int
	}{
		{fakeapi.Response{Status: 401, Message: "invalid x-api-key " + testKey}, "the key was refused (HTTP 401: invalid x-api-key [redacted key]); check ANTHROPIC_API_KEY or .env", 0},
		{fakeapi.Response{Status: 403, Message: "no access"}, "the key was refused (HTTP 403", 0},
		{fakeapi.Response{Status: 400, Message: "messages.0.content: text content blocks must be non-empty"}, "the API refused the request (HTTP 400): messages.0.content", 8},
		{fakeapi.Response{Status: 400, Message: "max_tokens: 9999999 > 64000"}, "HTTP 400", 3},
		{fakeapi.Response{Status: 400, Message: "system: bad"}, "HTTP 400", 5},
	} {
		c, api, _ := newClient(t)
		api.Push("/v1/messages", tc.resp)
		_, err := c.Send(context.Background(), body, res.Version, true, nil)
		p := Explain(err, c.key, res)
		if !strings.Contains(p.Message, tc.want) || p.Line != tc.line || strings.Contains(p.Error(), testKey) {
			t.Errorf("%d: %q line %d; want %q line %d", tc.resp.Status, p.Error(), p.Line, tc.want, tc.line)
		}
	}
	// Retries exhausted.
	c, api, _ := newClient(t)
	for i := 0; i <= MaxRetries; i++ {
		api.Push("/v1/messages", fakeapi.Response{Status: 529, Header: map[string]string{"retry-after": "0"}, Message: "Overloaded"})
	}
	_, err := c.Send(context.Background(), body, res.Version, true, nil)
	if p := Explain(err, c.key, res); !strings.Contains(p.Message, "overloaded (HTTP 529) after 4 retries") {
		t.Errorf("529s: %q", p.Message)
	}
	// Network: nothing listens.
	api.Close()
	_, err = c.Send(context.Background(), body, res.Version, true, nil)
	if p := Explain(err, c.key, res); !strings.HasPrefix(p.Message, "could not reach the API") {
		t.Errorf("network: %q", p.Message)
	}
}

func TestCancelStopsTheStream(t *testing.T) {
	c, api, _ := newClient(t)
	api.Push("/v1/messages", fakeapi.Response{Delay: 200 * time.Millisecond, Text: strings.Repeat("word ", 50)})
	res := render(t, prompt)
	body, _ := res.Request.MarshalJSON()
	ctx, cancel := context.WithCancel(context.Background())
	got := 0
	start := time.Now()
	_, err := c.Send(ctx, body, res.Version, true, func(string) {
		got++
		if got == 2 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || !Explain(err, c.key, res).Canceled {
		t.Fatalf("err = %v", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Errorf("cancel took %v", time.Since(start))
	}
}

func TestTruncatedStreamIsAnError(t *testing.T) {
	c, api, _ := newClient(t)
	api.Push("/v1/messages", fakeapi.Response{CutStream: true})
	res := render(t, prompt)
	body, _ := res.Request.MarshalJSON()
	if _, err := c.Send(context.Background(), body, res.Version, true, nil); err == nil {
		t.Error("a stream cut before message_stop was taken as a reply")
	}
}

func TestCountTokens(t *testing.T) {
	c, api, _ := newClient(t)
	res := render(t, "---\nmodel: claude-sonnet-4-6\nmax_tokens: 200\nstop_sequences: [x]\n---\nuser:\nExplain tides.\n")
	body, _ := res.Request.MarshalJSON()
	n, err := c.CountTokens(context.Background(), body, res.Version)
	if err != nil {
		t.Fatal(err)
	}
	req := api.Last("/v1/messages/count_tokens")
	if strings.Contains(string(req.Body), "max_tokens") || strings.Contains(string(req.Body), "stop_sequences") || !strings.Contains(string(req.Body), "Explain tides.") {
		t.Errorf("count body: %s", req.Body)
	}
	if n != int64(fakeapi.InputTokens(req.Body)) {
		t.Errorf("count %d", n)
	}
}

func TestKeys(t *testing.T) {
	dir := t.TempDir()
	t.Setenv(KeyVar, "")
	if _, err := LoadKey(dir); !errors.Is(err, ErrNoKey) || !strings.Contains(err.Error(), "ANTHROPIC_API_KEY") || !strings.Contains(err.Error(), ".env") {
		t.Errorf("no key: %v", err)
	}
	os.WriteFile(filepath.Join(dir, ".env"), []byte("# local\nANTHROPIC_API_KEY="+testKey+"\nANTHROPIC_BASE_URL=http://127.0.0.1:9\n"), 0o600)
	k, err := LoadKey(dir)
	if err != nil || k.value != testKey || strings.Contains(k.String(), testKey) {
		t.Errorf(".env key: %v %v", k, err)
	}
	if BaseURL(dir) != "http://127.0.0.1:9" && os.Getenv("ANTHROPIC_BASE_URL") == "" {
		t.Errorf("base URL from .env: %q", BaseURL(dir))
	}
	t.Setenv(KeyVar, "sk-ant-api03-fromenvironmentFROMENVIRONMENT0000")
	if k, _ := LoadKey(dir); k.Source != "environment" {
		t.Errorf("environment should win: %s", k)
	}
	// .env with a key in a git repository that does not ignore it.
	os.Mkdir(filepath.Join(dir, ".git"), 0o755)
	if !EnvNotIgnored(dir) {
		t.Error("unignored .env not reported")
	}
	os.WriteFile(filepath.Join(dir, ".gitignore"), []byte(".env\n"), 0o644)
	if EnvNotIgnored(dir) {
		t.Error("ignored .env reported")
	}
}

func TestRecordsSurviveAPartialLine(t *testing.T) {
	dir := t.TempDir()
	key := Key{value: testKey}
	now := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	rec := Record{Time: now, Prompt: "a.prompt", Model: "claude-sonnet-4-6", Usage: promptfile.Usage{Input: 1000, Output: 100}, CostUSD: promptfile.USD(4_500_000_000), Reply: "the key " + testKey + " leaked"}
	if err := AppendRecord(dir, rec, key); err != nil {
		t.Fatal(err)
	}
	// A crash in the middle of a write:
	f, _ := os.OpenFile(recordsPath(dir), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"time":"2026-11-26T11:00:00Z","prompt":"b.pro`)
	f.Close()
	rec.Time = now.Add(24 * time.Hour)
	rec.Model = "claude-haiku-4-5"
	if err := AppendRecord(dir, rec, key); err != nil {
		t.Fatal(err)
	}
	recs, err := ReadRecords(dir)
	if err != nil || len(recs) != 2 {
		t.Fatalf("records %d, %v", len(recs), err)
	}
	data, _ := os.ReadFile(recordsPath(dir))
	if strings.Contains(string(data), testKey) || !strings.Contains(string(data), "[redacted key]") {
		t.Errorf("key in records:\n%s", data)
	}
	rep := Summarize(recs, time.Time{}, now)
	if len(rep.Days) != 2 || rep.Total.Runs != 2 || rep.Total.CostUSD != promptfile.USD(9_000_000_000) || rep.MonthUS != rep.Total.CostUSD {
		t.Errorf("report %+v", rep)
	}
	if rep := Summarize(recs, now.Add(time.Hour), now); rep.Total.Runs != 1 || rep.Days[0].Model != "claude-haiku-4-5" {
		t.Errorf("since: %+v", rep)
	}
}

func TestCalibrationAndCountCache(t *testing.T) {
	dir := t.TempDir()
	Calibrate(dir, "claude-sonnet-4-6", 130, 100)
	Calibrate(dir, "claude-sonnet-4-6", 270, 200)
	c := LoadCalibration(dir).Models["claude-sonnet-4-6"]
	if c.Samples != 2 || c.Ratio() != 400.0/300.0 {
		t.Errorf("calibration %+v", c)
	}
	if _, ok := CachedCount(dir, "abc"); ok {
		t.Error("empty cache hit")
	}
	StoreCount(dir, "abc", 42)
	if n, ok := CachedCount(dir, "abc"); !ok || n != 42 {
		t.Errorf("cache %d %v", n, ok)
	}
}

func TestReplySummary(t *testing.T) {
	r := &Reply{Model: "claude-sonnet-4-6", StopReason: "end_turn", Latency: 1234 * time.Millisecond,
		Usage: promptfile.Usage{Input: 1200, Output: 56}}
	if got := r.Summary(promptfile.USD(4_440_000_000), true); got != "claude-sonnet-4-6 · in 1,200 · out 56 · $0.0044 · 1.23 s · end_turn" {
		t.Errorf("plain: %q", got)
	}
	r.Usage.CacheWrite5m, r.Usage.CacheRead = 3000, 0
	if got := r.Summary(0, false); got != "claude-sonnet-4-6 · in 1,200 (cache write 3,000, read 0) · out 56 · cost unknown (model not in the catalog) · 1.23 s · end_turn" {
		t.Errorf("cached, unpriced: %q", got)
	}
}
