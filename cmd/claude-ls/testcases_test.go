package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/claude-ls/claude-ls/internal/fakeapi"
	"github.com/claude-ls/claude-ls/internal/fixtures"
	"github.com/claude-ls/claude-ls/promptfile"
	"github.com/claude-ls/claude-ls/workbench"
)

// testsPrompt passes, fails and checks nothing against the fake's reply.
const testsPrompt = fixtures.PassFailNothing

// records reads the usage records of a workspace.
func records(t *testing.T, dir string) []workbench.Record {
	t.Helper()
	recs, err := workbench.ReadRecords(dir)
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// reportPaths finds the report files a run printed.
func reportPaths(t *testing.T, dir, out string) (string, string) {
	t.Helper()
	m := regexp.MustCompile(`report: (\S+\.md)\n\s+(\S+\.html)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no report paths in:\n%s", out)
	}
	return filepath.Join(dir, m[1]), filepath.Join(dir, m[2])
}

func TestRunAllTestsOnTwoModels(t *testing.T) {
	api := fakeapi.New()
	defer api.Close()
	dir := newWorkspace(t, map[string]string{"a.prompt": testsPrompt})
	out, errOut, code := runCLIEnv(t, dir, apiEnv(api), "run", "--all-tests", "--model", "claude-sonnet-4-6,claude-haiku-4-5", "a.prompt")
	if code != 1 {
		t.Fatalf("exit %d, want 1 for a failed expectation\n%s\n%s", code, out, errOut)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^case\s+model\s+result\s+in\s+out\s+cost\s+latency\s+reply$`),
		regexp.MustCompile(`(?m)^tides\s+claude-sonnet-4-6\s+pass\s+\d+\s+14\s+\$0\.\d+\s+\d+\.\d\d s\s+Tides are the slow rise and fall of…$`),
		regexp.MustCompile(`(?m)^volcanoes\s+claude-haiku-4-5\s+fail\s`),
		regexp.MustCompile(`(?m)^wind\s+claude-haiku-4-5\s+ok\s`),
		regexp.MustCompile(`(?m)^problems:\n  volcanoes on claude-sonnet-4-6: contains "lava": not in the reply\n  volcanoes on claude-haiku-4-5: contains "lava": not in the reply$`),
		regexp.MustCompile(`(?m)^6 runs: 2 passed, 2 failed, 2 with nothing to check · in \d+ · out 84 · \$0\.\d+$`),
	} {
		if !want.MatchString(out) {
			t.Errorf("stdout lacks %s:\n%s", want, out)
		}
	}
	// Exactly the rendered request of each case on each model was sent.
	var sent []map[string]any
	for _, r := range api.Requests() {
		if r.Path == "/v1/messages" {
			var body map[string]any
			json.Unmarshal(r.Body, &body)
			delete(body, "stream")
			sent = append(sent, body)
		}
	}
	if len(sent) != 6 {
		t.Fatalf("%d requests, want 6", len(sent))
	}
	for _, tc := range []string{"tides", "volcanoes", "wind"} {
		for _, m := range []string{"claude-sonnet-4-6", "claude-haiku-4-5"} {
			rendered, _, _ := runCLI(t, dir, "render", "--test", tc, "--model", m, "a.prompt")
			var want map[string]any
			json.Unmarshal([]byte(rendered), &want)
			found := false
			for _, s := range sent {
				a, _ := json.Marshal(s)
				b, _ := json.Marshal(want)
				found = found || string(a) == string(b)
			}
			if !found {
				t.Errorf("the rendering of %s on %s was not sent", tc, m)
			}
		}
	}
	// One record per case × model, with the real cost.
	recs := records(t, dir)
	if len(recs) != 6 {
		t.Fatalf("%d records", len(recs))
	}
	pairs := map[string]bool{}
	cat := promptfile.DefaultCatalog()
	for _, r := range recs {
		pairs[r.Test+"/"+r.Model] = true
		m, _ := cat.Lookup(r.Model)
		if r.Batch || r.CostUSD == 0 || r.CostUSD != m.Cost(promptfile.Usage{Input: r.Usage.Input, Output: r.Usage.Output}, false) || r.Prompt != "a.prompt" {
			t.Errorf("record %+v", r)
		}
	}
	if len(pairs) != 6 {
		t.Errorf("records cover %v", pairs)
	}
	// The reports.
	md, html := reportPaths(t, dir, out)
	if !strings.HasPrefix(md, filepath.Join(dir, ".claude-ls", "reports", "a-")) {
		t.Errorf("report at %s", md)
	}
	data, err := os.ReadFile(md)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"# Tests of `a.prompt`", "3 cases × 2 models · direct requests", "| [volcanoes](#case-volcanoes) | ❌ fail", "- ❌ contains \"lava\": not in the reply", "```text\n" + api.Reply + "\n```"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("Markdown report lacks %q", want)
		}
	}
	page, _ := os.ReadFile(html)
	if !strings.HasPrefix(string(page), "<!DOCTYPE html>") || strings.Count(string(page), `class="badge fail"`) != 2 {
		t.Errorf("HTML report:\n%.400s", page)
	}
	noKeyAnywhere(t, dir, out, errOut)
}

func TestRunAllTestsExitCodes(t *testing.T) {
	api := fakeapi.New()
	defer api.Close()
	passing := strings.Replace(testsPrompt, "contains: lava", "not_contains: lava", 1)
	dir := newWorkspace(t, map[string]string{"a.prompt": passing, "bad.prompt": strings.Replace(testsPrompt, "  - name: wind\n", "  - name: tides\n", 1)})
	if out, errOut, code := runCLIEnv(t, dir, apiEnv(api), "run", "--all-tests", "a.prompt"); code != 0 || !strings.Contains(out, "3 runs: 2 passed, 1 with nothing to check") {
		t.Errorf("all pass: exit %d\n%s%s", code, out, errOut)
	}
	// A case without a reply: 3.
	api.Push("/v1/messages", fakeapi.Response{Status: 400, Message: "messages.0.content: nope"})
	if out, errOut, code := runCLIEnv(t, dir, apiEnv(api), "run", "--all-tests", "--concurrency", "1", "a.prompt"); code != 3 || !strings.Contains(out, "the API refused the request") {
		t.Errorf("API error: exit %d\n%s%s", code, out, errOut)
	}
	// Prompt errors: 1, nothing sent.
	before := len(api.Requests())
	if _, errOut, code := runCLIEnv(t, dir, apiEnv(api), "run", "--all-tests", "bad.prompt"); code != 1 || !strings.Contains(errOut, "two test cases are named `tides`") || len(api.Requests()) != before {
		t.Errorf("prompt error: exit %d %s", code, errOut)
	}
	// Usage: 2.
	if _, _, code := runCLIEnv(t, dir, apiEnv(api), "run", "--all-tests", "--concurrency", "0", "a.prompt"); code != 2 {
		t.Errorf("--concurrency 0: exit %d", code)
	}
	// The guard prices every request: 3 × 64,000 × $25/MTok = $4.80.
	os.WriteFile(filepath.Join(dir, "big.prompt"), []byte(strings.Replace(strings.Replace(passing, "max_tokens: 300", "max_tokens: 64000", 1), "claude-sonnet-4-6", "claude-opus-4-6", 1)), 0o644)
	os.WriteFile(filepath.Join(dir, ".claude-ls.yaml"), []byte("budget:\n  confirm_above_usd: \"2\"\n"), 0o644)
	_, errOut, code := runCLIEnv(t, dir, apiEnv(api), "run", "--all-tests", "big.prompt")
	if code != 4 || !strings.Contains(errOut, "these 3 requests may cost up to $4.8") {
		t.Errorf("guard: exit %d %s", code, errOut)
	}
	// At batch prices half of it.
	_, errOut, code = runCLIEnv(t, dir, apiEnv(api), "run", "--all-tests", "--batch", "big.prompt")
	if code != 4 || !strings.Contains(errOut, "these 3 requests may cost up to $2.4") {
		t.Errorf("guard, batch: exit %d %s", code, errOut)
	}
}

func TestRunAllTestsFromACSVWithBoundedConcurrency(t *testing.T) {
	api := fakeapi.New()
	defer api.Close()
	var csv strings.Builder
	csv.WriteString("name,topic,expect\n")
	for _, topic := range []string{"tides", "waves", "wind", "rain", "snow", "hail", "fog", "dew"} {
		csv.WriteString(topic + "," + topic + ",Moon\n")
	}
	dir := newWorkspace(t, map[string]string{
		"c.prompt":  "---\nmodel: claude-haiku-4-5\nmax_tokens: 50\ntests: {file: cases.csv}\n---\nExplain {{topic}}.\n",
		"cases.csv": csv.String(),
	})
	for range 8 {
		api.Push("/v1/messages", fakeapi.Response{Delay: 10 * time.Millisecond})
	}
	out, errOut, code := runCLIEnv(t, dir, apiEnv(api), "run", "--all-tests", "--concurrency", "2", "c.prompt")
	if code != 0 || !strings.Contains(out, "8 runs: 8 passed") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if got := api.MaxConcurrent(); got != 2 {
		t.Errorf("%d requests at once, want 2", got)
	}
	if n := len(records(t, dir)); n != 8 {
		t.Errorf("%d records", n)
	}
}

func TestRunAsBatch(t *testing.T) {
	api := fakeapi.New()
	defer api.Close()
	api.ScriptBatchResult("req-00003", fakeapi.BatchResult{Type: "errored", Message: "messages: bad"})
	api.ScriptBatchResult("req-00005", fakeapi.BatchResult{Type: "expired"})
	dir := newWorkspace(t, map[string]string{"a.prompt": testsPrompt})
	out, errOut, code := runCLIEnv(t, dir, apiEnv(api), "run", "--all-tests", "--batch", "--poll", "10ms", "--model", "claude-sonnet-4-6,claude-haiku-4-5", "a.prompt")
	if code != 1 {
		t.Fatalf("exit %d, want 1 (volcanoes fails)\n%s%s", code, out, errOut)
	}
	b := api.Batches()
	if len(b) != 1 || len(b[0].Params) != 6 {
		t.Fatalf("batches %+v", b)
	}
	id := b[0].ID
	for _, want := range []string{"claude-ls: batch " + id + " created: 6 requests at batch prices", "· in progress · 0/6 done", "· ended · 6/6 done"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^tides\s+claude-sonnet-4-6\s+pass\s+\d+\s+14\s+\$0\.\d+\s+batch\s+Tides are`),
		regexp.MustCompile(`(?m)^volcanoes\s+claude-sonnet-4-6\s+error\s+-\s+-\s+-\s+-\s+errored: invalid_request_error: messages: bad$`),
		regexp.MustCompile(`(?m)^wind\s+claude-sonnet-4-6\s+expired\s`),
		regexp.MustCompile(`(?m)^6 runs: 2 passed, 1 failed, 1 with nothing to check, 2 without a reply · .* at batch prices$`),
	} {
		if !want.MatchString(out) {
			t.Errorf("stdout lacks %s:\n%s", want, out)
		}
	}
	// The params of each request are the rendered body.
	rendered, _, _ := runCLI(t, dir, "render", "--test", "volcanoes", "--model", "claude-haiku-4-5", "a.prompt")
	var a, w any
	json.Unmarshal(b[0].Params[3], &a)
	json.Unmarshal([]byte(rendered), &w)
	if ja, jw := mustJSON(a), mustJSON(w); ja != jw {
		t.Errorf("params %s\nrender %s", ja, jw)
	}
	// Records: six, flagged batch, at half price.
	recs := records(t, dir)
	if len(recs) != 6 {
		t.Fatalf("%d records", len(recs))
	}
	cat := promptfile.DefaultCatalog()
	for _, r := range recs {
		m, _ := cat.Lookup(r.Model)
		u := promptfile.Usage{Input: r.Usage.Input, Output: r.Usage.Output}
		if !r.Batch || r.CostUSD != m.Cost(u, true) || (r.Error == "" && r.CostUSD*2 != m.Cost(u, false)) {
			t.Errorf("record %+v", r)
		}
	}
	md, _ := reportPaths(t, dir, out)
	if filepath.Base(md) != "a-"+id+".md" {
		t.Errorf("batch report %s", md)
	}
	// Each record names the version of the prompt sent, and the report marks
	// each reply with its record, for grading it from the editor.
	report, _ := os.ReadFile(md)
	marks := workbench.ReplyMarks(report)
	if len(marks) != 4 {
		t.Errorf("%d reply marks in the report, want 4 (the replies):\n%s", len(marks), report)
	}
	for _, mk := range marks {
		found := false
		for _, r := range recs {
			found = found || (r.Test == mk.Test && r.Model == mk.Model && r.Time.Equal(mk.Run) && r.Error == "")
		}
		if !found || mk.Prompt != "a.prompt" {
			t.Errorf("mark %+v names no record", mk)
		}
	}
	for _, r := range recs {
		if r.PromptHash != workbench.PromptHash([]byte(testsPrompt)) {
			t.Errorf("batch record of %s on %s: prompt hash %q", r.Test, r.Model, r.PromptHash)
		}
	}
	// status after the fact
	out, _, code = runCLIEnv(t, dir, apiEnv(api), "batch", "status", id)
	if code != 0 || !strings.Contains(out, "batch "+id+" · ended · 6/6 done: 4 succeeded, 1 errored, 1 expired, 0 canceled") || !strings.Contains(out, "prompt a.prompt · 6 requests · results recorded") {
		t.Errorf("status: exit %d\n%s", code, out)
	}
	noKeyAnywhere(t, dir, out, errOut)
}

func mustJSON(v any) string { b, _ := json.Marshal(v); return string(b) }

// TestBatchResumesAfterCtrlC interrupts the wait with SIGINT; the batch
// goes on, and `batch results ID` gets everything later.
func TestBatchResumesAfterCtrlC(t *testing.T) {
	api := fakeapi.New()
	defer api.Close()
	api.SetBatchPolls(100000)
	dir := newWorkspace(t, map[string]string{"a.prompt": testsPrompt})
	cmd := exec.Command(binary, "run", "--all-tests", "--batch", "--poll", "20ms", "a.prompt")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), apiEnv(api)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait for the manifest and a few polls, then Ctrl-C.
	deadline := time.Now().Add(10 * time.Second)
	for {
		b := api.Batches()
		if len(b) == 1 && b[0].Polls >= 3 {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("no polls\n%s", stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	id := api.Batches()[0].ID
	if _, err := os.Stat(filepath.Join(dir, ".claude-ls", "batches", id+".json")); err != nil {
		t.Fatalf("no manifest while polling: %v", err)
	}
	cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	if exit, ok := err.(*exec.ExitError); !ok || exit.ExitCode() != 130 {
		t.Fatalf("Ctrl-C: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "stopped waiting; batch "+id+" goes on. Resume with 'claude-ls batch results "+id+"'") {
		t.Errorf("stderr:\n%s", stderr.String())
	}
	if n := len(records(t, dir)); n != 0 {
		t.Errorf("%d records before the results", n)
	}
	out, _, code := runCLIEnv(t, dir, apiEnv(api), "batch", "status", id)
	if code != 0 || !strings.Contains(out, "· in_progress · 0/3 done") {
		t.Errorf("status: exit %d\n%s", code, out)
	}
	// The batch ends; the results come from the id alone, from a subfolder too.
	api.SetBatchPolls(0)
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	out, errOut, code := runCLIEnv(t, filepath.Join(dir, "sub"), apiEnv(api), "batch", "results", "--poll", "10ms", id)
	if code != 1 || !strings.Contains(out, "3 runs: 1 passed, 1 failed, 1 with nothing to check") {
		t.Fatalf("results: exit %d\n%s%s", code, out, errOut)
	}
	if n := len(records(t, dir)); n != 3 {
		t.Errorf("%d records, want 3", n)
	}
	// Again: the same report, no second records.
	out2, _, _ := runCLIEnv(t, dir, apiEnv(api), "batch", "results", id)
	if n := len(records(t, dir)); n != 3 || !strings.Contains(out2, "3 runs: 1 passed, 1 failed") {
		t.Errorf("fetching twice: %d records\n%s", n, out2)
	}
	if len(api.Batches()) != 1 {
		t.Error("a second batch was created")
	}
	// Unknown ids.
	if _, errOut, code := runCLIEnv(t, dir, apiEnv(api), "batch", "results", "msgbatch_nope"); code != 2 || !strings.Contains(errOut, "no batch msgbatch_nope was started from this workspace") {
		t.Errorf("unknown id: exit %d %s", code, errOut)
	}
	if _, _, code := runCLIEnv(t, dir, apiEnv(api), "batch", "status", "msgbatch_nope"); code != 3 {
		t.Errorf("status of an unknown id: exit %d", code)
	}
	if _, _, code := runCLIEnv(t, dir, apiEnv(api), "batch", "frobnicate", id); code != 2 {
		t.Errorf("unknown subcommand: exit %d", code)
	}
}

func TestBatchNoWaitPrintsTheID(t *testing.T) {
	api := fakeapi.New()
	defer api.Close()
	api.SetBatchPolls(0)
	dir := newWorkspace(t, map[string]string{"a.prompt": testsPrompt})
	out, errOut, code := runCLIEnv(t, dir, apiEnv(api), "run", "--all-tests", "--batch", "--no-wait", "a.prompt")
	if code != 0 || len(api.Batches()) != 1 || out != api.Batches()[0].ID+"\n" || !strings.Contains(errOut, "claude-ls batch results "+api.Batches()[0].ID) {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if api.Batches()[0].Polls != 0 {
		t.Error("--no-wait polled")
	}
	out, _, code = runCLIEnv(t, dir, apiEnv(api), "batch", "results", strings.TrimSpace(out))
	if code != 1 || !strings.Contains(out, "3 runs: 1 passed, 1 failed, 1 with nothing to check") || len(records(t, dir)) != 3 {
		t.Errorf("results: exit %d\n%s", code, out)
	}
}

// A test run that would not fit the rate limits the last answer reported
// says so before it starts (and still runs: the SDK waits out 429s).
func TestTestRunSaysWhenItWouldPassTheRateLimits(t *testing.T) {
	api := fakeapi.New()
	defer api.Close()
	api.SetRateLimits(fakeapi.RateLimits{Requests: 3, InputTokens: 30_000, OutputTokens: 8_000})
	dir := newWorkspace(t, map[string]string{"a.prompt": testsPrompt})
	if _, errOut, code := runCLIEnv(t, dir, apiEnv(api), "run", "a.prompt"); code != exitOK || !strings.Contains(errOut, "rate limits left: requests 2 of 3") {
		t.Fatalf("run: exit %d: %s", code, errOut)
	}
	_, errOut, _ := runCLIEnv(t, dir, apiEnv(api), "run", "--all-tests", "--model", "claude-sonnet-4-6,claude-haiku-4-5", "a.prompt")
	if !strings.Contains(errOut, "this would pass the rate limits last reported") || !strings.Contains(errOut, "3 requests to claude-sonnet-4-6, but only 2 of 3 are left") {
		t.Errorf("no warning before the test run:\n%s", errOut)
	}
}
