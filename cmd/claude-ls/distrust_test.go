package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/claude-ls/claude-ls/internal/fakeapi"
	"github.com/claude-ls/claude-ls/workbench"
)

// TestRunDistrustsTheAPI drives `run` against answers no API should give:
// each is a clear message, and none is recorded as spend.
func TestRunDistrustsTheAPI(t *testing.T) {
	api := fakeapi.New()
	defer api.Close()
	dir := newWorkspace(t, map[string]string{"a.prompt": goodPrompt, "notes/extra.md": "Keep it short.\n"})
	env := append(apiEnv(api), workbench.StreamIdleTimeoutVar+"=0.5", workbench.MaxRetryAfterVar+"=0.3")

	// A negative usage: refused, nothing recorded.
	api.Push("/v1/messages", fakeapi.Response{Usage: &fakeapi.Usage{InputTokens: -1000, OutputTokens: 5}})
	_, errOut, code := runCLIEnv(t, dir, env, "run", "--test", "volcanoes", "a.prompt")
	if code == 0 || !strings.Contains(errOut, "impossible usage (input_tokens = -1000") {
		t.Errorf("negative usage: exit %d\n%s", code, errOut)
	}
	if recs, _ := workbench.ReadRecords(dir); len(recs) != 0 {
		t.Errorf("recorded as spend: %+v", recs)
	}

	// A stream that stalls: abandoned after the idle timeout, said so.
	api.Push("/v1/messages", fakeapi.Response{Stall: true})
	start := time.Now()
	_, errOut, code = runCLIEnv(t, dir, env, "run", "--test", "volcanoes", "a.prompt")
	if code == 0 || !strings.Contains(errOut, "the API sent nothing for 500ms") || time.Since(start) > 10*time.Second {
		t.Errorf("stalled stream: exit %d after %s\n%s", code, time.Since(start), errOut)
	}

	// retry-after: 100000 is waited for 0.3 s, and the note says so.
	api.Push("/v1/messages", fakeapi.Response{Status: 429, Header: map[string]string{"retry-after": "100000"}, Message: "slow down"})
	start = time.Now()
	_, errOut, code = runCLIEnv(t, dir, env, "run", "--test", "volcanoes", "a.prompt")
	if code != 0 || !strings.Contains(errOut, "after 0.3 s instead of the 100000 s asked") || time.Since(start) > 10*time.Second {
		t.Errorf("retry-after: exit %d after %s\n%s", code, time.Since(start), errOut)
	}
	noKeyAnywhere(t, dir, errOut)
}

// TestUsageSaysHowManyLinesItSkipped: a damaged runs.jsonl is read past,
// and usage says how much it could not count.
func TestUsageSaysHowManyLinesItSkipped(t *testing.T) {
	api := fakeapi.New()
	defer api.Close()
	dir := newWorkspace(t, map[string]string{"a.prompt": goodPrompt, "notes/extra.md": "Keep it short.\n"})
	if _, errOut, code := runCLIEnv(t, dir, apiEnv(api), "run", "--test", "volcanoes", "a.prompt"); code != 0 {
		t.Fatalf("run: exit %d\n%s", code, errOut)
	}
	path := filepath.Join(dir, workbench.DataDir, "runs.jsonl")
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("{\"time\": garbage\n" + strings.Repeat("y", workbench.MaxReadLine+10) + "\n")
	f.Close()
	if _, errOut, code := runCLIEnv(t, dir, apiEnv(api), "run", "--test", "volcanoes", "a.prompt"); code != 0 {
		t.Fatalf("run after the damage: exit %d\n%s", code, errOut)
	}
	out, errOut, code := runCLI(t, dir, "usage")
	if code != 0 || !strings.Contains(errOut, "2 lines of .claude-ls/runs.jsonl skipped") {
		t.Errorf("usage: exit %d\n%s", code, errOut)
	}
	if !regexp.MustCompile(`total\s+2\s`).MatchString(out) {
		t.Errorf("usage does not count the two runs:\n%s", out)
	}
}
