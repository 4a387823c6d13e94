package workbench

import (
	"fmt"
	"strings"
)

// UnifiedDiff is a unified diff (3 lines of context) from old to new, with
// the given file names; "" when they are equal. A line diff by longest
// common subsequence: prompts are small.
func UnifiedDiff(oldName, newName, old, new string) string {
	a, b := diffSplit(old), diffSplit(new)
	ops := diffLines(a, b)
	if len(ops) == 0 {
		return ""
	}
	var out strings.Builder
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", oldName, newName)
	const ctx = 3
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		start := max(i-ctx, 0)
		end := i
		for end < len(ops) {
			if ops[end].kind != ' ' {
				end++
				continue
			}
			run := end
			for run < len(ops) && ops[run].kind == ' ' {
				run++
			}
			if run == len(ops) || run-end > 2*ctx {
				end = min(end+ctx, len(ops))
				break
			}
			end = run
		}
		hunk := ops[start:end]
		aStart, bStart, aN, bN := hunk[0].a, hunk[0].b, 0, 0
		for _, op := range hunk {
			if op.kind != '+' {
				aN++
			}
			if op.kind != '-' {
				bN++
			}
		}
		fmt.Fprintf(&out, "@@ -%s +%s @@\n", hunkRange(aStart, aN), hunkRange(bStart, bN))
		for _, op := range hunk {
			out.WriteByte(op.kind)
			out.WriteString(op.text)
			out.WriteByte('\n')
			if op.noEOL {
				out.WriteString("\\ No newline at end of file\n")
			}
		}
		i = end
	}
	return out.String()
}

func hunkRange(start, n int) string {
	if n == 0 {
		return fmt.Sprintf("%d,0", start)
	}
	if n == 1 {
		return fmt.Sprint(start + 1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}

type diffLine struct {
	text  string
	noEOL bool
}

func diffSplit(s string) []diffLine {
	if s == "" {
		return nil
	}
	parts := strings.SplitAfter(s, "\n")
	if parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	out := make([]diffLine, len(parts))
	for i, p := range parts {
		t, ok := strings.CutSuffix(p, "\n")
		out[i] = diffLine{text: strings.TrimSuffix(t, "\r"), noEOL: !ok}
	}
	return out
}

type diffOp struct {
	kind  byte // ' ', '-', '+'
	text  string
	noEOL bool
	a, b  int // the line's index in old and new (before it, for inserts and deletes)
}

// maxLCSCells bounds the table of the line diff (lines × lines, after the
// common start and end are set aside); a bigger change is one replacement.
const maxLCSCells = 1 << 22

// diffLines is the edit script from a to b; nil when they are equal.
func diffLines(a, b []diffLine) []diffOp {
	n, m := len(a), len(b)
	pre := 0
	for pre < n && pre < m && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < n-pre && suf < m-pre && a[n-1-suf] == b[m-1-suf] {
		suf++
	}
	small := (n-pre-suf)*(m-pre-suf) <= maxLCSCells
	var lcs [][]int
	if small {
		lcs = make([][]int, n-pre-suf+1)
		for i := range lcs {
			lcs[i] = make([]int, m-pre-suf+1)
		}
		for i := n - suf - 1; i >= pre; i-- {
			for j := m - suf - 1; j >= pre; j-- {
				if a[i] == b[j] {
					lcs[i-pre][j-pre] = lcs[i-pre+1][j-pre+1] + 1
				} else {
					lcs[i-pre][j-pre] = max(lcs[i-pre+1][j-pre], lcs[i-pre][j-pre+1])
				}
			}
		}
	}
	var ops []diffOp
	changed := false
	i, j := 0, 0
	for i < n || j < m {
		inMid := i >= pre && j >= pre && i < n-suf && j < m-suf
		switch {
		case i < n && j < m && a[i] == b[j] && ((i < pre && j < pre) || (i >= n-suf && j >= m-suf) || (inMid && small)):
			ops = append(ops, diffOp{' ', a[i].text, a[i].noEOL, i, j})
			i, j = i+1, j+1
		case j < m && (i == n || i >= n-suf || (inMid && (!small || lcs[i-pre][j-pre+1] >= lcs[i-pre+1][j-pre]))):
			ops = append(ops, diffOp{'+', b[j].text, b[j].noEOL, i, j})
			j, changed = j+1, true
		default:
			ops = append(ops, diffOp{'-', a[i].text, a[i].noEOL, i, j})
			i, changed = i+1, true
		}
	}
	if !changed {
		return nil
	}
	return ops
}

// LineEdit replaces old[Start:End] (whole lines) with Text.
type LineEdit struct {
	Start, End int
	Text       string
}

// LineEdits are the changes from old to new as one edit per changed run of
// lines, so an editor can show (and accept) each on its own.
func LineEdits(old, new string) []LineEdit {
	rawOld, rawNew := strings.SplitAfter(old, "\n"), strings.SplitAfter(new, "\n")
	offsets := make([]int, len(rawOld)+1)
	for i, l := range rawOld {
		offsets[i+1] = offsets[i] + len(l)
	}
	ops := diffLines(diffSplit(old), diffSplit(new))
	var out []LineEdit
	for i := 0; i < len(ops); {
		if ops[i].kind == ' ' {
			i++
			continue
		}
		e := LineEdit{Start: offsets[min(ops[i].a, len(rawOld))]}
		end := ops[i].a
		var text strings.Builder
		for ; i < len(ops) && ops[i].kind != ' '; i++ {
			if ops[i].kind == '-' {
				end = ops[i].a + 1
			} else {
				text.WriteString(rawNew[ops[i].b])
			}
		}
		e.End, e.Text = offsets[min(end, len(rawOld))], text.String()
		out = append(out, e)
	}
	return out
}
