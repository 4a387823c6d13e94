package workbench

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestUnifiedDiffAppliesWithPatch checks the diff against patch(1): applied
// to the old text it gives the new one.
func TestUnifiedDiffAppliesWithPatch(t *testing.T) {
	if _, err := exec.LookPath("patch"); err != nil {
		t.Skip("no patch")
	}
	cases := [][2]string{
		{"a\nb\nc\n", "a\nB\nc\n"},
		{"1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n", "0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n"},
		{"", "new\n"},
		{"x\ny\n", ""},
		{"keep\nend", "keep\nend\n"},
	}
	for i, c := range cases {
		d := UnifiedDiff("a/p", "b/p", c[0], c[1])
		dir := t.TempDir()
		f := filepath.Join(dir, "p")
		os.WriteFile(f, []byte(c[0]), 0o644)
		os.WriteFile(filepath.Join(dir, "d.patch"), []byte(d), 0o644)
		cmd := exec.Command("patch", "-s", f, filepath.Join(dir, "d.patch"))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("case %d: patch: %v %s\n%s", i, err, out, d)
		}
		got, _ := os.ReadFile(f)
		if string(got) != c[1] {
			t.Errorf("case %d: got %q want %q\n%s", i, got, c[1], d)
		}
	}
	if UnifiedDiff("a", "b", "same\n", "same\n") != "" {
		t.Error("equal texts give a diff")
	}
}

func TestLineEditsRebuildTheNewText(t *testing.T) {
	for _, c := range [][2]string{
		{"a\nb\nc\n", "a\nB\nc\nd\n"},
		{"x\ny", "x\nz"},
		{"", "only\n"},
		{"gone\n", ""},
		{"1\n2\n3\n4\n5\n6\n7\n8\n", "0\n1\n2\n3\n5\n6\n7\n8\n9\n"},
	} {
		edits := LineEdits(c[0], c[1])
		got := c[0]
		for i := len(edits) - 1; i >= 0; i-- { // from the end, so offsets hold
			e := edits[i]
			got = got[:e.Start] + e.Text + got[e.End:]
		}
		if got != c[1] {
			t.Errorf("%q → %q: edits %+v give %q", c[0], c[1], edits, got)
		}
	}
}

// TestLineEditsOfALargeChangeStayBounded: a change too large for the
// line table is one replacement, still exact, without a table of
// lines × lines.
func TestLineEditsOfALargeChangeStayBounded(t *testing.T) {
	var a, b strings.Builder
	a.WriteString("same start\n")
	b.WriteString("same start\n")
	for i := 0; i < 5000; i++ {
		fmt.Fprintf(&a, "old %d\n", i)
		fmt.Fprintf(&b, "new %d\n", i)
	}
	a.WriteString("same end\n")
	b.WriteString("same end\n")
	edits := LineEdits(a.String(), b.String())
	if len(edits) != 1 || edits[0].Start != len("same start\n") || a.String()[:edits[0].Start]+edits[0].Text+a.String()[edits[0].End:] != b.String() {
		t.Errorf("%d edits", len(edits))
	}
	if d := UnifiedDiff("a", "b", a.String(), b.String()); !strings.HasPrefix(d, "--- a\n+++ b\n@@ -1,5002 +1,5002 @@\n same start\n+new 0\n") {
		t.Errorf("diff starts %.80q", d)
	}
}
