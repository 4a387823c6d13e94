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

func lookupModel(id string) *promptfile.Model {
	m, _ := promptfile.DefaultCatalog().Lookup(id)
	return m
}

func TestCreateBatchSendsExactlyTheRenderedBodies(t *testing.T) {
	c, api, _ := newClient(t)
	root := t.TempDir()
	jobs := plan(t, testsPrompt, "claude-sonnet-4-6", "claude-haiku-4-5")
	m, err := CreateBatch(context.Background(), c, root, "t.prompt", jobs)
	if err != nil {
		t.Fatal(err)
	}
	got := api.Batches()
	if len(got) != 1 || got[0].ID != m.ID || len(got[0].Params) != len(jobs) {
		t.Fatalf("batches %+v", got)
	}
	for i, j := range jobs {
		if string(got[0].Params[i]) != string(j.Body) {
			t.Errorf("request %d params\n%s\nwant the rendered body\n%s", i, got[0].Params[i], j.Body)
		}
		if got[0].CustomID[i] != m.Requests[i].CustomID || m.Requests[i].Case != j.Case || m.Requests[i].Model != j.ModelID {
			t.Errorf("entry %d: %+v", i, m.Requests[i])
		}
	}
	req := api.Last("/v1/messages/batches")
	if req.Header.Get("anthropic-version") != promptfile.VersionCurrent || req.Method != "POST" {
		t.Errorf("create: %s %q", req.Method, req.Header.Get("anthropic-version"))
	}
	// The manifest is on disk before anything is polled.
	data, err := os.ReadFile(filepath.Join(root, ".claude-ls", "batches", m.ID+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var saved BatchManifest
	if err := json.Unmarshal(data, &saved); err != nil || saved.ID != m.ID || len(saved.Requests) != 6 || saved.Requests[2].Expect == nil || saved.Prompt != "t.prompt" {
		t.Errorf("manifest %v\n%s", err, data)
	}
	if strings.Contains(string(data), testKey) {
		t.Error("the key is in the manifest")
	}
}

func TestBatchResumesAfterAnInterruptedWait(t *testing.T) {
	c, api, _ := newClient(t)
	root := t.TempDir()
	api.SetBatchPolls(1000)
	jobs := plan(t, testsPrompt, "claude-sonnet-4-6", "claude-haiku-4-5")
	m, err := CreateBatch(context.Background(), c, root, "t.prompt", jobs)
	if err != nil {
		t.Fatal(err)
	}
	// Ctrl-C while polling: the wait stops, the batch goes on.
	ctx, cancel := context.WithCancel(context.Background())
	polls := 0
	st, err := WaitBatch(ctx, c, root, m, WaitOptions{Poll: 5 * time.Millisecond, OnStatus: func(st *BatchStatus) {
		if polls++; polls == 2 {
			cancel()
		}
	}})
	if !errors.Is(err, context.Canceled) || st == nil || st.Status != "in_progress" || st.Total() != 6 {
		t.Fatalf("interrupted wait: %v %+v", err, st)
	}
	if recs, _ := ReadRecords(root); len(recs) != 0 {
		t.Errorf("records before the results: %d", len(recs))
	}
	// Later, from the id alone.
	api.SetBatchPolls(0)
	m2, err := LoadManifest(root, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	st, err = WaitBatch(context.Background(), c, root, m2, WaitOptions{Poll: time.Millisecond})
	if err != nil || !st.IsEnded() || st.Succeeded != 6 {
		t.Fatalf("wait: %v %+v", err, st)
	}
	results, err := BatchResults(context.Background(), c, root, m2, lookupModel)
	if err != nil {
		t.Fatal(err)
	}
	want := []Status{StatusPass, StatusPass, StatusFail, StatusFail, StatusOK, StatusOK}
	for i, r := range results {
		if r.Status != want[i] || !r.Batch || r.Reply == nil {
			t.Errorf("result %d (%s on %s): %s", i, r.Case, r.ModelID, r.Status)
		}
	}
	recs, _ := ReadRecords(root)
	if len(recs) != 6 {
		t.Fatalf("%d records, want 6", len(recs))
	}
	for _, rec := range recs {
		m := lookupModel(rec.Model)
		u := promptfile.Usage{Input: rec.Usage.Input, Output: rec.Usage.Output}
		if !rec.Batch || rec.CostUSD != m.Cost(u, true) || rec.CostUSD*2 != m.Cost(u, false) || rec.CostUSD == 0 {
			t.Errorf("%s on %s: batch %v cost %s, want half of %s", rec.Test, rec.Model, rec.Batch, rec.CostUSD, m.Cost(u, false))
		}
	}
	// Fetching again reports again but records nothing twice.
	m3, _ := LoadManifest(root, m.ID)
	if !m3.Recorded || m3.Status != "ended" {
		t.Errorf("manifest after results: %+v", m3)
	}
	if _, err := BatchResults(context.Background(), c, root, m3, lookupModel); err != nil {
		t.Fatal(err)
	}
	if recs, _ := ReadRecords(root); len(recs) != 6 {
		t.Errorf("%d records after fetching twice", len(recs))
	}
}

func TestBatchResultsSucceededErroredExpired(t *testing.T) {
	c, api, _ := newClient(t)
	root := t.TempDir()
	api.SetBatchPolls(0)
	jobs := plan(t, testsPrompt)
	api.ScriptBatchResult("req-00001", fakeapi.BatchResult{Text: "The Moon pulls the sea: a rise and fall.", Usage: &fakeapi.Usage{InputTokens: 1000, OutputTokens: 200}})
	api.ScriptBatchResult("req-00002", fakeapi.BatchResult{Type: "errored", Message: "max_tokens: too large for " + testKey})
	api.ScriptBatchResult("req-00003", fakeapi.BatchResult{Type: "expired"})
	m, err := CreateBatch(context.Background(), c, root, "t.prompt", jobs)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := WaitBatch(context.Background(), c, root, m, WaitOptions{Poll: time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	results, err := BatchResults(context.Background(), c, root, m, lookupModel)
	if err != nil {
		t.Fatal(err)
	}
	// tides: contains held, max_tokens_out 100 did not (200 used).
	if r := results[0]; r.Status != StatusFail || r.Reply.Usage.Output != 200 || r.Cost != lookupModel("claude-sonnet-4-6").Cost(promptfile.Usage{Input: 1000, Output: 200}, true) {
		t.Errorf("succeeded: %+v", r)
	}
	if r := results[1]; r.Status != StatusError || !strings.Contains(r.Error, "errored: invalid_request_error: max_tokens: too large") || strings.Contains(r.Error, testKey) || r.Cost != 0 {
		t.Errorf("errored: %+v", r)
	}
	if r := results[2]; r.Status != StatusExpired || !strings.Contains(r.Error, "expired") {
		t.Errorf("expired: %+v", r)
	}
	recs, _ := ReadRecords(root)
	if len(recs) != 3 || recs[1].Error == "" || !recs[2].Batch || recs[0].CostUSD != results[0].Cost {
		t.Errorf("records %+v", recs)
	}
	rep := BatchReport(m, results)
	md := rep.Markdown()
	for _, want := range []string{"Message Batches API, batch `" + m.ID + "`", "⌛ expired", "⚠ error", "❌ max_tokens_out 100: the reply used 200 output tokens"} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
}

func TestBatchManifestRefusesStrangeIDs(t *testing.T) {
	if _, err := LoadManifest(t.TempDir(), "../../etc/passwd"); err == nil {
		t.Error("a path as batch id")
	}
	if _, err := LoadManifest(t.TempDir(), "msgbatch_none"); err == nil || !strings.Contains(err.Error(), "no batch msgbatch_none was started from this workspace") {
		t.Errorf("missing: %v", err)
	}
}
