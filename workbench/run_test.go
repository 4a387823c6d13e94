package workbench

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/claude-ls/claude-ls/internal/fakeapi"
	"github.com/claude-ls/claude-ls/promptfile"
)

// newPrompt writes src as a.prompt in a new workspace whose config is
// config, with the key and the fake API in the environment.
func newPrompt(t *testing.T, src, config string) (Prompt, *fakeapi.Server) {
	t.Helper()
	api := fakeapi.New()
	t.Cleanup(api.Close)
	t.Setenv(KeyVar, testKey)
	t.Setenv("ANTHROPIC_BASE_URL", api.URL)
	root := t.TempDir()
	os.Mkdir(filepath.Join(root, ".git"), 0o755)
	if config != "" {
		os.WriteFile(filepath.Join(root, ConfigName), []byte(config), 0o644)
	}
	path := filepath.Join(root, "a.prompt")
	os.WriteFile(path, []byte(src), 0o644)
	ws, err := Open(root, promptfile.NewCounters())
	if err != nil {
		t.Fatal(err)
	}
	return Prompt{WS: ws, Path: path, Src: []byte(src)}, api
}

func TestRunPricesOneHourCacheWritesAtTwice(t *testing.T) {
	src := "---\nmodel: claude-sonnet-4-6\nmax_tokens: 200\n---\nsystem: cache=1h\nBe brief.\n\nuser:\nExplain tides.\n"
	p, api := newPrompt(t, src, "")
	api.Push("/v1/messages", fakeapi.Response{Usage: &fakeapi.Usage{InputTokens: 10, OutputTokens: 20, CacheCreationInputTokens: 4000,
		CacheCreation: &fakeapi.CacheCreation{Ephemeral1h: 4000}}})
	r, err := Run(context.Background(), p, RunOptions{Stream: true}, Hooks{})
	if err != nil {
		t.Fatal(err)
	}
	m, _ := p.WS.Catalog.Lookup("claude-sonnet-4-6")
	u := r.Reply.Usage
	if u.CacheWrite1h != 4000 || u.CacheWrite5m != 0 {
		t.Fatalf("usage = %+v", u)
	}
	// $3/MTok input: 4,000 tokens written for an hour cost 2 × $0.012.
	want := promptfile.Dollars(3*10+15*20+3*2*4000) / 1_000_000
	if r.Cost != want || r.Cost != m.Cost(u, false) {
		t.Errorf("cost %s, want %s", r.Cost, want)
	}
	recs, _ := ReadRecords(p.WS.Root)
	if len(recs) != 1 || recs[0].CostUSD != want || recs[0].Usage.CacheWrite1h != 4000 {
		t.Errorf("records %+v", recs)
	}
}

func TestConcurrentRunsStayInsideTheBudget(t *testing.T) {
	src := "---\nmodel: claude-sonnet-4-6\nmax_tokens: 1000\n---\nSay hello.\n"
	p, api := newPrompt(t, src, "budget: {monthly_usd: \"0.098\"}\n")
	for range 20 {
		api.Push("/v1/messages", fakeapi.Response{Delay: 50 * time.Millisecond, Text: "hello there you"})
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	ok, refused := 0, 0
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := Run(context.Background(), p, RunOptions{Stream: true}, Hooks{})
			var g *GuardError
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case errors.As(err, &g) && !g.Unconfirmed:
				refused++
			default:
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if sent := len(api.Requests()); sent > 6 || sent != ok || ok+refused != 20 {
		t.Errorf("%d sent, %d ok, %d refused: the budget allows 6", sent, ok, refused)
	}
}

func TestReserveAsksAboveTheThreshold(t *testing.T) {
	p, _ := newPrompt(t, "hi\n", "")
	b := &promptfile.MonthlyBudget{MonthlyUSD: promptfile.Dollars(10), ConfirmAboveUSD: promptfile.Dollars(1)}
	var asked string
	yes := func(q string) bool { asked = q; return true }
	r, err := p.WS.Reserve(Spend{Worst: promptfile.Dollars(2), N: 3, Priced: true}, b, yes)
	if err != nil || !strings.Contains(asked, "these 3 requests may cost up to $2.00") {
		t.Fatalf("asked %q, err %v", asked, err)
	}
	if _, err := p.WS.Reserve(Spend{Worst: promptfile.Dollars(2), N: 1, Priced: true}, b, nil); err == nil {
		t.Error("nobody to ask, yet reserved")
	}
	// $2 is held; $9 more would pass the $10.
	_, err = p.WS.Reserve(Spend{Worst: promptfile.Dollars(9), N: 1, Priced: true}, &promptfile.MonthlyBudget{MonthlyUSD: promptfile.Dollars(10)}, nil)
	var g *GuardError
	if !errors.As(err, &g) || g.Unconfirmed || !strings.Contains(g.Message, "$2.00 of the monthly budget of $10.00") {
		t.Errorf("refusal: %v", err)
	}
	r.Release()
	if _, err := p.WS.Reserve(Spend{Worst: promptfile.Dollars(9), N: 1, Priced: true}, &promptfile.MonthlyBudget{MonthlyUSD: promptfile.Dollars(10)}, nil); err != nil {
		t.Errorf("after the release: %v", err)
	}
}

// count_tokens refuses server tools and URL sources: the exact count says
// so at once, with nothing sent.
func TestCountExactRefusesWhatTheEndpointRefuses(t *testing.T) {
	for name, src := range map[string]string{
		"server tool": "---\nmodel: claude-sonnet-4-6\nmax_tokens: 200\ntools:\n  - {type: web_search_20260318, max_uses: 2}\n---\nuser:\nNews?\n",
		"url image":   "---\nmodel: claude-sonnet-4-6\nmax_tokens: 200\n---\nuser:\nWhat is this?\n{{image \"https://example.com/a.png\"}}\n",
	} {
		p, api := newPrompt(t, src, "")
		res := p.Analyze(promptfile.Options{Strict: true})
		_, _, err := CountExact(context.Background(), p.WS, res, Hooks{})
		var problems *ProblemsError
		if !errors.As(err, &problems) || !strings.Contains(problems.Message, "token-counting endpoint does not take") {
			t.Errorf("%s: %v", name, err)
		}
		if n := len(api.Requests()); n != 0 {
			t.Errorf("%s: %d requests sent", name, n)
		}
	}
}

// The helpers ask the config's helper_model unless told another.
func TestHelperModelFromTheConfig(t *testing.T) {
	p, _ := newPrompt(t, "---\nmodel: claude-haiku-4-5\nmax_tokens: 100\n---\nuser:\nHi\n", "helper_model: claude-opus-4-7\n")
	res := p.Analyze(promptfile.Options{})
	if got := p.WS.helperModel("", res); got != "claude-opus-4-7" {
		t.Errorf("helper model %q", got)
	}
	if got := p.WS.helperModel("claude-sonnet-4-6", res); got != "claude-sonnet-4-6" {
		t.Errorf("given model %q", got)
	}
	q, _ := newPrompt(t, "---\nmodel: claude-haiku-4-5\nmax_tokens: 100\n---\nuser:\nHi\n", "")
	if got := q.WS.helperModel("", q.Analyze(promptfile.Options{})); got != "claude-haiku-4-5" {
		t.Errorf("without a config %q", got)
	}
}
