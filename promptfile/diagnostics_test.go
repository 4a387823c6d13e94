package promptfile

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/claude-ls/claude-ls/internal/txtar"
)

// TestDiagnostics runs the cases in testdata/diagnostics. Each `want` line is
//
//	CODE SEVERITY "TEXT"[#N] MESSAGE-PART
//
// meaning: a diagnostic with that code and severity covers exactly the N-th
// occurrence of TEXT in input.prompt, and its message contains MESSAGE-PART.
// A following line "  fix: TITLE" asks for a fix with that title. Every
// diagnostic must be listed: nothing unexpected passes. -update rewrites.
func TestDiagnostics(t *testing.T) {
	for _, file := range txtarFiles(t, "testdata/diagnostics") {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, res := loadCase(t, file)
			src := string(ar.Get("input.prompt"))
			got := describeDiagnostics(src, res.Diagnostics)
			if *update {
				setFile(ar, "want", got)
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want := ar.Get("want")
			if err := matchDiagnostics(src, res.Diagnostics, string(want)); err != nil {
				t.Errorf("%v\n\ngot:\n%s", err, got)
			}
		})
	}
}

func setFile(ar *txtar.Archive, name, data string) {
	for i := range ar.Files {
		if ar.Files[i].Name == name {
			ar.Files[i].Data = []byte(data)
			return
		}
	}
	ar.Files = append(ar.Files, txtar.File{Name: name, Data: []byte(data)})
}

// anchorOf writes a span as "TEXT"#N, the N-th occurrence of its text.
func anchorOf(src string, s Span) string {
	text := src[s.Start:s.End]
	n := 1
	if text != "" {
		// Overlapping occurrences: count starts, not matches.
		n = 0
		for i := 0; i <= s.Start; {
			k := strings.Index(src[i:], text)
			if k < 0 || i+k > s.Start {
				break
			}
			n++
			i += k + 1
		}
	}
	a := strconv.Quote(text)
	if n > 1 {
		a += "#" + strconv.Itoa(n)
	}
	if text == "" {
		a = "@" + strconv.Itoa(s.Start)
	}
	return a
}

func describeDiagnostics(src string, ds []Diagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		fmt.Fprintf(&b, "%s %s %s %s\n", d.Code, d.Severity, anchorOf(src, d.Span), d.Message)
		for _, f := range d.Fixes {
			fmt.Fprintf(&b, "  fix: %s\n", f.Title)
		}
	}
	return b.String()
}

type wantDiag struct {
	code, severity, anchor, msg string
	fixes                       []string
}

func parseWant(want string) ([]*wantDiag, error) {
	var out []*wantDiag
	for _, line := range strings.Split(want, "\n") {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if fix, ok := strings.CutPrefix(line, "  fix: "); ok {
			if len(out) == 0 {
				return nil, fmt.Errorf("fix line before any diagnostic: %q", line)
			}
			out[len(out)-1].fixes = append(out[len(out)-1].fixes, fix)
			continue
		}
		code, rest, _ := strings.Cut(line, " ")
		sev, rest, _ := strings.Cut(rest, " ")
		w := &wantDiag{code: code, severity: sev}
		if strings.HasPrefix(rest, "@") {
			w.anchor, rest, _ = strings.Cut(rest, " ")
		} else {
			q, err := strconv.QuotedPrefix(rest)
			if err != nil {
				return nil, fmt.Errorf("want line %q: anchor must be a quoted string: %v", line, err)
			}
			rest = rest[len(q):]
			w.anchor = q
			if strings.HasPrefix(rest, "#") {
				n, r, _ := strings.Cut(rest, " ")
				w.anchor += n
				rest = " " + r
			}
		}
		w.msg = strings.TrimSpace(rest)
		out = append(out, w)
	}
	return out, nil
}

func matchDiagnostics(src string, ds []Diagnostic, want string) error {
	wants, err := parseWant(want)
	if err != nil {
		return err
	}
	used := make([]bool, len(ds))
	var problems []string
	for _, w := range wants {
		found := false
		for i, d := range ds {
			if used[i] || d.Code != w.code || d.Severity.String() != w.severity || anchorOf(src, d.Span) != w.anchor || !strings.Contains(d.Message, w.msg) {
				continue
			}
			missing := ""
			for _, title := range w.fixes {
				has := false
				for _, f := range d.Fixes {
					has = has || f.Title == title
				}
				if !has {
					missing = title
				}
			}
			if missing != "" {
				continue
			}
			used[i], found = true, true
			break
		}
		if !found {
			problems = append(problems, fmt.Sprintf("missing: %s %s %s %q (fixes %q)", w.code, w.severity, w.anchor, w.msg, w.fixes))
		}
	}
	for i, d := range ds {
		if !used[i] {
			problems = append(problems, fmt.Sprintf("unexpected: %s %s %s %s", d.Code, d.Severity, anchorOf(src, d.Span), d.Message))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s", strings.Join(problems, "\n"))
	}
	return nil
}

func TestFirstErrorAndErrorCount(t *testing.T) {
	r := Analyze(Parse([]byte("---\nmodel: claude-sonnet-4-6\nmax_tokens: 0\ntemperature: 2\n---\nuser:\nhi\n")), nil, Options{})
	if d := r.FirstError(); d == nil || d.Code != "out-of-range" || !strings.Contains(d.Message, "max_tokens") {
		t.Errorf("FirstError = %+v", d)
	}
	if n := r.ErrorCount(); n != 2 {
		t.Errorf("ErrorCount = %d, want 2 (%v)", n, r.Diagnostics)
	}
	clean := Analyze(Parse([]byte("---\nmodel: claude-sonnet-4-6\nmax_tokens: 10\n---\nuser:\nhi\n")), nil, Options{})
	if clean.FirstError() != nil || clean.ErrorCount() != 0 || (*Result)(nil).FirstError() != nil {
		t.Errorf("clean: %v", clean.Diagnostics)
	}
}
