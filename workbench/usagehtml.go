package workbench

import (
	"fmt"
	"html"
	"html/template"
	"strings"
	"time"

	"github.com/claude-ls/claude-ls/promptfile"
)

// UsagePage is the spend pictured: one self-contained HTML page (inline
// SVG and CSS, nothing fetched) with the workspace's spend by day stacked by
// model, standard against batch, what cache reads saved, and the
// organisation's figures when they were fetched (org may be nil).
func UsagePage(rep UsageReport, org *OrgReport, now time.Time) string {
	days := pageDays(rep, org, now)
	models := []string{}
	seen := map[string]bool{}
	for _, r := range rep.Models {
		if !seen[r.Model] {
			seen[r.Model] = true
			models = append(models, r.Model)
		}
	}
	if org != nil {
		for _, r := range org.Days {
			if !seen[r.Model] {
				seen[r.Model] = true
				models = append(models, r.Model)
			}
		}
	}
	color := func(model string) string {
		for i, m := range models {
			if m == model {
				return palette[i%len(palette)]
			}
		}
		return "#999"
	}
	var byModel []series
	for _, m := range models {
		s := series{Name: m, Color: color(m), Values: map[string]promptfile.USD{}}
		for _, r := range rep.Days {
			if r.Model == m {
				s.Values[r.Day] += r.CostUSD
			}
		}
		byModel = append(byModel, s)
	}
	standard := series{Name: "standard", Color: "#3b6fb6", Values: map[string]promptfile.USD{}}
	batch := series{Name: "batch (half price)", Color: "#e8a33d", Values: map[string]promptfile.USD{}}
	for _, r := range rep.Days {
		standard.Values[r.Day] += r.CostUSD - r.BatchUSD
		batch.Values[r.Day] += r.BatchUSD
	}
	data := map[string]any{
		"When":     now.UTC().Format("2006-01-02 15:04 UTC"),
		"Range":    days[0] + " to " + days[len(days)-1],
		"Total":    rep.Total.CostUSD.String(),
		"Runs":     rep.Total.Runs,
		"Standard": (rep.Total.CostUSD - rep.Total.BatchUSD).String(),
		"Batch":    rep.Total.BatchUSD.String(),
		"BatchRun": rep.Total.BatchRuns,
		"Saved":    rep.Total.CacheSavedUSD.String(),
		"Reads":    promptfile.GroupDigits(int(rep.Total.Usage.CacheRead)),
		"ByModel":  template.HTML(stackedBars("Spend by day and model (this workspace)", days, byModel)),
		"ByTier":   template.HTML(stackedBars("Standard and batch spend by day (this workspace)", days, []series{standard, batch})),
		"Models":   rep.Models,
	}
	if org != nil {
		var orgModel []series
		for _, m := range models {
			s := series{Name: m, Color: color(m), Values: map[string]promptfile.USD{}}
			for _, r := range org.Days {
				if r.Model == m {
					s.Values[r.Day] += r.OrgUSD
				}
			}
			orgModel = append(orgModel, s)
		}
		data["Org"] = org
		data["OrgTotal"] = org.Total.OrgUSD.String()
		data["OrgBatch"] = org.Total.OrgBatch.String()
		data["OrgElse"] = org.Total.ElseUSD.String()
		data["OrgChart"] = template.HTML(stackedBars("Organisation spend by day and model (Admin API cost report)", days, orgModel))
	}
	var b strings.Builder
	if err := usagePageTemplate.Execute(&b, data); err != nil {
		return "<!doctype html><p>" + html.EscapeString(err.Error())
	}
	return b.String()
}

var palette = []string{"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"}

// pageDays is every day of the page, so days without spend show as gaps:
// from the report's --since (or its first day) through today.
func pageDays(rep UsageReport, org *OrgReport, now time.Time) []string {
	end := now.UTC().Format("2006-01-02")
	start := rep.Since
	first := func(day string) {
		if day != "" && (start == "" || day < start) {
			start = day
		}
	}
	if rep.Since == "" {
		for _, r := range rep.Days {
			first(r.Day)
		}
		if org != nil {
			first(org.Since)
		}
	}
	if start == "" || start > end {
		start = end
	}
	t, err := time.Parse("2006-01-02", start)
	if err != nil {
		return []string{end}
	}
	var days []string
	for d := t; d.Format("2006-01-02") <= end && len(days) < 400; d = d.AddDate(0, 0, 1) {
		days = append(days, d.Format("2006-01-02"))
	}
	return days
}

type series struct {
	Name   string
	Color  string
	Values map[string]promptfile.USD // by day
}

// stackedBars draws one bar a day, the series stacked, with dollar
// gridlines and a legend, as inline SVG.
func stackedBars(title string, days []string, ss []series) string {
	const w, h, left, top, bottom = 1000, 250, 70, 30, 40
	plotW, plotH := float64(w-left-20), float64(h-top-bottom)
	var peak promptfile.USD
	for _, d := range days {
		var sum promptfile.USD
		for _, s := range ss {
			sum += s.Values[d]
		}
		peak = max(peak, sum)
	}
	dollars := func(u promptfile.USD) float64 { return float64(u) / 1e12 }
	top5 := niceCeil(dollars(peak))
	var b strings.Builder
	fmt.Fprintf(&b, `<figure><figcaption>%s</figcaption><svg role="img" aria-label="%s" viewBox="0 0 %d %d" width="%d" height="%d" xmlns="http://www.w3.org/2000/svg">`,
		html.EscapeString(title), html.EscapeString(title), w, h+24, w, h+24)
	for i := 0; i <= 4; i++ {
		v := top5 * float64(i) / 4
		y := float64(top) + plotH - plotH*float64(i)/4
		fmt.Fprintf(&b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" class="grid"/><text x="%d" y="%.1f" class="axis" text-anchor="end">$%s</text>`,
			left, w-20, y, y, left-6, y+4, trimFloat(v))
	}
	slot := plotW / float64(len(days))
	barW := max(2, slot*0.7)
	every := max(1, len(days)/12)
	for i, d := range days {
		x := float64(left) + slot*float64(i) + (slot-barW)/2
		y := float64(top) + plotH
		for _, s := range ss {
			v := s.Values[d]
			if v <= 0 || top5 == 0 {
				continue
			}
			bh := plotH * dollars(v) / top5
			y -= bh
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s · %s: %s</title></rect>`,
				x, y, barW, max(bh, 0.5), s.Color, d, html.EscapeString(s.Name), v)
		}
		if i%every == 0 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="axis" text-anchor="middle">%s</text>`, x+barW/2, h-bottom+18, d[5:])
		}
	}
	lx := float64(left)
	for _, s := range ss {
		if !hasSpend(s) {
			continue // a model of the other chart only
		}
		fmt.Fprintf(&b, `<rect x="%.1f" y="%d" width="12" height="12" fill="%s"/><text x="%.1f" y="%d" class="legend">%s</text>`,
			lx, h+4, s.Color, lx+16, h+14, html.EscapeString(s.Name))
		lx += 40 + 7.5*float64(len(s.Name))
	}
	b.WriteString(`</svg></figure>`)
	return b.String()
}

func hasSpend(s series) bool {
	for _, v := range s.Values {
		if v != 0 {
			return true
		}
	}
	return false
}

// niceCeil rounds a chart's top up to 1, 2 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	if v <= 0 {
		return 0
	}
	p := 1e-6
	for p*10 <= v {
		p *= 10
	}
	for _, m := range []float64{1, 2, 5, 10} {
		if p*m >= v {
			return p * m
		}
	}
	return p * 10
}

func trimFloat(v float64) string {
	s := fmt.Sprintf("%.6f", v)
	return strings.TrimRight(strings.TrimRight(s, "0"), ".")
}

var usagePageTemplate = template.Must(template.New("usage").Funcs(template.FuncMap{
	"digits": func(n int64) string { return promptfile.GroupDigits(int(n)) },
}).Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>claude-ls usage {{.Range}}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px 32px;color:#1f2328;background:#fff}
h1{font-size:20px;margin:0 0 4px}.sub{color:#59636e;margin:0 0 16px}
.cards{display:flex;gap:12px;flex-wrap:wrap;margin:0 0 16px}
.card{border:1px solid #d1d9e0;border-radius:8px;padding:8px 14px;min-width:140px}
.card b{display:block;font-size:20px}.card span{color:#59636e;font-size:12px}
figure{margin:8px 0 18px}figcaption{font-weight:600;margin-bottom:4px}
.grid{stroke:#e5e8eb}.axis{font-size:11px;fill:#59636e}.legend{font-size:12px;fill:#1f2328}
table{border-collapse:collapse;margin:6px 0 18px}th,td{padding:3px 10px;border-bottom:1px solid #e5e8eb;text-align:right}
th:first-child,td:first-child,th:nth-child(2),td:nth-child(2){text-align:left}th{color:#59636e;font-weight:600}
.neg{color:#b42318}
</style></head><body>
<h1>Spend, {{.Range}}</h1>
<p class="sub">claude-ls usage · {{.When}} · from this workspace's run records{{if .Org}} and the organisation's Admin API reports{{end}}</p>
<div class="cards">
<div class="card"><span>this workspace</span><b>{{.Total}}</b><span>{{.Runs}} runs</span></div>
<div class="card"><span>standard</span><b>{{.Standard}}</b></div>
<div class="card"><span>batch</span><b>{{.Batch}}</b><span>{{.BatchRun}} requests</span></div>
<div class="card"><span>cache reads saved</span><b>{{.Saved}}</b><span>{{.Reads}} tokens read from the cache</span></div>
{{if .Org}}<div class="card"><span>organisation</span><b>{{.OrgTotal}}</b><span>batch {{.OrgBatch}}</span></div>
<div class="card"><span>spent elsewhere</span><b>{{.OrgElse}}</b><span>organisation − this workspace</span></div>{{end}}
</div>
{{.ByModel}}
{{.ByTier}}
<table><thead><tr><th>model</th><th></th><th>runs</th><th>cost</th><th>batch</th><th>cache read tokens</th><th>cache saved</th></tr></thead><tbody>
{{range .Models}}<tr><td>{{.Model}}</td><td></td><td>{{.Runs}}</td><td>{{.CostUSD}}</td><td>{{.BatchUSD}}</td><td>{{digits .Usage.CacheRead}}</td><td>{{.CacheSavedUSD}}</td></tr>
{{end}}</tbody></table>
{{if .Org}}{{.OrgChart}}
<table><thead><tr><th>day</th><th>model</th><th>organisation</th><th>of it batch</th><th>this workspace</th><th>difference</th></tr></thead><tbody>
{{range .Org.Days}}<tr><td>{{.Day}}</td><td>{{.Model}}</td><td>{{.OrgUSD}}</td><td>{{.OrgBatch}}</td><td>{{.LocalUSD}}</td><td{{if lt .ElseUSD 0}} class="neg"{{end}}>{{.ElseUSD}}</td></tr>
{{end}}</tbody></table>{{end}}
</body></html>
`))
