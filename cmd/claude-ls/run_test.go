package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/claude-ls/claude-ls/internal/fakeapi"
	"github.com/claude-ls/claude-ls/workbench"
)

const testKey = "sk-ant-api03-CLITESTKEYclitestkeyCLITESTKEY0123456789abcdef"

func apiEnv(api *fakeapi.Server) []string {
	return []string{"ANTHROPIC_API_KEY=" + testKey, "ANTHROPIC_BASE_URL=" + api.URL}
}

// noKeyAnywhere fails when the key appears in any file under dir.
func noKeyAnywhere(t *testing.T, dir string, outputs ...string) {
	t.Helper()
	filepath.Walk(dir, func(path string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			if data, _ := os.ReadFile(path); strings.Contains(string(data), testKey) && filepath.Base(path) != ".env" {
				t.Errorf("the key was written to %s", path)
			}
		}
		return nil
	})
	for _, o := range outputs {
		if strings.Contains(o, testKey) {
			t.Errorf("the key was printed:\n%s", o)
		}
	}
}

func TestRunStreamsRecordsAndReportsUsage(t *testing.T) {
	api := fakeapi.New()
	defer api.Close()
	dir := newWorkspace(t, map[string]string{"a.prompt": goodPrompt, "notes/extra.md": "Keep it short.\n"})
	out, errOut, code := runCLIEnv(t, dir, apiEnv(api), "run", "--test", "volcanoes", "a.prompt")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if out != api.Reply+"\n" {
		t.Errorf("stdout %q", out)
	}
	if !strings.Contains(errOut, "claude-sonnet-4-6 · in ") || !strings.Contains(errOut, "end_turn") || !strings.Contains(errOut, "$") {
		t.Errorf("summary: %s", errOut)
	}
	// It sent what render prints.
	rendered, _, _ := runCLI(t, dir, "render", "--test", "volcanoes", "a.prompt")
	var sent, want map[string]any
	json.Unmarshal(api.Last("/v1/messages").Body, &sent)
	json.Unmarshal([]byte(rendered), &want)
	delete(sent, "stream")
	a, _ := json.Marshal(sent)
	b, _ := json.Marshal(want)
	if string(a) != string(b) {
		t.Errorf("sent %s\nrender %s", a, b)
	}
	// One record, with the reply and no key.
	data, err := os.ReadFile(filepath.Join(dir, ".claude-ls", "runs.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var rec map[string]any
	if err := json.Unmarshal(data, &rec); err != nil {
		t.Fatalf("record: %v\n%s", err, data)
	}
	if rec["prompt"] != "a.prompt" || rec["test"] != "volcanoes" || rec["reply"] != api.Reply || rec["stop_reason"] != "end_turn" {
		t.Errorf("record %v", rec)
	}
	noKeyAnywhere(t, dir, out, errOut)

	// usage reads the records.
	out, _, code = runCLI(t, dir, "usage")
	if code != 0 || !strings.Contains(out, "claude-sonnet-4-6") || !strings.Contains(out, "this month: $") {
		t.Errorf("usage (exit %d):\n%s", code, out)
	}
	out, _, _ = runCLI(t, dir, "usage", "--json")
	var rep struct {
		Total struct {
			Runs int `json:"runs"`
		} `json:"total"`
	}
	if json.Unmarshal([]byte(out), &rep); rep.Total.Runs != 1 {
		t.Errorf("usage --json: %s", out)
	}
	if _, _, code := runCLI(t, dir, "usage", "--since", "yesterday"); code != 2 {
		t.Errorf("bad --since: exit %d", code)
	}
}

func TestRunExitCodes(t *testing.T) {
	api := fakeapi.New()
	defer api.Close()
	dir := newWorkspace(t, map[string]string{"a.prompt": goodPrompt, "notes/extra.md": "x\n"})
	// No key anywhere: 2, naming both places.
	_, errOut, code := runCLIEnv(t, dir, []string{"ANTHROPIC_API_KEY=", "ANTHROPIC_BASE_URL=" + api.URL}, "run", "a.prompt")
	if code != 2 || !strings.Contains(errOut, "ANTHROPIC_API_KEY") || !strings.Contains(errOut, ".env") {
		t.Errorf("no key: exit %d %s", code, errOut)
	}
	// The key refused: 3, never echoed.
	api.Push("/v1/messages", fakeapi.Response{Status: 401, Message: "invalid x-api-key"})
	out, errOut, code := runCLIEnv(t, dir, apiEnv(api), "run", "a.prompt")
	if code != 3 || !strings.Contains(errOut, "the key was refused") {
		t.Errorf("401: exit %d %s", code, errOut)
	}
	noKeyAnywhere(t, dir, out, errOut)
	// A 400 naming a message points at its line.
	api.Push("/v1/messages", fakeapi.Response{Status: 400, Message: "messages.0.content: too long"})
	_, errOut, code = runCLIEnv(t, dir, apiEnv(api), "run", "a.prompt")
	if code != 3 || !strings.Contains(errOut, "a.prompt:13: the API refused the request") {
		t.Errorf("400: exit %d %s", code, errOut)
	}
	// A retry is visible.
	api.Push("/v1/messages", fakeapi.Response{Status: 429, Header: map[string]string{"retry-after": "0"}})
	out, errOut, code = runCLIEnv(t, dir, apiEnv(api), "run", "--no-stream", "a.prompt")
	if code != 0 || !strings.Contains(errOut, "HTTP 429 rate limited; retrying") || out != api.Reply+"\n" {
		t.Errorf("429 then ok: exit %d %q %s", code, out, errOut)
	}
	// Prompt errors: 1, nothing sent.
	before := len(api.Requests())
	os.WriteFile(filepath.Join(dir, "bad.prompt"), []byte("---\nmodel: claude-sonnet-4-6\nmax_tokens: 10\n---\nuser:\n{{nope}}\n"), 0o644)
	if _, _, code := runCLIEnv(t, dir, apiEnv(api), "run", "bad.prompt"); code != 1 || len(api.Requests()) != before {
		t.Errorf("prompt error: exit %d, %d requests sent", code, len(api.Requests())-before)
	}
}

func TestSpendingGuard(t *testing.T) {
	api := fakeapi.New()
	defer api.Close()
	dir := newWorkspace(t, map[string]string{
		"a.prompt":        "---\nmodel: claude-opus-4-6\nmax_tokens: 64000\n---\nuser:\nWrite a long story.\n",
		".claude-ls.yaml": "budget:\n  monthly_usd: \"5\"\n  confirm_above_usd: \"0.50\"\n",
	})
	// 64,000 × $25/MTok = $1.60 worst case: above the threshold; no terminal, no --yes.
	_, errOut, code := runCLIEnv(t, dir, apiEnv(api), "run", "a.prompt")
	if code != 4 || !strings.Contains(errOut, "$1.6") || !strings.Contains(errOut, "--yes") || len(api.Requests()) != 0 {
		t.Errorf("threshold: exit %d %s", code, errOut)
	}
	if _, errOut, code := runCLIEnv(t, dir, apiEnv(api), "run", "--yes", "a.prompt"); code != 0 {
		t.Fatalf("--yes: exit %d %s", code, errOut)
	}
	// Pretend the month already spent $4: the next run would pass $5.
	rec := `{"time":"` + nowUTC() + `","prompt":"a.prompt","model":"claude-opus-4-6","request_hash":"x","usage":{},"cost_usd":"4","latency_ms":1,"stop_reason":"end_turn","reply":""}` + "\n"
	f, _ := os.OpenFile(filepath.Join(dir, ".claude-ls", "runs.jsonl"), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(rec)
	f.Close()
	_, errOut, code = runCLIEnv(t, dir, apiEnv(api), "run", "--yes", "a.prompt")
	if code != 4 || !strings.Contains(errOut, "refused") || !strings.Contains(errOut, "$5.00") {
		t.Errorf("budget: exit %d %s", code, errOut)
	}
}

func TestCountExact(t *testing.T) {
	api := fakeapi.New()
	defer api.Close()
	dir := newWorkspace(t, map[string]string{"a.prompt": goodPrompt, "notes/extra.md": "x\n"})
	out, errOut, code := runCLIEnv(t, dir, apiEnv(api), "count", "--exact", "--json", "a.prompt")
	if code != 0 {
		t.Fatalf("exit %d %s", code, errOut)
	}
	var c struct {
		Exact      int64 `json:"exact_input_tokens"`
		Calibrated bool  `json:"calibrated"`
	}
	json.Unmarshal([]byte(out), &c)
	want := fakeapi.InputTokens(api.Last("/v1/messages/count_tokens").Body)
	if c.Exact != int64(want) || c.Calibrated {
		t.Errorf("exact %d (want %d), calibrated %v", c.Exact, want, c.Calibrated)
	}
	// Cached by request hash: no second call; and now calibrated.
	n := len(api.Requests())
	out, _, _ = runCLIEnv(t, dir, apiEnv(api), "count", "--exact", "a.prompt")
	if len(api.Requests()) != n {
		t.Error("exact count not cached")
	}
	if !strings.Contains(out, "approximate, calibrated") || !strings.Contains(out, "exact") {
		t.Errorf("text:\n%s", out)
	}
	noKeyAnywhere(t, dir, out)
}

func nowUTC() string { return time.Now().UTC().Format(time.RFC3339) }

func TestRunCtrlCCancelsAndRecordsWhatWasSpent(t *testing.T) {
	api := fakeapi.New()
	defer api.Close()
	api.Push("/v1/messages", fakeapi.Response{Delay: 100 * time.Millisecond, Text: strings.Repeat("slowly ", 200)})
	dir := newWorkspace(t, map[string]string{"a.prompt": goodPrompt, "notes/extra.md": "x\n"})
	cmd := exec.Command(binary, "run", "a.prompt")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), apiEnv(api)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait for the first words of the reply, then press Ctrl-C.
	buf := make([]byte, 64)
	if _, err := stdout.Read(buf); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	cmd.Process.Signal(os.Interrupt)
	io.Copy(io.Discard, stdout)
	err = cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 130 || !strings.Contains(stderr.String(), "canceled") {
		t.Errorf("exit %v, stderr %s", err, stderr.String())
	}
	if time.Since(start) > 3*time.Second {
		t.Errorf("Ctrl-C took %v", time.Since(start))
	}
	// Spend is never lost: the input the API counted (message_start) and
	// the output received so far are recorded, marked interrupted.
	recs, err := workbench.ReadRecords(dir)
	if err != nil || len(recs) != 1 {
		t.Fatalf("records %v, %v", recs, err)
	}
	r := recs[0]
	if !r.Interrupted || r.Usage.Input == 0 || r.Usage.Output == 0 || r.CostUSD <= 0 || !strings.HasPrefix(r.Reply, "slowly") {
		t.Errorf("record = %+v", r)
	}
	out, _, _ := runCLI(t, dir, "usage")
	if !strings.Contains(out, "claude-sonnet") {
		t.Errorf("usage does not show the interrupted run:\n%s", out)
	}
}

// A reply that echoes the key is printed and kept redacted (the stream
// goes through workbench's redacting writer); the run ends with the rate
// limits left, which its record keeps.
func TestRunRedactsAnEchoedKeyAndSaysTheHeadroom(t *testing.T) {
	api := fakeapi.New()
	defer api.Close()
	api.Push("/v1/messages", fakeapi.Response{Text: "Your key is " + testKey[:20] + " " + testKey + " indeed."})
	dir := newWorkspace(t, map[string]string{"a.prompt": goodPrompt, "notes/extra.md": "x\n"})
	out, errOut, code := runCLIEnv(t, dir, apiEnv(api), "run", "a.prompt")
	if code != exitOK || strings.Contains(out, testKey) || !strings.Contains(out, "[redacted key]") {
		t.Errorf("exit %d, stdout %q", code, out)
	}
	if !strings.Contains(errOut, "rate limits left: requests ") {
		t.Errorf("stderr %q", errOut)
	}
	noKeyAnywhere(t, dir, out, errOut)
	recs := records(t, dir)
	if len(recs) != 1 || recs[0].RateLimits == nil || recs[0].RateLimits.Requests == nil {
		t.Errorf("the record keeps no rate limits: %+v", recs)
	}
}
