package workbench

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/claude-ls/claude-ls/internal/fakeapi"
	"github.com/claude-ls/claude-ls/internal/fixtures"
)

// compareReplies answer each case by its topic, and the second version
// (which asks for a closing question) with one.
func compareReplies(body []byte) string {
	s := string(body)
	var reply string
	switch {
	case strings.Contains(s, "volcanoes"):
		reply = "A volcano is a crack in the Earth's crust. Deep down, rock is so hot it melts into magma; when it reaches the surface we call it lava."
	case strings.Contains(s, "TCP"):
		reply = "TCP congestion control is how a sender guesses how fast the network can take data: it grows its window until packets are lost, then backs off."
	default:
		reply = "Tides are the slow rise and fall of the sea. The Moon pulls on the ocean, a little like a magnet pulling on a ball of water."
	}
	if strings.Contains(s, "check understanding") {
		reply += "\n\nCan you say, in your own words, what makes it happen?"
	}
	return reply
}

// TestCompareReportInChromium compares two commits of the shipped example
// explain-topic.prompt against the fake API, grades some replies, compares
// again, and screenshots the HTML report in headless Chromium: the page
// has the size asked and its pass badges and grades are painted. Set
// CLAUDE_LS_COMPARE_PNG to keep the screenshot (scripts/make-compare-picture.sh
// makes docs/images/compare.png so).
func TestCompareReportInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("runs git and Chromium; skipped with -short")
	}
	browser := chromium(t)
	api := fakeapi.New()
	defer api.Close()
	api.ReplyFor = compareReplies
	t.Setenv(KeyVar, testKey)
	t.Setenv("ANTHROPIC_BASE_URL", api.URL)
	dir := t.TempDir()
	ws := filepath.Join(dir, "ws")
	os.MkdirAll(ws, 0o755)
	v1, err := os.ReadFile(filepath.Join("..", "examples", "explain-topic.prompt"))
	if err != nil {
		t.Fatal(err)
	}
	v2 := strings.Replace(string(v1), "- Never talk down", "- End with one short question to check understanding.\n- Never talk down", 1)
	path := filepath.Join(ws, "explain-topic.prompt")
	fixtures.GitHistory(t, ws, "explain-topic.prompt", string(v1), v2)
	w, err := Open(ws, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := Prompt{WS: w, Path: path, Src: []byte(v2)}
	opts := CompareOptions{Rev: "HEAD~1", Tests: TestRunOptions{Concurrency: 1}}
	if _, err := CompareVersions(context.Background(), p, opts, TestHooks{}); err != nil {
		t.Fatal(err)
	}
	// Grade the replies of the new version, and one of the old.
	for _, g := range []struct {
		test  string
		grade int
		note  string
	}{{"default", 5, "the closing question helps"}, {"volcanoes-for-kids", 4, ""}, {"tcp-for-engineers", 4, "good analogy"}} {
		if _, err := GradeReply(ws, ReplyMark{Prompt: "explain-topic.prompt", Test: g.test, Model: "claude-haiku-4-5"}, g.grade, g.note); err != nil {
			t.Fatal(err)
		}
	}
	c, err := CompareVersions(context.Background(), p, opts, TestHooks{})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Grades) != 3 || len(c.OldGrades) != 0 {
		t.Errorf("grades: new %v old %v", c.Grades, c.OldGrades)
	}
	page, _ := os.ReadFile(c.HTMLPath)
	if strings.Count(string(page), `<div class="grade">`) != 3 || strings.Count(string(page), `<div class="reply">`) != 6 {
		t.Errorf("page:\n%s", page)
	}
	img, shot := screenshotPage(t, browser, c.HTMLPath, 1200, 1000)
	if pass, grade := countNear(img, 0xda, 0xfb, 0xe1), countNear(img, 0x82, 0x50, 0xdf); pass < 50 || grade < 20 {
		t.Errorf("not painted: %d pass-badge pixels, %d grade pixels", pass, grade)
	}
	if keep := os.Getenv("CLAUDE_LS_COMPARE_PNG"); keep != "" {
		data, _ := os.ReadFile(shot)
		if err := os.WriteFile(keep, data, 0o644); err != nil {
			t.Error(err)
		}
	}
}

// TestGitShowRefusesAnOptionForARevision: a revision from an editor's
// command or the CLI never reaches git as an option (--output=FILE would
// write a file).
func TestGitShowRefusesAnOptionForARevision(t *testing.T) {
	dir := t.TempDir()
	prompt := filepath.Join(dir, "a.prompt")
	fixtures.GitHistory(t, dir, "a.prompt", "user:\nhi\n")
	written := filepath.Join(dir, "written")
	for _, rev := range []string{"--output=" + written, "-p"} {
		_, _, err := GitShow(context.Background(), prompt, rev)
		if err == nil || !strings.Contains(err.Error(), `a revision does not start with "-"`) {
			t.Errorf("revision %q: %v", rev, err)
		}
	}
	if _, err := os.Stat(written); err == nil {
		t.Error("git wrote the file an option named")
	}
	if src, _, err := GitShow(context.Background(), prompt, "HEAD"); err != nil || string(src) != "user:\nhi\n" {
		t.Errorf("HEAD: %q %v", src, err)
	}
}
