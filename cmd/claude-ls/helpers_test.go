package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/claude-ls/claude-ls/internal/fakeapi"
	"github.com/claude-ls/claude-ls/internal/fixtures"
	"github.com/claude-ls/claude-ls/workbench"
)

// improvedTides is what the fake improver answers: the same front matter,
// a clearer body, every variable kept.
var improvedTides = strings.Replace(fixtures.PassFailNothing, "user:\nExplain {{topic}} in one sentence.\n", `system:
You are a science teacher who explains things in plain words.

user:
<topic>{{topic}}</topic>
Explain the topic above in one sentence a ten-year-old understands.
`, 1)

func TestImprovePrintsADiffAndWrites(t *testing.T) {
	api := fakeapi.New()
	defer api.Close()
	dir := newWorkspace(t, map[string]string{"a.prompt": testsPrompt})
	api.Push("/v1/messages", fakeapi.Response{Text: "Here it is.\n<prompt_file>\n" + improvedTides + "</prompt_file>"})
	out, errOut, code := runCLIEnv(t, dir, apiEnv(api), "improve", "--goal", "clearer for children", "--model", "claude-haiku-4-5", "a.prompt")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	for _, want := range []string{"--- a/a.prompt\n+++ b/a.prompt\n", "-Explain {{topic}} in one sentence.\n", "+<topic>{{topic}}</topic>\n", "+system:\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("diff lacks %q:\n%s", want, out)
		}
	}
	// The diff applies to the file and gives the improved text.
	cmd := exec.Command("git", "apply", "--unsafe-paths", "-")
	cmd.Dir, cmd.Stdin = dir, strings.NewReader(out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git apply: %v %s", err, b)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "a.prompt")); string(got) != improvedTides {
		t.Errorf("applied diff gives:\n%s", got)
	}
	os.WriteFile(filepath.Join(dir, "a.prompt"), []byte(testsPrompt), 0o644)
	// The request: our meta-prompt, the file, the goal, on the chosen model.
	var sent struct {
		Model    string                     `json:"model"`
		System   string                     `json:"system"`
		Messages []struct{ Content string } `json:"messages"`
	}
	json.Unmarshal(api.Last("/v1/messages").Body, &sent)
	if sent.Model != "claude-haiku-4-5" || !strings.Contains(sent.System, "every variable") ||
		!strings.Contains(sent.Messages[0].Content, "Explain {{topic}} in one sentence.") || !strings.Contains(sent.Messages[0].Content, "clearer for children") {
		t.Errorf("sent %+v", sent)
	}
	// Recorded like any run, with its kind.
	recs := records(t, dir)
	if len(recs) != 1 || recs[0].Kind != "improve" || recs[0].CostUSD == 0 || recs[0].Prompt != "a.prompt" {
		t.Errorf("records %+v", recs)
	}
	// --write writes it, and it passes check.
	api.Push("/v1/messages", fakeapi.Response{Text: "<prompt_file>\n" + improvedTides + "</prompt_file>"})
	_, errOut, code = runCLIEnv(t, dir, apiEnv(api), "improve", "--write", "a.prompt")
	if code != 0 || !strings.Contains(errOut, "wrote a.prompt") {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "a.prompt")); string(got) != improvedTides {
		t.Errorf("wrote:\n%s", got)
	}
	if out, _, code := runCLI(t, dir, "check", "a.prompt"); code != 0 {
		t.Errorf("check of the improved file: exit %d\n%s", code, out)
	}
	noKeyAnywhere(t, dir, out, errOut)
}

func TestImproveRefusesALostVariableOrAnError(t *testing.T) {
	api := fakeapi.New()
	defer api.Close()
	dir := newWorkspace(t, map[string]string{"a.prompt": testsPrompt})
	lost := strings.Replace(improvedTides, "<topic>{{topic}}</topic>\nExplain the topic above", "Explain tides", 1)
	lost = strings.Replace(lost, "vars:\n  topic: tides\n", "", 1)
	api.Push("/v1/messages", fakeapi.Response{Text: "<prompt_file>\n" + lost + "</prompt_file>"})
	_, errOut, code := runCLIEnv(t, dir, apiEnv(api), "improve", "--write", "a.prompt")
	if code != 1 || !strings.Contains(errOut, "lost the variable {{topic}}; nothing written") {
		t.Errorf("exit %d\n%s", code, errOut)
	}
	broken := strings.Replace(improvedTides, "max_tokens: 300", "max_tokens: -3", 1)
	api.Push("/v1/messages", fakeapi.Response{Text: "<prompt_file>\n" + broken + "</prompt_file>"})
	_, errOut, code = runCLIEnv(t, dir, apiEnv(api), "improve", "--write", "a.prompt")
	if code != 1 || !regexp.MustCompile(`does not pass check: line 3: .*nothing written`).MatchString(errOut) {
		t.Errorf("exit %d\n%s", code, errOut)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "a.prompt")); string(got) != testsPrompt {
		t.Errorf("the file changed:\n%s", got)
	}
	// Both were paid for, so both are recorded.
	if recs := records(t, dir); len(recs) != 2 {
		t.Errorf("%d records", len(recs))
	}
}

func TestTestsGenerateAppendsUniqueCases(t *testing.T) {
	api := fakeapi.New()
	defer api.Close()
	dir := newWorkspace(t, map[string]string{"a.prompt": testsPrompt})
	api.Push("/v1/messages", fakeapi.Response{Text: `{"cases":[{"name":"wind","topic":"wind on mountains"},{"name":"a quote: \"x\"","topic":"rain # not a comment"},{"name":"eclipses","topic":"solar eclipses"}]}`})
	out, errOut, code := runCLIEnv(t, dir, apiEnv(api), "tests", "generate", "-n", "2", "a.prompt")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	if out != "wind (2)\na quote: \"x\"\n" || !strings.Contains(errOut, "2 test cases added to a.prompt") {
		t.Errorf("stdout %q stderr %q", out, errOut)
	}
	// Structured output with a schema of the prompt's variables.
	var sent struct {
		OutputConfig struct {
			Format struct {
				Type   string         `json:"type"`
				Schema map[string]any `json:"schema"`
			} `json:"format"`
		} `json:"output_config"`
	}
	json.Unmarshal(api.Last("/v1/messages").Body, &sent)
	schema, _ := json.Marshal(sent.OutputConfig.Format.Schema)
	if sent.OutputConfig.Format.Type != "json_schema" || !strings.Contains(string(schema), `"required":["name","topic"]`) || !strings.Contains(string(schema), `"additionalProperties":false`) {
		t.Errorf("format %s %s", sent.OutputConfig.Format.Type, schema)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "a.prompt"))
	want := strings.Replace(testsPrompt, "    topic: wind\n---\n", "    topic: wind\n  - name: \"wind (2)\"\n    topic: \"wind on mountains\"\n  - name: \"a quote: \\\"x\\\"\"\n    topic: \"rain # not a comment\"\n---\n", 1)
	if string(got) != want {
		t.Errorf("file:\n%s\nwant:\n%s", got, want)
	}
	if out, _, code := runCLI(t, dir, "check", "a.prompt"); code != 0 {
		t.Errorf("check: exit %d\n%s", code, out)
	}
	rendered, _, code := runCLI(t, dir, "render", "--test", "a quote: \"x\"", "a.prompt")
	if code != 0 || !strings.Contains(rendered, "Explain rain # not a comment in one sentence.") {
		t.Errorf("render of a new case: %d %s", code, rendered)
	}
	if recs := records(t, dir); len(recs) != 1 || recs[0].Kind != "generate-tests" {
		t.Errorf("records %+v", recs)
	}
}

func TestTestsGenerateAppendsToACSVFile(t *testing.T) {
	api := fakeapi.New()
	defer api.Close()
	prompt := "---\nmodel: claude-sonnet-4-6\nmax_tokens: 100\ntests: {file: cases.csv}\n---\nExplain {{topic}} to {{reader}}.\n"
	csv := "name,topic,reader\none,tides,a child\n"
	dir := newWorkspace(t, map[string]string{"a.prompt": prompt, "cases.csv": csv})
	api.Push("/v1/messages", fakeapi.Response{Text: `{"cases":[{"name":"one","topic":"wind, rain","reader":"a pilot"}]}`})
	_, errOut, code := runCLIEnv(t, dir, apiEnv(api), "tests", "generate", "-n", "1", "a.prompt")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "cases.csv"))
	if string(got) != csv+"one (2),\"wind, rain\",a pilot\n" {
		t.Errorf("cases.csv:\n%s", got)
	}
	if p, _ := os.ReadFile(filepath.Join(dir, "a.prompt")); string(p) != prompt {
		t.Error("the prompt changed")
	}
	if out, _, code := runCLI(t, dir, "check", "a.prompt"); code != 0 {
		t.Errorf("check: exit %d\n%s", code, out)
	}
}

func TestGradeSurvivesReRunsAndSummarisesVersions(t *testing.T) {
	api := fakeapi.New()
	defer api.Close()
	dir := newWorkspace(t, map[string]string{"a.prompt": testsPrompt})
	if _, errOut, code := runCLIEnv(t, dir, apiEnv(api), "run", "--all-tests", "a.prompt"); code != 1 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	out, errOut, code := runCLI(t, dir, "grade", "a.prompt", "--test", "wind", "4", "--note", "clear, a bit long")
	if code != 0 || !strings.Contains(out, "case wind on claude-sonnet-4-6") || !strings.Contains(out, "4/5 — clear, a bit long") {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	if _, errOut, code := runCLI(t, dir, "grade", "a.prompt", "--test", "nope", "3"); code != 2 || !strings.Contains(errOut, `no recorded reply of a.prompt, case "nope"`) {
		t.Errorf("ungraded case: %d %s", code, errOut)
	}
	if _, errOut, code := runCLI(t, dir, "grade", "a.prompt", "--test", "wind", "6"); code != 2 || !strings.Contains(errOut, "a grade is 1 to 5") {
		t.Errorf("grade 6: %d %s", code, errOut)
	}
	// The grade is in the report of the next run.
	out, _, _ = runCLIEnv(t, dir, apiEnv(api), "run", "--all-tests", "a.prompt")
	md, html := reportPaths(t, dir, out)
	data, _ := os.ReadFile(md)
	if !strings.Contains(string(data), "Grade: 4/5 — clear, a bit long") || !strings.Contains(string(data), "· grade 4/5 |") {
		t.Errorf("report:\n%s", data)
	}
	if page, _ := os.ReadFile(html); !strings.Contains(string(page), `<div class="grade">grade 4/5 — clear, a bit long</div>`) {
		t.Error("the HTML report has no grade")
	}
	// The records carry the version; the summary groups by it.
	recs := records(t, dir)
	hash := workbench.PromptHash([]byte(testsPrompt))
	for _, r := range recs {
		if r.PromptHash != hash {
			t.Errorf("record hash %q, want %q", r.PromptHash, hash)
		}
	}
	runCLI(t, dir, "grade", "a.prompt", "--test", "tides", "2")
	out, _, code = runCLI(t, dir, "grade", "a.prompt")
	if code != 0 || !regexp.MustCompile(`(?m)^`+hash+` \(this file\)\s+-\s+\S+ \S+\s+2\s+3\.0$`).MatchString(out) {
		t.Errorf("summary %d:\n%s", code, out)
	}
}

// versionReplies answers by the prompt's wording, so each version has its own reply.
func versionReplies(body []byte) string {
	if strings.Contains(string(body), "ten-year-old") {
		return "The Moon pulls the sea up and down: that is the tide, like a slow breath."
	}
	return ""
}

func TestCompareTwoCommits(t *testing.T) {
	api := fakeapi.New()
	defer api.Close()
	api.ReplyFor = versionReplies
	dir := newWorkspace(t, nil)
	v2 := strings.Replace(testsPrompt, "in one sentence.", "in one sentence a ten-year-old understands.", 1)
	fixtures.GitHistory(t, dir, "a.prompt", testsPrompt, v2)
	out, errOut, code := runCLIEnv(t, dir, apiEnv(api), "compare", "--rev", "HEAD~1", "a.prompt")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if !regexp.MustCompile(`(?m)^old  HEAD~1 \([0-9a-f]{12}\): 3 runs: 1 passed, 1 failed, 1 with nothing to check`).MatchString(out) ||
		!regexp.MustCompile(`(?m)^new  working file: 3 runs: 2 failed, 1 with nothing to check`).MatchString(out) {
		t.Errorf("stdout:\n%s", out)
	}
	if n := len(api.Requests()); n != 6 {
		t.Errorf("%d requests, want 6", n)
	}
	md, html := reportPaths(t, dir, out)
	if !strings.Contains(filepath.Base(md), "compare-a-") {
		t.Errorf("report %s", md)
	}
	data, _ := os.ReadFile(md)
	for _, want := range []string{"# Compare `a.prompt`: HEAD~1 (", "| tokens out | 42 | 48 | +6 |", "## volcanoes · `claude-sonnet-4-6`",
		"> Tides are the slow rise and fall", "> The Moon pulls the sea up and down"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("Markdown lacks %q:\n%s", want, data)
		}
	}
	page, _ := os.ReadFile(html)
	if !strings.HasPrefix(string(page), "<!DOCTYPE html>") || strings.Count(string(page), `<div class="reply">`) != 6 || strings.Contains(string(page), "http") {
		t.Errorf("HTML:\n%.600s", page)
	}
	// Each version's records carry its hash and the commit they ran at.
	hashes := map[string]int{}
	for _, r := range records(t, dir) {
		hashes[r.PromptHash]++
		if len(r.Commit) != 12 {
			t.Errorf("record commit %q", r.Commit)
		}
	}
	if hashes[workbench.PromptHash([]byte(testsPrompt))] != 3 || hashes[workbench.PromptHash([]byte(v2))] != 3 {
		t.Errorf("hashes %v", hashes)
	}
	// Default HEAD: the working file against the last commit; a bad revision is a clear error.
	if _, errOut, code := runCLIEnv(t, dir, apiEnv(api), "compare", "--rev", "nope", "a.prompt"); code != 2 || !strings.Contains(errOut, `git cannot find revision "nope"`) {
		t.Errorf("bad rev: %d %s", code, errOut)
	}
	out, _, code = runCLIEnv(t, dir, apiEnv(api), "compare", "a.prompt")
	if code != 0 || !strings.Contains(out, "(the file is unchanged since HEAD)") {
		t.Errorf("compare with HEAD: %d\n%s", code, out)
	}
	noKeyAnywhere(t, dir, out, errOut)
}

var _ = fixtures.PassFailNothing

func TestHelpersGoThroughTheSpendingGuard(t *testing.T) {
	api := fakeapi.New()
	defer api.Close()
	dir := newWorkspace(t, map[string]string{
		"a.prompt":        strings.Replace(testsPrompt, "claude-sonnet-4-6", "claude-opus-4-6", 1),
		".claude-ls.yaml": "budget:\n  monthly_usd: \"5\"\n  confirm_above_usd: \"0.10\"\n",
	})
	// 8,192 tokens of output at $25/MTok ≈ $0.20: above the threshold, and nobody to ask.
	_, errOut, code := runCLIEnv(t, dir, apiEnv(api), "improve", "a.prompt")
	if code != 4 || !strings.Contains(errOut, "--yes") || len(api.Requests()) != 0 {
		t.Errorf("improve: exit %d %s", code, errOut)
	}
	_, errOut, code = runCLIEnv(t, dir, apiEnv(api), "tests", "generate", "-n", "5", "a.prompt")
	if code != 4 || len(api.Requests()) != 0 {
		t.Errorf("tests generate: exit %d %s", code, errOut)
	}
	_, errOut, code = runCLIEnv(t, dir, apiEnv(api), "compare", "a.prompt")
	if code != 2 || !strings.Contains(errOut, "git cannot find revision \"HEAD\"") {
		t.Errorf("compare outside a git history: exit %d %s", code, errOut)
	}
	// No key: a clear message, exit 2.
	_, errOut, code = runCLIEnv(t, dir, []string{"ANTHROPIC_API_KEY=", "ANTHROPIC_BASE_URL=" + api.URL}, "improve", "--yes", "a.prompt")
	if code != 2 || len(api.Requests()) != 0 {
		t.Errorf("no key: exit %d %s", code, errOut)
	}
}

func TestTestsGenerateAddsATestsKey(t *testing.T) {
	api := fakeapi.New()
	defer api.Close()
	prompt := "---\nmodel: claude-sonnet-4-6\nmax_tokens: 100\n\n---\nuser:\nTranslate {{text}} into {{ language }}.\n"
	dir := newWorkspace(t, map[string]string{"a.prompt": prompt})
	api.Push("/v1/messages", fakeapi.Response{Text: `{"cases":[{"name":"","text":"Good morning","language":"French"}]}`})
	if _, errOut, code := runCLIEnv(t, dir, apiEnv(api), "tests", "generate", "-n", "1", "a.prompt"); code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	got, _ := os.ReadFile(filepath.Join(dir, "a.prompt"))
	want := "---\nmodel: claude-sonnet-4-6\nmax_tokens: 100\n\ntests:\n  - name: \"case 1\"\n    language: \"French\"\n    text: \"Good morning\"\n---\nuser:\nTranslate {{text}} into {{ language }}.\n"
	if string(got) != want {
		t.Errorf("file:\n%s", got)
	}
	if out, _, code := runCLI(t, dir, "check", "a.prompt"); code != 0 {
		t.Errorf("check: exit %d\n%s", code, out)
	}
	// A prompt without variables has nothing to vary: nothing is sent.
	os.WriteFile(filepath.Join(dir, "b.prompt"), []byte("---\nmodel: claude-sonnet-4-6\nmax_tokens: 100\n---\nHello.\n"), 0o644)
	n := len(api.Requests())
	if _, errOut, code := runCLIEnv(t, dir, apiEnv(api), "tests", "generate", "b.prompt"); code != 1 || !strings.Contains(errOut, "no variables") || len(api.Requests()) != n {
		t.Errorf("no variables: exit %d %s", code, errOut)
	}
}
