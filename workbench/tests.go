package workbench

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/claude-ls/claude-ls/promptfile"
)

// TestJob is one request of a test run: one test case rendered for one model.
type TestJob struct {
	Case    string
	Vars    map[string]string // the case's own values, for the report
	Expect  *promptfile.Expect
	ModelID string
	Model   *promptfile.Model // nil when the model is not in the catalog: no prices
	Body    []byte            // exactly the rendered request
	Version string            // the anthropic-version header
	Result  *promptfile.Result
}

// Status is the outcome of one case on one model.
type Status string

const (
	StatusPass     Status = "pass"     // every expectation held
	StatusFail     Status = "fail"     // an expectation failed
	StatusOK       Status = "ok"       // a reply, and nothing to check
	StatusError    Status = "error"    // no reply: the API refused or failed
	StatusExpired  Status = "expired"  // batch: not processed within 24 hours
	StatusCanceled Status = "canceled" // not run: interrupted, or the batch was canceled
)

// Check is one expectation checked on a reply.
type Check struct {
	Name   string `json:"name"` // e.g. contains "lava"
	OK     bool   `json:"ok"`
	Detail string `json:"detail,omitempty"` // why it failed
}

// TestResult is one case on one model.
type TestResult struct {
	Case    string
	Vars    map[string]string
	ModelID string // as requested
	Status  Status
	Checks  []Check
	Reply   *Reply // nil without a reply
	Cost    promptfile.USD
	Priced  bool // the model has prices
	Batch   bool // run through the Message Batches API, at batch prices
	Error   string
	// Interrupted: cut off mid-stream; Reply holds what had come.
	Interrupted bool
	// Run is the time of its run record (zero when not recorded): with the
	// case and model, it names the record a grade is for (replymark.go).
	Run time.Time
}

// Failed says whether an expectation failed.
func (r TestResult) Failed() bool { return r.Status == StatusFail }

// Broken says whether the case got no reply.
func (r TestResult) Broken() bool {
	return r.Status == StatusError || r.Status == StatusExpired || r.Status == StatusCanceled
}

// PlanTests renders every test case of base's file on every model (the
// file's model when models is empty) through analyze. A file without test
// cases is one case, "default", with the values of vars. The error names the
// first case and model that do not render.
func PlanTests(base *promptfile.Result, models []string, analyze func(promptfile.Options) *promptfile.Result) ([]TestJob, error) {
	if len(models) == 0 {
		models = []string{""}
	}
	cases := base.Tests
	if len(cases) == 0 {
		cases = []*promptfile.TestCase{{Name: "default"}}
	}
	var jobs []TestJob
	for _, tc := range cases {
		for _, m := range models {
			opts := promptfile.Options{Model: m, Strict: true}
			if len(base.Tests) > 0 {
				opts.Test = tc.Name
			}
			res := analyze(opts)
			if err := Runnable(res); err != nil {
				where := "case `" + tc.Name + "`"
				if m != "" {
					where += " on " + m
				}
				return nil, fmt.Errorf("%s: %w", where, err)
			}
			body, _ := res.Request.MarshalJSON()
			jobs = append(jobs, TestJob{Case: tc.Name, Vars: tc.Vars, Expect: tc.Expect, ModelID: res.ModelID, Model: res.Model,
				Body: body, Version: res.Version, Result: res})
		}
	}
	return jobs, nil
}

// WorstCaseOf is the most a set of jobs can cost: every input token uncached
// and every max_tokens of output, at batch prices when batch.
func WorstCaseOf(jobs []TestJob, batch bool) promptfile.USD {
	var total promptfile.USD
	for _, j := range jobs {
		if j.Result == nil || j.Model == nil {
			continue
		}
		c := j.Result.Tokens.Cost
		if batch {
			total += c.BatchInputUSD + c.BatchOutputMaxUSD
		} else {
			total += c.InputUSD + c.OutputMaxUSD
		}
	}
	return total
}

// CheckReply checks a case's expectations on a reply. Matching is exact and
// case-sensitive: contains and not_contains compare substrings byte for
// byte; regex is Go (RE2) syntax, unanchored, so `(?i)` makes it
// case-insensitive; max_tokens_out compares usage.output_tokens.
func CheckReply(ex *promptfile.Expect, text string, u promptfile.Usage) []Check {
	if ex == nil {
		return nil
	}
	var out []Check
	for _, s := range ex.Contains {
		c := Check{Name: fmt.Sprintf("contains %q", s), OK: strings.Contains(text, s)}
		if !c.OK {
			c.Detail = "not in the reply"
			if strings.Contains(strings.ToLower(text), strings.ToLower(s)) {
				c.Detail = "not in the reply (it is there with other capitals: matching is case-sensitive)"
			}
		}
		out = append(out, c)
	}
	for _, s := range ex.NotContains {
		c := Check{Name: fmt.Sprintf("not_contains %q", s), OK: !strings.Contains(text, s)}
		if !c.OK {
			c.Detail = "in the reply"
		}
		out = append(out, c)
	}
	if ex.Regex != "" {
		c := Check{Name: fmt.Sprintf("regex %q", ex.Regex)}
		if re, err := regexp.Compile(ex.Regex); err != nil {
			c.Detail = "not a valid regular expression: " + err.Error()
		} else if c.OK = re.MatchString(text); !c.OK {
			c.Detail = "no match in the reply"
		}
		out = append(out, c)
	}
	if ex.MaxTokensOut > 0 {
		c := Check{Name: fmt.Sprintf("max_tokens_out %d", ex.MaxTokensOut), OK: u.Output <= int64(ex.MaxTokensOut)}
		if !c.OK {
			c.Detail = fmt.Sprintf("the reply used %d output tokens", u.Output)
		}
		out = append(out, c)
	}
	return out
}

// StatusOf is the status of a reply given its checks.
func StatusOf(checks []Check) Status {
	if len(checks) == 0 {
		return StatusOK
	}
	for _, c := range checks {
		if !c.OK {
			return StatusFail
		}
	}
	return StatusPass
}

// TestOptions configure RunTests.
type TestOptions struct {
	Root   string // the workspace root, where records go; "" records nothing
	Prompt string // the prompt file relative to the root, for the records
	// Concurrency is the most requests in flight (default 4). It is lowered
	// while the API answers 429 and raised again as requests succeed.
	Concurrency int
	// RateLimitPause is how long a request that was still rate limited after
	// the SDK's retries waits before it is tried again (twice at most);
	// default 20 s.
	RateLimitPause time.Duration
	// OnResult is told of each finished case, one at a time, with how many
	// are done of the total.
	OnResult func(r TestResult, done, total int)
}

// DefaultConcurrency is how many test requests run at once by default.
const DefaultConcurrency = 4

// RunTests sends every job with bounded concurrency and checks each reply,
// recording every case that got an answer (replies and API errors) with its
// real cost. Results are in the order of jobs; when ctx is cancelled the
// cases not finished are StatusCanceled. It reports retries through
// c.OnRetry, and watches them for 429s.
func RunTests(ctx context.Context, c *Client, jobs []TestJob, opts TestOptions) []TestResult {
	if opts.Concurrency < 1 {
		opts.Concurrency = DefaultConcurrency
	}
	if opts.RateLimitPause <= 0 {
		opts.RateLimitPause = 20 * time.Second
	}
	lim := newLimiter(opts.Concurrency)
	note := c.OnRetry
	// Every 429 the SDK is about to retry lowers the concurrency.
	c.OnRetry = func(n string) {
		if strings.HasPrefix(n, "HTTP 429") {
			if now, lowered := lim.lower(); lowered {
				n += fmt.Sprintf("; running at most %d at once", now)
			}
		}
		if note != nil {
			note(n)
		}
	}
	defer func() { c.OnRetry = note }()

	results := make([]TestResult, len(jobs))
	for i, j := range jobs {
		results[i] = TestResult{Case: j.Case, Vars: j.Vars, ModelID: j.ModelID, Status: StatusCanceled, Priced: j.Model != nil, Error: "not run"}
	}
	var (
		mu   sync.Mutex // records, calibration and OnResult, one at a time
		done int
		wg   sync.WaitGroup
	)
	next := make(chan int)
	go func() {
		defer close(next)
		for i := range jobs {
			select {
			case next <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	for w := 0; w < opts.Concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				r, ok := runOne(ctx, c, lim, jobs[i], opts.RateLimitPause, note)
				if !ok {
					continue // cancelled: stays StatusCanceled
				}
				mu.Lock()
				if opts.Root != "" {
					now := time.Now().UTC()
					if recordTest(opts.Root, opts.Prompt, jobs[i], r, c.key, now) == nil {
						r.Run = now
					}
				}
				results[i] = r
				done++
				if opts.OnResult != nil {
					opts.OnResult(r, done, len(jobs))
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return results
}

// runOne sends one job; false when ctx was cancelled first.
func runOne(ctx context.Context, c *Client, lim *limiter, j TestJob, pause time.Duration, note func(string)) (TestResult, bool) {
	r := TestResult{Case: j.Case, Vars: j.Vars, ModelID: j.ModelID, Priced: j.Model != nil}
	for attempt := 0; ; attempt++ {
		if err := lim.acquire(ctx); err != nil {
			return r, false
		}
		// Streamed, so a large max_tokens never trips the SDK's limit for
		// requests that wait for the whole reply.
		reply, err := c.Send(ctx, j.Body, j.Version, true, nil)
		lim.release(err == nil)
		if err == nil {
			r.Reply = reply
			r.Cost = CostOf(j.Model, reply.Usage, false)
			r.Checks = CheckReply(j.Expect, reply.Text, reply.Usage)
			r.Status = StatusOf(r.Checks)
			return r, true
		}
		p := Explain(err, c.key, j.Result)
		if p.Canceled || ctx.Err() != nil {
			if reply == nil {
				return r, false // nothing was spent
			}
			// Cut off mid-stream: what it used so far is spent.
			r.Reply, r.Interrupted = reply, true
			r.Cost = CostOf(j.Model, reply.Usage, false)
			r.Status, r.Error = StatusCanceled, "interrupted"
			return r, true
		}
		if p.Status == 429 && attempt < 2 {
			now, _ := lim.lower()
			if note != nil {
				note(fmt.Sprintf("case %s on %s still rate limited after %d retries; waiting %s, then at most %d at once", j.Case, j.ModelID, MaxRetries, pause, now))
			}
			select {
			case <-time.After(pause):
				continue
			case <-ctx.Done():
				return r, false
			}
		}
		r.Status, r.Error = StatusError, p.Error()
		if reply != nil { // the stream broke: what it used is spent
			r.Reply, r.Interrupted = reply, true
			r.Cost = CostOf(j.Model, reply.Usage, false)
		}
		return r, true
	}
}

// recordTest appends the record of one case on one model.
func recordTest(root, prompt string, j TestJob, r TestResult, key Key, now time.Time) error {
	rec := Record{Time: now, Prompt: prompt, Test: j.Case, Model: j.ModelID,
		RequestHash: RequestHash(j.Body, j.Version), CostUSD: r.Cost, Batch: r.Batch, Error: r.Error, Interrupted: r.Interrupted}
	if r.Reply != nil && r.Reply.RateLimits != nil {
		rec.RateLimits = r.Reply.RateLimits
		defer SaveLimits(root, rec.Model, r.Reply.RateLimits)
	}
	if j.Result != nil && j.Result.File != nil {
		rec.PromptHash, rec.Commit = VersionOf(root, j.Result.File.Src) // version.go
	}
	if r.Reply != nil {
		if r.Reply.Model != "" {
			rec.Model = r.Reply.Model
		}
		rec.Usage, rec.LatencyMS, rec.StopReason, rec.Reply = r.Reply.Usage, r.Reply.Latency.Milliseconds(), r.Reply.StopReason, r.Reply.Text
		if j.Result != nil {
			u := r.Reply.Usage
			Calibrate(root, j.ModelID, u.TotalInput(), int64(j.Result.Tokens.Raw))
		}
	}
	return AppendRecord(root, rec, key)
}

// limiter bounds the requests in flight. Its limit halves on a 429 (at
// most once a second) and grows back by one after as many successes in a
// row as the limit, up to the maximum.
type limiter struct {
	mu       sync.Mutex
	changed  chan struct{} // closed and replaced when a slot frees or the limit rises
	limit    int
	max      int
	active   int
	streak   int
	loweredT time.Time
}

func newLimiter(n int) *limiter { return &limiter{limit: n, max: n, changed: make(chan struct{})} }

func (l *limiter) acquire(ctx context.Context) error {
	for {
		l.mu.Lock()
		if l.active < l.limit {
			l.active++
			l.mu.Unlock()
			return nil
		}
		ch := l.changed
		l.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (l *limiter) release(ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.active--
	if ok {
		l.streak++
		if l.streak >= l.limit && l.limit < l.max {
			l.limit++
			l.streak = 0
		}
	}
	close(l.changed)
	l.changed = make(chan struct{})
}

// lower halves the limit (not below 1); false when it was lowered less
// than a second ago, so one burst of 429s counts once.
func (l *limiter) lower() (int, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.streak = 0
	if time.Since(l.loweredT) < time.Second || l.limit == 1 {
		return l.limit, false
	}
	l.limit = max(1, l.limit/2)
	l.loweredT = time.Now()
	return l.limit, true
}
