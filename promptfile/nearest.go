package promptfile

import (
	"strings"
	"unicode/utf8"
)

// Nearest returns the candidate closest to name, for "did you mean"
// messages: the smallest edit distance (case-insensitive; a swap of two
// neighbouring letters counts as one edit), accepted when it is at most
// max(2, len(name)/3) and leaves something of name standing. Failing that, a
// candidate that name is a prefix of (3 letters or more) is accepted, the
// shortest first: "max" suggests "max_tokens". Ties go to the candidate
// sharing the longest prefix with name, then to the earliest. It returns
// false when nothing is reasonably close.
func Nearest(name string, candidates []string) (string, bool) {
	if name == "" || len(candidates) == 0 {
		return "", false
	}
	lname := []rune(strings.ToLower(name))
	n := len(lname)
	limit := max(2, n/3)

	best, bestDist, bestPrefix := -1, 0, 0
	for i, c := range candidates {
		lc := []rune(strings.ToLower(c))
		d := osaDistance(lname, lc)
		if d > limit || d >= n {
			continue
		}
		p := commonPrefixLen(lname, lc)
		if best < 0 || d < bestDist || (d == bestDist && p > bestPrefix) {
			best, bestDist, bestPrefix = i, d, p
		}
	}
	if best >= 0 {
		return candidates[best], true
	}

	if utf8.RuneCountInString(name) >= 3 {
		lower := string(lname)
		best = -1
		for i, c := range candidates {
			if strings.HasPrefix(strings.ToLower(c), lower) &&
				(best < 0 || len(c) < len(candidates[best])) {
				best = i
			}
		}
		if best >= 0 {
			return candidates[best], true
		}
	}
	return "", false
}

func commonPrefixLen(a, b []rune) int {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return i
}

// osaDistance is the optimal string alignment distance: insertions,
// deletions, substitutions and swaps of adjacent runes each cost one.
func osaDistance(a, b []rune) int {
	// Three rolling rows: the swap rule looks two rows back.
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
