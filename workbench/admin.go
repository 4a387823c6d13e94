package workbench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/claude-ls/claude-ls/promptfile"
)

// The organisation's usage and cost, from the Admin API. The SDK (v2.15.0)
// has no methods for /v1/organizations/usage_report/messages nor
// /v1/organizations/cost_report (only the newer analytics reports), and it
// sends keys as a bearer token; the Admin API wants x-api-key, so this is
// plain net/http. The admin key is its own variable: the API key is never
// sent here, nor the admin key anywhere else.

// AdminKeyVar holds the admin key.
const AdminKeyVar = "ANTHROPIC_ADMIN_KEY"

// AdminAPIVersion is the anthropic-version the Admin API is called with.
const AdminAPIVersion = "2023-06-01"

// ErrNoAdminKey says where the admin key is looked for.
var ErrNoAdminKey = errors.New("no admin key: the organisation's usage and cost need an admin key (sk-ant-admin01-…, from the Console's admin keys page): set " +
	AdminKeyVar + " in the environment, or put " + AdminKeyVar + "=… in the workspace's .env")

// ErrNotAdminKey is an API key put where the admin key belongs.
var ErrNotAdminKey = errors.New(AdminKeyVar + " holds a normal API key (sk-ant-api…), not an admin key (sk-ant-admin01-…): the Admin API refuses API keys")

// LoadAdminKey finds the admin key: the environment first, else root/.env,
// read as LoadKey reads the API key.
func LoadAdminKey(root string) (Key, error) {
	k := Key{}
	if v := strings.TrimSpace(os.Getenv(AdminKeyVar)); v != "" {
		k = Key{value: v, Source: "environment"}
	} else if env, err := readEnv(root); err == nil {
		if v := strings.TrimSpace(env[AdminKeyVar]); v != "" {
			k = Key{value: v, Source: filepath.Join(root, ".env")}
		}
	}
	switch {
	case k.value == "":
		return Key{}, ErrNoAdminKey
	case strings.HasPrefix(k.value, "sk-ant-api"):
		return Key{}, ErrNotAdminKey
	}
	return k, nil
}

// AdminError is an answer the Admin API refused or failed.
type AdminError struct {
	Status    int
	Type      string
	Message   string
	RequestID string
}

func (e *AdminError) Error() string {
	s := fmt.Sprintf("the Admin API answered HTTP %d", e.Status)
	if e.Type != "" {
		s += " " + e.Type
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Status == 401 || e.Status == 403 {
		s += " (is " + AdminKeyVar + " a valid admin key of this organisation?)"
	}
	if e.RequestID != "" {
		s += " (request " + e.RequestID + ")"
	}
	return s
}

// AdminClient reads the Admin API's reports.
type AdminClient struct {
	key  Key
	base string
	HTTP *http.Client
	// pageLimit is how many day buckets a page asks for (the API allows 31).
	pageLimit int
}

// NewAdminClient makes a client for an admin key; baseURL "" is the real API.
func NewAdminClient(key Key, baseURL string) *AdminClient {
	if baseURL == "" {
		baseURL = "https://api.anthropic.com"
	}
	return &AdminClient{key: key, base: strings.TrimRight(baseURL, "/"), HTTP: &http.Client{Timeout: 60 * time.Second}, pageLimit: 31}
}

// maxPages stops a server whose next_page never ends.
const maxPages = 1000

// pages GETs path with q, following next_page while has_more, and hands
// each page's data to add.
func (c *AdminClient) pages(ctx context.Context, path string, q url.Values, add func(data json.RawMessage) error) error {
	page := ""
	for n := 0; ; n++ {
		if n == maxPages {
			return fmt.Errorf("%s: more than %d pages; stopped", path, maxPages)
		}
		if page != "" {
			q.Set("page", page)
		}
		var body struct {
			Data     json.RawMessage `json:"data"`
			HasMore  bool            `json:"has_more"`
			NextPage *string         `json:"next_page"`
		}
		if err := c.get(ctx, path, q, &body); err != nil {
			return err
		}
		if err := add(body.Data); err != nil {
			return fmt.Errorf("%s: %v", path, err)
		}
		if !body.HasMore {
			return nil
		}
		if body.NextPage == nil || *body.NextPage == "" || *body.NextPage == page {
			return fmt.Errorf("%s: has_more without a new next_page", path)
		}
		page = *body.NextPage
	}
}

func (c *AdminClient) get(ctx context.Context, path string, q url.Values, into any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path+"?"+q.Encode(), nil)
	if err != nil {
		return err
	}
	req.Header.Set("x-api-key", c.key.value)
	req.Header.Set("anthropic-version", AdminAPIVersion)
	res, err := c.HTTP.Do(req)
	if err != nil {
		return errors.New(c.key.Redact(err.Error()))
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, 64<<20))
	if err != nil {
		return errors.New(c.key.Redact(err.Error()))
	}
	if res.StatusCode/100 != 2 {
		e := &AdminError{Status: res.StatusCode, RequestID: res.Header.Get("request-id")}
		var body struct {
			Error struct{ Type, Message string } `json:"error"`
		}
		if json.Unmarshal(data, &body) == nil {
			e.Type, e.Message = body.Error.Type, c.key.Redact(body.Error.Message)
		}
		return e
	}
	if err := json.Unmarshal(data, into); err != nil {
		return fmt.Errorf("%s: the answer is not the expected JSON: %v", path, err)
	}
	return nil
}

// OrgUsage is one model's tokens on one day (all service tiers).
type orgUsageResult struct {
	Uncached      int64 `json:"uncached_input_tokens"`
	CacheCreation struct {
		E5m int64 `json:"ephemeral_5m_input_tokens"`
		E1h int64 `json:"ephemeral_1h_input_tokens"`
	} `json:"cache_creation"`
	CacheRead   int64   `json:"cache_read_input_tokens"`
	Output      int64   `json:"output_tokens"`
	Model       *string `json:"model"`
	ServiceTier *string `json:"service_tier"`
}

type orgCostResult struct {
	Currency    string  `json:"currency"`
	Amount      string  `json:"amount"`
	Model       *string `json:"model"`
	ServiceTier *string `json:"service_tier"`
	Description *string `json:"description"`
	CostType    *string `json:"cost_type"`
}

type bucket[T any] struct {
	StartingAt time.Time `json:"starting_at"`
	Results    []T       `json:"results"`
}

// OrgRow is one model on one day: the organisation's tokens and cost from
// the Admin API, this workspace's recorded cost, and the difference (what
// was spent elsewhere: other workspaces, keys, tools).
type OrgRow struct {
	Day       string           `json:"day"`
	Model     string           `json:"model"` // "(other)": costs without a model, such as web search
	Usage     promptfile.Usage `json:"usage"`
	OrgUSD    promptfile.USD   `json:"org_usd"`
	OrgBatch  promptfile.USD   `json:"org_batch_usd"` // the part at batch prices
	LocalUSD  promptfile.USD   `json:"workspace_usd"`
	LocalRuns int              `json:"workspace_runs"`
	ElseUSD   promptfile.USD   `json:"difference_usd"` // OrgUSD − LocalUSD
}

// OrgReport is what `claude-ls usage --org` prints.
type OrgReport struct {
	Since string   `json:"since"` // YYYY-MM-DD, UTC, inclusive
	Until string   `json:"until"` // YYYY-MM-DD, UTC, inclusive
	Days  []OrgRow `json:"days"`  // by day, then model
	Total OrgRow   `json:"total"`
}

// otherModel labels costs the cost report gives without a model.
const otherModel = "(other)"

// FetchOrg reads the organisation's usage and cost for the days since
// since (inclusive) through now's day, every page of both reports, and sets
// this workspace's records beside them.
func (c *AdminClient) FetchOrg(ctx context.Context, since, now time.Time, records []Record) (OrgReport, error) {
	from := since.UTC().Truncate(24 * time.Hour)
	to := now.UTC().Truncate(24*time.Hour).AddDate(0, 0, 1)
	q := func() url.Values {
		return url.Values{"starting_at": {from.Format(time.RFC3339)}, "ending_at": {to.Format(time.RFC3339)}, "bucket_width": {"1d"}, "limit": {strconv.Itoa(c.pageLimit)}}
	}
	var usage []bucket[orgUsageResult]
	uq := q()
	uq["group_by[]"] = []string{"model", "service_tier"}
	err := c.pages(ctx, "/v1/organizations/usage_report/messages", uq, func(data json.RawMessage) error {
		var page []bucket[orgUsageResult]
		err := json.Unmarshal(data, &page)
		usage = append(usage, page...)
		return err
	})
	if err != nil {
		return OrgReport{}, err
	}
	var cost []bucket[orgCostResult]
	cq := q()
	cq["group_by[]"] = []string{"description"}
	err = c.pages(ctx, "/v1/organizations/cost_report", cq, func(data json.RawMessage) error {
		var page []bucket[orgCostResult]
		err := json.Unmarshal(data, &page)
		cost = append(cost, page...)
		return err
	})
	if err != nil {
		return OrgReport{}, err
	}
	return buildOrgReport(usage, cost, records, from, to)
}

// buildOrgReport joins the two reports and the records by day and model.
func buildOrgReport(usage []bucket[orgUsageResult], cost []bucket[orgCostResult], records []Record, from, to time.Time) (OrgReport, error) {
	rep := OrgReport{Since: from.Format("2006-01-02"), Until: to.AddDate(0, 0, -1).Format("2006-01-02"), Days: []OrgRow{}}
	rows := map[[2]string]*OrgRow{}
	row := func(day, model string) *OrgRow {
		if model == "" {
			model = otherModel
		}
		k := [2]string{day, model}
		if rows[k] == nil {
			rows[k] = &OrgRow{Day: day, Model: model}
		}
		return rows[k]
	}
	deref := func(s *string) string {
		if s == nil {
			return ""
		}
		return *s
	}
	for _, b := range usage {
		day := b.StartingAt.UTC().Format("2006-01-02")
		for _, u := range b.Results {
			r := row(day, deref(u.Model))
			r.Usage = r.Usage.Plus(promptfile.Usage{Input: u.Uncached, CacheWrite5m: u.CacheCreation.E5m, CacheWrite1h: u.CacheCreation.E1h, CacheRead: u.CacheRead, Output: u.Output})
		}
	}
	for _, b := range cost {
		day := b.StartingAt.UTC().Format("2006-01-02")
		for _, c := range b.Results {
			if c.Currency != "" && c.Currency != "USD" {
				return OrgReport{}, fmt.Errorf("cost report of %s: currency %q, only USD is read", day, c.Currency)
			}
			amount, err := CentsToUSD(c.Amount)
			if err != nil {
				return OrgReport{}, fmt.Errorf("cost report of %s (%s): %v", day, deref(c.Description), err)
			}
			r := row(day, deref(c.Model))
			r.OrgUSD += amount
			if deref(c.ServiceTier) == "batch" {
				r.OrgBatch += amount
			}
		}
	}
	for _, rec := range records {
		if rec.Time.Before(from) || !rec.Time.Before(to) {
			continue
		}
		r := row(rec.Time.UTC().Format("2006-01-02"), rec.Model)
		r.LocalUSD += rec.CostUSD
		r.LocalRuns++
	}
	for _, r := range rows {
		r.ElseUSD = r.OrgUSD - r.LocalUSD
		rep.Days = append(rep.Days, *r)
		t := &rep.Total
		t.Usage = t.Usage.Plus(r.Usage)
		t.OrgUSD += r.OrgUSD
		t.OrgBatch += r.OrgBatch
		t.LocalUSD += r.LocalUSD
		t.LocalRuns += r.LocalRuns
		t.ElseUSD += r.ElseUSD
	}
	sortRows(rep.Days, func(r OrgRow) (string, string) { return r.Day, r.Model })
	return rep, nil
}

// CentsToUSD converts a cost report amount, a decimal string in cents
// ("123.45" is $1.2345), exactly: the point moves two places, and an amount
// finer than USD can hold is an error, never rounded.
func CentsToUSD(s string) (promptfile.USD, error) {
	t := strings.TrimSpace(s)
	neg := strings.HasPrefix(t, "-")
	t = strings.TrimPrefix(t, "-")
	whole, frac, _ := strings.Cut(t, ".")
	if whole == "" && frac == "" || strings.ContainsAny(t, "+$eE, ") {
		return 0, fmt.Errorf("invalid amount in cents %q", s)
	}
	whole = strings.Repeat("0", max(0, 2-len(whole))) + whole
	dollars := whole[:len(whole)-2] + "." + whole[len(whole)-2:] + frac
	if strings.HasPrefix(dollars, ".") {
		dollars = "0" + dollars
	}
	v, err := promptfile.ParseUSD(dollars)
	if err != nil {
		return 0, fmt.Errorf("invalid amount in cents %q: %v", s, err)
	}
	if neg {
		v = -v
	}
	return v, nil
}
