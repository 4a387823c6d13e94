package workbench

import (
	"bytes"
	"context"
	"fmt"
	htmltemplate "html/template"
	"path/filepath"
	"strings"
	"time"

	"github.com/claude-ls/claude-ls/promptfile"
)

// CompareOptions choose what CompareVersions runs.
type CompareOptions struct {
	Rev   string // the older version; default HEAD
	Tests TestRunOptions
}

// Comparison is two versions of a prompt run on the same test cases.
type Comparison struct {
	Prompt            string
	Time              time.Time
	Rev, OldCommit    string
	OldHash, NewHash  string
	Old, New          *Report
	OldGrades, Grades map[string]Grade // latest grades of each version (GradeKey)
	MDPath, HTMLPath  string           // the report files
	OldSrcSame        bool             // the working file equals the revision: nothing changed
}

// CompareVersions runs the test cases of the prompt as it is and as it was
// at opts.Rev (read with git show, nothing checked out), each through
// RunTestCases (spending guard, records tagged with each version's hash),
// and writes one report of both side by side.
func CompareVersions(ctx context.Context, p Prompt, opts CompareOptions, h TestHooks) (*Comparison, error) {
	if opts.Rev == "" {
		opts.Rev = "HEAD"
	}
	oldSrc, commit, err := GitShow(ctx, p.Path, opts.Rev)
	if err != nil {
		return nil, err
	}
	c := &Comparison{Prompt: p.Rel(), Time: time.Now().UTC(), Rev: opts.Rev, OldCommit: commit,
		OldHash: PromptHash(oldSrc), NewHash: PromptHash(p.Src), OldSrcSame: bytes.Equal(oldSrc, p.Src)}
	oldRun, err := RunTestCases(ctx, p.withSrc(oldSrc), opts.Tests, h)
	if err != nil {
		return c, fmt.Errorf("the version at %s: %w", opts.Rev, err)
	}
	newRun, err := RunTestCases(ctx, p, opts.Tests, h)
	if err != nil {
		return c, fmt.Errorf("the working version: %w", err)
	}
	c.Old, c.New = oldRun.Report, newRun.Report
	grades, _ := ReadGrades(p.WS.Root)
	c.OldGrades = LatestGrades(grades, c.Prompt, c.OldHash)
	c.Grades = LatestGrades(grades, c.Prompt, c.NewHash)
	key, _ := LoadKey(p.WS.Root)
	stem := "compare-" + strings.TrimSuffix(filepath.Base(c.Prompt), filepath.Ext(c.Prompt)) + "-" + c.Time.Format("20060102-150405")
	md, html, err := claimReportNames(ReportsDir(p.WS.Root), stem)
	if err != nil {
		return c, err
	}
	if err := writeFileAtomic(md, []byte(key.Redact(c.Markdown()))); err != nil {
		return c, err
	}
	if err := writeFileAtomic(html, []byte(key.Redact(c.HTML()))); err != nil {
		return c, err
	}
	c.MDPath, c.HTMLPath = md, html
	return c, nil
}

// comparedCell is one case on one model, in both versions.
type comparedCell struct {
	Case, Model string
	Old, New    *TestResult
	OldGrade    string
	NewGrade    string
}

func (c *Comparison) cells() []comparedCell {
	var out []comparedCell
	seen := map[string]bool{}
	add := func(cs, m string) {
		k := GradeKey(cs, m)
		if seen[k] {
			return
		}
		seen[k] = true
		cell := comparedCell{Case: cs, Model: m, Old: c.Old.cell(cs, m), New: c.New.cell(cs, m)}
		if g, ok := c.OldGrades[k]; ok {
			cell.OldGrade = g.Text()
		}
		if g, ok := c.Grades[k]; ok {
			cell.NewGrade = g.Text()
		}
		out = append(out, cell)
	}
	for _, r := range []*Report{c.New, c.Old} {
		for _, res := range r.Results {
			add(res.Case, res.ModelID)
		}
	}
	return out
}

// Totals is the tally of each version and the difference.
func (c *Comparison) Totals() (old, new Tally) { return TallyOf(c.Old.Results), TallyOf(c.New.Results) }

func (c *Comparison) versionName() string {
	return fmt.Sprintf("%s (%s)", c.Rev, c.OldCommit)
}

// Markdown is the comparison for people and diffs.
func (c *Comparison) Markdown() string {
	var b strings.Builder
	o, n := c.Totals()
	fmt.Fprintf(&b, "# Compare `%s`: %s → working file\n\n", c.Prompt, c.versionName())
	fmt.Fprintf(&b, "%s · old version `%s` · new version `%s`\n\n", c.Time.Format("2006-01-02 15:04 UTC"), c.OldHash, c.NewHash)
	if c.OldSrcSame {
		b.WriteString("The working file is the same as the revision: both columns ran the same prompt.\n\n")
	}
	b.WriteString("| | old | new | change |\n|---|---|---|---|\n")
	fmt.Fprintf(&b, "| results | %s | %s | |\n", o, n)
	fmt.Fprintf(&b, "| tokens in | %s | %s | %s |\n", promptfile.GroupDigits(int(o.Input)), promptfile.GroupDigits(int(n.Input)), signed(n.Input-o.Input))
	fmt.Fprintf(&b, "| tokens out | %s | %s | %s |\n", promptfile.GroupDigits(int(o.Output)), promptfile.GroupDigits(int(n.Output)), signed(n.Output-o.Output))
	fmt.Fprintf(&b, "| cost | %s | %s | %s |\n\n", o.CostText(), n.CostText(), signedUSD(n.Cost-o.Cost))
	for _, cell := range c.cells() {
		fmt.Fprintf(&b, "## %s · `%s`\n\n", cell.Case, cell.Model)
		for _, side := range []struct {
			name  string
			res   *TestResult
			grade string
		}{{"old", cell.Old, cell.OldGrade}, {"new", cell.New, cell.NewGrade}} {
			if mark := markOf(c.Prompt, side.res); mark != "" {
				b.WriteString(mark + "\n")
			}
			fmt.Fprintf(&b, "**%s** · ", side.name)
			if side.res == nil {
				b.WriteString("not run\n\n")
				continue
			}
			b.WriteString(StatusLabel(side.res.Status))
			if side.res.Reply != nil {
				fmt.Fprintf(&b, " · out %s · %s", promptfile.GroupDigits(int(side.res.Reply.Usage.Output)), costText(side.res))
			}
			if side.grade != "" {
				fmt.Fprintf(&b, " · grade %s", side.grade)
			}
			b.WriteString("\n\n")
			for _, ch := range side.res.Checks {
				mark := "✅"
				if !ch.OK {
					mark = "❌"
				}
				fmt.Fprintf(&b, "- %s %s\n", mark, ch.Name)
			}
			if len(side.res.Checks) > 0 {
				b.WriteString("\n")
			}
			if side.res.Reply != nil {
				fmt.Fprintf(&b, "> %s\n\n", strings.ReplaceAll(strings.TrimSpace(side.res.Reply.Text), "\n", "\n> "))
			} else if side.res.Error != "" {
				fmt.Fprintf(&b, "> %s\n\n", side.res.Error)
			}
		}
	}
	return b.String()
}

func signed(n int64) string {
	if n > 0 {
		return "+" + promptfile.GroupDigits(int(n))
	}
	if n < 0 {
		return "−" + promptfile.GroupDigits(int(-n))
	}
	return "±0"
}

func signedUSD(d promptfile.USD) string {
	switch {
	case d > 0:
		return "+" + d.String()
	case d < 0:
		return "−" + (-d).String()
	}
	return "±0"
}

type compareSide struct {
	Status, Label, Metrics, Reply, Error, Grade string
	Checks                                      []Check
}

type compareRow struct {
	Case, Model string
	Old, New    *compareSide
}

func sideOf(res *TestResult, grade string) *compareSide {
	if res == nil {
		return nil
	}
	s := &compareSide{Status: string(res.Status), Label: string(res.Status), Error: res.Error, Grade: grade, Checks: res.Checks}
	if res.Reply != nil {
		s.Reply = res.Reply.Text
		s.Metrics = fmt.Sprintf("in %s · out %s · %s", promptfile.GroupDigits(int(res.Reply.Usage.TotalInput())), promptfile.GroupDigits(int(res.Reply.Usage.Output)), costText(res))
	}
	return s
}

var compareHTML = htmltemplate.Must(htmltemplate.New("compare").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<title>Compare {{.Prompt}}</title>
<style>
:root { color-scheme: light; --line: #d0d7de; --muted: #57606a; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 28px; font: 14px/1.45 -apple-system, "Segoe UI", "Noto Sans", "DejaVu Sans", Helvetica, Arial, sans-serif; color: #1f2328; background: #f6f8fa; }
h1 { font-size: 20px; margin: 0 0 4px; }
code { font: 600 0.95em ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
.meta { color: var(--muted); margin-bottom: 14px; }
table { border-collapse: separate; border-spacing: 0; width: 100%; background: #fff; border: 1px solid var(--line); border-radius: 8px; margin-bottom: 16px; table-layout: fixed; }
th, td { border-bottom: 1px solid var(--line); border-right: 1px solid var(--line); padding: 9px 12px; vertical-align: top; text-align: left; }
th:last-child, td:last-child { border-right: 0; }
tr:last-child td { border-bottom: 0; }
thead th { background: #f6f8fa; }
.totals { width: auto; min-width: 560px; table-layout: auto; }
.totals td { font-variant-numeric: tabular-nums; }
.up { color: #cf222e; } .down { color: #1a7f37; }
td.case { width: 180px; font-weight: 600; word-break: break-word; }
td.case code { display: block; font-weight: 400; color: var(--muted); margin-top: 4px; }
.badge { display: inline-block; font-weight: 700; font-size: 11px; letter-spacing: .04em; text-transform: uppercase; border-radius: 999px; padding: 2px 9px; border: 1px solid; }
.pass { color: #1a7f37; background: #dafbe1; border-color: #4ac26b; }
.fail { color: #cf222e; background: #ffebe9; border-color: #ff8182; }
.ok { color: #57606a; background: #eaeef2; border-color: #afb8c1; }
.error, .expired, .canceled { color: #9a6700; background: #fff8c5; border-color: #d4a72c; }
.metrics { color: var(--muted); font-size: 12px; margin: 6px 0; font-variant-numeric: tabular-nums; }
.grade { font-size: 12px; font-weight: 600; color: #8250df; margin: 4px 0; }
.checks { margin: 6px 0; padding: 0; list-style: none; font-size: 12px; }
.checks li.no { color: #cf222e; } .checks li.yes { color: #1a7f37; }
.reply { white-space: pre-wrap; word-break: break-word; background: #f6f8fa; border: 1px solid #eaeef2; border-radius: 6px; padding: 8px 10px; margin-top: 6px; max-height: 22em; overflow: auto; font-size: 13px; }
.err { color: #9a6700; font-size: 12px; margin-top: 6px; }
footer { color: var(--muted); font-size: 12px; }
</style>
</head>
<body>
<h1>Compare <code>{{.Prompt}}</code></h1>
<div class="meta">{{.When}} · old: {{.OldName}}, version <code>{{.OldHash}}</code> · new: the working file, version <code>{{.NewHash}}</code>{{if .Same}} · the file is unchanged since {{.Rev}}{{end}}</div>
<table class="totals">
<thead><tr><th></th><th>old</th><th>new</th><th>change</th></tr></thead>
<tbody>
<tr><td>results</td><td>{{.OldTally}}</td><td>{{.NewTally}}</td><td></td></tr>
<tr><td>tokens in</td><td>{{.OldIn}}</td><td>{{.NewIn}}</td><td class="{{.InClass}}">{{.InDiff}}</td></tr>
<tr><td>tokens out</td><td>{{.OldOut}}</td><td>{{.NewOut}}</td><td class="{{.OutClass}}">{{.OutDiff}}</td></tr>
<tr><td>cost</td><td>{{.OldCost}}</td><td>{{.NewCost}}</td><td class="{{.CostClass}}">{{.CostDiff}}</td></tr>
</tbody>
</table>
<table>
<thead><tr><th style="width:180px">case · model</th><th>old · {{.OldName}}</th><th>new · working file</th></tr></thead>
<tbody>
{{range .Rows}}<tr><td class="case">{{.Case}}<code>{{.Model}}</code></td>
{{template "side" .Old}}
{{template "side" .New}}
</tr>
{{end}}</tbody>
</table>
<footer>Written by claude-ls compare. Replies are as the API sent them; costs are real, from each reply's usage.</footer>
</body>
</html>
{{define "side"}}<td>{{if .}}<span class="badge {{.Status}}">{{.Label}}</span>
{{if .Metrics}}<div class="metrics">{{.Metrics}}</div>{{end}}
{{if .Grade}}<div class="grade">grade {{.Grade}}</div>{{end}}
{{if .Checks}}<ul class="checks">{{range .Checks}}<li class="{{if .OK}}yes{{else}}no{{end}}">{{if .OK}}✓{{else}}✗{{end}} {{.Name}}{{if .Detail}}: {{.Detail}}{{end}}</li>{{end}}</ul>{{end}}
{{if .Error}}<div class="err">{{.Error}}</div>{{end}}
{{if .Reply}}<div class="reply">{{.Reply}}</div>{{end}}{{else}}not run{{end}}</td>{{end}}
`))

func changeClass(d float64) string {
	switch {
	case d > 0:
		return "up"
	case d < 0:
		return "down"
	}
	return ""
}

// HTML is the comparison as one self-contained page: the replies of both
// versions side by side.
func (c *Comparison) HTML() string {
	o, n := c.Totals()
	data := map[string]any{
		"Prompt": c.Prompt, "When": c.Time.Format("2006-01-02 15:04 UTC"), "OldName": c.versionName(), "Rev": c.Rev,
		"OldHash": c.OldHash, "NewHash": c.NewHash, "Same": c.OldSrcSame,
		"OldTally": o.String(), "NewTally": n.String(),
		"OldIn": promptfile.GroupDigits(int(o.Input)), "NewIn": promptfile.GroupDigits(int(n.Input)), "InDiff": signed(n.Input - o.Input), "InClass": changeClass(float64(n.Input - o.Input)),
		"OldOut": promptfile.GroupDigits(int(o.Output)), "NewOut": promptfile.GroupDigits(int(n.Output)), "OutDiff": signed(n.Output - o.Output), "OutClass": changeClass(float64(n.Output - o.Output)),
		"OldCost": o.CostText(), "NewCost": n.CostText(), "CostDiff": signedUSD(n.Cost - o.Cost), "CostClass": changeClass(float64(n.Cost - o.Cost)),
	}
	var rows []compareRow
	for _, cell := range c.cells() {
		rows = append(rows, compareRow{Case: cell.Case, Model: cell.Model, Old: sideOf(cell.Old, cell.OldGrade), New: sideOf(cell.New, cell.NewGrade)})
	}
	data["Rows"] = rows
	var b bytes.Buffer
	if err := compareHTML.Execute(&b, data); err != nil {
		return "<!DOCTYPE html><p>report error: " + htmltemplate.HTMLEscapeString(err.Error()) + "</p>"
	}
	return b.String()
}
