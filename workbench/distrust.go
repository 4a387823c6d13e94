package workbench

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/option"

	"github.com/claude-ls/claude-ls/promptfile"
)

// The API's answers are checked, not trusted: a usage out of range is not
// recorded as spend, a stream that goes silent is abandoned, and a
// retry-after beyond reason is cut short.

// MaxUsageTokens is the most tokens one request may report in any usage
// field; more (or a negative count) is an impossible answer.
const MaxUsageTokens = 10_000_000

// The defaults of the idle timeout, the retry-after cap and the answer
// timeout of the requests that are not streamed messages (count_tokens,
// batches), and the environment variables that change them (seconds, or a
// duration like 90s). A non-streamed message has the SDK's own timeout,
// from its max_tokens.
const (
	DefaultStreamIdleTimeout = 60 * time.Second
	DefaultMaxRetryAfter     = 60 * time.Second
	DefaultRequestTimeout    = 60 * time.Second
	StreamIdleTimeoutVar     = "CLAUDE_LS_STREAM_IDLE_TIMEOUT"
	MaxRetryAfterVar         = "CLAUDE_LS_MAX_RETRY_AFTER"
	RequestTimeoutVar        = "CLAUDE_LS_REQUEST_TIMEOUT"
)

// BatchUploadTimeout bounds the sending of a batch of up to 256 MB.
const BatchUploadTimeout = 10 * time.Minute

// attemptTimeout bounds each attempt of a request (the SDK retries one that
// timed out), so an API that accepts a request and never answers cannot
// hang a command; the context carries the bound to noteRetries' note.
func attemptTimeout(ctx context.Context, d time.Duration) (context.Context, option.RequestOption) {
	return context.WithValue(ctx, attemptTimeoutKey{}, d), option.WithRequestTimeout(d)
}

type attemptTimeoutKey struct{}

// timedOut says so when the attempts of a request all went unanswered;
// other errors pass through.
func timedOut(ctx context.Context, err error, d time.Duration) error {
	if err != nil && errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
		return &AnswerError{Message: fmt.Sprintf("the API did not answer within %s, %d times: given up (set %s to wait longer)", d, MaxRetries+1, RequestTimeoutVar)}
	}
	return err
}

// AnswerError is an answer of the API refused: an impossible usage, a
// stream gone silent. Its message is for users as it stands.
type AnswerError struct{ Message string }

func (e *AnswerError) Error() string { return e.Message }

// checkUsage refuses a usage no request can have.
func checkUsage(u anthropic.Usage) error {
	fields := []struct {
		name string
		n    int64
	}{
		{"input_tokens", u.InputTokens}, {"output_tokens", u.OutputTokens},
		{"cache_creation_input_tokens", u.CacheCreationInputTokens}, {"cache_read_input_tokens", u.CacheReadInputTokens},
		{"cache_creation.ephemeral_5m_input_tokens", u.CacheCreation.Ephemeral5mInputTokens},
		{"cache_creation.ephemeral_1h_input_tokens", u.CacheCreation.Ephemeral1hInputTokens},
	}
	for _, f := range fields {
		if f.n < 0 || f.n > MaxUsageTokens {
			return &AnswerError{Message: fmt.Sprintf("the API reported an impossible usage (%s = %d; a request has 0 to %s): the answer is refused and nothing is recorded as spend",
				f.name, f.n, promptfile.GroupDigits(MaxUsageTokens))}
		}
	}
	return nil
}

// durationEnv reads a duration from the environment: whole seconds or a Go
// duration ("90s", "2m"). Unset, invalid or not positive: def.
func durationEnv(name string, def time.Duration) time.Duration {
	v := strings.TrimSpace(os.Getenv(name))
	if v == "" {
		return def
	}
	if n, err := strconv.ParseFloat(v, 64); err == nil && n > 0 {
		return time.Duration(n * float64(time.Second))
	}
	if d, err := time.ParseDuration(v); err == nil && d > 0 {
		return d
	}
	return def
}

// capRetryAfter shortens a retry-after (or retry-after-ms) longer than max
// in place, before the SDK reads it; it returns the wait asked for when it
// did, for the note.
func capRetryAfter(h http.Header, max time.Duration) (asked string, capped bool) {
	if ms := h.Get("Retry-After-Ms"); ms != "" {
		if n, err := strconv.ParseFloat(ms, 64); err == nil && time.Duration(n*float64(time.Millisecond)) > max {
			h.Set("Retry-After-Ms", strconv.FormatInt(max.Milliseconds(), 10))
			return ms + " ms", true
		}
	}
	ra := h.Get("Retry-After")
	if ra == "" {
		return "", false
	}
	wait := time.Duration(-1)
	if n, err := strconv.ParseFloat(ra, 64); err == nil {
		wait = time.Duration(n * float64(time.Second))
	} else if t, err := time.Parse(time.RFC1123, ra); err == nil {
		wait = time.Until(t)
	}
	if wait > max {
		h.Set("Retry-After", strconv.FormatFloat(max.Seconds(), 'f', -1, 64))
		return ra + " s", true
	}
	return "", false
}

// idleWatch abandons a stream when no event comes for a while. It is armed
// while an attempt waits for the API and reset by each event; the SDK's own
// waits between retries do not count.
type idleWatch struct {
	mu     sync.Mutex
	d      time.Duration
	timer  *time.Timer
	fired  bool
	cancel context.CancelCauseFunc
}

type idleKey struct{}

// watchIdle returns a context cancelled after d without an event.
func watchIdle(ctx context.Context, d time.Duration) (context.Context, *idleWatch) {
	ctx, cancel := context.WithCancelCause(ctx)
	w := &idleWatch{d: d, cancel: cancel}
	w.timer = time.AfterFunc(d, w.fire)
	return context.WithValue(ctx, idleKey{}, w), w
}

func (w *idleWatch) fire() {
	w.mu.Lock()
	w.fired = true
	w.mu.Unlock()
	w.cancel(w.err())
}

// arm (re)starts the wait; pause stops it.
func (w *idleWatch) arm()   { w.timer.Reset(w.d) }
func (w *idleWatch) pause() { w.timer.Stop() }

// stop ends the watch; it reports the abandoning error if it fired.
func (w *idleWatch) stop() error {
	w.timer.Stop()
	w.mu.Lock()
	defer w.mu.Unlock()
	w.cancel(nil)
	if w.fired {
		return w.err()
	}
	return nil
}

func (w *idleWatch) err() error {
	return &AnswerError{Message: fmt.Sprintf("the API sent nothing for %s: the stream was abandoned (set %s to wait longer)", w.d, StreamIdleTimeoutVar)}
}

func idleOf(ctx context.Context) *idleWatch {
	w, _ := ctx.Value(idleKey{}).(*idleWatch)
	return w
}
