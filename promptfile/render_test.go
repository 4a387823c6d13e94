package promptfile

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/claude-ls/claude-ls/internal/txtar"
)

// TestRenderGolden renders each testdata/render case and compares the body
// with want.json (-update rewrites it). A case must render without errors.
func TestRenderGolden(t *testing.T) {
	for _, file := range txtarFiles(t, "testdata/render") {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			ar, res := loadCase(t, file)
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
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if want := string(ar.Get("want.json")); got != want {
				t.Errorf("rendered:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

func TestTrimBlankLines(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"\n\n", ""},
		{"  \n\t\n", ""},
		{"\n\nabc\n\n", "abc"},
		{"abc\n", "abc"},
		{"  abc  \n  \n", "  abc"},
		{"a\n\nb", "a\n\nb"},
		{"\n  indented\n", "  indented"},
	} {
		if got := trimBlankLines(tc.in); got != tc.want {
			t.Errorf("trimBlankLines(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
