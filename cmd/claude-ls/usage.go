package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/claude-ls/claude-ls/promptfile"
	"github.com/claude-ls/claude-ls/workbench"
)

func runUsage(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("usage", "[--since YYYY-MM-DD] [--org] [--json] [--html FILE] [PATH]", stderr)
	since := fs.String("since", "", "only runs from `DATE` (YYYY-MM-DD, UTC) on")
	asJSON := fs.Bool("json", false, "print JSON")
	org := fs.Bool("org", false, "also the organisation's usage and cost from the Admin API (needs "+workbench.AdminKeyVar+")")
	page := fs.String("html", "", "write the spend pictured to `FILE` (one self-contained HTML page)")
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
	catalog := promptfile.DefaultCatalog() // prices the cache savings
	if ws, err := openWorkspace(where, false); err == nil {
		catalog = ws.Catalog
	}
	// The organisation's figures: asked for with --org, or taken into the
	// page when an admin key is there.
	ctx, stop := interruptible()
	view, err := workbench.GatherSpend(ctx, root, catalog, workbench.SpendOptions{Since: from, Org: *org, OrgIfKey: *page != ""})
	interrupted := ctx.Err() != nil
	stop()
	switch {
	case interrupted:
		fmt.Fprintln(stderr, "claude-ls usage: interrupted")
		return exitInterrupted
	case errors.Is(err, workbench.ErrNoAdminKey) || errors.Is(err, workbench.ErrNotAdminKey):
		fmt.Fprintln(stderr, "claude-ls usage:", err)
		return exitUsage
	case err != nil && *org:
		fmt.Fprintln(stderr, "claude-ls usage: the organisation's usage:", err)
		return exitAPI
	case err != nil:
		fmt.Fprintln(stderr, "claude-ls usage:", err)
		return exitUsage
	}
	if view.Skipped > 0 {
		fmt.Fprintf(stderr, "claude-ls usage: %s of %s skipped (damaged, or over %d MB) and not counted\n",
			countNoun(view.Skipped, "line"), workbench.DataDir+"/runs.jsonl", workbench.MaxReadLine>>20)
	}
	if view.OrgErr != nil {
		fmt.Fprintln(stderr, "claude-ls usage: the organisation's usage:", view.OrgErr)
	}
	rep, orgRep := view.Report, view.Org
	if *page != "" {
		if err := view.WritePage(*page); err != nil {
			fmt.Fprintln(stderr, "claude-ls usage:", err)
			return exitUsage
		}
		fmt.Fprintln(stderr, "wrote", *page)
		return exitOK
	}
	if *asJSON {
		var v any = rep
		if orgRep != nil {
			v = struct {
				workbench.UsageReport
				Org *workbench.OrgReport `json:"org"`
			}{rep, orgRep}
		}
		out, _ := json.MarshalIndent(v, "", "  ")
		fmt.Fprintf(stdout, "%s\n", out)
		return exitOK
	}
	if rep.Total.Runs == 0 && orgRep == nil {
		fmt.Fprintf(stdout, "no runs recorded in %s\n", root)
		return exitOK
	}
	if rep.Total.Runs > 0 {
		printUsage(stdout, rep)
	}
	if orgRep != nil {
		if rep.Total.Runs > 0 {
			fmt.Fprintln(stdout)
		}
		printOrg(stdout, orgRep)
	}
	return exitOK
}

func printUsage(stdout io.Writer, rep workbench.UsageReport) {
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "day\tmodel\truns\tinput\tcache write\tcache read\toutput\tcost\tof it batch\t")
	for _, r := range rep.Days {
		usageRow(tw, r.Day, r)
	}
	fmt.Fprintln(tw, "\t\t\t\t\t\t\t\t\t")
	for _, r := range rep.Models {
		usageRow(tw, "all days", r)
	}
	usageRow(tw, "total", rep.Total)
	tw.Flush()
	fmt.Fprintf(stdout, "this month: %s", rep.MonthUS)
	if rep.Total.CacheSavedUSD > 0 {
		fmt.Fprintf(stdout, " · cache reads saved %s", rep.Total.CacheSavedUSD)
	}
	fmt.Fprintln(stdout)
}

func usageRow(w io.Writer, label string, r workbench.UsageRow) {
	g := func(n int64) string { return promptfile.GroupDigits(int(n)) }
	batch := "-"
	if r.BatchRuns > 0 {
		batch = r.BatchUSD.String()
	}
	fmt.Fprintf(w, "%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\t\n", label, r.Model, r.Runs, g(r.Usage.Input), g(r.Usage.CacheWrite()), g(r.Usage.CacheRead), g(r.Usage.Output), r.CostUSD, batch)
}

// printOrg is the organisation's figures beside this workspace's.
func printOrg(stdout io.Writer, rep *workbench.OrgReport) {
	fmt.Fprintf(stdout, "organisation (Admin API), %s to %s:\n", rep.Since, rep.Until)
	if len(rep.Days) == 0 {
		fmt.Fprintln(stdout, "no usage reported")
		return
	}
	g := func(n int64) string { return promptfile.GroupDigits(int(n)) }
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "day\tmodel\tinput\tcache write\tcache read\toutput\torg cost\tof it batch\tthis workspace\tdifference\t")
	row := func(label string, r workbench.OrgRow) {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", label, r.Model, g(r.Usage.Input), g(r.Usage.CacheWrite()), g(r.Usage.CacheRead), g(r.Usage.Output),
			r.OrgUSD, r.OrgBatch, r.LocalUSD, r.ElseUSD)
	}
	for _, r := range rep.Days {
		row(r.Day, r)
	}
	row("total", rep.Total)
	tw.Flush()
}
