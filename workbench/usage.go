package workbench

import (
	"sort"
	"time"

	"github.com/claude-ls/claude-ls/promptfile"
)

// UsageRow is spend and tokens for one model on one day.
type UsageRow struct {
	Day     string           `json:"day"` // YYYY-MM-DD, UTC
	Model   string           `json:"model"`
	Runs    int              `json:"runs"`
	Usage   promptfile.Usage `json:"usage"`
	CostUSD promptfile.USD   `json:"cost_usd"`
	// The part of CostUSD at batch prices, and its runs.
	BatchRuns int            `json:"batch_runs"`
	BatchUSD  promptfile.USD `json:"batch_usd"`
	// CacheSavedUSD is what cache reads saved against the full input
	// price (0 for models without prices).
	CacheSavedUSD promptfile.USD `json:"cache_saved_usd"`
}

// UsageReport is what `claude-ls usage` prints.
type UsageReport struct {
	Since   string         `json:"since,omitempty"`
	Days    []UsageRow     `json:"days"`      // by day, then model
	Models  []UsageRow     `json:"models"`    // totals by model (Day empty)
	Total   UsageRow       `json:"total"`     // everything
	MonthUS promptfile.USD `json:"month_usd"` // spend in the current calendar month
}

// Summarize groups records since a time (zero: all) by day and model,
// with the cache savings at the default catalog's prices.
func Summarize(records []Record, since time.Time, now time.Time) UsageReport {
	return SummarizeWith(records, since, now, promptfile.DefaultCatalog())
}

// SummarizeWith is Summarize with a workspace's catalog, which prices the
// cache savings (nil: none).
func SummarizeWith(records []Record, since time.Time, now time.Time, catalog *promptfile.Catalog) UsageReport {
	days := map[[2]string]*UsageRow{}
	models := map[string]*UsageRow{}
	var rep UsageReport
	if !since.IsZero() {
		rep.Since = since.Format("2006-01-02")
	}
	rep.MonthUS = MonthSpend(records, now)
	add := func(r *UsageRow, rec Record) {
		r.Runs++
		r.Usage = r.Usage.Plus(rec.Usage)
		r.CostUSD += rec.CostUSD
		if rec.Batch {
			r.BatchRuns++
			r.BatchUSD += rec.CostUSD
		}
		r.CacheSavedUSD += cacheSaved(catalog, rec)
	}
	for _, rec := range records {
		if rec.Time.Before(since) {
			continue
		}
		day := rec.Time.UTC().Format("2006-01-02")
		k := [2]string{day, rec.Model}
		if days[k] == nil {
			days[k] = &UsageRow{Day: day, Model: rec.Model}
		}
		if models[rec.Model] == nil {
			models[rec.Model] = &UsageRow{Model: rec.Model}
		}
		add(days[k], rec)
		add(models[rec.Model], rec)
		add(&rep.Total, rec)
	}
	rep.Days = []UsageRow{}
	for _, r := range days {
		rep.Days = append(rep.Days, *r)
	}
	sortRows(rep.Days, func(r UsageRow) (string, string) { return r.Day, r.Model })
	rep.Models = []UsageRow{}
	for _, r := range models {
		rep.Models = append(rep.Models, *r)
	}
	sort.Slice(rep.Models, func(i, j int) bool { return rep.Models[i].CostUSD > rep.Models[j].CostUSD })
	return rep
}

// MonthSpend is the recorded spend in now's calendar month (UTC).
func MonthSpend(records []Record, now time.Time) promptfile.USD {
	y, m, _ := now.UTC().Date()
	var total promptfile.USD
	for _, r := range records {
		if ry, rm, _ := r.Time.UTC().Date(); ry == y && rm == m {
			total += r.CostUSD
		}
	}
	return total
}

// cacheSaved is what a run's cache reads saved: its cost with the reads at
// the full input price, less what it cost.
func cacheSaved(catalog *promptfile.Catalog, rec Record) promptfile.USD {
	if catalog == nil || rec.Usage.CacheRead == 0 {
		return 0
	}
	m, ok := catalog.Lookup(rec.Model)
	if !ok {
		return 0
	}
	full := rec.Usage
	full.Input += full.CacheRead
	full.CacheRead = 0
	return m.Cost(full, rec.Batch) - m.Cost(rec.Usage, rec.Batch)
}

// sortRows orders rows by day, then model.
func sortRows[T any](rows []T, key func(T) (string, string)) {
	sort.Slice(rows, func(i, j int) bool {
		di, mi := key(rows[i])
		dj, mj := key(rows[j])
		if di != dj {
			return di < dj
		}
		return mi < mj
	})
}
