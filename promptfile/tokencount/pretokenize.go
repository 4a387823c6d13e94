package tokencount

import (
	"unicode"
	"unicode/utf8"
)

// This file is a hand-written equivalent of the pre-tokenizer regexes that
// tiktoken-go v0.1.8 runs through regexp2 (a backtracking engine with
// leftmost-first alternation):
//
//	cl100k_base:
//	  (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|
//	  ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
//	o200k_base:
//	  [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|…|'d)?|
//	  [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|…|'d)?|
//	  \p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+
//
// Each next* function returns the end of the match that regexp2 finds at p,
// i.e. it reproduces the first successful path of the backtracking search,
// not just "some" match. The classes are the ones regexp2 uses: \s is
// unicode.IsSpace, \p{X} is unicode.Categories["X"], and (?i) compares
// unicode.ToLower of the input rune. Every rune is covered by some
// alternative, so the pieces tile the text. The input must be valid UTF-8
// (tiktoken-go decodes with []rune, so callers replace invalid bytes first).

// Rune class bits.
const (
	clsL     = 1 << iota // \p{L}
	clsN                 // \p{N}
	clsS                 // \s
	clsM                 // \p{M}
	clsUpper             // [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}] (o200k "upper" class)
	clsLower             // [\p{Ll}\p{Lm}\p{Lo}\p{M}] (o200k "lower" class)
)

var asciiClass [utf8.RuneSelf]uint8

func init() {
	for r := rune(0); r < utf8.RuneSelf; r++ {
		asciiClass[r] = slowClass(r)
	}
}

func slowClass(r rune) uint8 {
	var c uint8
	if unicode.IsSpace(r) {
		c |= clsS
	}
	if unicode.Is(unicode.N, r) {
		c |= clsN
	}
	if unicode.Is(unicode.M, r) {
		c |= clsM | clsUpper | clsLower
	}
	if unicode.Is(unicode.L, r) {
		c |= clsL
		switch {
		case unicode.Is(unicode.Lu, r), unicode.Is(unicode.Lt, r):
			c |= clsUpper
		case unicode.Is(unicode.Ll, r):
			c |= clsLower
		default: // Lm, Lo are in both o200k letter classes
			c |= clsUpper | clsLower
		}
	}
	return c
}

// decode returns the rune at s[i:], its size and its class bits.
func decode(s string, i int) (rune, int, uint8) {
	if b := s[i]; b < utf8.RuneSelf {
		return rune(b), 1, asciiClass[b]
	}
	r, n := utf8.DecodeRuneInString(s[i:])
	return r, n, slowClass(r)
}

// isX reports membership of [^\r\n\p{L}\p{N}].
func isX(r rune, c uint8) bool {
	return c&(clsL|clsN) == 0 && r != '\r' && r != '\n'
}

// isP reports membership of [^\s\p{L}\p{N}].
func isP(c uint8) bool { return c&(clsS|clsL|clsN) == 0 }

// contraction returns the end of (?i:'s|'t|'re|'ve|'m|'ll|'d) at p, or -1.
func contraction(s string, p int) int {
	if p >= len(s) || s[p] != '\'' || p+1 >= len(s) {
		return -1
	}
	r1, n1, _ := decode(s, p+1)
	switch unicode.ToLower(r1) {
	case 's', 't', 'm', 'd':
		return p + 1 + n1
	case 'r', 'v':
		return second(s, p+1+n1, 'e')
	case 'l':
		return second(s, p+1+n1, 'l')
	}
	return -1
}

func second(s string, i int, want rune) int {
	if i >= len(s) {
		return -1
	}
	r, n, _ := decode(s, i)
	if unicode.ToLower(r) == want {
		return i + n
	}
	return -1
}

// runWhile returns the end of the run of runes at i whose class has any of bits.
func runWhile(s string, i int, bits uint8) int {
	for i < len(s) {
		_, n, c := decode(s, i)
		if c&bits == 0 {
			break
		}
		i += n
	}
	return i
}

// punctTail is ` ?[^\s\p{L}\p{N}]+` followed by [\r\n]* (or [\r\n/]* when
// slash is set), starting at p; -1 if it does not match.
func punctTail(s string, p int, r0 rune, n0 int, c0 uint8, slash bool) int {
	start := -1
	if r0 == ' ' && p+1 < len(s) {
		if _, _, c1 := decode(s, p+1); isP(c1) {
			start = p + 1
		}
	}
	if start < 0 && isP(c0) {
		start = p
	}
	if start < 0 {
		return -1
	}
	i := start
	for i < len(s) {
		_, n, c := decode(s, i)
		if !isP(c) {
			break
		}
		i += n
	}
	for i < len(s) && (s[i] == '\r' || s[i] == '\n' || (slash && s[i] == '/')) {
		i++
	}
	return i
}

// spaces handles \s*[\r\n]+|\s+(?!\S)|\s+ at p, where s[p:] starts with \s.
func spaces(s string, p int) int {
	lastNL := -1 // index of the last \r or \n in the run
	lastStart := p
	i := p
	for i < len(s) {
		r, n, c := decode(s, i)
		if c&clsS == 0 {
			break
		}
		if r == '\r' || r == '\n' {
			lastNL = i
		}
		lastStart = i
		i += n
	}
	if lastNL >= 0 { // \s*[\r\n]+: greedy \s* then back off to the last newline
		return lastNL + 1
	}
	if i == len(s) { // \s+(?!\S) at the end of the text
		return i
	}
	if lastStart > p { // \s+(?!\S) backs off one rune so that \S does not follow
		return lastStart
	}
	return i // \s+: a single space before \S
}

// nextCL100K returns the end of the cl100k_base piece starting at p.
func nextCL100K(s string, p int) int {
	r0, n0, c0 := decode(s, p)
	if r0 == '\'' {
		if e := contraction(s, p); e >= 0 {
			return e
		}
	}
	// [^\r\n\p{L}\p{N}]?\p{L}+
	if c0&clsL != 0 {
		return runWhile(s, p+n0, clsL)
	}
	if isX(r0, c0) && p+n0 < len(s) {
		if _, n1, c1 := decode(s, p+n0); c1&clsL != 0 {
			return runWhile(s, p+n0+n1, clsL)
		}
	}
	// \p{N}{1,3}
	if c0&clsN != 0 {
		return digits(s, p+n0)
	}
	if e := punctTail(s, p, r0, n0, c0, false); e >= 0 {
		return e
	}
	return spaces(s, p)
}

// digits ends \p{N}{1,3} whose first rune ends at i.
func digits(s string, i int) int {
	for k := 0; k < 2 && i < len(s); k++ {
		_, n, c := decode(s, i)
		if c&clsN == 0 {
			break
		}
		i += n
	}
	return i
}

// o200kUpperLower is X? U* L+ C? (alternative 1) from s0: U* is greedy and
// backs off rune by rune until L+ can match, so the match ends at the end of
// the L run after the U run if there is one, else right after the last rune
// of the U run that is also in L. -1 if no path matches.
func o200kUpperLower(s string, s0 int) int {
	i := s0
	lastLower := -1
	for i < len(s) {
		_, n, c := decode(s, i)
		if c&clsUpper == 0 {
			break
		}
		i += n
		if c&clsLower != 0 {
			lastLower = i
		}
	}
	end := -1
	if i < len(s) {
		if _, n, c := decode(s, i); c&clsLower != 0 {
			end = runWhile(s, i+n, clsLower)
		}
	}
	if end < 0 {
		end = lastLower
	}
	if end < 0 {
		return -1
	}
	if e := contraction(s, end); e >= 0 {
		return e
	}
	return end
}

// o200kUpperThenLower is X? U+ L* C? (alternative 2) from s0, or -1.
func o200kUpperThenLower(s string, s0 int) int {
	if s0 >= len(s) {
		return -1
	}
	_, n, c := decode(s, s0)
	if c&clsUpper == 0 {
		return -1
	}
	end := runWhile(s, runWhile(s, s0+n, clsUpper), clsLower)
	if e := contraction(s, end); e >= 0 {
		return e
	}
	return end
}

// nextO200K returns the end of the o200k_base piece starting at p.
func nextO200K(s string, p int) int {
	r0, n0, c0 := decode(s, p)
	x := isX(r0, c0)
	if x || c0&(clsUpper|clsLower) != 0 {
		// Alternatives 1 and 2, each first with the optional X consumed, then without.
		if x {
			if e := o200kUpperLower(s, p+n0); e >= 0 {
				return e
			}
		}
		if e := o200kUpperLower(s, p); e >= 0 {
			return e
		}
		if x {
			if e := o200kUpperThenLower(s, p+n0); e >= 0 {
				return e
			}
		}
		if e := o200kUpperThenLower(s, p); e >= 0 {
			return e
		}
	}
	if c0&clsN != 0 {
		return digits(s, p+n0)
	}
	if e := punctTail(s, p, r0, n0, c0, true); e >= 0 {
		return e
	}
	return spaces(s, p)
}
