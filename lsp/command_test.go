package lsp

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/claude-ls/claude-ls/internal/fakeapi"
	"github.com/claude-ls/claude-ls/workbench"
)

const cmdKey = "sk-ant-api03-LSPTESTKEYlsptestkeyLSPTESTKEY0123456789abcd"

const runPrompt = "---\nmodel: claude-sonnet-4-6\nmax_tokens: 300\n---\nuser:\nExplain tides.\n"

// withAPI points the server's key and base URL at a fresh fake API.
func withAPI(t *testing.T) *fakeapi.Server {
	api := fakeapi.New()
	t.Cleanup(api.Close)
	t.Setenv("ANTHROPIC_API_KEY", cmdKey)
	t.Setenv("ANTHROPIC_BASE_URL", api.URL)
	return api
}

// execute runs a command on a document and returns its immediate answer.
func (c *testClient) execute(command string, u uri.URI, extra map[string]any, token string) map[string]any {
	c.t.Helper()
	arg := map[string]any{"uri": string(u)}
	for k, v := range extra {
		arg[k] = v
	}
	raw, _ := json.Marshal(arg)
	params := &protocol.ExecuteCommandParams{Command: command, Arguments: []protocol.LSPAny{raw}}
	if token != "" {
		params.WorkDoneToken = protocol.String(token)
	}
	res, err := c.server.ExecuteCommand(c.ctx, params)
	if err != nil {
		c.t.Fatalf("%s: %v", command, err)
	}
	var out map[string]any
	json.Unmarshal(res, &out)
	return out
}

// progressEnd waits for the end of the progress with token and returns its message.
func (c *testClient) progressEnd(token string) string {
	c.t.Helper()
	var msg string
	c.waitFor("the end of progress "+token, func() bool {
		for _, p := range c.progress {
			if p.Token == token && p.Kind == "end" {
				msg = p.Message
				return true
			}
		}
		return false
	})
	return msg
}

func (c *testClient) message(substr string) string {
	c.t.Helper()
	var found string
	c.waitFor("a message with "+substr, func() bool {
		for _, m := range c.messages {
			if strings.Contains(m.Message, substr) {
				found = m.Message
				return true
			}
		}
		return false
	})
	return found
}

func TestRunStreamsIntoAResultDocument(t *testing.T) {
	api := withAPI(t)
	c := newTestClient(t, map[string]string{"a.prompt": runPrompt})
	u := c.open("a.prompt")
	c.waitVersion(u, 1)
	start := time.Now()
	got := c.execute(CommandRun, u, nil, "run-1")
	if time.Since(start) > 2*time.Second || got["started"] != true {
		t.Fatalf("run did not answer at once: %v", got)
	}
	resultFile, _ := got["resultFile"].(string)
	end := c.progressEnd("run-1")
	if !strings.Contains(end, "claude-sonnet-4-6 · in ") || !strings.Contains(end, "end_turn") {
		t.Errorf("progress end: %q", end)
	}
	data, err := os.ReadFile(resultFile)
	if err != nil {
		t.Fatal(err)
	}
	// The reply, then the summary, then what is left of the rate limits.
	if !strings.Contains(string(data), api.Reply) || !strings.Contains(string(data), "$") || !strings.Contains(string(data), "end_turn\n\nrate limits left: requests ") {
		t.Errorf("result file:\n%s", data)
	}
	c.waitFor("showDocument", func() bool { return len(c.shown) == 1 && c.shown[0] == resultFile })
	if req := api.Last("/v1/messages"); req == nil || !strings.Contains(string(req.Body), "Explain tides.") {
		t.Errorf("request: %v", req)
	}
	records, err := os.ReadFile(filepath.Join(c.dir, ".claude-ls", "runs.jsonl"))
	if err != nil || !strings.Contains(string(records), `"prompt":"a.prompt"`) {
		t.Errorf("record: %s %v", records, err)
	}
	noKeyIn(t, c.dir)
}

// noKeyIn fails when the test key appears in any file under dir.
func noKeyIn(t *testing.T, dir string) {
	t.Helper()
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			if data, _ := os.ReadFile(p); strings.Contains(string(data), cmdKey) {
				t.Errorf("the key was written to %s", p)
			}
		}
		return nil
	})
}

func TestCancelStopsTheRun(t *testing.T) {
	api := withAPI(t)
	api.Push("/v1/messages", fakeapi.Response{Delay: 150 * time.Millisecond, Text: strings.Repeat("slowly ", 100)})
	c := newTestClient(t, map[string]string{"a.prompt": runPrompt})
	u := c.open("a.prompt")
	c.waitVersion(u, 1)
	c.execute(CommandRun, u, nil, "run-2")
	c.waitFor("a progress report", func() bool {
		for _, p := range c.progress {
			if p.Kind == "report" {
				return true
			}
		}
		return false
	})
	start := time.Now()
	if err := c.server.WorkDoneProgressCancel(c.ctx, &protocol.WorkDoneProgressCancelParams{Token: protocol.String("run-2")}); err != nil {
		t.Fatal(err)
	}
	if end := c.progressEnd("run-2"); end != "canceled" {
		t.Errorf("end = %q", end)
	}
	if time.Since(start) > 3*time.Second {
		t.Errorf("cancel took %v", time.Since(start))
	}
	// What the canceled run used is recorded, marked interrupted.
	recs, _ := workbench.ReadRecords(c.dir)
	if len(recs) != 1 || !recs[0].Interrupted || recs[0].Usage.Input == 0 || recs[0].CostUSD <= 0 {
		t.Errorf("records after a cancel: %+v", recs)
	}
}

func TestSecondRunCancelsTheFirst(t *testing.T) {
	api := withAPI(t)
	api.Push("/v1/messages", fakeapi.Response{Delay: 200 * time.Millisecond, Text: strings.Repeat("first ", 100)})
	c := newTestClient(t, map[string]string{"a.prompt": runPrompt})
	u := c.open("a.prompt")
	c.waitVersion(u, 1)
	c.execute(CommandRun, u, nil, "first")
	c.waitFor("the first run's report", func() bool {
		for _, p := range c.progress {
			if p.Token == "first" && p.Kind == "report" {
				return true
			}
		}
		return false
	})
	c.execute(CommandRun, u, nil, "second")
	if end := c.progressEnd("first"); end != "canceled" {
		t.Errorf("first run: %q", end)
	}
	if end := c.progressEnd("second"); !strings.Contains(end, "end_turn") {
		t.Errorf("second run: %q", end)
	}
}

func TestRunAppend(t *testing.T) {
	api := withAPI(t)
	c := newTestClient(t, map[string]string{"a.prompt": runPrompt})
	u := c.open("a.prompt")
	c.waitVersion(u, 1)
	c.execute(CommandRunAppend, u, nil, "append-1")
	c.progressEnd("append-1")
	c.waitFor("applyEdit", func() bool { return len(c.applied) == 1 })
	edit := c.applied[0].Edit
	if len(edit.DocumentChanges) != 1 {
		t.Fatalf("edit: %+v", edit)
	}
	te := edit.DocumentChanges[0].(*protocol.TextDocumentEdit)
	if te.TextDocument.Version == nil || *te.TextDocument.Version != 1 {
		t.Errorf("edit not tied to version 1: %+v", te.TextDocument)
	}
	e := te.Edits[0].(*protocol.TextEdit)
	if e.NewText != "\nassistant:\n"+api.Reply+"\n" || e.Range.Start != c.pos(u, "Explain tides.\n", len("Explain tides.\n")) {
		t.Errorf("edit %q at %+v", e.NewText, e.Range)
	}
}

func TestRunAppendAfterAnEditKeepsTheResult(t *testing.T) {
	api := withAPI(t)
	api.Push("/v1/messages", fakeapi.Response{Delay: 100 * time.Millisecond})
	c := newTestClient(t, map[string]string{"a.prompt": runPrompt})
	u := c.open("a.prompt")
	c.waitVersion(u, 1)
	got := c.execute(CommandRunAppend, u, nil, "append-2")
	c.edit(u, "Explain tides.", "Explain tides, please.")
	c.progressEnd("append-2")
	msg := c.message("changed while it ran")
	if !strings.Contains(msg, got["resultFile"].(string)) {
		t.Errorf("message %q does not name the result file", msg)
	}
	if len(c.applied) != 0 {
		t.Error("the reply was applied over newer text")
	}
}

func TestRunErrorsReachTheUser(t *testing.T) {
	api := withAPI(t)
	api.Push("/v1/messages", fakeapi.Response{Status: 401, Message: "invalid x-api-key"})
	c := newTestClient(t, map[string]string{"a.prompt": runPrompt, "bad.prompt": "---\nmodel: claude-sonnet-4-6\nmax_tokens: 10\n---\nuser:\n{{nope}}\n"})
	u := c.open("a.prompt")
	c.waitVersion(u, 1)
	c.execute(CommandRun, u, nil, "")
	if msg := c.message("the key was refused"); strings.Contains(msg, cmdKey) {
		t.Errorf("key in message: %q", msg)
	}
	b := c.open("bad.prompt")
	c.waitVersion(b, 1)
	c.execute(CommandRun, b, nil, "")
	c.message("not run: line 6: `nope` has no value")
	t.Setenv("ANTHROPIC_API_KEY", "")
	c.execute(CommandRun, u, nil, "")
	c.message("no API key: set ANTHROPIC_API_KEY") // not the 401's "check ANTHROPIC_API_KEY"
	// Bad arguments are an error answer naming the command.
	_, err := c.server.ExecuteCommand(c.ctx, &protocol.ExecuteCommandParams{Command: CommandRun})
	if err == nil || !strings.Contains(err.Error(), CommandRun) {
		t.Errorf("no argument: %v", err)
	}
}

func TestSpendingGuardAsks(t *testing.T) {
	api := withAPI(t)
	c := newTestClient(t, map[string]string{
		"a.prompt":        "---\nmodel: claude-opus-4-6\nmax_tokens: 64000\n---\nuser:\nA long story.\n",
		".claude-ls.yaml": "budget: {monthly_usd: \"100\", confirm_above_usd: \"1\"}\n",
	})
	u := c.open("a.prompt")
	c.waitVersion(u, 1)
	c.execute(CommandRun, u, nil, "")
	c.waitFor("the question", func() bool { return len(c.asked) == 1 })
	if !strings.Contains(c.asked[0], "$1.60") {
		t.Errorf("asked %q", c.asked[0])
	}
	c.message("not run")
	if len(api.Requests()) != 0 {
		t.Error("ran without a yes")
	}
	c.mu.Lock()
	c.answer = "Run"
	c.mu.Unlock()
	c.execute(CommandRun, u, nil, "yes")
	c.progressEnd("yes")
	if len(api.Requests()) != 1 {
		t.Errorf("%d requests", len(api.Requests()))
	}
}

func TestCountExactShownUntilTheTextChanges(t *testing.T) {
	api := withAPI(t)
	c := newTestClient(t, map[string]string{"a.prompt": runPrompt})
	u := c.open("a.prompt")
	c.waitVersion(u, 1)
	c.execute(CommandCountExact, u, nil, "")
	msg := c.message("input tokens (exact)")
	want := fakeapi.InputTokens(api.Last("/v1/messages/count_tokens").Body)
	if !strings.Contains(msg, fmt.Sprintf(" %d input tokens (exact)", want)) {
		t.Errorf("message %q, want %d tokens", msg, want)
	}
	lenses, err := c.server.CodeLens(c.ctx, &protocol.CodeLensParams{TextDocument: protocol.TextDocumentIdentifier{URI: u}})
	if err != nil || len(lenses) == 0 || !strings.Contains(lenses[0].Command.Title, "(exact)") {
		t.Fatalf("lens: %+v %v", lenses, err)
	}
	v := c.edit(u, "tides", "the tides")
	c.waitVersion(u, v)
	lenses, _ = c.server.CodeLens(c.ctx, &protocol.CodeLensParams{TextDocument: protocol.TextDocumentIdentifier{URI: u}})
	if strings.Contains(lenses[0].Command.Title, "(exact)") {
		t.Errorf("exact count shown for changed text: %q", lenses[0].Command.Title)
	}
	var names []string
	for _, l := range lenses[1:] {
		names = append(names, l.Command.Command)
	}
	if strings.Join(names, ",") != "claude-ls.run,claude-ls.runAppend,claude-ls.countExact,claude-ls.export,claude-ls.compare" {
		t.Errorf("lens commands: %v", names)
	}
}

func TestSummaryAndUsageCommands(t *testing.T) {
	api := withAPI(t)
	c := newTestClient(t, map[string]string{"a.prompt": "---\nmodel: claude-sonnet-4-6\nmax_tokens: 300\n---\nsystem: cache\nBe brief.\n\nuser:\nExplain tides.\n"})
	u := c.open("a.prompt")
	c.waitVersion(u, 1)
	sum := c.execute(CommandSummary, u, nil, "")
	blocks, _ := sum["blocks"].([]any)
	if sum["model"] != "claude-sonnet-4-6" || sum["modelKnown"] != true || len(blocks) != 2 || sum["inputTokens"].(float64) <= 0 {
		t.Fatalf("summary %v", sum)
	}
	if usd, _ := sum["inputUsd"].(string); usd == "" || strings.HasPrefix(usd, "$") || !strings.HasPrefix(usd, "0.") {
		t.Errorf("inputUsd %q: want an exact decimal of dollars", usd)
	}
	first := blocks[0].(map[string]any)
	if first["role"] != "system" || first["line"] != 4.0 || first["cache"] != "cache" {
		t.Errorf("first block %v", first)
	}
	// Usage: empty, then one run.
	if got := c.execute(CommandUsage, u, nil, ""); got["total"].(map[string]any)["runs"] != 0.0 {
		t.Errorf("usage before any run: %v", got)
	}
	c.execute(CommandRun, u, nil, "u1")
	c.progressEnd("u1")
	_ = api
	if got := c.execute(CommandUsage, u, nil, ""); got["total"].(map[string]any)["runs"] != 1.0 {
		t.Errorf("usage after a run: %v", got)
	}
}

func TestExportWritesAndReturnsTheProgram(t *testing.T) {
	c := newTestClient(t, map[string]string{"a.prompt": "---\nmodel: claude-sonnet-4-6\nmax_tokens: 300\nvars:\n  topic: tides\n---\nuser:\nExplain {{topic}}.\n"})
	u := c.open("a.prompt")
	c.waitVersion(u, 1)
	got := c.execute(CommandExport, u, map[string]any{"lang": "python", "vars": map[string]string{"topic": "volcanoes"}}, "")
	code, _ := got["code"].(string)
	file, _ := got["file"].(string)
	if !strings.Contains(code, "import anthropic") || !strings.Contains(code, "def ask_claude(") || !strings.Contains(code, "volcanoes") {
		t.Errorf("code:\n%s", code)
	}
	if data, err := os.ReadFile(file); err != nil || string(data) != code || filepath.Ext(file) != ".py" {
		t.Errorf("file %s: %v", file, err)
	}
	c.waitFor("showDocument", func() bool { return len(c.shown) == 1 && c.shown[0] == file })
	// JavaScript too, as an ES module.
	js := c.execute(CommandExport, u, map[string]any{"lang": "js"}, "")
	if jsFile, _ := js["file"].(string); filepath.Ext(jsFile) != ".mjs" || !strings.Contains(js["code"].(string), "@anthropic-ai/sdk") {
		t.Errorf("js export: %v", js["file"])
	}
	// An unknown language is an error answer that names the choices.
	raw, _ := json.Marshal(map[string]any{"uri": string(u), "lang": "cobol"})
	_, err := c.server.ExecuteCommand(c.ctx, &protocol.ExecuteCommandParams{Command: CommandExport, Arguments: []protocol.LSPAny{raw}})
	if err == nil || !strings.Contains(err.Error(), "go, python, ts, js, curl") {
		t.Errorf("cobol: %v", err)
	}
}

func TestExactCountsSettingCountsOnSave(t *testing.T) {
	api := withAPI(t)
	c := newTestClient(t, map[string]string{"a.prompt": runPrompt}, clientOptions{initOptions: map[string]any{"exactCounts": true}})
	u := c.open("a.prompt")
	c.waitVersion(u, 1)
	if err := c.server.DidSave(c.ctx, &protocol.DidSaveTextDocumentParams{TextDocument: protocol.TextDocumentIdentifier{URI: u}}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		lenses, _ := c.server.CodeLens(c.ctx, &protocol.CodeLensParams{TextDocument: protocol.TextDocumentIdentifier{URI: u}})
		if len(lenses) > 0 && strings.Contains(lenses[0].Command.Title, "(exact)") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no exact count after save; requests: %d", len(api.Requests()))
		}
		time.Sleep(20 * time.Millisecond)
	}
	if api.Last("/v1/messages/count_tokens") == nil {
		t.Error("count_tokens not called")
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, m := range c.messages {
		if strings.Contains(m.Message, "(exact)") {
			t.Errorf("a quiet count showed a message: %q", m.Message)
		}
	}
}
