package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/claude-ls/claude-ls/internal/fakeapi"
)

// A prompt whose worst case is about $0.0151 on Sonnet 4.6: 1,000 output
// tokens at $15 per million, and a few input tokens.
const guardPrompt = `---
model: claude-sonnet-4-6
max_tokens: 1000
---
Say hello.
`

// The budget allows 6 such runs (6 × 0.0151 = 0.0906 < 0.098 < 7 × 0.0151).
const sixRunsBudget = "budget: {monthly_usd: \"0.098\"}\n"

func TestGuardHoldsAcrossConcurrentProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 20 processes")
	}
	api := fakeapi.New()
	defer api.Close()
	// Slow replies, so that every process reserves while the others are
	// still in flight.
	for range 20 {
		api.Push("/v1/messages", fakeapi.Response{Delay: 150 * time.Millisecond, Text: "hello there, how are you today"})
	}
	dir := newWorkspace(t, map[string]string{"a.prompt": guardPrompt, ".claude-ls.yaml": sixRunsBudget})
	var wg sync.WaitGroup
	codes := make([]int, 20)
	stderrs := make([]string, 20)
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(binary, "run", "a.prompt")
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), apiEnv(api)...)
			var errOut strings.Builder
			cmd.Stderr = &errOut
			err := cmd.Run()
			if ee, ok := err.(*exec.ExitError); ok {
				codes[i] = ee.ExitCode()
			} else if err != nil {
				codes[i] = -1
			}
			stderrs[i] = errOut.String()
		}()
	}
	wg.Wait()
	sent := len(api.Requests())
	ok, refused := 0, 0
	for i, c := range codes {
		switch c {
		case exitOK:
			ok++
		case exitGuard:
			refused++
			if !strings.Contains(stderrs[i], "refused:") || !strings.Contains(stderrs[i], "held by runs in flight") {
				t.Errorf("refusal: %s", stderrs[i])
			}
		default:
			t.Errorf("run %d: exit %d: %s", i, c, stderrs[i])
		}
	}
	if sent > 6 || sent != ok || ok+refused != 20 || ok == 0 {
		t.Errorf("%d requests sent, %d runs succeeded, %d refused; the budget allows 6", sent, ok, refused)
	}
	if recs := records(t, dir); len(recs) != ok {
		t.Errorf("%d records for %d runs", len(recs), ok)
	}
	// Every reservation was settled: nothing is held any more.
	if data, err := os.ReadFile(dir + "/.claude-ls/reserved.json"); err != nil || strings.TrimSpace(string(data)) != "[]" {
		t.Errorf("reserved.json = %q, %v", data, err)
	}
}

func TestGuardCountsPendingBatches(t *testing.T) {
	api := fakeapi.New()
	defer api.Close()
	cases := "tests:\n"
	for i := range 12 {
		cases += fmt.Sprintf("  - name: case%d\n", i)
	}
	batchPrompt := strings.Replace(guardPrompt, "---\nSay", cases+"---\nSay", 1)
	dir := newWorkspace(t, map[string]string{"tests.prompt": batchPrompt, "a.prompt": guardPrompt, ".claude-ls.yaml": sixRunsBudget})
	if _, errOut, code := runCLIEnv(t, dir, apiEnv(api), "run", "a.prompt"); code != exitOK {
		t.Fatalf("a run with nothing pending: exit %d: %s", code, errOut)
	}
	// Twelve cases at batch prices hold ≈ $0.0903 of the $0.098 until their
	// results are in ...
	id, errOut, code := runCLIEnv(t, dir, apiEnv(api), "run", "--all-tests", "--batch", "--no-wait", "tests.prompt")
	if code != exitOK {
		t.Fatalf("batch: exit %d: %s", code, errOut)
	}
	// ... so a run that may cost $0.0151 is refused,
	_, errOut, code = runCLIEnv(t, dir, apiEnv(api), "run", "a.prompt")
	if code != exitGuard || !strings.Contains(errOut, "refused:") {
		t.Errorf("a run past the budget with a batch pending: exit %d: %s", code, errOut)
	}
	// and allowed again once the batch's real (small) cost is recorded.
	if _, errOut, code := runCLIEnv(t, dir, apiEnv(api), "batch", "results", "--poll", "10ms", strings.TrimSpace(id)); code != exitOK {
		t.Fatalf("batch results: exit %d: %s", code, errOut)
	}
	if _, errOut, code := runCLIEnv(t, dir, apiEnv(api), "run", "a.prompt"); code != exitOK {
		t.Errorf("after the batch's results: exit %d: %s", code, errOut)
	}
	// Fetching the results again, from two processes at once, records
	// each case once.
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, errOut, code := runCLIEnv(t, dir, apiEnv(api), "batch", "results", strings.TrimSpace(id)); code != exitOK {
				t.Errorf("a second fetch: exit %d: %s", code, errOut)
			}
		}()
	}
	wg.Wait()
	batched := 0
	for _, r := range records(t, dir) {
		if r.Batch {
			batched++
		}
	}
	if batched != 12 {
		t.Errorf("%d batch records, want 12", batched)
	}
	reports, _ := filepath.Glob(filepath.Join(dir, ".claude-ls", "reports", "*.md"))
	if len(reports) != 3 {
		t.Errorf("reports %v: each fetch writes its own", reports)
	}
}

func TestGuardInvalidBudgetRefusesRun(t *testing.T) {
	api := fakeapi.New()
	defer api.Close()
	dir := newWorkspace(t, map[string]string{"a.prompt": guardPrompt, ".claude-ls.yaml": "budget: {monthly_usd: \"fifty\"}\n"})
	_, errOut, code := runCLIEnv(t, dir, apiEnv(api), "run", "a.prompt")
	if code != exitGuard || !strings.Contains(errOut, ".claude-ls.yaml:1:") || !strings.Contains(errOut, "budget is invalid") {
		t.Errorf("exit %d: %s", code, errOut)
	}
	if n := len(api.Requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

func TestGuardUnknownPriceAsks(t *testing.T) {
	api := fakeapi.New()
	defer api.Close()
	unknown := strings.Replace(guardPrompt, "claude-sonnet-4-6", "claude-unreleased-9", 1)
	dir := newWorkspace(t, map[string]string{"a.prompt": unknown, ".claude-ls.yaml": sixRunsBudget})
	_, errOut, code := runCLIEnv(t, dir, apiEnv(api), "run", "a.prompt")
	if code != exitGuard || !strings.Contains(errOut, "unknown") || !strings.Contains(errOut, "--yes") {
		t.Errorf("without --yes: exit %d: %s", code, errOut)
	}
	if _, errOut, code := runCLIEnv(t, dir, apiEnv(api), "run", "--yes", "a.prompt"); code != exitOK {
		t.Errorf("with --yes: exit %d: %s", code, errOut)
	}
	if n := len(api.Requests()); n != 1 {
		t.Errorf("%d requests sent, want 1", n)
	}
}
