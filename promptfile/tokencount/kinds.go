package tokencount

import (
	"unicode"
	"unicode/utf8"
)

// Kind is the kind of text a pre-tokenizer piece holds. Claude's tokenizers
// differ from tiktoken's, and from each other, by kind of text (English
// prose, code, CJK…), so counts are kept per kind and each kind is scaled
// by its own factor (see promptfile/estimate.go). The kind of a piece is
// read from its first letter, digit or symbol: cheap, and done while the
// piece is counted, so it is cached with the chunk's count.
type Kind uint8

const (
	KindShort    Kind = iota // a Latin word of ≤ 6 letters that is one token (" the", "Hello")
	KindWord                 // another Latin word led by a space: prose
	KindIdent                // another Latin word, not led by a space: identifiers, code
	KindDigit                // digits (tiktoken takes 1-3 at a time)
	KindCJK                  // Han, kana, Hangul
	KindCyrillic             // Cyrillic letters
	KindArabic               // Arabic and Hebrew letters
	KindOther                // letters of other scripts (Greek, Devanagari, Thai…)
	KindPunct                // punctuation, symbols, emoji
	KindSpace                // white space only: indentation, blank lines
	NumKinds
)

var kindNames = [NumKinds]string{"short", "word", "ident", "digit", "cjk", "cyrillic", "arabic", "other", "punct", "space"}

func (k Kind) String() string {
	if k < NumKinds {
		return kindNames[k]
	}
	return "?"
}

// Kinds is a token count split by kind.
type Kinds [NumKinds]int32

// Total is the token count of all kinds.
func (k *Kinds) Total() int {
	n := 0
	for _, v := range k {
		n += int(v)
	}
	return n
}

func (k *Kinds) add(o *Kinds) {
	for i := range k {
		k[i] += o[i]
	}
}

// shortLetters is the longest word that counts as KindShort: the common
// short words are one token in every tokenizer.
const shortLetters = 6

// pieceKind classifies a piece of n tokens.
func pieceKind(piece string, n int) Kind {
	r0, size := rune(piece[0]), 1
	if r0 >= utf8.RuneSelf {
		r0, size = utf8.DecodeRuneInString(piece)
	}
	if isLetter(r0) {
		return wordKind(piece, r0, false, n)
	}
	if size < len(piece) {
		// "[^\r\n\p{L}\p{N}]?\p{L}+": one space or symbol before letters.
		r1 := rune(piece[size])
		if r1 >= utf8.RuneSelf {
			r1, _ = utf8.DecodeRuneInString(piece[size:])
		}
		if isLetter(r1) {
			return wordKind(piece[size:], r1, r0 == ' ', n)
		}
	}
	switch {
	case r0 < utf8.RuneSelf && '0' <= r0 && r0 <= '9', r0 >= utf8.RuneSelf && unicode.IsNumber(r0):
		return KindDigit
	case allSpace(piece):
		return KindSpace
	}
	return KindPunct
}

func isLetter(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiClass[r]&clsL != 0
	}
	return unicode.IsLetter(r)
}

// wordKind classifies letters starting with r (spaced: led by a space).
func wordKind(letters string, r rune, spaced bool, n int) Kind {
	if r >= utf8.RuneSelf {
		switch {
		case unicode.Is(unicode.Latin, r):
		case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul):
			return KindCJK
		case unicode.Is(unicode.Cyrillic, r):
			return KindCyrillic
		case unicode.In(r, unicode.Arabic, unicode.Hebrew):
			return KindArabic
		default:
			return KindOther
		}
	}
	if n == 1 && len(letters) <= shortLetters {
		return KindShort
	}
	if spaced {
		return KindWord
	}
	return KindIdent
}

func allSpace(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

// countKinds counts the tokens of s by kind; s must be valid UTF-8 and
// pre-tokenized on its own (see countText).
func (e *encoding) countKinds(s string) Kinds {
	var k Kinds
	prev := KindSpace
	for p := 0; p < len(s); {
		q := e.next(s, p)
		n := e.pieceTokens(s[p:q])
		kind := pieceKind(s[p:q], n)
		// Letters glued to digits are hex, ids, units: data, not words.
		// (No chunk is cut between a digit and a letter: see isCut.)
		if prev == KindDigit && kind <= KindIdent && isLetter(rune(s[p])) {
			kind = KindDigit
		}
		k[kind] += int32(n)
		prev = kind
		p = q
	}
	return k
}
