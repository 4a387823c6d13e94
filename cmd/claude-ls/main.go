// Command claude-ls is the language server and command line for .prompt files.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

// Exit codes, documented in the README.
const (
	exitOK       = 0
	exitProblems = 1 // the prompt has errors (or a test failed)
	exitUsage    = 2 // bad command line, or a file could not be read
)

const usage = `claude-ls: a language server and workbench for .prompt files

Usage:
  claude-ls render [--var NAME=VALUE]... [--test NAME] [--model ID] FILE
  claude-ls export --lang go|python|ts|js|curl [--var NAME=VALUE]... [--test NAME] [--model ID] [-o FILE] FILE
  claude-ls count [--json] [--model ID] FILE...
  claude-ls check [--format text|json] [PATH...]
  claude-ls run [--var NAME=VALUE]... [--test NAME] [--model ID] [--no-stream] [--yes] FILE
  claude-ls run --all-tests [--model ID[,ID]...] [--batch] [--concurrency N] [--yes] FILE
  claude-ls batch status|results ID
  claude-ls improve [--goal TEXT] [--model ID] [--write] [--yes] FILE
  claude-ls tests generate [-n N] [--model ID] [--yes] FILE
  claude-ls grade FILE [--test NAME] [--model ID] 1..5 [--note TEXT]
  claude-ls compare [--rev REV] [--model ID[,ID]...] [--yes] FILE
  claude-ls usage [--since YYYY-MM-DD] [--org] [--json] [--html FILE]
  claude-ls limits [--json]
  claude-ls serve [--log FILE] [--trace]
  claude-ls version
  claude-ls help

Commands:
  render   print the Messages API request body the file renders to (JSON)
  export   print a program (Go, Python, TypeScript, JavaScript, curl) that
           sends that request and prints the reply; variables are parameters
  count    approximate input tokens and cost, per block and in total
  check    report problems in every .prompt under the paths (default .);
           exit 1 when there is an error, for CI and pre-commit
  run      send the request through the Anthropic API, stream the reply to
           stdout, and print usage, cost and latency to stderr; every run is
           recorded in .claude-ls/runs.jsonl (needs ANTHROPIC_API_KEY or .env).
           With --all-tests: every test case (on each --model), checking its
           expect; a table, and reports in .claude-ls/reports/; --batch sends
           them through the Message Batches API at half price
  batch    the status, or the results (waiting for them), of a batch that
           run --all-tests --batch started
  improve  a model rewrites the prompt (keeping every variable); prints a
           unified diff, or writes it with --write
  tests    generate: a model proposes N new test cases, appended to tests:
  grade    grade the last reply of a case 1-5 (kept in .claude-ls/grades.jsonl);
           with only FILE, the mean grade of each version of the prompt
  compare  run the test cases on the file and on its version at --rev (HEAD)
           and write one report with both side by side
  usage    spend and tokens by day and model, from the recorded runs; --org
           sets the organisation's usage and cost (Admin API, needs
           ANTHROPIC_ADMIN_KEY) beside them; --html pictures the spend
  limits   the rate-limit headroom each model's last answer reported
  serve    run the language server on stdin/stdout (editors start this)
  version  print the version

Run 'claude-ls COMMAND --help' for a command's flags.
The file format: docs/promptfile.md. Exit codes: 0 fine, 1 the prompt has
errors or a test expectation failed, 2 usage or I/O error (or no API key),
3 the API call failed (for tests: a case got no reply), 4 refused by the
spending guard, 130 interrupted.
`

type command struct {
	run func(args []string, stdout, stderr io.Writer) int
}

var commands = map[string]command{
	"render":  {runRender},
	"export":  {runExport},
	"count":   {runCount},
	"check":   {runCheck},
	"serve":   {runServe},
	"run":     {runRun},
	"usage":   {runUsage},
	"limits":  {runLimits},
	"batch":   {runBatch},
	"improve": {runImprove},
	"tests":   {runTestsCmd},
	"grade":   {runGrade},
	"compare": {runCompare},
	"version": {func(_ []string, stdout, _ io.Writer) int { fmt.Fprintln(stdout, "claude-ls", version); return exitOK }},
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	case "--version", "-version":
		args[0] = "version"
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "claude-ls: unknown command %q\n\n%s", args[0], usage)
		return exitUsage
	}
	return cmd.run(args[1:], stdout, stderr)
}

// newFlags makes a flag set that prints its usage and reports errors the same way.
func newFlags(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: claude-ls %s %s\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses, allowing flags after file arguments too.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, int, bool) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, exitOK, false
			}
			return nil, exitUsage, false
		}
		args = fs.Args()
		if len(args) == 0 {
			return rest, 0, true
		}
		rest = append(rest, args[0])
		args = args[1:]
	}
}

// varFlags collects repeated --var NAME=VALUE flags.
type varFlags map[string]string

func (v varFlags) String() string { return "" }

func (v varFlags) Set(s string) error {
	name, value, ok := strings.Cut(s, "=")
	if !ok || name == "" {
		return fmt.Errorf("want NAME=VALUE, got %q", s)
	}
	v[name] = value
	return nil
}
