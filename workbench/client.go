package workbench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/option"

	"github.com/claude-ls/claude-ls/promptfile"
)

// MaxRetries is how often a request is retried on 408, 409, 429, 5xx and
// connection errors; the SDK waits with exponential backoff and jitter and
// honours retry-after, up to Client.MaxRetryAfter.
const MaxRetries = 4

// Client sends rendered requests through the official SDK.
type Client struct {
	sdk     anthropic.Client
	key     Key
	OnRetry func(note string) // told before each retry, for a visible note

	IdleTimeout    time.Duration // a stream with no event for this long is abandoned
	MaxRetryAfter  time.Duration // the longest retry-after honoured
	RequestTimeout time.Duration // an attempt of count_tokens or a batch poll unanswered this long is retried
}

// NewClient makes a client for key; baseURL "" is the real API.
func NewClient(key Key, baseURL string) *Client {
	c := &Client{key: key, IdleTimeout: durationEnv(StreamIdleTimeoutVar, DefaultStreamIdleTimeout),
		MaxRetryAfter: durationEnv(MaxRetryAfterVar, DefaultMaxRetryAfter), RequestTimeout: durationEnv(RequestTimeoutVar, DefaultRequestTimeout)}
	opts := []option.RequestOption{
		option.WithAPIKey(key.value),
		option.WithMaxRetries(MaxRetries),
		option.WithMiddleware(c.noteRetries),
	}
	if baseURL != "" {
		opts = append(opts, option.WithBaseURL(baseURL))
	}
	c.sdk = anthropic.NewClient(opts...)
	return c
}

// noteRetries sees every attempt; a retryable answer gets a note before
// the SDK waits and tries again. A retry-after over MaxRetryAfter is cut
// to it, and said so; a stream's idle watch does not run while the SDK waits.
func (c *Client) noteRetries(req *http.Request, next option.MiddlewareNext) (*http.Response, error) {
	idle := idleOf(req.Context())
	if idle != nil {
		idle.arm()
	}
	res, err := next(req)
	attempt, _ := strconv.Atoi(req.Header.Get("X-Stainless-Retry-Count"))
	if attempt >= MaxRetries {
		return res, err
	}
	retrying := err != nil && (req.Context().Err() == nil || errors.Is(req.Context().Err(), context.DeadlineExceeded)) ||
		res != nil && (res.StatusCode == 429 || res.StatusCode == 408 || res.StatusCode == 409 || res.StatusCode >= 500) && res.Header.Get("x-should-retry") != "false"
	if !retrying {
		return res, err
	}
	if idle != nil {
		idle.pause()
	}
	capNote := ""
	if res != nil {
		if asked, capped := capRetryAfter(res.Header, c.MaxRetryAfter); capped {
			capNote = fmt.Sprintf(" after %s s instead of the %s asked (retry-after capped by %s)", strconv.FormatFloat(c.MaxRetryAfter.Seconds(), 'f', -1, 64), asked, MaxRetryAfterVar)
		}
	}
	if c.OnRetry == nil {
		return res, err
	}
	switch {
	case err != nil && errors.Is(req.Context().Err(), context.DeadlineExceeded):
		d, _ := req.Context().Value(attemptTimeoutKey{}).(time.Duration) // distrust.go
		c.OnRetry(fmt.Sprintf("no answer within %s; retrying (%d of %d)", d, attempt+1, MaxRetries))
	case err != nil && req.Context().Err() == nil:
		c.OnRetry(fmt.Sprintf("connection failed (%s); retrying (%d of %d)", c.key.Redact(err.Error()), attempt+1, MaxRetries))
	case res != nil && (res.StatusCode == 429 || res.StatusCode == 408 || res.StatusCode == 409 || res.StatusCode >= 500) && res.Header.Get("x-should-retry") != "false":
		wait := capNote
		if ra := res.Header.Get("retry-after"); ra != "" && wait == "" {
			wait = " after " + ra + " s (retry-after)"
		}
		c.OnRetry(fmt.Sprintf("HTTP %d %s; retrying%s (%d of %d)", res.StatusCode, statusWord(res.StatusCode), wait, attempt+1, MaxRetries))
	}
	return res, err
}

func statusWord(code int) string {
	switch code {
	case 429:
		return "rate limited"
	case 529:
		return "overloaded"
	}
	return http.StatusText(code)
}

// Reply is the outcome of a run.
type Reply struct {
	Text       string
	Model      string
	StopReason string
	Usage      promptfile.Usage
	RequestID  string
	Latency    time.Duration // until the reply ended
	FirstToken time.Duration // until the first text arrived (streaming)
	Partial    bool          // the stream was cut off: Usage is what was reported so far
	RateLimits *RateLimits   // the anthropic-ratelimit-* headers of the answer (limits.go); nil if none
}

// Send posts body (a rendered request) with the API version as header.
// Streaming, each piece of text goes to onText as it arrives.
func (c *Client) Send(ctx context.Context, body []byte, version string, stream bool, onText func(string)) (reply *Reply, _ error) {
	start := time.Now()
	opts := []option.RequestOption{option.WithHeader("anthropic-version", version), option.WithRequestBody("application/json", body)}
	var limits *RateLimits
	opts = append(opts, captureLimits(&limits))
	defer func() {
		if reply != nil {
			reply.RateLimits = limits
		}
	}()
	var maxTokens struct {
		MaxTokens int64 `json:"max_tokens"`
	}
	json.Unmarshal(body, &maxTokens)
	params := anthropic.MessageNewParams{MaxTokens: maxTokens.MaxTokens}
	if !stream {
		msg, err := c.sdk.Messages.New(ctx, params, opts...)
		if err != nil {
			return nil, err
		}
		if err := checkUsage(msg.Usage); err != nil {
			return nil, err
		}
		r := replyOf(msg)
		r.Latency = time.Since(start)
		if onText != nil {
			onText(r.Text)
		}
		return r, nil
	}
	ctx, idle := watchIdle(ctx, c.IdleTimeout)
	s := c.sdk.Messages.NewStreaming(ctx, params, opts...)
	defer s.Close()
	var msg anthropic.Message
	var first time.Duration
	var got strings.Builder // the text so far, for a reply cut off mid-block
	for s.Next() {
		idle.arm()
		event := s.Current()
		if err := msg.Accumulate(event); err != nil {
			return nil, err
		}
		if d, ok := event.AsAny().(anthropic.ContentBlockDeltaEvent); ok {
			if t, ok := d.Delta.AsAny().(anthropic.TextDelta); ok && t.Text != "" {
				if first == 0 {
					first = time.Since(start)
				}
				got.WriteString(t.Text)
				if onText != nil {
					onText(t.Text)
				}
			}
		}
	}
	err := s.Err()
	if ierr := idle.stop(); ierr != nil {
		err = ierr
	}
	if uerr := checkUsage(msg.Usage); uerr != nil {
		return nil, uerr
	}
	if err == nil && msg.StopReason == "" {
		err = errors.New("the stream ended before the reply was complete")
	}
	if err != nil {
		return partialReply(&msg, got.String(), start, first), err
	}
	r := replyOf(&msg)
	r.Latency, r.FirstToken = time.Since(start), first
	return r, nil
}

// partialReply is what an interrupted stream delivered: the usage of
// message_start (and of message_delta if one came) and the text so far. It
// is nil when the API accepted nothing (no message_start).
func partialReply(msg *anthropic.Message, text string, start time.Time, first time.Duration) *Reply {
	if msg.ID == "" {
		return nil
	}
	r := replyOf(msg)
	r.Text = text
	r.Latency, r.FirstToken, r.Partial = time.Since(start), first, true
	return r
}

// Summary is the line that ends a run, in the terminal and in the
// editor's result file: model, usage, real cost, latency, stop reason.
func (r *Reply) Summary(cost promptfile.USD, priced bool) string {
	u := r.Usage
	costText := cost.String()
	if !priced {
		costText = "cost unknown (model not in the catalog)"
	}
	line := fmt.Sprintf("%s · in %s", r.Model, promptfile.GroupDigits(int(u.Input)))
	if u.CacheWrite()+u.CacheRead > 0 {
		line += fmt.Sprintf(" (cache write %s, read %s)", promptfile.GroupDigits(int(u.CacheWrite())), promptfile.GroupDigits(int(u.CacheRead)))
	}
	return line + fmt.Sprintf(" · out %s · %s · %.2f s · %s", promptfile.GroupDigits(int(u.Output)), costText, r.Latency.Seconds(), r.StopReason)
}

// usageOf reads the API's usage. The 5m/1h split of cache writes comes in
// cache_creation; an API that sends only the total gets the 5-minute price.
func usageOf(u anthropic.Usage) promptfile.Usage {
	out := promptfile.Usage{Input: u.InputTokens, Output: u.OutputTokens, CacheRead: u.CacheReadInputTokens,
		CacheWrite5m: u.CacheCreation.Ephemeral5mInputTokens, CacheWrite1h: u.CacheCreation.Ephemeral1hInputTokens}
	if rest := u.CacheCreationInputTokens - out.CacheWrite(); rest > 0 {
		out.CacheWrite5m += rest
	}
	// Server tools' uses, priced per use (web search) by promptfile.
	out.ServerTools = promptfile.ServerToolUsage{WebSearchRequests: u.ServerToolUse.WebSearchRequests,
		WebFetchRequests: u.ServerToolUse.WebFetchRequests}
	return out
}

func replyOf(msg *anthropic.Message) *Reply {
	r := &Reply{Model: string(msg.Model), StopReason: string(msg.StopReason), RequestID: msg.ID,
		Usage: usageOf(msg.Usage)}
	for _, b := range msg.Content {
		if t, ok := b.AsAny().(anthropic.TextBlock); ok {
			r.Text += t.Text
		}
	}
	return r
}

// CountTokens asks the API for the exact input tokens of a rendered request.
func (c *Client) CountTokens(ctx context.Context, body []byte, version string) (int64, error) {
	countable, err := countBody(body)
	if err != nil {
		return 0, err
	}
	timed, bound := attemptTimeout(ctx, c.RequestTimeout)
	res, err := c.sdk.Messages.CountTokens(timed, anthropic.MessageCountTokensParams{},
		option.WithHeader("anthropic-version", version), option.WithRequestBody("application/json", countable), bound)
	if err != nil {
		return 0, timedOut(ctx, err, c.RequestTimeout)
	}
	return res.InputTokens, nil
}

// countBody keeps the fields count_tokens takes: the request minus
// max_tokens, sampling and the rest that do not change the input.
func countBody(body []byte) ([]byte, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		return nil, err
	}
	out := map[string]json.RawMessage{}
	for _, k := range []string{"model", "system", "messages", "tools", "tool_choice", "thinking"} {
		if v, ok := fields[k]; ok {
			out[k] = v
		}
	}
	return json.Marshal(out)
}
