package workbench

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/claude-ls/claude-ls/internal/fakeapi"
	"github.com/claude-ls/claude-ls/promptfile"
)

// sampleUsage is three days of two models, batch work on one, cache reads on
// the other, and the organisation's figures from the fake Admin API.
func sampleUsage(t *testing.T) (UsageReport, *OrgReport, time.Time) {
	now := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
	var recs []Record
	for d := 0; d < 3; d++ {
		day := now.AddDate(0, 0, -d)
		recs = append(recs,
			Record{Time: day, Model: "claude-sonnet-4-6", Usage: promptfile.Usage{Input: 2000, CacheRead: 100_000, Output: 500}, CostUSD: mustUSD(t, "0.0435")},
			Record{Time: day, Model: "claude-haiku-4-5", Batch: true, Usage: promptfile.Usage{Input: 40_000, Output: 4000}, CostUSD: mustUSD(t, "0.03")})
	}
	rep := Summarize(recs, now.AddDate(0, 0, -6), now)
	api := fakeapi.New()
	defer api.Close()
	api.SetAdmin(fakeapi.SampleAdmin(7, now))
	org, err := NewAdminClient(Key{value: testAdminKey}, api.URL).FetchOrg(t.Context(), now.AddDate(0, 0, -6), now, recs)
	if err != nil {
		t.Fatal(err)
	}
	return rep, &org, now
}

func TestUsageSummaryParts(t *testing.T) {
	rep, _, _ := sampleUsage(t)
	if rep.Total.BatchRuns != 3 || rep.Total.BatchUSD != mustUSD(t, "0.09") {
		t.Errorf("batch %d runs, %s", rep.Total.BatchRuns, rep.Total.BatchUSD)
	}
	// 100,000 reads a run on Sonnet ($3/MTok, reads at 0.1×): $0.27 saved each.
	if rep.Total.CacheSavedUSD != mustUSD(t, "0.81") {
		t.Errorf("cache saved %s", rep.Total.CacheSavedUSD.Decimal())
	}
}

// TestUsagePageIsSelfContained: nothing in the page is fetched.
func TestUsagePageIsSelfContained(t *testing.T) {
	rep, org, now := sampleUsage(t)
	page := UsagePage(rep, org, now)
	for _, bad := range []string{"<script", "src=", "href=", "url(", "@import", "<link"} {
		if strings.Contains(page, bad) {
			t.Errorf("the page holds %q", bad)
		}
	}
	if n := len(regexp.MustCompile(`https?://`).FindAllString(page, -1)); n != strings.Count(page, `xmlns="http://www.w3.org/2000/svg"`) {
		t.Errorf("the page names %d URLs beyond the SVG namespace", n)
	}
	for _, want := range []string{"2026-11-14 to 2026-11-20", "cache reads saved", "$0.81", "spent elsewhere", "claude-haiku-4-5", "Organisation spend by day"} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	if strings.Contains(UsagePage(rep, nil, now), "organisation") {
		t.Error("org figures without an admin key")
	}
}

// TestUsagePageInChromium looks at the page as a browser paints it: the
// models' bars and the batch bars are there in their colors. Set
// CLAUDE_LS_USAGE_PNG to keep the screenshot.
func TestUsagePageInChromium(t *testing.T) {
	browser := chromium(t)
	rep, org, now := sampleUsage(t)
	dir := t.TempDir()
	page := filepath.Join(dir, "usage.html")
	os.WriteFile(page, []byte(UsagePage(rep, org, now)), 0o644)
	img, shot := screenshotPage(t, browser, page, 1100, 1400)
	first := countNear(img, 0x4e, 0x79, 0xa7)  // the first model
	second := countNear(img, 0xf2, 0x8e, 0x2b) // the second
	batch := countNear(img, 0xe8, 0xa3, 0x3d)  // batch spend
	if first < 500 || second < 500 || batch < 300 {
		t.Errorf("bars not painted: %d, %d model pixels, %d batch pixels", first, second, batch)
	}
	if keep := os.Getenv("CLAUDE_LS_USAGE_PNG"); keep != "" {
		data, _ := os.ReadFile(shot)
		os.WriteFile(keep, data, 0o644)
	}
}
