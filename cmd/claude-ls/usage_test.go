package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/claude-ls/claude-ls/internal/fakeapi"
	"github.com/claude-ls/claude-ls/promptfile"
	"github.com/claude-ls/claude-ls/workbench"
)

const testAdminKey = fakeapi.AdminKeyPrefix + "CLIadminKEYcliADMINkey0123456789xyz"

// noAdminKeyAnywhere fails when the admin key appears in any file under
// dir but .env, or in any output.
func noAdminKeyAnywhere(t *testing.T, dir string, outputs ...string) {
	t.Helper()
	filepath.Walk(dir, func(path string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() && filepath.Base(path) != ".env" {
			if data, _ := os.ReadFile(path); strings.Contains(string(data), "CLIadminKEY") {
				t.Errorf("the admin key was written to %s", path)
			}
		}
		return nil
	})
	for _, o := range outputs {
		if strings.Contains(o, "CLIadminKEY") {
			t.Errorf("the admin key was printed:\n%s", o)
		}
	}
}

func TestUsageOrgExitCodes(t *testing.T) {
	api := fakeapi.New()
	defer api.Close()
	api.SetAdmin(fakeapi.SampleAdmin(3, time.Now()))
	dir := newWorkspace(t, map[string]string{"a.prompt": goodPrompt})
	env := append(apiEnv(api), "ANTHROPIC_ADMIN_KEY=")

	// No admin key: the API key is never used instead.
	_, errOut, code := runCLIEnv(t, dir, env, "usage", "--org")
	if code != 2 || !strings.Contains(errOut, "ANTHROPIC_ADMIN_KEY") {
		t.Errorf("no admin key: exit %d\n%s", code, errOut)
	}
	// The API key put where the admin key belongs.
	_, errOut, code = runCLIEnv(t, dir, append(apiEnv(api), "ANTHROPIC_ADMIN_KEY="+testKey), "usage", "--org")
	if code != 2 || !strings.Contains(errOut, "normal API key") || strings.Contains(errOut, testKey) {
		t.Errorf("API key as admin key: exit %d\n%s", code, errOut)
	}
	if n := len(api.Requests()); n != 0 {
		t.Errorf("%d requests sent without an admin key", n)
	}
	// Refused by the Admin API.
	api.Push("/v1/organizations/cost_report", fakeapi.Response{Status: 403, ErrorType: "permission_error", Message: "this key may not read costs"})
	admin := append(apiEnv(api), "ANTHROPIC_ADMIN_KEY="+testAdminKey)
	out, errOut, code := runCLIEnv(t, dir, admin, "usage", "--org")
	if code != 3 || !strings.Contains(errOut, "HTTP 403 permission_error: this key may not read costs") {
		t.Errorf("refused: exit %d\n%s", code, errOut)
	}
	for _, r := range api.Requests() {
		if r.Header.Get("x-api-key") != testAdminKey || r.Header.Get("Authorization") != "" {
			t.Errorf("%s sent with %q / %q", r.Path, r.Header.Get("x-api-key"), r.Header.Get("Authorization"))
		}
	}
	noAdminKeyAnywhere(t, dir, out, errOut)
	// Nothing answers.
	down := []string{"ANTHROPIC_BASE_URL=http://127.0.0.1:1", "ANTHROPIC_ADMIN_KEY=" + testAdminKey}
	if _, errOut, code := runCLIEnv(t, dir, down, "usage", "--org"); code != 3 || strings.Contains(errOut, "CLIadminKEY") {
		t.Errorf("no server: exit %d\n%s", code, errOut)
	}
	if _, _, code := runCLIEnv(t, dir, admin, "usage", "--org", "--since", "11/20"); code != 2 {
		t.Errorf("bad --since: exit %d", code)
	}
	// The page is written without the organisation when there is no admin key.
	page := filepath.Join(dir, "usage.html")
	if _, errOut, code := runCLIEnv(t, dir, env, "usage", "--html", page); code != 0 {
		t.Errorf("--html without an admin key: exit %d\n%s", code, errOut)
	}
	if data, err := os.ReadFile(page); err != nil || !strings.Contains(string(data), "<svg") || strings.Contains(string(data), "Organisation spend") {
		t.Errorf("page without org: %v", err)
	}
}

// TestUsageOrgFollowsEveryPage: 35 days are two pages of each report (31
// days a page); the organisation's cost is the exact sum of every cents
// string, set beside the workspace's run.
func TestUsageOrgFollowsEveryPage(t *testing.T) {
	api := fakeapi.New()
	defer api.Close()
	now := time.Now().UTC()
	sample := fakeapi.SampleAdmin(40, now)
	api.SetAdmin(sample)
	dir := newWorkspace(t, map[string]string{"a.prompt": goodPrompt, "notes/extra.md": "Keep it short.\n", ".gitignore": ".env\n", ".env": "ANTHROPIC_ADMIN_KEY=" + testAdminKey + "\n"})
	if _, errOut, code := runCLIEnv(t, dir, append(apiEnv(api), "ANTHROPIC_ADMIN_KEY="), "run", "--test", "volcanoes", "a.prompt"); code != 0 {
		t.Fatalf("run: exit %d\n%s", code, errOut)
	}
	since := now.AddDate(0, 0, -34).Format("2006-01-02")
	env := append(apiEnv(api), "ANTHROPIC_ADMIN_KEY=") // the key comes from .env
	out, errOut, code := runCLIEnv(t, dir, env, "usage", "--org", "--since", since, "--json")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	var rep struct {
		Total struct {
			Cost promptfile.USD `json:"cost_usd"`
		} `json:"total"`
		Org struct {
			Since string `json:"since"`
			Days  []any  `json:"days"`
			Total struct {
				Org   promptfile.USD `json:"org_usd"`
				Local promptfile.USD `json:"workspace_usd"`
				Else  promptfile.USD `json:"difference_usd"`
			} `json:"total"`
		} `json:"org"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var want promptfile.USD
	for _, b := range sample.Cost {
		if b.StartingAt >= since {
			for _, c := range b.Results {
				v, err := workbench.CentsToUSD(c.Amount)
				if err != nil {
					t.Fatal(err)
				}
				want += v
			}
		}
	}
	if rep.Org.Since != since || rep.Org.Total.Org != want || want == 0 {
		t.Errorf("org since %s total %s, want %s", rep.Org.Since, rep.Org.Total.Org.Decimal(), want.Decimal())
	}
	if rep.Org.Total.Local != rep.Total.Cost || rep.Total.Cost == 0 || rep.Org.Total.Else != want-rep.Total.Cost {
		t.Errorf("workspace %s (records %s), difference %s", rep.Org.Total.Local, rep.Total.Cost, rep.Org.Total.Else)
	}
	pages := map[string][]string{}
	for _, r := range api.Requests() {
		if strings.HasPrefix(r.Path, "/v1/organizations/") {
			pages[r.Path] = append(pages[r.Path], r.Query)
		}
	}
	for _, p := range []string{"/v1/organizations/usage_report/messages", "/v1/organizations/cost_report"} {
		if len(pages[p]) != 2 || !strings.Contains(pages[p][1], "page=page_31") {
			t.Errorf("%s fetched as %v", p, pages[p])
		}
	}
	// The table: the organisation beside the workspace, batch apart.
	out, errOut, code = runCLIEnv(t, dir, env, "usage", "--org", "--since", since)
	if code != 0 || !strings.Contains(out, "organisation (Admin API), "+since) || !strings.Contains(out, "this workspace") ||
		!strings.Contains(out, "difference") || !strings.Contains(out, "of it batch") || !strings.Contains(out, want.String()) {
		t.Errorf("table (exit %d):\n%s\n%s", code, out, errOut)
	}
	// The page, with the organisation's figures.
	page := filepath.Join(dir, "usage.html")
	if _, errOut, code := runCLIEnv(t, dir, env, "usage", "--since", since, "--html", page); code != 0 {
		t.Fatalf("--html: exit %d\n%s", code, errOut)
	}
	if data, _ := os.ReadFile(page); !strings.Contains(string(data), "Organisation spend") {
		t.Error("the page lacks the organisation's figures")
	}
	noAdminKeyAnywhere(t, dir, out, errOut)
}

func TestLimitsAfterARun(t *testing.T) {
	api := fakeapi.New()
	defer api.Close()
	api.SetRateLimits(fakeapi.RateLimits{Requests: 50, InputTokens: 30_000, OutputTokens: 8_000})
	dir := newWorkspace(t, map[string]string{"a.prompt": goodPrompt, "notes/extra.md": "Keep it short.\n"})
	out, _, code := runCLI(t, dir, "limits")
	if code != 0 || !strings.Contains(out, "no rate limits known") {
		t.Errorf("before a run (exit %d): %s", code, out)
	}
	if _, errOut, code := runCLIEnv(t, dir, apiEnv(api), "run", "--test", "volcanoes", "a.prompt"); code != 0 {
		t.Fatalf("run: exit %d\n%s", code, errOut)
	}
	out, _, code = runCLI(t, dir, "limits")
	if code != 0 || !strings.Contains(out, "claude-sonnet-4-6") || !strings.Contains(out, "requests 49 of 50") || !strings.Contains(out, "full again by") {
		t.Errorf("limits (exit %d): %s", code, out)
	}
	out, _, _ = runCLI(t, dir, "limits", "--json")
	var all map[string]workbench.RateLimits
	if err := json.Unmarshal([]byte(out), &all); err != nil || all["claude-sonnet-4-6"].Requests.Remaining != 49 {
		t.Errorf("limits --json: %v\n%s", err, out)
	}
}

// TestUsagePictureFromASession is a session a user could have against the
// fake API: runs on Sonnet reading its cache, runs on Haiku, a batch of test
// cases, then `usage --org --html`. The page holds all of it. With
// CLAUDE_LS_USAGE_HTML=FILE the page is kept: scripts/usage-picture.sh
// screenshots it into docs/images/usage.png.
func TestUsagePictureFromASession(t *testing.T) {
	api := fakeapi.New()
	defer api.Close()
	now := time.Now().UTC()
	api.SetAdmin(fakeapi.SampleAdmin(14, now))
	dir := newWorkspace(t, map[string]string{"a.prompt": testsPrompt})
	env := append(apiEnv(api), "ANTHROPIC_ADMIN_KEY="+testAdminKey)
	cli := func(args ...string) string {
		t.Helper()
		out, errOut, code := runCLIEnv(t, dir, env, args...)
		if code > 1 { // 1: a test case failed its expectation, as it should
			t.Fatalf("%v: exit %d\n%s%s", args, code, out, errOut)
		}
		return out + errOut
	}
	for i := 0; i < 3; i++ {
		api.Push("/v1/messages", fakeapi.Response{Usage: &fakeapi.Usage{InputTokens: 1_200, CacheReadInputTokens: 60_000, OutputTokens: 350}})
		cli("run", "--test", "tides", "--no-stream", "a.prompt")
	}
	for i := 0; i < 2; i++ {
		api.Push("/v1/messages", fakeapi.Response{Usage: &fakeapi.Usage{InputTokens: 20_000, OutputTokens: 2_000}})
		cli("run", "--test", "wind", "--model", "claude-haiku-4-5", "--no-stream", "a.prompt")
	}
	for i := 1; i <= 6; i++ { // the batch's six requests carry long documents
		api.ScriptBatchResult(fmt.Sprintf("req-%05d", i), fakeapi.BatchResult{Type: "succeeded", Usage: &fakeapi.Usage{InputTokens: 30_000, OutputTokens: 1_500}})
	}
	cli("run", "--all-tests", "--batch", "--poll", "10ms", "--model", "claude-sonnet-4-6,claude-haiku-4-5", "a.prompt")
	page := os.Getenv("CLAUDE_LS_USAGE_HTML")
	if page == "" {
		page = filepath.Join(t.TempDir(), "usage.html")
	}
	cli("usage", "--org", "--since", now.AddDate(0, 0, -13).Format("2006-01-02"), "--html", page)
	data, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"batch (half price)", "6 requests", "cache reads saved", "Organisation spend", "claude-haiku-4-5"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	out := cli("usage")
	if !strings.Contains(out, "of it batch") || !strings.Contains(out, "cache reads saved") {
		t.Errorf("usage table:\n%s", out)
	}
	noAdminKeyAnywhere(t, dir, out)
}
