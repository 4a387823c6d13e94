package promptfile

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

// laughs is a billion-laughs value for key: nine levels of nine aliases
// (9^9 ≈ 387 million nodes once expanded) in under 500 bytes. list writes
// the levels as list items instead of mapping keys.
func laughs(key string, list bool) string {
	var b strings.Builder
	b.WriteString(key + ":\n")
	prev := ""
	for i := 0; i < 9; i++ {
		name := string(rune('a' + i))
		item := "lol"
		if prev != "" {
			item = "*" + prev
		}
		items := strings.TrimSuffix(strings.Repeat(item+",", 9), ",")
		if list {
			fmt.Fprintf(&b, "  - &%s [%s]\n", name, items)
		} else {
			fmt.Fprintf(&b, "  %s: &%s [%s]\n", name, name, items)
		}
		prev = name
	}
	return b.String()
}

// boundedly runs fn and fails if it takes more than 10 s or allocates more
// than 64 MiB: expanding the aliases would take gigabytes.
func boundedly(t *testing.T, fn func()) {
	t.Helper()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	done := make(chan struct{})
	go func() { defer close(done); fn() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("still running after 10 s")
	}
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 64<<20 {
		t.Fatalf("allocated %d MiB", grew>>20)
	}
}

func TestBillionLaughsInFrontMatterIsAnErrorAtTheAlias(t *testing.T) {
	for _, c := range []struct {
		key  string
		list bool
	}{{"metadata", false}, {"tools", true}, {"tool_choice", false}, {"thinking", false}, {"vars", false}, {"tests", true}} {
		t.Run(c.key, func(t *testing.T) {
			src := "---\nmodel: claude-sonnet-4-6\nmax_tokens: 100\n" + laughs(c.key, c.list) + "---\nuser:\nHi {{x}}\n"
			if len(laughs(c.key, c.list)) >= 500 {
				t.Fatalf("the attack is %d bytes, meant to be under 500", len(laughs(c.key, c.list)))
			}
			var res *Result
			boundedly(t, func() {
				res = Analyze(Parse([]byte(src)), &Workspace{Counter: testCounters}, Options{Strict: true})
			})
			for _, d := range res.Diagnostics {
				if d.Severity == Error && strings.Contains(d.Message, "alias *") {
					at := src[d.Span.Start:d.Span.End]
					if !strings.HasPrefix(at, "*") {
						t.Errorf("the error is at %q, not at an alias", at)
					}
					if line := strings.Count(src[:d.Span.Start], "\n"); line < 4 {
						t.Errorf("the error is on line %d, before %s", line+1, c.key)
					}
					return
				}
			}
			t.Fatalf("no alias error among %v", res.Diagnostics)
		})
	}
}

func TestBillionLaughsInConfigIsAnErrorAtTheAlias(t *testing.T) {
	src := "default_model: claude-sonnet-4-6\n" + laughs("models", true)
	var errs []ConfigError
	boundedly(t, func() { _, errs = ParseConfig([]byte(src)) })
	if len(errs) != 1 || !strings.Contains(errs[0].Msg, "alias *") {
		t.Fatalf("errors: %+v", errs)
	}
	line := strings.Split(src, "\n")[errs[0].Line-1]
	if errs[0].Col < 1 || errs[0].Col > len(line) || line[errs[0].Col-1] != '*' {
		t.Errorf("line %d column %d is not an alias: %q", errs[0].Line, errs[0].Col, line)
	}
}

func TestAliasesWithinTheBudgetAreKept(t *testing.T) {
	src := "---\nmodel: claude-sonnet-4-6\nmax_tokens: 100\nmetadata:\n  user_id: &u abc\n  other: *u\n---\nuser:\nHi\n"
	res := Analyze(Parse([]byte(src)), &Workspace{Counter: testCounters}, Options{})
	for _, d := range res.Diagnostics {
		if strings.Contains(d.Message, "alias") {
			t.Errorf("a small alias was refused: %s", d.Message)
		}
	}
	// An anchor that holds itself is the YAML library's error, not a loop.
	boundedly(t, func() {
		if _, err := unmarshalYAML([]byte("a: &a [*a]\n")); err == nil {
			t.Error("a self-referencing anchor was accepted")
		}
	})
}

func TestBillionLaughsInAToolCallInputIsAnError(t *testing.T) {
	src := "---\nmodel: claude-sonnet-4-6\nmax_tokens: 100\ntools:\n  - name: get_tide\n    input_schema: {type: object}\n---\nuser:\nTides?\n\ntool_use: get_tide id=toolu_01\n" +
		laughs("input", false) + "\ntool_result: id=toolu_01\nhigh\n\nuser:\nThanks\n"
	var res *Result
	boundedly(t, func() { res = Analyze(Parse([]byte(src)), &Workspace{Counter: testCounters}, Options{Strict: true}) })
	for _, d := range res.Diagnostics {
		if d.Severity == Error && d.Code == "tool-input" && strings.Contains(d.Message, "alias *") {
			return
		}
	}
	t.Fatalf("no alias error among %v", res.Diagnostics)
}

// FuzzYAMLBudget: whatever the text, decoding never panics, and what the
// budget accepts converts to JSON of bounded size (aliases included).
func FuzzYAMLBudget(f *testing.F) {
	f.Add(laughs("metadata", false))
	f.Add(laughs("tools", true))
	f.Add("a: &a [x, *a]\n")
	f.Add("a: &a {k: v}\nb: [*a, *a, {<<: *a}]\n")
	f.Fuzz(func(t *testing.T, src string) {
		doc, err := unmarshalYAML([]byte(src))
		if err != nil {
			return
		}
		js, err := nodeJSON(doc)
		if err != nil {
			return
		}
		if bound := 6*(len(src)+MaxAliasBytes) + 8*(len(src)+MaxAliasNodes); len(js) > bound {
			t.Fatalf("%d bytes of JSON from %d bytes of YAML (bound %d)", len(js), len(src), bound)
		}
	})
}
