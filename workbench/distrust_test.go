package workbench

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/claude-ls/claude-ls/internal/fakeapi"
)

const distrustBody = `{"model":"claude-sonnet-4-6","max_tokens":100,"messages":[{"role":"user","content":"Hi"}]}`

func fakeClient(api *fakeapi.Server) *Client {
	return NewClient(Key{value: "test-key-distrust", Source: "test"}, api.URL)
}

// TestImpossibleUsageIsRefused: a negative or absurd usage is an error and
// no reply (so nothing is recorded as spend), streamed or not.
func TestImpossibleUsageIsRefused(t *testing.T) {
	api := fakeapi.New()
	defer api.Close()
	cases := []struct {
		usage fakeapi.Usage
		field string
	}{
		{fakeapi.Usage{InputTokens: -500, OutputTokens: 10}, "input_tokens = -500"},
		{fakeapi.Usage{InputTokens: 10, OutputTokens: 20_000_000}, "output_tokens = 20000000"},
		{fakeapi.Usage{InputTokens: 10, OutputTokens: 1, CacheReadInputTokens: -1}, "cache_read_input_tokens = -1"},
		{fakeapi.Usage{InputTokens: 10, OutputTokens: 1, CacheCreationInputTokens: 1, CacheCreation: &fakeapi.CacheCreation{Ephemeral1h: -7}}, "ephemeral_1h_input_tokens = -7"},
	}
	for _, tc := range cases {
		for _, stream := range []bool{false, true} {
			u := tc.usage
			api.Push("/v1/messages", fakeapi.Response{Usage: &u})
			reply, err := fakeClient(api).Send(context.Background(), []byte(distrustBody), "2023-06-01", stream, nil)
			var ae *AnswerError
			if reply != nil || !errors.As(err, &ae) || !strings.Contains(err.Error(), tc.field) || !strings.Contains(err.Error(), "nothing is recorded as spend") {
				t.Errorf("%s (stream %v): reply %v, error %v", tc.field, stream, reply, err)
			}
			if p := Explain(err, Key{}, nil); !strings.HasPrefix(p.Message, "the API reported an impossible usage") {
				t.Errorf("explained as %q", p.Message)
			}
		}
	}
	// A usage in range is taken.
	api.Push("/v1/messages", fakeapi.Response{Usage: &fakeapi.Usage{InputTokens: 9_000_000, OutputTokens: 5}})
	if reply, err := fakeClient(api).Send(context.Background(), []byte(distrustBody), "2023-06-01", true, nil); err != nil || reply.Usage.Input != 9_000_000 {
		t.Errorf("a large but possible usage: %v, %v", reply, err)
	}
}

// TestStalledStreamIsAbandoned: no event for the idle timeout ends the
// stream with an error that says so, keeping what came before.
func TestStalledStreamIsAbandoned(t *testing.T) {
	api := fakeapi.New()
	defer api.Close()
	api.Push("/v1/messages", fakeapi.Response{Text: "first words then silence", Stall: true})
	c := fakeClient(api)
	c.IdleTimeout = 300 * time.Millisecond
	start := time.Now()
	reply, err := c.Send(context.Background(), []byte(distrustBody), "2023-06-01", true, nil)
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("took %s", took)
	}
	if err == nil || !strings.Contains(err.Error(), "sent nothing for 300ms") || !strings.Contains(err.Error(), StreamIdleTimeoutVar) {
		t.Fatalf("error %v", err)
	}
	if reply == nil || !reply.Partial || reply.Text != "first" {
		t.Errorf("partial reply %+v", reply)
	}
	// A slow stream whose events keep coming is not abandoned.
	api.Push("/v1/messages", fakeapi.Response{Text: "one two three four", Delay: 150 * time.Millisecond})
	if _, err := c.Send(context.Background(), []byte(distrustBody), "2023-06-01", true, nil); err != nil {
		t.Errorf("a slow but live stream: %v", err)
	}
}

// TestRetryAfterIsCapped: a retry-after of a day is waited for at most
// MaxRetryAfter, and the note says so.
func TestRetryAfterIsCapped(t *testing.T) {
	api := fakeapi.New()
	defer api.Close()
	for _, h := range []map[string]string{{"retry-after": "100000"}, {"retry-after-ms": "100000000"}, {"retry-after": time.Now().Add(48 * time.Hour).UTC().Format(time.RFC1123)}} {
		api.Push("/v1/messages", fakeapi.Response{Status: 429, Header: h, Message: "slow down"}, fakeapi.Response{})
		c := fakeClient(api)
		c.MaxRetryAfter = 200 * time.Millisecond
		c.IdleTimeout = 100 * time.Millisecond // the wait between retries is not idleness
		var mu sync.Mutex
		var notes []string
		c.OnRetry = func(n string) { mu.Lock(); notes = append(notes, n); mu.Unlock() }
		start := time.Now()
		reply, err := c.Send(context.Background(), []byte(distrustBody), "2023-06-01", true, nil)
		if err != nil || reply == nil || time.Since(start) > 5*time.Second {
			t.Fatalf("%v: %v after %s", h, err, time.Since(start))
		}
		mu.Lock()
		if len(notes) != 1 || !strings.Contains(notes[0], "after 0.2 s instead of") || !strings.Contains(notes[0], MaxRetryAfterVar) {
			t.Errorf("%v: notes %q", h, notes)
		}
		mu.Unlock()
	}
}

func TestLimitsComeFromTheEnvironment(t *testing.T) {
	t.Setenv(StreamIdleTimeoutVar, "90")
	t.Setenv(MaxRetryAfterVar, "2m")
	c := NewClient(Key{}, "")
	if c.IdleTimeout != 90*time.Second || c.MaxRetryAfter != 2*time.Minute {
		t.Errorf("%s %s", c.IdleTimeout, c.MaxRetryAfter)
	}
	t.Setenv(StreamIdleTimeoutVar, "soon")
	t.Setenv(MaxRetryAfterVar, "-3")
	c = NewClient(Key{}, "")
	if c.IdleTimeout != DefaultStreamIdleTimeout || c.MaxRetryAfter != DefaultMaxRetryAfter {
		t.Errorf("invalid values: %s %s", c.IdleTimeout, c.MaxRetryAfter)
	}
}

// TestHugeReplyIsRecordedTruncated: a reply of 3 MB through the real SDK is
// recorded in at most MaxRecordLine bytes, said so, and the records after
// it still read.
func TestHugeReplyIsRecordedTruncated(t *testing.T) {
	api := fakeapi.New()
	defer api.Close()
	huge := strings.Repeat("tide \"é\"\n ", 300_000) // escapes and multi-byte characters
	api.Push("/v1/messages", fakeapi.Response{Text: huge})
	reply, err := fakeClient(api).Send(context.Background(), []byte(distrustBody), "2023-06-01", false, nil)
	if err != nil || reply.Text != huge {
		t.Fatalf("send: %v", err)
	}
	root := t.TempDir()
	if err := AppendRecord(root, Record{Time: time.Now(), Prompt: "a.prompt", Reply: reply.Text}, Key{}); err != nil {
		t.Fatal(err)
	}
	if err := AppendRecord(root, Record{Time: time.Now(), Prompt: "b.prompt", Reply: "short"}, Key{}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(recordsPath(root))
	first, _, _ := strings.Cut(string(data), "\n")
	if len(first) > MaxRecordLine {
		t.Errorf("a record line of %d bytes", len(first))
	}
	recs, skipped, err := ScanRecords(root)
	if err != nil || skipped != 0 || len(recs) != 2 {
		t.Fatalf("read %d records, %d skipped, %v", len(recs), skipped, err)
	}
	if !recs[0].Truncated || !strings.Contains(recs[0].Reply, "truncated by claude-ls: the reply was") || !strings.HasPrefix(huge, strings.Split(recs[0].Reply, "\n\n[…")[0]) {
		t.Errorf("the truncated record: truncated=%v, ends %q", recs[0].Truncated, recs[0].Reply[len(recs[0].Reply)-120:])
	}
	if recs[1].Truncated || recs[1].Reply != "short" {
		t.Errorf("the next record: %+v", recs[1])
	}
}

// TestRecordsReaderSurvivesAnyLine: a line of 70 MB (over the old 64 MB
// scanner cap), a damaged line and a line that is not a record are skipped
// and counted; the records around them are read.
func TestRecordsReaderSurvivesAnyLine(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 70 MB")
	}
	root := t.TempDir()
	AppendRecord(root, Record{Time: time.Now(), Prompt: "before.prompt"}, Key{})
	f, err := os.OpenFile(recordsPath(root), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	giant := make([]byte, 70<<20)
	for i := range giant {
		giant[i] = 'x'
	}
	f.Write([]byte(`{"time":"2026-01-01T00:00:00Z","reply":"`))
	f.Write(giant)
	f.Write([]byte("\"}\n{\"time\": broken\n[1,2]\n"))
	f.Close()
	AppendRecord(root, Record{Time: time.Now(), Prompt: "after.prompt"}, Key{})
	recs, skipped, err := ScanRecords(root)
	if err != nil || skipped != 3 || len(recs) != 2 || recs[1].Prompt != "after.prompt" {
		t.Fatalf("%d records, %d skipped, %v", len(recs), skipped, err)
	}
	if _, err := os.Stat(filepath.Join(root, DataDir)); err != nil {
		t.Fatal(err)
	}
}

// TestUnansweredCountIsRetriedThenGivenUp: an API that takes a request and
// never answers cannot hang count_tokens (nor a batch poll): each attempt
// has a timeout, a retry says so, and when every attempt goes unanswered
// the error says what to change.
func TestUnansweredCountIsRetriedThenGivenUp(t *testing.T) {
	t.Parallel()
	api := fakeapi.New()
	defer api.Close()
	c := fakeClient(api)
	c.RequestTimeout = 200 * time.Millisecond
	var notes []string
	c.OnRetry = func(n string) { notes = append(notes, n) }
	api.Push("/v1/messages/count_tokens", fakeapi.Response{Hang: true})
	n, err := c.CountTokens(context.Background(), []byte(distrustBody), "2023-06-01")
	if err != nil || n != int64(fakeapi.InputTokens([]byte(distrustBody))) {
		t.Fatalf("count after one unanswered attempt: %d, %v", n, err)
	}
	if len(notes) != 1 || notes[0] != "no answer within 200ms; retrying (1 of 4)" {
		t.Errorf("retry notes %q", notes)
	}
	for range MaxRetries + 1 {
		api.Push("/v1/messages/count_tokens", fakeapi.Response{Hang: true})
	}
	start := time.Now()
	_, err = c.CountTokens(context.Background(), []byte(distrustBody), "2023-06-01")
	if took := time.Since(start); took > 30*time.Second {
		t.Errorf("took %s", took)
	}
	if err == nil || err.Error() != "the API did not answer within 200ms, 5 times: given up (set CLAUDE_LS_REQUEST_TIMEOUT to wait longer)" {
		t.Errorf("error %v", err)
	}
}
