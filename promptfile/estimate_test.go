package promptfile

import (
	"math"
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
		got := estimateRendering(c.res, &m, testCounters).result(c.res, nil).Input
		if e := relErr(got, c.api); math.Abs(e) > 0.03 {
			t.Errorf("%s on %s calibrated (factor %.3f): estimate %d, the API counted %d (%+.1f %%, beyond ±3 %%)", c.name, m.ID, m.TokenFactor, got, c.api, 100*e)
		}
	}
}
