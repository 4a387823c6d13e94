package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/claude-ls/claude-ls/workbench"
)

// runLimits prints the rate-limit headroom last reported per model.
func runLimits(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("limits", "[--json] [PATH]", stderr)
	asJSON := fs.Bool("json", false, "print JSON")
	paths, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	where := "."
	if len(paths) > 0 {
		where = paths[0]
	}
	if _, err := os.Stat(where); err != nil {
		fmt.Fprintln(stderr, "claude-ls limits:", err)
		return exitUsage
	}
	root := workbench.FindRoot(where)
	all, err := workbench.LoadLimits(root)
	if err != nil {
		fmt.Fprintln(stderr, "claude-ls limits:", err)
		return exitUsage
	}
	if *asJSON {
		out, _ := json.MarshalIndent(all, "", "  ")
		fmt.Fprintf(stdout, "%s\n", out)
		return exitOK
	}
	if len(all) == 0 {
		fmt.Fprintf(stdout, "no rate limits known in %s yet: they are kept from each run's answer\n", root)
		return exitOK
	}
	for _, m := range workbench.LimitModels(all) {
		l := all[m]
		fmt.Fprintf(stdout, "%s (as of %s): %s\n", m, l.At.Format("2006-01-02 15:04:05 UTC"), l.Summary())
	}
	return exitOK
}
