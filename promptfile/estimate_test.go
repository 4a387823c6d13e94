package promptfile

import (
	"math"
	"os"
	"path"
	"strconv"
	"strings"
	"testing"
)

// estimateCase is a request whose exact count the API reported in public:
// testdata/estimate/*.txtar hold the request as a .prompt file, the count
// and where it was published.
type estimateCase struct {
	name, about, source string
	api                 int
	res                 *Result
}

func loadEstimateCases(t *testing.T) []estimateCase {
	t.Helper()
	var cases []estimateCase
	for _, file := range txtarFiles(t, "testdata/estimate") {
		ar, res := loadCase(t, file)
		c := estimateCase{name: strings.TrimSuffix(path.Base(file), ".txtar"), about: strings.Join(strings.Fields(string(ar.Comment)), " "), res: res}
		for _, line := range strings.Split(string(ar.Get("case")), "\n") {
			k, v, _ := strings.Cut(line, ":")
			switch v = strings.TrimSpace(v); k {
			case "api":
				c.api, _ = strconv.Atoi(v)
			case "source":
				c.source = v
			}
		}
		if c.api <= 0 || c.source == "" || res.Model == nil {
			t.Fatalf("%s: needs api, source and a known model", file)
		}
		for _, d := range res.Diagnostics {
			if d.Severity == Error {
				t.Fatalf("%s: %s", file, d.Message)
			}
		}
		cases = append(cases, c)
	}
	return cases
}

func relErr(est, api int) float64 { return float64(est-api) / float64(api) }

// TestEstimateCases pins every documented case within ±5 % of the API's
// count, uncalibrated.
func TestEstimateCases(t *testing.T) {
	for _, c := range loadEstimateCases(t) {
		got := c.res.Tokens.Input
		if e := relErr(got, c.api); math.Abs(e) > 0.05 {
			t.Errorf("%s on %s: estimate %d, the API counted %d (%+.1f %%, beyond ±5 %%)", c.name, c.res.Model.ID, got, c.api, 100*e)
		}
	}
}

// TestEstimateCalibrated calibrates each model from all its documented
// cases as a workspace does (Σ real ÷ Σ Raw becomes its token_factor) and
// wants every case of that model within ±3 %.
func TestEstimateCalibrated(t *testing.T) {
	cases := loadEstimateCases(t)
	real, raw := map[string]int{}, map[string]int{}
	for _, c := range cases {
		real[c.res.Model.ID] += c.api
		raw[c.res.Model.ID] += c.res.Tokens.Raw
	}
	for _, c := range cases {
		m := *c.res.Model
		m.TokenFactor = float64(real[m.ID]) / float64(raw[m.ID])
		got := estimateRendering(c.res, &m, kindsOf(testCounters)).result(c.res, nil).Input
		if e := relErr(got, c.api); math.Abs(e) > 0.03 {
			t.Errorf("%s on %s calibrated (factor %.3f): estimate %d, the API counted %d (%+.1f %%, beyond ±3 %%)", c.name, m.ID, m.TokenFactor, got, c.api, 100*e)
		}
	}
}

// kindSample is a text of one kind with the public measurement of how much
// more the tokenizer of Opus 4.7 counts than the one before (4.7 ÷ 4.6).
type kindSample struct {
	file, kind string
	low, high  float64
	source     string
}

const (
	srcSolAva   = "https://sol.ava.dev/writings/2026-04-17-opus-4-7-tokenizer.html"
	srcCodeCamp = "https://pithwire.com/en/articles/measuring-claude-47s-tokenizer-costs/"
)

var kindSamples = []kindSample{
	{"english-prose.txt", "English prose", 1.20, 1.46, srcSolAva + " (1.45); " + srcCodeCamp + " (1.20)"},
	{"python-code.txt", "Python source", 1.20, 1.29, srcSolAva + " (1.20); " + srcCodeCamp + " (1.29)"},
	{"go-code.txt", "Go source", 1.19, 1.19, srcSolAva},
	{"json-log.txt", "JSON log lines (text-heavy)", 1.31, 1.31, srcSolAva},
	{"uuids-timestamps.txt", "UUIDs, timestamps, numbers", 1.00, 1.07, srcSolAva},
	{"chinese-prose.txt", "Chinese", 1.00, 1.01, srcSolAva + "; " + srcCodeCamp},
	{"russian-prose.txt", "Russian (Cyrillic)", 1.00, 1.00, srcSolAva},
	{"arabic-prose.txt", "Arabic", 1.00, 1.00, srcSolAva},
}

// sampleRatio is the estimate's ratio new ÷ old tokenizer on a text, and
// the old tokenizer's estimate ÷ the cl100k count.
func sampleRatio(t *testing.T, text string) (newOld, oldCl100k float64) {
	t.Helper()
	k := testCounters.CountKinds("cl100k_base", []string{text})[0]
	oldEst, newEst := genBefore47.weigh(&k, true), gen47.weigh(&k, true)
	return newEst / oldEst, oldEst / float64(k.Total())
}

// TestEstimateKindRatios: on a sample of each kind of text, the estimate's
// new ÷ old ratio is within 10 % of the published range.
func TestEstimateKindRatios(t *testing.T) {
	for _, s := range kindSamples {
		data, err := os.ReadFile(path.Join("testdata/estimate/samples", s.file))
		if err != nil {
			t.Fatal(err)
		}
		got, _ := sampleRatio(t, string(data))
		if got < s.low*0.9 || got > s.high*1.1 {
			t.Errorf("%s: new ÷ old = %.2f, published %.2f–%.2f", s.kind, got, s.low, s.high)
		}
	}
}
