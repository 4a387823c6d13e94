package workbench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/option"

	"github.com/claude-ls/claude-ls/promptfile"
)

// Limits of one batch, from the Message Batches API.
const (
	MaxBatchRequests = 100_000
	MaxBatchBytes    = 256 << 20
)

// BatchManifest is what is kept of a batch in .claude-ls/batches/<id>.json,
// written before the first poll, so an interrupted wait loses nothing: the
// status and the results can be fetched later from the id alone.
type BatchManifest struct {
	ID       string    `json:"id"`
	Prompt   string    `json:"prompt"` // relative to the root
	Version  string    `json:"anthropic_version"`
	Created  time.Time `json:"created"`
	Status   string    `json:"status"`             // the last status seen: in_progress, canceling, ended
	Ended    time.Time `json:"ended,omitzero"`     // when the API says it ended
	Recorded bool      `json:"recorded,omitempty"` // its results are in the usage records
	// RecordedAt is the time of those records, which names each for grading.
	RecordedAt time.Time `json:"recorded_at,omitzero"`
	// PromptHash and Commit are the version of the prompt sent, as in a
	// run's record (version.go).
	PromptHash string `json:"prompt_hash,omitempty"`
	Commit     string `json:"commit,omitempty"`
	// WorstUSD is the batch's worst case, held against the budget until its
	// results are recorded.
	WorstUSD promptfile.USD `json:"worst_usd,omitempty"`
	Reports  []string       `json:"reports,omitempty"`
	Requests []BatchEntry   `json:"requests"`
}

// BatchEntry maps a request of the batch back to its test case and model.
type BatchEntry struct {
	CustomID    string             `json:"custom_id"`
	Case        string             `json:"case"`
	Vars        map[string]string  `json:"vars,omitempty"`
	Model       string             `json:"model"`
	Expect      *promptfile.Expect `json:"expect,omitempty"`
	RequestHash string             `json:"request_hash"`
	TiktokenRaw int                `json:"tiktoken_raw,omitempty"` // for calibration
}

// BatchesDir is where manifests live.
func BatchesDir(root string) string { return filepath.Join(root, DataDir, "batches") }

var batchIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,200}$`)

func manifestPath(root, id string) (string, error) {
	if !batchIDPattern.MatchString(id) {
		return "", fmt.Errorf("%q is not a batch id", id)
	}
	return filepath.Join(BatchesDir(root), id+".json"), nil
}

// SaveManifest writes a manifest atomically.
func SaveManifest(root string, m *BatchManifest) error {
	p, err := manifestPath(root, m.ID)
	if err != nil {
		return err
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := writeFileAtomic(p, append(data, '\n')); err != nil {
		return err
	}
	ensureIgnored(root)
	return nil
}

// LoadManifest reads the manifest of batch id.
func LoadManifest(root, id string) (*BatchManifest, error) {
	p, err := manifestPath(root, id)
	if err != nil {
		return nil, err
	}
	data, err := ReadFile(root, p)
	if os.IsNotExist(err) {
		return nil, fmt.Errorf("no batch %s was started from this workspace (%s is missing)", id, filepath.Join(DataDir, "batches", id+".json"))
	}
	if err != nil {
		return nil, err
	}
	var m BatchManifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	return &m, nil
}

// customID names request i: the API takes 1 to 64 of [A-Za-z0-9_-].
func customID(i int) string { return fmt.Sprintf("req-%05d", i+1) }

// batchBody is the create request: each request's params are exactly the
// rendered body.
func batchBody(jobs []TestJob) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(`{"requests":[`)
	for i, j := range jobs {
		if i > 0 {
			b.WriteByte(',')
		}
		if !json.Valid(j.Body) {
			return nil, fmt.Errorf("case %s: the rendered request is not JSON", j.Case)
		}
		fmt.Fprintf(&b, `{"custom_id":%q,"params":`, customID(i))
		b.Write(j.Body)
		b.WriteByte('}')
	}
	b.WriteString("]}")
	return b.Bytes(), nil
}

// CreateBatch sends every job as one Message Batch and writes its manifest
// before returning, so nothing is lost if the wait is interrupted.
func CreateBatch(ctx context.Context, c *Client, root, prompt string, jobs []TestJob) (*BatchManifest, error) {
	if len(jobs) == 0 {
		return nil, errors.New("no requests to send")
	}
	if len(jobs) > MaxBatchRequests {
		return nil, fmt.Errorf("%d requests: a batch takes at most %d", len(jobs), MaxBatchRequests)
	}
	body, err := batchBody(jobs)
	if err != nil {
		return nil, err
	}
	if len(body) > MaxBatchBytes {
		return nil, fmt.Errorf("the batch is %d MB: the API takes at most 256 MB", len(body)>>20)
	}
	version := jobs[0].Version
	for _, j := range jobs {
		if j.Version != version {
			return nil, errors.New("the requests are written for different API versions: one batch takes one")
		}
	}
	timed, bound := attemptTimeout(ctx, BatchUploadTimeout)
	b, err := c.sdk.Messages.Batches.New(timed, anthropic.MessageBatchNewParams{},
		option.WithHeader("anthropic-version", version), option.WithRequestBody("application/json", body), bound)
	if err != nil {
		return nil, timedOut(ctx, err, BatchUploadTimeout)
	}
	m := &BatchManifest{ID: b.ID, Prompt: prompt, Version: version, Created: b.CreatedAt, Status: string(b.ProcessingStatus),
		WorstUSD: WorstCaseOf(jobs, true)}
	if m.Created.IsZero() {
		m.Created = time.Now().UTC()
	}
	if r := jobs[0].Result; r != nil && r.File != nil {
		m.PromptHash, m.Commit = VersionOf(root, r.File.Src)
	}
	for i, j := range jobs {
		e := BatchEntry{CustomID: customID(i), Case: j.Case, Vars: j.Vars, Model: j.ModelID, Expect: j.Expect, RequestHash: RequestHash(j.Body, j.Version)}
		if j.Result != nil {
			e.TiktokenRaw = j.Result.Tokens.Raw
		}
		m.Requests = append(m.Requests, e)
	}
	if err := SaveManifest(root, m); err != nil {
		return m, fmt.Errorf("batch %s was created but its manifest could not be written (%v): keep the id to fetch its results", m.ID, err)
	}
	return m, nil
}

// BatchStatus is what a poll says of a batch.
type BatchStatus struct {
	ID                                                string
	Status                                            string // in_progress, canceling, ended
	Processing, Succeeded, Errored, Canceled, Expired int64
	Created, Ended, Expires                           time.Time
}

// Done is how many requests have finished.
func (s *BatchStatus) Done() int64 { return s.Succeeded + s.Errored + s.Canceled + s.Expired }

// Total is how many requests the batch holds.
func (s *BatchStatus) Total() int64 { return s.Done() + s.Processing }

// IsEnded says whether processing has ended and results can be fetched.
func (s *BatchStatus) IsEnded() bool { return s.Status == "ended" }

// GetBatch asks the API for a batch's status.
func GetBatch(ctx context.Context, c *Client, id, version string) (*BatchStatus, error) {
	if version == "" {
		version = promptfile.VersionCurrent
	}
	timed, bound := attemptTimeout(ctx, c.RequestTimeout)
	b, err := c.sdk.Messages.Batches.Get(timed, id, anthropic.MessageBatchGetParams{}, option.WithHeader("anthropic-version", version), bound)
	if err != nil {
		return nil, timedOut(ctx, err, c.RequestTimeout)
	}
	rc := b.RequestCounts
	return &BatchStatus{ID: b.ID, Status: string(b.ProcessingStatus), Processing: rc.Processing, Succeeded: rc.Succeeded,
		Errored: rc.Errored, Canceled: rc.Canceled, Expired: rc.Expired, Created: b.CreatedAt, Ended: b.EndedAt, Expires: b.ExpiresAt}, nil
}

// WaitOptions configure WaitBatch.
type WaitOptions struct {
	// Poll is the first wait between polls (default 2 s); each wait is half
	// again as long as the one before, up to MaxPoll (default 60 s).
	Poll, MaxPoll time.Duration
	OnStatus      func(*BatchStatus) // told of every poll
}

// WaitBatch polls until the batch has ended and keeps the last status in
// its manifest. Cancelling ctx stops the wait, not the batch.
func WaitBatch(ctx context.Context, c *Client, root string, m *BatchManifest, opts WaitOptions) (*BatchStatus, error) {
	if opts.Poll <= 0 {
		opts.Poll = 2 * time.Second
	}
	if opts.MaxPoll <= 0 {
		opts.MaxPoll = time.Minute
	}
	wait := opts.Poll
	for {
		st, err := GetBatch(ctx, c, m.ID, m.Version)
		if err != nil {
			return nil, err
		}
		if st.Status != m.Status || st.IsEnded() {
			m.Status, m.Ended = st.Status, st.Ended
			SaveManifest(root, m)
		}
		if opts.OnStatus != nil {
			opts.OnStatus(st)
		}
		if st.IsEnded() {
			return st, nil
		}
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return st, ctx.Err()
		}
		wait = min(opts.MaxPoll, wait*3/2)
	}
}

// BatchResults fetches the results of an ended batch, checks each reply
// against its case's expectations and, the first time, records every
// result at batch prices. lookup finds a model's prices (nil: none).
func BatchResults(ctx context.Context, c *Client, root string, m *BatchManifest, lookup func(id string) *promptfile.Model) ([]TestResult, error) {
	if lookup == nil {
		lookup = func(string) *promptfile.Model { return nil }
	}
	version := m.Version
	if version == "" {
		version = promptfile.VersionCurrent
	}
	stream := c.sdk.Messages.Batches.ResultsStreaming(ctx, m.ID, anthropic.MessageBatchResultsParams{}, option.WithHeader("anthropic-version", version))
	defer stream.Close()
	byID := map[string]anthropic.MessageBatchIndividualResponse{}
	for stream.Next() {
		r := stream.Current()
		byID[r.CustomID] = r
	}
	if err := stream.Err(); err != nil {
		return nil, err
	}
	turnaround := time.Duration(0)
	if !m.Ended.IsZero() && !m.Created.IsZero() {
		turnaround = m.Ended.Sub(m.Created)
	}
	now := time.Now().UTC()
	results := make([]TestResult, len(m.Requests))
	for i, e := range m.Requests {
		model := lookup(e.Model)
		r := TestResult{Case: e.Case, Vars: e.Vars, ModelID: e.Model, Priced: model != nil, Batch: true}
		got, ok := byID[e.CustomID]
		switch {
		case !ok:
			r.Status, r.Error = StatusError, "the batch's results have no entry for "+e.CustomID
		case got.Result.Type == "succeeded":
			msg := got.Result.Message
			r.Reply = replyOf(&msg)
			r.Reply.Latency = turnaround
			r.Cost = CostOf(model, r.Reply.Usage, true)
			r.Checks = CheckReply(e.Expect, r.Reply.Text, r.Reply.Usage)
			r.Status = StatusOf(r.Checks)
		case got.Result.Type == "errored":
			er := got.Result.Error.Error
			r.Status = StatusError
			r.Error = c.key.Redact(fmt.Sprintf("errored: %s: %s", er.Type, er.Message))
		case got.Result.Type == "expired":
			r.Status, r.Error = StatusExpired, "expired: the batch ended (24 hours after it was created) before this request was processed"
		case got.Result.Type == "canceled":
			r.Status, r.Error = StatusCanceled, "canceled: the batch was canceled before this request was processed"
		default:
			r.Status, r.Error = StatusError, "unknown result type "+got.Result.Type
		}
		results[i] = r
	}
	if err := recordBatch(root, m, results, turnaround, now, c.key); err != nil {
		return results, err
	}
	return results, nil
}

// recordBatch records each case of a batch once: under the guard lock, a
// manifest that another fetch (this process or another) has recorded
// meanwhile is left alone.
func recordBatch(root string, m *BatchManifest, results []TestResult, turnaround time.Duration, now time.Time, key Key) error {
	err := withGuardLock(root, func() error {
		if cur, err := LoadManifest(root, m.ID); err == nil && cur.Recorded {
			m.Recorded, m.RecordedAt = true, cur.RecordedAt
			return nil
		}
		if m.Recorded {
			return nil
		}
		for i, e := range m.Requests {
			r := results[i]
			rec := Record{Time: now, Prompt: m.Prompt, Test: e.Case, Model: e.Model, RequestHash: e.RequestHash,
				CostUSD: r.Cost, Batch: true, Error: r.Error, PromptHash: m.PromptHash, Commit: m.Commit}
			if r.Reply != nil {
				if r.Reply.Model != "" {
					rec.Model = r.Reply.Model
				}
				rec.Usage, rec.LatencyMS, rec.StopReason, rec.Reply = r.Reply.Usage, turnaround.Milliseconds(), r.Reply.StopReason, r.Reply.Text
				if e.TiktokenRaw > 0 {
					Calibrate(root, e.Model, r.Reply.Usage.TotalInput(), int64(e.TiktokenRaw))
				}
			}
			if err := AppendRecord(root, rec, key); err != nil {
				return fmt.Errorf("the results were not recorded: %w", err)
			}
		}
		m.Recorded, m.RecordedAt = true, now
		return SaveManifest(root, m)
	})
	if m.Recorded { // the records name the replies, whoever wrote them
		for i := range results {
			results[i].Run = m.RecordedAt
		}
	}
	return err
}

// BatchReport is the report of a batch's results.
func BatchReport(m *BatchManifest, results []TestResult) *Report {
	r := &Report{Prompt: m.Prompt, Time: m.Created, BatchID: m.ID, Results: results}
	if !m.Ended.IsZero() && !m.Created.IsZero() {
		r.Turnaround = m.Ended.Sub(m.Created)
	}
	return r
}
