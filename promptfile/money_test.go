package promptfile

import (
	"encoding/json"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestMoneyParseUSD(t *testing.T) {
	tests := []struct {
		in   string
		want USD
	}{
		{"3", 3_000_000_000_000},
		{"0.30", 300_000_000_000},
		{"3.75", 3_750_000_000_000},
		{"$15", Dollars(15)},
		{" 0.1 ", 100_000_000_000},
		{".5", 500_000_000_000},
		{"0", 0},
		{"0.000000000001", 1},
		{"1.2500000000000", 1_250_000_000_000}, // zeros past 12 decimals lose nothing
		{"9000000", Dollars(9_000_000)},
	}
	for _, tt := range tests {
		got, err := ParseUSD(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseUSD(%q) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}

func TestMoneyParseUSDErrors(t *testing.T) {
	for _, in := range []string{
		"", "$", ".", "3.", "-3", "+3", "3e2", "1,000", "1_000", "three",
		"0.0000000000001",                   // 13 decimals
		"3.1.4", "$$3", "3 USD", "10000000", // beyond ±$9.2M
		"0x10", "NaN", "Inf",
	} {
		if got, err := ParseUSD(in); err == nil {
			t.Errorf("ParseUSD(%q) = %d, want an error", in, got)
		}
	}
}

func TestMoneyString(t *testing.T) {
	tests := []struct {
		in   USD
		want string
	}{
		{0, "$0"},
		{Dollars(12) + 340_000_000_000, "$12.34"},
		{Dollars(1), "$1.00"},
		{Dollars(12) + 345_000_000_000, "$12.35"}, // half-up
		{Dollars(12) + 344_999_999_999, "$12.34"},
		{120_000_000_000, "$0.1200"},
		{3_700_000_000, "$0.0037"},
		{3_000_000, "$0.000003"},   // 3 tokens at $1/MTok
		{3_456_700, "$0.0000035"},  // 2 significant digits, half-up
		{123_450_000, "$0.00012"},  // 0.00012345
		{370_000_000, "$0.00037"},  // 4 decimals would show one digit
		{999_000_000, "$0.0010"},   // rounds up into a new digit
		{999_990_000_000, "$1.00"}, // rounds up to a dollar
		{1, "$0.000000000001"},
		{-3_700_000_000, "-$0.0037"},
		{-Dollars(2), "-$2.00"},
		{math.MaxInt64, "$9223372.04"},
	}
	for _, tt := range tests {
		if got := tt.in.String(); got != tt.want {
			t.Errorf("USD(%d).String() = %q, want %q", int64(tt.in), got, tt.want)
		}
	}
}

func TestMoneyDecimalRoundTrip(t *testing.T) {
	for _, s := range []string{"3", "0.3", "0.000001", "12.5", "0", "0.000000000001"} {
		u, err := ParseUSD(s)
		if err != nil {
			t.Fatal(err)
		}
		if got := u.Decimal(); got != s {
			t.Errorf("ParseUSD(%q).Decimal() = %q", s, got)
		}
	}
}

func TestMoneyJSONAndYAML(t *testing.T) {
	var p struct {
		A, B USD
		M, N Multiplier
	}
	if err := json.Unmarshal([]byte(`{"A":"0.30","B":3.75,"M":"1.25","N":0.1}`), &p); err != nil {
		t.Fatal(err)
	}
	if p.A != 300_000_000_000 || p.B != 3_750_000_000_000 || p.M != 1_250_000 || p.N != 100_000 {
		t.Errorf("JSON decode = %+v", p)
	}
	b, _ := json.Marshal(p)
	// Amounts are exact JSON numbers, like multipliers: one type in every --json.
	if string(b) != `{"A":0.3,"B":3.75,"M":1.25,"N":0.1}` {
		t.Errorf("JSON encode = %s", b)
	}
	for _, bad := range []string{`{"A":"x"}`, `{"A":-1}`, `{"A":1e3}`, `{"M":true}`, `{"A":null}`} {
		if err := json.Unmarshal([]byte(bad), &p); err == nil && bad != `{"A":null}` {
			t.Errorf("JSON %s: no error", bad)
		}
	}
	var y struct {
		A USD        `yaml:"a"`
		B USD        `yaml:"b"`
		M Multiplier `yaml:"m"`
	}
	if err := yaml.Unmarshal([]byte("a: 0.30\nb: \"3\"\nm: 2\n"), &y); err != nil {
		t.Fatal(err)
	}
	if y.A != 300_000_000_000 || y.B != Dollars(3) || y.M != 2_000_000 {
		t.Errorf("YAML decode = %+v", y)
	}
	if err := yaml.Unmarshal([]byte("a: [1]\n"), &y); err == nil {
		t.Error("YAML list as price: no error")
	}
}

func TestMoneyMultiplier(t *testing.T) {
	tests := []struct {
		in   string
		want Multiplier
		str  string
	}{
		{"1.25", 1_250_000, "1.25"},
		{"0.1", 100_000, "0.1"},
		{"2", 2_000_000, "2"},
		{"0.025", 25_000, "0.025"},
		{"0.000001", 1, "0.000001"},
	}
	for _, tt := range tests {
		got, err := ParseMultiplier(tt.in)
		if err != nil || got != tt.want || got.String() != tt.str {
			t.Errorf("ParseMultiplier(%q) = %d (%s), %v; want %d (%s)", tt.in, got, got, err, tt.want, tt.str)
		}
	}
	for _, bad := range []string{"", "-1", "1.0000001", "x", "1e2"} {
		if _, err := ParseMultiplier(bad); err == nil {
			t.Errorf("ParseMultiplier(%q): no error", bad)
		}
	}
	if got := Multiplier(1_250_000).Times(500_000); got != 625_000 {
		t.Errorf("1.25 × 0.5 = %s", got)
	}
	if got := Multiplier(3).Times(500_000); got != 2 { // 1.5 ppm rounds half-up
		t.Errorf("0.000003 × 0.5 = %d ppm, want 2", got)
	}
	if got := Multiplier(math.MaxInt64).Times(math.MaxInt64); got != math.MaxInt64 {
		t.Errorf("huge product = %d, want saturation", got)
	}
}

func TestMoneyCostOf(t *testing.T) {
	tests := []struct {
		name   string
		tokens int64
		price  string
		mult   Multiplier
		want   USD
	}{
		{"1,234 tokens of Sonnet 4.6 input", 1234, "3", MultiplierOne, 3_702_000_000}, // $0.003702
		{"1h cache write on Haiku 4.5", 1000, "1", 2_000_000, 2_000_000_000},          // $0.002
		{"5m cache write on Sonnet 4.6", 1000, "3", 1_250_000, 3_750_000_000},         // $0.00375
		{"cache read on Opus 5.5", 1_000_000, "4", 50_000, Dollars(1) / 5},            // $0.20
		{"one token of Haiku 5.5", 1, "0.1", MultiplierOne, 100_000},                  // $0.0000001
		{"batch output", 1024, "15", 500_000, 7_680_000_000},                          // $0.00768
		{"half a picodollar rounds up", 500_000, "0.000000000001", MultiplierOne, 1},
		{"below half rounds down", 499_999, "0.000000000001", MultiplierOne, 0},
		{"zero tokens", 0, "15", MultiplierOne, 0},
		{"a trillion tokens at $1", 1_000_000_000_000, "1", MultiplierOne, Dollars(1_000_000)},
		{"a trillion tokens at $1000 saturates", 1_000_000_000_000, "1000", 10_000_000, math.MaxInt64},
		{"negative tokens", -1234, "3", MultiplierOne, -3_702_000_000},
	}
	for _, tt := range tests {
		p, err := ParseUSD(tt.price)
		if err != nil {
			t.Fatal(err)
		}
		if got := CostOf(tt.tokens, p, tt.mult); got != tt.want {
			t.Errorf("%s: CostOf(%d, %s, %s) = %d (%s), want %d (%s)", tt.name, tt.tokens, tt.price, tt.mult, got, got, tt.want, tt.want)
		}
	}
}

// TestMoneyCostOfMatchesBigInt checks the 128-bit arithmetic against math/big
// over random inputs in the documented range.
func TestMoneyCostOfMatchesBigInt(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	div := big.NewInt(1_000_000_000_000)
	for range 20000 {
		tokens := r.Int64N(1_000_000_000_000 + 1)
		price := USD(r.Int64N(int64(Dollars(1000)) + 1))
		mult := Multiplier(r.Int64N(10_000_000 + 1))
		if r.IntN(4) == 0 { // also small, everyday values
			tokens, price = r.Int64N(200_000), USD(r.Int64N(int64(Dollars(100))))
		}
		n := new(big.Int).Mul(big.NewInt(tokens), big.NewInt(int64(price)))
		n.Mul(n, big.NewInt(int64(mult)))
		q, rem := new(big.Int).QuoRem(n, div, new(big.Int))
		if rem.Mul(rem, big.NewInt(2)).Cmp(div) >= 0 {
			q.Add(q, big.NewInt(1))
		}
		want := USD(math.MaxInt64)
		if q.IsInt64() {
			want = USD(q.Int64())
		}
		if got := CostOf(tokens, price, mult); got != want {
			t.Fatalf("CostOf(%d, %d, %d) = %d, want %d", tokens, price, mult, got, want)
		}
	}
}
