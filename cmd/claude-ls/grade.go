package main

import (
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"

	"github.com/claude-ls/claude-ls/promptfile"
	"github.com/claude-ls/claude-ls/workbench"
)

// runGrade is `claude-ls grade`: grade the latest recorded reply of a test
// case 1–5, or, without a grade, summarise the grades per prompt version.
func runGrade(args []string, stdout, stderr io.Writer) int {
	fs := newFlags("grade", "FILE [--test NAME] [--model ID] 1..5 [--note TEXT]\n       claude-ls grade FILE   (the grades per version of the prompt)", stderr)
	test := fs.String("test", "", "the test case `NAME` (default: the run without a test case)")
	model := fs.String("model", "", "the model `ID` that replied (default: the prompt's model)")
	note := fs.String("note", "", "why, in a few words")
	rest, code, ok := parseFlags(fs, args)
	if !ok {
		return code
	}
	if len(rest) < 1 || len(rest) > 2 {
		fs.Usage()
		return exitUsage
	}
	path := rest[0]
	p, code := openPrompt(path, stderr)
	if code != exitOK {
		return code
	}
	if len(rest) == 1 {
		return printGradeSummary(p, stdout, stderr)
	}
	n, err := strconv.Atoi(rest[1])
	if err != nil || n < 1 || n > 5 {
		fmt.Fprintf(stderr, "claude-ls grade: a grade is 1 to 5, not %q\n", rest[1])
		return exitUsage
	}
	if *model == "" {
		*model = p.Analyze(promptfile.Options{}).ModelID
	}
	g, err := workbench.GradeReply(p.WS.Root, workbench.ReplyMark{Prompt: p.Rel(), Test: *test, Model: *model}, n, *note)
	if err != nil {
		fmt.Fprintln(stderr, "claude-ls grade:", err)
		return exitUsage
	}
	fmt.Fprintf(stdout, "graded %s, case %s on %s (run of %s): %s\n", p.Rel(), g.Test, g.Model, g.RunTime.Format("2006-01-02 15:04:05 UTC"), g.Text())
	return exitOK
}

// printGradeSummary prints the grades of each version of the prompt.
func printGradeSummary(p workbench.Prompt, stdout, stderr io.Writer) int {
	grades, err := workbench.ReadGrades(p.WS.Root)
	if err != nil {
		fmt.Fprintln(stderr, "claude-ls grade:", err)
		return exitUsage
	}
	versions := workbench.GradesByVersion(grades, p.Rel())
	if len(versions) == 0 {
		fmt.Fprintf(stdout, "no grades for %s yet: grade a reply with 'claude-ls grade %s --test NAME 1..5'\n", p.Rel(), p.Rel())
		return exitOK
	}
	current := workbench.PromptHash(p.Src)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "version\tcommit\tlast run\tgraded\tmean")
	for _, v := range versions {
		name := v.PromptHash
		if name == current {
			name += " (this file)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%.1f\n", name, orDash(v.Commit), v.Last.Format("2006-01-02 15:04"), v.N, v.Mean)
	}
	tw.Flush()
	return exitOK
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
