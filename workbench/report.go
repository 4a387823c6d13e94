package workbench

import (
	"bytes"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/claude-ls/claude-ls/promptfile"
)

// Report is the outcome of a test run, written as Markdown and HTML under
// .claude-ls/reports/.
type Report struct {
	Prompt     string // relative to the root
	Time       time.Time
	BatchID    string        // "" for a direct run
	Turnaround time.Duration // a batch's time from creation to its end
	Results    []TestResult
	// Grades are the latest grade of each case × model (GradeKey), filled
	// from grades.jsonl by WriteReports when nil.
	Grades map[string]Grade
}

// Tally counts a run's outcomes and sums its usage and cost.
type Tally struct {
	Runs, Passed, Failed, OK, Errors int
	Input, Output                    int64 // input counts cache writes and reads too
	Cost                             promptfile.USD
	Unpriced                         int // replies on a model without prices
}

// TallyOf counts results.
func TallyOf(rs []TestResult) Tally {
	var t Tally
	for _, r := range rs {
		t.Runs++
		switch r.Status {
		case StatusPass:
			t.Passed++
		case StatusFail:
			t.Failed++
		case StatusOK:
			t.OK++
		default:
			t.Errors++
		}
		if r.Reply != nil {
			u := r.Reply.Usage
			t.Input += u.TotalInput()
			t.Output += u.Output
			if !r.Priced {
				t.Unpriced++
			}
		}
		t.Cost += r.Cost
	}
	return t
}

// String is e.g. "6 runs: 4 passed, 1 failed, 1 error".
func (t Tally) String() string {
	parts := []string{}
	if t.Passed > 0 {
		parts = append(parts, fmt.Sprintf("%d passed", t.Passed))
	}
	if t.Failed > 0 {
		parts = append(parts, fmt.Sprintf("%d failed", t.Failed))
	}
	if t.OK > 0 {
		parts = append(parts, fmt.Sprintf("%d with nothing to check", t.OK))
	}
	if t.Errors > 0 {
		parts = append(parts, countOf(t.Errors, "without a reply", "without a reply"))
	}
	return countOf(t.Runs, "run", "runs") + ": " + strings.Join(parts, ", ")
}

// CostText is the total cost, saying when some of it is unknown.
func (t Tally) CostText() string {
	s := t.Cost.String()
	if t.Unpriced > 0 {
		s += fmt.Sprintf(" (+ %s on models without prices)", countOf(t.Unpriced, "reply", "replies"))
	}
	return s
}

// Summary is the line that ends a test run, in the terminal, the editor's
// progress and the reports' heading: the tally, tokens and cost.
func (t Tally) Summary(batch bool) string {
	s := fmt.Sprintf("%s · in %s · out %s · %s", t, promptfile.GroupDigits(int(t.Input)), promptfile.GroupDigits(int(t.Output)), t.CostText())
	if batch {
		s += " at batch prices"
	}
	return s
}

func countOf(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// Cases lists the report's case names in the order they were run.
func (r *Report) Cases() []string {
	return firstSeen(r.Results, func(t TestResult) string { return t.Case })
}

// Models lists the report's model ids in the order they were run.
func (r *Report) Models() []string {
	return firstSeen(r.Results, func(t TestResult) string { return t.ModelID })
}

func firstSeen(rs []TestResult, key func(TestResult) string) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range rs {
		if k := key(r); !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

// cell finds the result of a case on a model.
func (r *Report) cell(c, m string) *TestResult {
	for i := range r.Results {
		if r.Results[i].Case == c && r.Results[i].ModelID == m {
			return &r.Results[i]
		}
	}
	return nil
}

// FirstWords is the start of a reply on one line: at most n words and 60
// characters, with … when cut.
func FirstWords(text string, n int) string {
	words := strings.Fields(text)
	cut := len(words) > n
	if cut {
		words = words[:n]
	}
	s := strings.Join(words, " ")
	if utf8.RuneCountInString(s) > 60 {
		s = string([]rune(s)[:59])
		cut = true
	}
	if cut {
		s += "…"
	}
	return s
}

// FormatLatency is "1.23 s" under a minute, "2m 05s" or "1h 02m" above.
func FormatLatency(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%.2f s", d.Seconds())
	case d < time.Hour:
		return fmt.Sprintf("%dm %02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh %02dm", int(d.Hours()), int(d.Minutes())%60)
}

// StatusLabel is a status for people, with a mark that reads without color.
func StatusLabel(s Status) string {
	switch s {
	case StatusPass:
		return "✅ pass"
	case StatusFail:
		return "❌ fail"
	case StatusOK:
		return "◻ ok"
	case StatusExpired:
		return "⌛ expired"
	case StatusCanceled:
		return "⏹ canceled"
	}
	return "⚠ error"
}

func (r *Report) mode() string {
	if r.BatchID == "" {
		return "direct requests"
	}
	s := "Message Batches API, batch `" + r.BatchID + "`, at batch prices (half)"
	if r.Turnaround > 0 {
		s += ", ended after " + FormatLatency(r.Turnaround)
	}
	return s
}

func (r *Report) title() string { return "Tests of " + r.Prompt }

// Markdown is the report for people and diffs: a summary, a matrix of
// cases × models, then every reply with its checks.
func (r *Report) Markdown() string {
	var b strings.Builder
	t := TallyOf(r.Results)
	cases, models := r.Cases(), r.Models()
	fmt.Fprintf(&b, "# Tests of `%s`\n\n", r.Prompt)
	fmt.Fprintf(&b, "%s · %s × %s · %s\n\n", r.Time.UTC().Format("2006-01-02 15:04 UTC"), countOf(len(cases), "case", "cases"), countOf(len(models), "model", "models"), r.mode())
	fmt.Fprintf(&b, "**%s** · in %s tok · out %s tok · %s\n\n", t, promptfile.GroupDigits(int(t.Input)), promptfile.GroupDigits(int(t.Output)), t.CostText())
	b.WriteString("| case |")
	for _, m := range models {
		fmt.Fprintf(&b, " `%s` |", m)
	}
	b.WriteString("\n|---|")
	b.WriteString(strings.Repeat("---|", len(models)))
	b.WriteString("\n")
	for _, c := range cases {
		fmt.Fprintf(&b, "| [%s](#%s) |", mdCell(c), anchor(c))
		for _, m := range models {
			res := r.cell(c, m)
			if res == nil {
				b.WriteString(" |")
				continue
			}
			fmt.Fprintf(&b, " %s |", mdCell(r.cellSummary(res)))
		}
		b.WriteString("\n")
	}
	for _, c := range cases {
		fmt.Fprintf(&b, "\n<a id=\"%s\"></a>\n## %s\n", anchor(c), c)
		if vars := r.varsOf(c); len(vars) > 0 {
			b.WriteString("\n")
			for _, kv := range vars {
				fmt.Fprintf(&b, "- `%s`: %s\n", kv[0], mdCell(clip(kv[1], 200)))
			}
		}
		for _, m := range models {
			res := r.cell(c, m)
			if res == nil {
				continue
			}
			fmt.Fprintf(&b, "\n### `%s` · %s\n\n", m, StatusLabel(res.Status))
			if mark := markOf(r.Prompt, res); mark != "" {
				b.WriteString(mark + "\n\n")
			}
			if res.Reply != nil {
				fmt.Fprintf(&b, "%s\n\n", r.metrics(res))
			}
			if g, ok := r.Grades[GradeKey(c, m)]; ok {
				fmt.Fprintf(&b, "Grade: %s\n\n", g.Text())
			}
			for _, ch := range res.Checks {
				mark := "✅"
				if !ch.OK {
					mark = "❌"
				}
				fmt.Fprintf(&b, "- %s %s", mark, ch.Name)
				if ch.Detail != "" {
					fmt.Fprintf(&b, ": %s", ch.Detail)
				}
				b.WriteString("\n")
			}
			if len(res.Checks) > 0 {
				b.WriteString("\n")
			}
			if res.Error != "" {
				fmt.Fprintf(&b, "> %s\n", res.Error)
			}
			if res.Reply != nil {
				fence := "```"
				for strings.Contains(res.Reply.Text, fence) {
					fence += "`"
				}
				fmt.Fprintf(&b, "%stext\n%s\n%s\n", fence, strings.TrimRight(res.Reply.Text, "\n"), fence)
			}
		}
	}
	return b.String()
}

// cellSummary is the matrix cell: status, output tokens, cost, latency.
func (r *Report) cellSummary(res *TestResult) string {
	s := StatusLabel(res.Status)
	if res.Reply != nil {
		s += " · " + promptfile.GroupDigits(int(res.Reply.Usage.Output)) + " out · " + costText(res)
		if r.BatchID == "" {
			s += " · " + FormatLatency(res.Reply.Latency)
		}
	}
	if g, ok := r.Grades[GradeKey(res.Case, res.ModelID)]; ok {
		s += fmt.Sprintf(" · grade %d/5", g.Grade)
	}
	return s
}

// metrics is a reply's usage, cost, latency and stop reason on one line.
func (r *Report) metrics(res *TestResult) string {
	u := res.Reply.Usage
	s := "in " + promptfile.GroupDigits(int(u.Input))
	if u.CacheWrite()+u.CacheRead > 0 {
		s += fmt.Sprintf(" (cache write %s, read %s)", promptfile.GroupDigits(int(u.CacheWrite())), promptfile.GroupDigits(int(u.CacheRead)))
	}
	s += " · out " + promptfile.GroupDigits(int(u.Output)) + " · " + costText(res)
	if r.BatchID == "" {
		s += " · " + FormatLatency(res.Reply.Latency)
	}
	if res.Reply.StopReason != "" {
		s += " · " + res.Reply.StopReason
	}
	return s
}

func costText(res *TestResult) string {
	if !res.Priced {
		return "cost unknown"
	}
	return res.Cost.String()
}

// varsOf is a case's values, sorted by name.
func (r *Report) varsOf(c string) [][2]string {
	for _, res := range r.Results {
		if res.Case == c {
			var out [][2]string
			for k, v := range res.Vars {
				out = append(out, [2]string{k, v})
			}
			sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
			return out
		}
	}
	return nil
}

func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > n {
		return string([]rune(s)[:n-1]) + "…"
	}
	return s
}

// mdCell keeps text inside one Markdown table cell.
func mdCell(s string) string {
	s = strings.ReplaceAll(s, "|", `\|`)
	return strings.Join(strings.Fields(s), " ")
}

// anchor is a case name as an HTML id.
func anchor(s string) string {
	var b strings.Builder
	b.WriteString("case-")
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	return b.String()
}

// htmlCell is what the HTML template shows of one case on one model.
type htmlCell struct {
	Model, Status, Label, Metrics, Reply, Error string
	Grade                                       string
	Checks                                      []Check
}

type htmlRow struct {
	Case, Anchor string
	Vars         [][2]string
	Cells        []*htmlCell
}

var htmlReport = htmltemplate.Must(htmltemplate.New("report").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<title>{{.Title}}</title>
<style>
:root { color-scheme: light; --line: #d0d7de; --muted: #57606a; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 28px; font: 14px/1.45 -apple-system, "Segoe UI", "Noto Sans", "DejaVu Sans", Helvetica, Arial, sans-serif; color: #1f2328; background: #f6f8fa; }
h1 { font-size: 20px; margin: 0 0 4px; }
h1 code, th code { font: 600 0.95em ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
.meta { color: var(--muted); margin-bottom: 14px; }
.summary { display: flex; flex-wrap: wrap; gap: 8px; margin-bottom: 18px; }
.chip { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 6px 12px; }
.chip b { font-size: 16px; margin-right: 4px; }
table { border-collapse: separate; border-spacing: 0; width: 100%; table-layout: fixed; background: #fff; border: 1px solid var(--line); border-radius: 8px; }
th, td { border-bottom: 1px solid var(--line); border-right: 1px solid var(--line); padding: 10px 12px; vertical-align: top; text-align: left; }
th:last-child, td:last-child { border-right: 0; }
tr:last-child td { border-bottom: 0; }
thead th { background: #f6f8fa; position: sticky; top: 0; }
th.case, td.case { width: 190px; }
td.case .name { font-weight: 600; word-break: break-word; }
.vars { margin: 6px 0 0; padding: 0; list-style: none; color: var(--muted); font-size: 12px; }
.vars li { display: -webkit-box; -webkit-line-clamp: 3; -webkit-box-orient: vertical; overflow: hidden; word-break: break-word; margin-bottom: 3px; }
.vars b { font-weight: 600; color: #424a53; }
.badge { display: inline-block; font-weight: 700; font-size: 11px; letter-spacing: .04em; text-transform: uppercase; border-radius: 999px; padding: 2px 9px; border: 1px solid; }
.pass { color: #1a7f37; background: #dafbe1; border-color: #4ac26b; }
.fail { color: #cf222e; background: #ffebe9; border-color: #ff8182; }
.ok { color: #57606a; background: #eaeef2; border-color: #afb8c1; }
.error, .expired, .canceled { color: #9a6700; background: #fff8c5; border-color: #d4a72c; }
.metrics { color: var(--muted); font-size: 12px; margin: 6px 0; font-variant-numeric: tabular-nums; }
.checks { margin: 6px 0; padding: 0; list-style: none; font-size: 12px; }
.checks li.no { color: #cf222e; }
.checks li.yes { color: #1a7f37; }
.reply { white-space: pre-wrap; word-break: break-word; background: #f6f8fa; border: 1px solid #eaeef2; border-radius: 6px; padding: 8px 10px; margin-top: 6px; max-height: 22em; overflow: auto; font-size: 13px; }
.grade { font-size: 12px; font-weight: 600; color: #8250df; margin: 4px 0; }
.err { color: #9a6700; font-size: 12px; margin-top: 6px; word-break: break-word; }
footer { color: var(--muted); font-size: 12px; margin-top: 14px; }
</style>
</head>
<body>
<h1>Tests of <code>{{.Prompt}}</code></h1>
<div class="meta">{{.When}} · {{.Shape}} · {{.Mode}}</div>
<div class="summary">
<span class="chip pass"><b>{{.Tally.Passed}}</b>passed</span>
<span class="chip fail"><b>{{.Tally.Failed}}</b>failed</span>
{{if .Tally.OK}}<span class="chip ok"><b>{{.Tally.OK}}</b>nothing to check</span>{{end}}
{{if .Tally.Errors}}<span class="chip error"><b>{{.Tally.Errors}}</b>without a reply</span>{{end}}
<span class="chip"><b>{{.Input}}</b>tokens in</span>
<span class="chip"><b>{{.Output}}</b>tokens out</span>
<span class="chip"><b>{{.Cost}}</b>{{if .Batch}}at batch prices{{else}}cost{{end}}</span>
</div>
<table>
<thead><tr><th class="case">case</th>{{range .Models}}<th><code>{{.}}</code></th>{{end}}</tr></thead>
<tbody>
{{range .Rows}}<tr id="{{.Anchor}}">
<td class="case"><div class="name">{{.Case}}</div>{{if .Vars}}<ul class="vars">{{range .Vars}}<li title="{{index . 1}}"><b>{{index . 0}}</b>: {{index . 1}}</li>{{end}}</ul>{{end}}</td>
{{range .Cells}}<td>{{if .}}<span class="badge {{.Status}}">{{.Label}}</span>
{{if .Metrics}}<div class="metrics">{{.Metrics}}</div>{{end}}
{{if .Grade}}<div class="grade">grade {{.Grade}}</div>{{end}}
{{if .Checks}}<ul class="checks">{{range .Checks}}<li class="{{if .OK}}yes{{else}}no{{end}}">{{if .OK}}✓{{else}}✗{{end}} {{.Name}}{{if .Detail}}: {{.Detail}}{{end}}</li>{{end}}</ul>{{end}}
{{if .Error}}<div class="err">{{.Error}}</div>{{end}}
{{if .Reply}}<div class="reply">{{.Reply}}</div>{{end}}{{end}}</td>
{{end}}</tr>
{{end}}</tbody>
</table>
<footer>Written by claude-ls. Replies are as the API sent them; costs are real, from each reply's usage.</footer>
</body>
</html>
`))

// HTML is the report as one self-contained page (no external assets): the
// replies of each case side by side across models.
func (r *Report) HTML() string {
	t := TallyOf(r.Results)
	models := r.Models()
	data := map[string]any{
		"Title": r.title(), "Prompt": r.Prompt, "When": r.Time.UTC().Format("2006-01-02 15:04 UTC"),
		"Shape": countOf(len(r.Cases()), "case", "cases") + " × " + countOf(len(models), "model", "models"),
		"Mode":  strings.ReplaceAll(r.mode(), "`", ""), "Tally": t, "Batch": r.BatchID != "",
		"Input": promptfile.GroupDigits(int(t.Input)), "Output": promptfile.GroupDigits(int(t.Output)), "Cost": t.CostText(),
		"Models": models,
	}
	var rows []htmlRow
	for _, c := range r.Cases() {
		row := htmlRow{Case: c, Anchor: anchor(c)}
		for _, kv := range r.varsOf(c) {
			row.Vars = append(row.Vars, [2]string{kv[0], clip(kv[1], 300)})
		}
		for _, m := range models {
			res := r.cell(c, m)
			if res == nil {
				row.Cells = append(row.Cells, nil)
				continue
			}
			label := string(res.Status)
			if res.Status == StatusOK {
				label = "ok · no checks"
			}
			cell := &htmlCell{Model: m, Status: string(res.Status), Label: label, Checks: res.Checks, Error: res.Error}
			if res.Reply != nil {
				cell.Metrics, cell.Reply = r.metrics(res), res.Reply.Text
			}
			if g, ok := r.Grades[GradeKey(c, m)]; ok {
				cell.Grade = g.Text()
			}
			row.Cells = append(row.Cells, cell)
		}
		rows = append(rows, row)
	}
	data["Rows"] = rows
	var b bytes.Buffer
	if err := htmlReport.Execute(&b, data); err != nil {
		return "<!DOCTYPE html><p>report error: " + htmltemplate.HTMLEscapeString(err.Error()) + "</p>"
	}
	return b.String()
}

// ReportsDir is where reports are written, under the workspace root.
func ReportsDir(root string) string { return filepath.Join(root, DataDir, "reports") }

// WriteReports writes the Markdown and HTML reports and returns their
// paths: <prompt>-<time> for a direct run, <prompt>-<batch id> for a batch,
// so fetching a batch's results again rewrites its report. Both pass
// through key's redactor.
func WriteReports(root string, r *Report, key Key) (md, html string, err error) {
	stem := strings.TrimSuffix(filepath.Base(r.Prompt), filepath.Ext(r.Prompt))
	if r.BatchID != "" {
		stem += "-" + r.BatchID
	} else {
		stem += "-" + r.Time.UTC().Format("20060102-150405")
	}
	if r.Grades == nil {
		grades, _ := ReadGrades(root)
		r.Grades = LatestGrades(grades, r.Prompt, "")
	}
	md, html, err = claimReportNames(ReportsDir(root), stem)
	if err != nil {
		return "", "", err
	}
	if err := writeFileAtomic(md, []byte(key.Redact(r.Markdown()))); err != nil {
		return "", "", err
	}
	if err := writeFileAtomic(html, []byte(key.Redact(r.HTML()))); err != nil {
		return "", "", err
	}
	ensureIgnored(root)
	return md, html, nil
}

// claimReportNames picks stem.md/.html, or stem-2, stem-3, … when taken, and
// creates the .md at once (O_EXCL), so two reports written in the same
// second, or a batch fetched twice, never overwrite each other.
func claimReportNames(dir, stem string) (md, html string, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", "", err
	}
	for i := 1; i < 1000; i++ {
		name := stem
		if i > 1 {
			name = fmt.Sprintf("%s-%d", stem, i)
		}
		md, html = filepath.Join(dir, name+".md"), filepath.Join(dir, name+".html")
		f, err := os.OpenFile(md, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		if err != nil {
			return "", "", err
		}
		f.Close()
		return md, html, nil
	}
	return "", "", fmt.Errorf("no free report name for %s in %s", stem, dir)
}
