package promptfile

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/claude-ls/claude-ls/internal/txtar"
)

// TestMediaGolden runs testdata/media: files named NAME.base64 are decoded
// into NAME first (images and PDFs are binary). A case with want.json must
// render without errors to exactly that body; a case with want lists its
// diagnostics as in testdata/diagnostics. -update rewrites both.
func TestMediaGolden(t *testing.T) {
	for _, file := range txtarFiles(t, "testdata/media") {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			res := analyzeArchive(t, decodeBase64Files(t, ar))
			src := string(ar.Get("input.prompt"))
			if hasFile(ar, "want.json") {
				for _, d := range res.Diagnostics {
					if d.Severity == Error {
						t.Fatalf("unexpected error: %s: %s", d.Code, d.Message)
					}
				}
				if res.Request == nil {
					t.Fatal("no request rendered")
				}
				got := string(res.Request.JSON()) + "\n"
				if !json.Valid([]byte(got)) {
					t.Fatalf("invalid JSON:\n%s", got)
				}
				if *update {
					setFile(ar, "want.json", got)
				} else if want := string(ar.Get("want.json")); got != want {
					t.Errorf("rendered:\n%s\nwant:\n%s", got, want)
				}
			}
			if hasFile(ar, "want") {
				got := describeDiagnostics(src, res.Diagnostics)
				if *update {
					setFile(ar, "want", got)
				} else if err := matchDiagnostics(src, res.Diagnostics, string(ar.Get("want"))); err != nil {
					t.Errorf("%v\n\ngot:\n%s", err, got)
				}
			}
			if *update {
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// decodeBase64Files is a copy of ar with each NAME.base64 decoded as NAME.
func decodeBase64Files(t testing.TB, ar *txtar.Archive) *txtar.Archive {
	out := &txtar.Archive{Comment: ar.Comment}
	for _, f := range ar.Files {
		if name, ok := strings.CutSuffix(f.Name, ".base64"); ok {
			data, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(f.Data)), ""))
			if err != nil {
				t.Fatalf("%s: %v", f.Name, err)
			}
			f = txtar.File{Name: name, Data: data}
		}
		out.Files = append(out.Files, f)
	}
	return out
}

func hasFile(ar *txtar.Archive, name string) bool {
	for _, f := range ar.Files {
		if f.Name == name {
			return true
		}
	}
	return false
}

// TestToolTurnFixesApply: a tool turn's quick fix removes its problem.
func TestToolTurnFixesApply(t *testing.T) {
	head := "---\nmodel: claude-sonnet-4-6\nmax_tokens: 100\ntools:\n  - {name: get_tide, description: t, input_schema: {type: object}}\n---\nuser:\nTides?\n\n"
	for _, src := range []string{
		head + "tool_use: get_tides id=toolu_01\n{}\n\ntool_result: id=toolu_01\nx\n",
		head + "tool_use: get_tide id=toolu_01\n{}\n\ntool_use: get_tide id=toolu_02\n{}\n\ntool_result: id=toolu_02\nx\n\nuser:\nMore.\n",
		head + "tool_use: get_tide id=toolu_01\n{}",
		head + "tool_use: get_tide\n{}\n",
	} {
		res := analyzeFiles(t, src, nil)
		fixed, code := src, ""
		for _, d := range res.Diagnostics {
			if strings.HasPrefix(d.Code, "tool-") && len(d.Fixes) > 0 {
				e := d.Fixes[0].Edits[0]
				fixed, code = src[:e.Span.Start]+e.NewText+src[e.Span.End:], d.Code
				break
			}
		}
		if fixed == src {
			t.Errorf("no fix for:\n%s", src)
			continue
		}
		for _, d := range analyzeFiles(t, fixed, nil).Diagnostics {
			if d.Code == code {
				t.Errorf("after the fix, %s: %s\n%s", d.Code, d.Message, fixed)
			}
		}
	}
}
