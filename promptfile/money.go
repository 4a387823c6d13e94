package promptfile

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// USD is an amount of money in picodollars (1e-12 USD). Integers keep every
// sum exact: a token of Haiku 5.5 input costs $0.0000001, far below a cent,
// and floats would drift when thousands of such amounts are added up.
// The range is about ±$9.2 million.
type USD int64

const (
	picoPerDollar = 1_000_000_000_000
	usdDecimals   = 12
)

// Dollars converts whole dollars, for constants and tests.
func Dollars(d int64) USD { return USD(d * picoPerDollar) }

// ParseUSD reads a dollar amount written as a plain decimal: "3", "0.30",
// "3.75", ".5"; a leading "$" is allowed. More than 12 decimals, signs,
// exponents and anything else are errors, so a price is never silently
// rounded.
func ParseUSD(s string) (USD, error) {
	t := strings.TrimSpace(s)
	t = strings.TrimPrefix(t, "$")
	v, err := parseScaled(t, usdDecimals)
	if err != nil {
		return 0, fmt.Errorf("invalid dollar amount %q: %v", s, err)
	}
	return USD(v), nil
}

// parseScaled reads digits with an optional fraction into an integer scaled
// by 10^scale. It rejects signs, exponents, separators and overflow.
func parseScaled(s string, scale int) (int64, error) {
	if s == "" {
		return 0, errors.New("empty")
	}
	intPart, frac, hasDot := strings.Cut(s, ".")
	if intPart == "" && frac == "" {
		return 0, errors.New("no digits")
	}
	if hasDot && frac == "" {
		return 0, errors.New("no digits after the point")
	}
	for _, p := range []string{intPart, frac} {
		for i := 0; i < len(p); i++ {
			if p[i] < '0' || p[i] > '9' {
				return 0, fmt.Errorf("unexpected %q (write a plain decimal like 3.75)", p[i])
			}
		}
	}
	if len(frac) > scale {
		// Extra zeros are harmless; real digits would be lost.
		if strings.TrimRight(frac[scale:], "0") != "" {
			return 0, fmt.Errorf("more than %d decimals", scale)
		}
		frac = frac[:scale]
	}
	var v int64
	for _, c := range intPart + frac + strings.Repeat("0", scale-len(frac)) {
		d := int64(c - '0')
		if v > (math.MaxInt64-d)/10 {
			return 0, errors.New("too large")
		}
		v = v*10 + d
	}
	return v, nil
}

// formatScaled writes v/10^scale with the given number of decimals (v is
// already rounded to them), without a sign.
func formatScaled(v uint64, scale, decimals int) string {
	s := strconv.FormatUint(v, 10)
	if len(s) <= scale {
		s = strings.Repeat("0", scale-len(s)+1) + s
	}
	whole, frac := s[:len(s)-scale], s[len(s)-scale:]
	frac = frac[:decimals]
	if decimals == 0 {
		return whole
	}
	return whole + "." + frac
}

// usdRound rounds picodollars half-up (away from zero) to the given number of
// decimals of a dollar.
func usdRound(v uint64, decimals int) uint64 {
	if decimals >= usdDecimals {
		return v
	}
	unit := usdPow10(usdDecimals - decimals)
	q, r := v/unit, v%unit
	if r*2 >= unit {
		q++
	}
	return q * unit
}

func usdPow10(n int) uint64 {
	p := uint64(1)
	for range n {
		p *= 10
	}
	return p
}

func (u USD) abs() (uint64, string) {
	if u < 0 {
		return uint64(-(u + 1)) + 1, "-"
	}
	return uint64(u), ""
}

// String formats an amount for people, rounded half-up:
//   - "$0" for zero;
//   - from $1: two decimals ("$12.34");
//   - below $1: at least 4 decimals and at least 2 significant digits, with
//     zeros beyond the 4th decimal trimmed. So $0.12 shows as "$0.1200"
//     (columns of small costs line up), $0.0037 as "$0.0037", 3 tokens at
//     $1/MTok as "$0.000003" and $0.00012345 as "$0.00012".
func (u USD) String() string {
	if u == 0 {
		return "$0"
	}
	v, sign := u.abs()
	if v < picoPerDollar {
		// The 2nd significant digit sets how many decimals are needed.
		decimals := 4
		for d := 1; d <= usdDecimals; d++ {
			if v >= usdPow10(usdDecimals-d) { // first significant digit at decimal d
				decimals = max(4, min(d+1, usdDecimals))
				break
			}
		}
		r := usdRound(v, decimals)
		if r < picoPerDollar {
			s := formatScaled(r, usdDecimals, decimals)
			if decimals > 4 {
				s = strings.TrimRight(s, "0")
				if i := strings.IndexByte(s, '.'); len(s)-i-1 < 4 {
					s += strings.Repeat("0", 4-(len(s)-i-1))
				}
			}
			return sign + "$" + s
		}
		// Rounded up to a dollar: fall through to the dollar format.
	}
	return sign + "$" + formatScaled(usdRound(v, 2), usdDecimals, 2)
}

// Decimal is the exact amount as a plain decimal without "$" or trailing
// zeros ("3", "0.3", "0.000001"): the form used in models.json.
func (u USD) Decimal() string {
	v, sign := u.abs()
	s := formatScaled(v, usdDecimals, usdDecimals)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return sign + s
}

// MarshalJSON writes the amount as an exact JSON number of dollars, e.g.
// 0.000003 (never a float's approximation): every --json output and the
// records use this one type.
func (u USD) MarshalJSON() ([]byte, error) { return []byte(u.Decimal()), nil }

// UnmarshalJSON reads a decimal string or a JSON number (from its literal
// text, so no float rounding happens).
func (u *USD) UnmarshalJSON(b []byte) error {
	s, err := jsonScalarText(b)
	if err != nil {
		return err
	}
	v, err := ParseUSD(s)
	if err != nil {
		return err
	}
	*u = v
	return nil
}

// MarshalYAML writes the amount as a decimal string.
func (u USD) MarshalYAML() (any, error) { return u.Decimal(), nil }

// UnmarshalYAML reads a price written as a string or a number.
func (u *USD) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: expected a dollar amount", n.Line)
	}
	v, err := ParseUSD(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %v", n.Line, err)
	}
	*u = v
	return nil
}

// jsonScalarText returns the text of a JSON string or number.
func jsonScalarText(b []byte) (string, error) {
	var s string
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return "", err
		}
		return s, nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return "", fmt.Errorf("expected a decimal string or number, got %s", b)
	}
	return n.String(), nil
}

// Multiplier is a price factor in parts per million: 1.25 is 1_250_000.
type Multiplier int64

// MultiplierOne is the multiplier 1.
const MultiplierOne Multiplier = 1_000_000

const multiplierDecimals = 6

// ParseMultiplier reads a factor such as "1.25", "0.1" or "2" (at most six
// decimals, no sign).
func ParseMultiplier(s string) (Multiplier, error) {
	v, err := parseScaled(strings.TrimSpace(s), multiplierDecimals)
	if err != nil {
		return 0, fmt.Errorf("invalid multiplier %q: %v", s, err)
	}
	return Multiplier(v), nil
}

// String writes the factor as a short decimal: "1.25", "0.1", "2".
func (m Multiplier) String() string {
	v, sign := uint64(m), ""
	if m < 0 {
		v, sign = uint64(-m), "-"
	}
	s := formatScaled(v, multiplierDecimals, multiplierDecimals)
	return sign + strings.TrimRight(strings.TrimRight(s, "0"), ".")
}

// Times combines two factors (e.g. a cache write at batch price), rounded
// half-up to the nearest part per million; negative factors count as zero and
// an out-of-range product saturates.
func (m Multiplier) Times(o Multiplier) Multiplier {
	if m <= 0 || o <= 0 {
		return 0
	}
	hi, lo := bits.Mul64(uint64(m), uint64(o))
	if hi >= uint64(MultiplierOne) {
		return math.MaxInt64
	}
	q, r := bits.Div64(hi, lo, uint64(MultiplierOne))
	if r >= uint64(MultiplierOne)-r {
		q++
	}
	if q > math.MaxInt64 {
		return math.MaxInt64
	}
	return Multiplier(q)
}

// MarshalJSON writes the factor as a JSON number.
func (m Multiplier) MarshalJSON() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalJSON reads a decimal string or a JSON number.
func (m *Multiplier) UnmarshalJSON(b []byte) error {
	s, err := jsonScalarText(b)
	if err != nil {
		return err
	}
	v, err := ParseMultiplier(s)
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// MarshalYAML writes the factor as a number.
func (m Multiplier) MarshalYAML() (any, error) {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!float", Value: m.String()}, nil
}

// UnmarshalYAML reads a factor written as a number or a string.
func (m *Multiplier) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: expected a number", n.Line)
	}
	v, err := ParseMultiplier(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %v", n.Line, err)
	}
	*m = v
	return nil
}

// CostOf is tokens × perMTok / 1e6 × m / 1e6, rounded half-up to a
// picodollar. The product is computed in 128 bits, so it is exact for any
// realistic input (1e12 tokens at $1000/MTok times 10 still fits); a result
// beyond USD's range saturates at the largest amount instead of wrapping.
func CostOf(tokens int64, perMTok USD, m Multiplier) USD {
	neg := false
	abs := func(x int64) uint64 {
		if x < 0 {
			neg = !neg
			return uint64(-(x + 1)) + 1
		}
		return uint64(x)
	}
	t, p, k := abs(tokens), abs(int64(perMTok)), abs(int64(m))
	if t == 0 || p == 0 || k == 0 {
		return 0
	}
	// (hi, lo) = t × p, then × k into three words (w2, hi, lo).
	hi, lo := bits.Mul64(t, p)
	h1, l1 := bits.Mul64(lo, k)
	h2, l2 := bits.Mul64(hi, k)
	mid, carry := bits.Add64(h1, l2, 0)
	w2 := h2 + carry
	const div = uint64(MultiplierOne) * 1_000_000 // 1e6 for MTok, 1e6 for the multiplier
	if w2 != 0 || mid >= div {
		return saturateUSD(neg)
	}
	q, r := bits.Div64(mid, l1, div)
	if r >= div-r { // r*2 >= div without overflow
		q++
	}
	if q > math.MaxInt64 {
		return saturateUSD(neg)
	}
	if neg {
		return -USD(q)
	}
	return USD(q)
}

func saturateUSD(neg bool) USD {
	if neg {
		return math.MinInt64 + 1
	}
	return math.MaxInt64
}
