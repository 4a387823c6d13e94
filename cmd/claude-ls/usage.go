package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/claude-ls/claude-ls/promptfile"
	"github.com/claude-ls/claude-ls/workbench"
)

func runUsage(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("usage", "[--since YYYY-MM-DD] [--json] [PATH]", stderr)
	since := fs.String("since", "", "only runs from `DATE` (YYYY-MM-DD, UTC) on")
	asJSON := fs.Bool("json", false, "print JSON")
	paths, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	where := "."
	if len(paths) > 0 {
		where = paths[0]
	}
	var from time.Time
	if *since != "" {
		t, err := time.Parse("2006-01-02", *since)
		if err != nil {
			fmt.Fprintf(stderr, "claude-ls usage: --since wants YYYY-MM-DD, not %q\n", *since)
			return exitUsage
		}
		from = t
	}
	if _, err := os.Stat(where); err != nil {
		fmt.Fprintln(stderr, "claude-ls usage:", err)
		return exitUsage
	}
	root := workbench.FindRoot(where)
	records, err := workbench.ReadRecords(root)
	if err != nil {
		fmt.Fprintln(stderr, "claude-ls usage:", err)
		return exitUsage
	}
	rep := workbench.Summarize(records, from, time.Now())
	if *asJSON {
		out, _ := json.MarshalIndent(rep, "", "  ")
		fmt.Fprintf(stdout, "%s\n", out)
		return exitOK
	}
	if rep.Total.Runs == 0 {
		fmt.Fprintf(stdout, "no runs recorded in %s\n", root)
		return exitOK
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "day\tmodel\truns\tinput\tcache write\tcache read\toutput\tcost\t")
	for _, r := range rep.Days {
		usageRow(tw, r.Day, r)
	}
	fmt.Fprintln(tw, "\t\t\t\t\t\t\t\t")
	for _, r := range rep.Models {
		usageRow(tw, "all days", r)
	}
	usageRow(tw, "total", rep.Total)
	tw.Flush()
	fmt.Fprintf(stdout, "this month: %s\n", rep.MonthUS)
	return exitOK
}

func usageRow(w io.Writer, label string, r workbench.UsageRow) {
	g := func(n int64) string { return promptfile.GroupDigits(int(n)) }
	fmt.Fprintf(w, "%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t\n", label, r.Model, r.Runs, g(r.Usage.Input), g(r.Usage.CacheWrite()), g(r.Usage.CacheRead), g(r.Usage.Output), r.CostUSD)
}
