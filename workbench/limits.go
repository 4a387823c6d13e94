package workbench

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/anthropics/anthropic-sdk-go/v2/option"

	"github.com/claude-ls/claude-ls/promptfile"
)

// Rate-limit headroom: every API answer carries the organisation's limits in
// anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-{limit,remaining,reset}.
// The last ones seen per model are kept in .claude-ls/limits.json, so the
// terminal, the editors and the next test run know what is left.

// RateLimit is one limit: how much per minute, how much is left, and when
// it is full again.
type RateLimit struct {
	Limit     int64     `json:"limit"`
	Remaining int64     `json:"remaining"`
	Reset     time.Time `json:"reset,omitzero"`
}

// RateLimits is what one answer said; a kind the API did not send is nil.
type RateLimits struct {
	Requests     *RateLimit `json:"requests,omitempty"`
	Tokens       *RateLimit `json:"tokens,omitempty"` // input and output together
	InputTokens  *RateLimit `json:"input_tokens,omitempty"`
	OutputTokens *RateLimit `json:"output_tokens,omitempty"`
	At           time.Time  `json:"at"` // when the answer came
}

// limitKinds names each kind as the headers and the messages do.
func (l *RateLimits) kinds() []struct {
	header, noun string
	lim          **RateLimit
} {
	return []struct {
		header, noun string
		lim          **RateLimit
	}{
		{"requests", "requests", &l.Requests},
		{"tokens", "tokens", &l.Tokens},
		{"input-tokens", "input tokens", &l.InputTokens},
		{"output-tokens", "output tokens", &l.OutputTokens},
	}
}

// ParseRateLimits reads the anthropic-ratelimit-* headers of an answer; nil
// when there are none (a proxy, or an API that does not send them).
func ParseRateLimits(h http.Header, at time.Time) *RateLimits {
	l := &RateLimits{At: at.UTC()}
	found := false
	for _, k := range l.kinds() {
		prefix := "anthropic-ratelimit-" + k.header + "-"
		limit, err1 := strconv.ParseInt(strings.TrimSpace(h.Get(prefix+"limit")), 10, 64)
		remaining, err2 := strconv.ParseInt(strings.TrimSpace(h.Get(prefix+"remaining")), 10, 64)
		if err1 != nil || err2 != nil {
			continue
		}
		r := &RateLimit{Limit: limit, Remaining: remaining}
		if t, err := time.Parse(time.RFC3339, strings.TrimSpace(h.Get(prefix+"reset"))); err == nil {
			r.Reset = t.UTC()
		}
		*k.lim = r
		found = true
	}
	if !found {
		return nil
	}
	return l
}

// Summary is the line a run ends with: what is left of each limit and when
// they are full again.
func (l *RateLimits) Summary() string {
	if l == nil {
		return "rate limits unknown (the API sent no anthropic-ratelimit headers)"
	}
	var parts []string
	var full time.Time
	for _, k := range l.kinds() {
		r := *k.lim
		if r == nil {
			continue
		}
		parts = append(parts, fmt.Sprintf("%s %s of %s", k.noun, promptfile.GroupDigits(int(r.Remaining)), promptfile.GroupDigits(int(r.Limit))))
		if r.Reset.After(full) {
			full = r.Reset
		}
	}
	line := "rate limits left: " + strings.Join(parts, ", ")
	if !full.IsZero() {
		line += " (full again by " + full.UTC().Format("15:04:05") + " UTC)"
	}
	return line
}

func limitsPath(root string) string     { return filepath.Join(root, DataDir, "limits.json") }
func limitsLockPath(root string) string { return filepath.Join(root, DataDir, "limits.lock") }

// SaveLimits keeps l as the last known limits of model in the workspace.
// Several processes may save at once, so the file is rewritten under a lock.
func SaveLimits(root, model string, l *RateLimits) error {
	if l == nil || model == "" {
		return nil
	}
	if err := os.MkdirAll(filepath.Join(root, DataDir), 0o755); err != nil {
		return err
	}
	ensureIgnored(root)
	lf, err := os.OpenFile(limitsLockPath(root), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return err
	}
	defer lf.Close()
	if err := lockFile(lf); err != nil {
		return fmt.Errorf("locking %s: %w", limitsLockPath(root), err)
	}
	defer unlockFile(lf)
	all, err := LoadLimits(root)
	if err != nil {
		all = map[string]RateLimits{} // damaged: the new answer replaces it
	}
	if old, ok := all[model]; ok && old.At.After(l.At) {
		return nil // a later answer is already kept
	}
	all[model] = *l
	data, err := json.MarshalIndent(all, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(limitsPath(root), append(data, '\n'))
}

// LoadLimits reads the last known limits per model; none is an empty map.
func LoadLimits(root string) (map[string]RateLimits, error) {
	all := map[string]RateLimits{}
	data, err := ReadFile(root, limitsPath(root)) // never waits on a FIFO
	if errors.Is(err, os.ErrNotExist) {
		return all, nil
	}
	if err != nil {
		return all, err
	}
	if err := json.Unmarshal(data, &all); err != nil {
		return map[string]RateLimits{}, fmt.Errorf("%s: %v", limitsPath(root), err)
	}
	return all, nil
}

// LimitModels lists the models with known limits, sorted.
func LimitModels(all map[string]RateLimits) []string {
	out := make([]string, 0, len(all))
	for m := range all {
		out = append(out, m)
	}
	sort.Strings(out)
	return out
}

// LimitNeed is what a test run or batch is about to ask of one model. A
// batch is processed under its own limits, which no header reports: for
// one, only the requests that create and poll it count here.
type LimitNeed struct {
	Model        string
	Requests     int
	InputTokens  int64 // uncached input of every request together
	OutputTokens int64 // max_tokens of every request together (the API counts them so at the start)
}

// LimitError says a run would not fit the last known limits.
type LimitError struct{ Message string }

func (e *LimitError) Error() string { return e.Message }

// FitsLimits compares need with the last known limits of its model in the
// workspace. A limit whose reset time has passed is full again and always
// fits; unknown limits fit. The error says which limit is short, by how
// much, and when it is full again; the caller decides whether to warn or
// stop.
func FitsLimits(root string, need LimitNeed, now time.Time) error {
	all, err := LoadLimits(root)
	if err != nil {
		return nil // damaged file: the limits are unknown
	}
	l, ok := all[need.Model]
	if !ok {
		return nil
	}
	wants := map[string]int64{"requests": int64(need.Requests), "tokens": need.InputTokens + need.OutputTokens,
		"input-tokens": need.InputTokens, "output-tokens": need.OutputTokens}
	var short []string
	for _, k := range l.kinds() {
		r := *k.lim
		want := wants[k.header]
		if r == nil || want <= r.Remaining || (!r.Reset.IsZero() && !now.Before(r.Reset)) {
			continue
		}
		s := fmt.Sprintf("%s %s to %s, but only %s of %s are left", promptfile.GroupDigits(int(want)), k.noun, need.Model, promptfile.GroupDigits(int(r.Remaining)), promptfile.GroupDigits(int(r.Limit)))
		if !r.Reset.IsZero() {
			s += " until " + r.Reset.UTC().Format("15:04:05") + " UTC"
		}
		short = append(short, s)
	}
	if len(short) == 0 {
		return nil
	}
	return &LimitError{Message: "this would pass the rate limits last reported (" + l.At.UTC().Format("15:04:05") + " UTC): it needs " +
		strings.Join(short, "; ") + ": expect 429 answers and waits before retries; fewer requests at a time (--concurrency) avoid them"}
}

// captureLimits keeps the rate limits of each answer to one request (the
// last attempt's, when the SDK retries) in *into.
func captureLimits(into **RateLimits) option.RequestOption {
	return option.WithMiddleware(func(req *http.Request, next option.MiddlewareNext) (*http.Response, error) {
		res, err := next(req)
		if res != nil {
			if l := ParseRateLimits(res.Header, time.Now()); l != nil {
				*into = l
			}
		}
		return res, err
	})
}
