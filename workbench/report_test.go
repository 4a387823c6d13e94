package workbench

import (
	"encoding/xml"
	"errors"
	"image"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/claude-ls/claude-ls/internal/fakeapi"
	"github.com/claude-ls/claude-ls/promptfile"
)

// sampleReport is three tickets on three models, as a run would leave it.
func sampleReport() *Report {
	replies := map[string][3]string{
		"double-charge":  {"billing", "billing", "Billing — the customer was charged twice and wants a refund."},
		"late-order":     {"delivery", "delivery", "delivery"},
		"password-reset": {"account", "account", "other"},
	}
	vars := map[string]map[string]string{
		"double-charge":  {"subject": "Charged twice this month", "body": "My card statement shows two payments of 12.99 on the 3rd. Please refund one."},
		"late-order":     {"subject": "Order still not here", "body": `My slot was 6-7 pm yesterday and nothing arrived. The app says "out for delivery".`},
		"password-reset": {"subject": "Can't sign in", "body": "The password reset email never arrives, and I have checked the spam folder."},
	}
	expect := map[string]string{"double-charge": "billing", "late-order": "delivery", "password-reset": "account"}
	models := []string{"claude-haiku-4-5", "claude-sonnet-4-6", "claude-opus-4-6"}
	rep := &Report{Prompt: "examples/classify-tickets.prompt", Time: time.Date(2026, 11, 3, 14, 2, 0, 0, time.UTC)}
	for _, c := range []string{"double-charge", "late-order", "password-reset"} {
		for i, m := range models {
			text := replies[c][i]
			u := promptfile.Usage{Input: int64(180 + 7*len(c)), Output: int64(len(strings.Fields(text)) + 1)}
			ex := &promptfile.Expect{Regex: "^" + expect[c] + "$", MaxTokensOut: 10}
			checks := CheckReply(ex, text, u)
			model := lookupModel(m)
			rep.Results = append(rep.Results, TestResult{Case: c, Vars: vars[c], ModelID: m, Status: StatusOf(checks), Checks: checks,
				Reply: &Reply{Text: text, Model: m, StopReason: "end_turn", Usage: u, Latency: time.Duration(400+250*i) * time.Millisecond},
				Cost:  CostOf(model, u, false), Priced: true})
		}
	}
	rep.Results = append(rep.Results, TestResult{Case: "feedback", ModelID: "claude-haiku-4-5", Status: StatusError,
		Error: "the API answered HTTP 500: Internal server error (request req_011)"})
	return rep
}

func TestMarkdownReport(t *testing.T) {
	md := sampleReport().Markdown()
	for _, want := range []string{
		"# Tests of `examples/classify-tickets.prompt`",
		"2026-11-03 14:02 UTC · 4 cases × 3 models · direct requests",
		"**10 runs: 7 passed, 2 failed, 1 without a reply**",
		"| case | `claude-haiku-4-5` | `claude-sonnet-4-6` | `claude-opus-4-6` |",
		"| [double-charge](#case-double-charge) | ✅ pass · 2 out · $",
		"## password-reset",
		"- `subject`: Can't sign in",
		"### `claude-opus-4-6` · ❌ fail",
		"- ❌ regex \"^account$\": no match in the reply",
		"```text\nother\n```",
		"> the API answered HTTP 500",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown report lacks %q", want)
		}
	}
	if strings.Contains(md, "| [double-charge](#case-double-charge) | ✅ pass · 2 out · $0 ·") {
		t.Error("a priced reply shows $0")
	}
	// A reply holding a fence gets a longer one.
	rep := &Report{Prompt: "a.prompt", Results: []TestResult{{Case: "c", ModelID: "m", Status: StatusOK, Reply: &Reply{Text: "```go\nx\n```"}}}}
	if !strings.Contains(rep.Markdown(), "````text\n```go\nx\n```\n````") {
		t.Errorf("fences:\n%s", rep.Markdown())
	}
}

// wellFormed parses page as XML: every element closed, every entity known.
func wellFormed(t *testing.T, page string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(page))
	d.Strict = true
	for {
		_, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("the HTML report is not well formed: %v", err)
		}
	}
}

func TestHTMLReportIsSelfContained(t *testing.T) {
	rep := sampleReport()
	rep.Results[0].Reply.Text = `<script>alert("x")</script> & billing`
	page := rep.HTML()
	wellFormed(t, page)
	if !strings.HasPrefix(page, "<!DOCTYPE html>") || !strings.Contains(page, `<meta charset="utf-8"/>`) || !strings.Contains(page, "<title>Tests of examples/classify-tickets.prompt</title>") {
		t.Errorf("head:\n%s", page[:300])
	}
	if regexp.MustCompile(`(?i)\b(src|href)\s*=|url\(|@import|<link|<script`).MatchString(page) {
		t.Error("the report refers to something outside itself, or lets a reply's markup through")
	}
	for _, want := range []string{`&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; billing`, `<span class="badge pass">pass</span>`,
		`<span class="badge fail">fail</span>`, `<span class="badge error">error</span>`, `<th><code>claude-opus-4-6</code></th>`, "✗ regex"} {
		if !strings.Contains(page, want) {
			t.Errorf("HTML report lacks %s", want)
		}
	}
}

func TestWriteReportsRedactsAndNames(t *testing.T) {
	root := t.TempDir()
	rep := sampleReport()
	rep.Results[0].Reply.Text = "the key is " + testKey
	md, html, err := WriteReports(root, rep, Key{value: testKey})
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(md) != "classify-tickets-20261103-140200.md" || filepath.Base(html) != "classify-tickets-20261103-140200.html" || filepath.Dir(md) != ReportsDir(root) {
		t.Errorf("paths %s %s", md, html)
	}
	for _, p := range []string{md, html} {
		data, _ := os.ReadFile(p)
		if strings.Contains(string(data), testKey) || !strings.Contains(string(data), "[redacted key]") {
			t.Errorf("%s: the key was not redacted", p)
		}
	}
	rep.BatchID = "msgbatch_01"
	if md, _, _ := WriteReports(root, rep, Key{}); filepath.Base(md) != "classify-tickets-msgbatch_01.md" {
		t.Errorf("batch report %s", md)
	}
	if _, err := os.Stat(filepath.Join(root, ".claude-ls", ".gitignore")); err != nil {
		t.Error("the data folder is not ignored by git")
	}
}

// TestHTMLReportInChromium runs a shipped example's test cases
// (examples/explain-topic.prompt, on two models) with the CLI against the
// fake API, opens the HTML report the run wrote in headless Chromium and
// looks at the screenshot: the page has the size asked, and the pass and
// fail badges are painted in their colors. Set CLAUDE_LS_REPORT_PNG to keep
// the screenshot: docs/images/report.png is made so, by
// scripts/make-report-picture.sh.
func TestHTMLReportInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("builds claude-ls and runs Chromium; skipped with -short")
	}
	browser := chromium(t)
	dir := t.TempDir()
	page := realReport(t, dir)
	img, shot := screenshotPage(t, browser, page, 1200, 900)
	pass := countNear(img, 0xda, 0xfb, 0xe1) // the pass badge's background
	fail := countNear(img, 0xff, 0xeb, 0xe9) // the fail badge's
	if pass < 50 || fail < 50 {
		t.Errorf("badges not painted: %d pass pixels, %d fail pixels", pass, fail)
	}
	if keep := os.Getenv("CLAUDE_LS_REPORT_PNG"); keep != "" {
		data, _ := os.ReadFile(shot)
		if err := os.WriteFile(keep, data, 0o644); err != nil {
			t.Error(err)
		}
	}
}

// realReport copies examples/explain-topic.prompt into a workspace under
// dir, runs `claude-ls run --all-tests` on two models against the fake API
// and returns the HTML report the run wrote. The fake answers in the order
// it is asked (--concurrency 1): each case gets a reply on its topic, and
// the volcano case's reply on Sonnet lacks the "lava" its expect needs, so
// the report has a pass and a fail.
func realReport(t *testing.T, dir string) string {
	t.Helper()
	ws := filepath.Join(dir, "ws")
	if err := os.MkdirAll(filepath.Join(ws, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	example, err := os.ReadFile(filepath.Join("..", "examples", "explain-topic.prompt"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(ws, "explain-topic.prompt"), example, 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "claude-ls")
	if out, err := exec.Command("go", "build", "-o", bin, "../cmd/claude-ls").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	api := fakeapi.New()
	defer api.Close()
	for _, text := range reportReplies {
		api.Push("/v1/messages", fakeapi.Response{Text: text})
	}
	cmd := exec.Command(bin, "run", "--all-tests", "--model", "claude-haiku-4-5,claude-sonnet-4-6",
		"--concurrency", "1", "--yes", "explain-topic.prompt")
	cmd.Dir = ws
	cmd.Env = append(os.Environ(), "ANTHROPIC_API_KEY="+testKey, "ANTHROPIC_BASE_URL="+api.URL)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !(errors.As(err, &exit) && exit.ExitCode() == 1) { // 1: a check failed
		t.Fatalf("claude-ls run --all-tests: %v\n%s", err, out)
	}
	pages, _ := filepath.Glob(filepath.Join(ws, ".claude-ls", "reports", "explain-topic-*.html"))
	if len(pages) != 1 {
		t.Fatalf("the run wrote the reports %v\n%s", pages, out)
	}
	t.Logf("claude-ls run --all-tests:\n%s", out)
	return pages[0]
}

// reportReplies are the fake's answers, in the order the run asks.
var reportReplies = []string{
	"Tides are the sea slowly rising and falling, twice a day. The Moon pulls on the water nearest to it, making a bulge.",
	"Tides are the regular rise and fall of the sea. The Moon's gravity tugs the oceans toward it, and the Earth turns under that bulge.",
	"A volcano is a crack in the Earth's crust where hot melted rock, called magma, comes up. Once it pours out it is called lava.",
	"Deep underground it is so hot that rock melts. When that melted rock finds a way up, it bursts out of a mountain: a volcano.",
	"TCP congestion control is how a sender decides how much data to have in flight. It starts small (slow start) and backs off on loss.",
	"Think of TCP as a careful driver: it speeds up while the road is clear and brakes hard at the first sign of a jam (a lost packet).",
}

func countNear(img image.Image, r, g, b uint8) int {
	n := 0
	bounds := img.Bounds()
	near := func(a uint32, want uint8) bool { d := int(a>>8) - int(want); return d > -4 && d < 4 }
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if near(cr, r) && near(cg, g) && near(cb, b) {
				n++
			}
		}
	}
	return n
}
