package workbench

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/claude-ls/claude-ls/internal/fakeapi"
	"github.com/claude-ls/claude-ls/promptfile"
)

const testAdminKey = fakeapi.AdminKeyPrefix + "ADMINkeyADMINkeyADMINkey0123456789"

func TestCentsToUSDIsExact(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"123.45", "1.2345"},
		{"0.000001", "0.00000001"},
		{"5", "0.05"},
		{"100", "1"},
		{"1234567.891", "12345.67891"},
		{"-250", "-2.5"},
		{".5", "0.005"},
		{"0.0000000001", "0.000000000001"}, // one picodollar
	} {
		got, err := CentsToUSD(c.in)
		if err != nil || got.Decimal() != c.want {
			t.Errorf("CentsToUSD(%q) = %s, %v; want %s", c.in, got.Decimal(), err, c.want)
		}
	}
	for _, bad := range []string{"", "abc", "1e3", "1.2.3", "$5", "0.00000000001"} {
		if _, err := CentsToUSD(bad); err == nil {
			t.Errorf("CentsToUSD(%q) accepted", bad)
		}
	}
}

func TestLoadAdminKey(t *testing.T) {
	root := t.TempDir()
	t.Setenv(AdminKeyVar, "")
	t.Setenv(KeyVar, testKey) // the API key is never taken for the admin key
	if _, err := LoadAdminKey(root); !errors.Is(err, ErrNoAdminKey) || !strings.Contains(err.Error(), AdminKeyVar) {
		t.Fatalf("no admin key: %v", err)
	}
	os.WriteFile(filepath.Join(root, ".env"), []byte(AdminKeyVar+"="+testAdminKey+"\n"), 0o644)
	k, err := LoadAdminKey(root)
	if err != nil || k.value != testAdminKey || k.Source != filepath.Join(root, ".env") {
		t.Fatalf("from .env: %v %v", k, err)
	}
	if strings.Contains(k.String(), testAdminKey) {
		t.Error("the key's String shows it")
	}
	t.Setenv(AdminKeyVar, testKey)
	if _, err := LoadAdminKey(root); !errors.Is(err, ErrNotAdminKey) {
		t.Errorf("an API key as admin key: %v", err)
	}
}

// TestFetchOrgFollowsEveryPage: ten days at three a page is four pages of
// each report; the figures are the sums of every page, exactly.
func TestFetchOrgFollowsEveryPage(t *testing.T) {
	api := fakeapi.New()
	defer api.Close()
	now := time.Date(2026, 11, 20, 15, 0, 0, 0, time.UTC)
	api.SetAdmin(fakeapi.SampleAdmin(10, now))
	c := NewAdminClient(Key{value: testAdminKey, Source: "test"}, api.URL)
	c.pageLimit = 3
	records := []Record{
		{Time: now.Add(-time.Hour), Model: "claude-sonnet-4-6", CostUSD: promptfile.Dollars(1)},
		{Time: now.AddDate(0, 0, -30), Model: "claude-sonnet-4-6", CostUSD: promptfile.Dollars(7)}, // before the range
	}
	rep, err := c.FetchOrg(context.Background(), now.AddDate(0, 0, -9), now, records)
	if err != nil {
		t.Fatal(err)
	}
	pages := map[string]int{}
	for _, r := range api.Requests() {
		pages[r.Path]++
		if r.Header.Get("x-api-key") != testAdminKey || r.Header.Get("Authorization") != "" || r.Header.Get("anthropic-version") == "" {
			t.Errorf("%s sent with headers %v", r.Path, r.Header)
		}
	}
	if pages["/v1/organizations/usage_report/messages"] != 4 || pages["/v1/organizations/cost_report"] != 4 {
		t.Errorf("pages fetched: %v", pages)
	}
	if rep.Since != "2026-11-11" || rep.Until != "2026-11-20" {
		t.Errorf("range %s to %s", rep.Since, rep.Until)
	}
	// Each day: Sonnet k·($1.20 + $0.1875 + $0.27 + $0.90), k = 1+i%3;
	// Haiku $1.5+0.2i + $1.25+0.15i; batch $1 + $0.75 on odd days; web search $0.10.
	var want promptfile.USD
	for i := 0; i < 10; i++ {
		k := promptfile.USD(1 + i%3)
		want += k * mustUSD(t, "2.5575")
		want += mustUSD(t, "2.75") + promptfile.USD(i)*mustUSD(t, "0.35")
		if i%2 == 1 {
			want += mustUSD(t, "1.75")
		}
		want += mustUSD(t, "0.10")
	}
	if rep.Total.OrgUSD != want {
		t.Errorf("org total %s, want %s", rep.Total.OrgUSD.Decimal(), want.Decimal())
	}
	if rep.Total.OrgBatch != 5*mustUSD(t, "1.75") {
		t.Errorf("org batch %s", rep.Total.OrgBatch)
	}
	if rep.Total.LocalUSD != promptfile.Dollars(1) || rep.Total.ElseUSD != want-promptfile.Dollars(1) {
		t.Errorf("workspace %s, difference %s", rep.Total.LocalUSD, rep.Total.ElseUSD)
	}
	var today *OrgRow
	for i, r := range rep.Days {
		if r.Day == "2026-11-20" && r.Model == "claude-sonnet-4-6" {
			today = &rep.Days[i]
		}
	}
	if today == nil || today.LocalRuns != 1 || today.Usage.Input != 400_000*(1+9%3) || today.Usage.CacheRead != 900_000*(1+9%3) {
		t.Errorf("today's Sonnet row: %+v", today)
	}
}

func mustUSD(t *testing.T, s string) promptfile.USD {
	v, err := promptfile.ParseUSD(s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestFetchOrgRefusedNeverShowsTheKey(t *testing.T) {
	api := fakeapi.New()
	defer api.Close()
	api.Push("/v1/organizations/usage_report/messages", fakeapi.Response{Status: 403, Message: "key " + testAdminKey + " may not read usage"})
	c := NewAdminClient(Key{value: testAdminKey, Source: "test"}, api.URL)
	_, err := c.FetchOrg(context.Background(), time.Now().AddDate(0, 0, -2), time.Now(), nil)
	var ae *AdminError
	if !errors.As(err, &ae) || ae.Status != 403 {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), testAdminKey) || strings.Contains(err.Error(), "ADMINkey") {
		t.Errorf("the error shows the key: %v", err)
	}
	// A normal API key is refused by the Admin API.
	c = NewAdminClient(Key{value: testKey, Source: "test"}, api.URL)
	if _, err := c.FetchOrg(context.Background(), time.Now(), time.Now(), nil); !errors.As(err, &ae) || ae.Status != 401 {
		t.Errorf("API key on the Admin API: %v", err)
	}
}

// TestAnUnignoredEnvWithOnlyTheAdminKeyIsReported: the admin key is as
// secret as the API key.
func TestAnUnignoredEnvWithOnlyTheAdminKeyIsReported(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, ".git"), 0o755)
	os.WriteFile(filepath.Join(dir, ".env"), []byte(AdminKeyVar+"="+testAdminKey+"\n"), 0o644)
	if !EnvNotIgnored(dir) {
		t.Error("an unignored .env with the admin key is not reported")
	}
	if !promptfile.ContainsKey([]byte("x "+testAdminKey)) || strings.Contains(promptfile.RedactKeys(testAdminKey), "ADMINkey") {
		t.Error("the secret scanner misses admin keys")
	}
}

// TestFetchOrgStopsOnABrokenCursor: has_more without a new next_page
// would loop forever.
func TestFetchOrgStopsOnABrokenCursor(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"data":[],"has_more":true,"next_page":null}`))
	}))
	defer srv.Close()
	_, err := NewAdminClient(Key{value: testAdminKey}, srv.URL).FetchOrg(context.Background(), time.Now(), time.Now(), nil)
	if err == nil || !strings.Contains(err.Error(), "has_more without a new next_page") {
		t.Errorf("err = %v", err)
	}
}
