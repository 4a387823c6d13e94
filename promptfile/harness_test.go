package promptfile

import (
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"
	"testing"
	"time"

	"github.com/claude-ls/claude-ls/internal/txtar"
)

var update = flag.Bool("update", false, "rewrite golden files")

// testCounters is shared so the encodings load once per test binary.
var testCounters = NewCounters()

// loadCase reads a txtar test case: input.prompt is the file under test,
// .claude-ls.yaml its config, `options` lines such as "strict", "var a=b",
// "test NAME", "model ID", and every other file lives in the workspace.
func loadCase(t testing.TB, file string) (*txtar.Archive, *Result) {
	t.Helper()
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	return ar, analyzeArchive(t, ar)
}

const testRoot = "/ws"

func analyzeArchive(t testing.TB, ar *txtar.Archive) *Result {
	t.Helper()
	files := map[string][]byte{}
	for _, f := range ar.Files {
		files[path.Join(testRoot, f.Name)] = f.Data
	}
	ws := &Workspace{Root: testRoot, Counter: testCounters, ReadFile: func(p string) ([]byte, error) {
		if data, ok := files[p]; ok {
			return data, nil
		}
		return nil, fmt.Errorf("open %s: %w", p, fs.ErrNotExist)
	}}
	if cfg := ar.Get(".claude-ls.yaml"); cfg != nil {
		c, errs := ParseConfig(cfg)
		if len(errs) > 0 {
			t.Fatalf("config: %v", errs)
		}
		ws.Config = c
		ws.Catalog = c.Catalog(DefaultCatalog())
	}
	opts := Options{Path: path.Join(testRoot, "input.prompt"), Vars: map[string]string{}}
	for _, line := range strings.Split(string(ar.Get("options")), "\n") {
		word, arg, _ := strings.Cut(strings.TrimSpace(line), " ")
		switch word {
		case "":
		case "strict":
			opts.Strict = true
		case "var":
			k, v, _ := strings.Cut(arg, "=")
			opts.Vars[k] = v
		case "test":
			opts.Test = arg
		case "model":
			opts.Model = arg
		case "today": // the day models' lifecycles are judged on
			day, err := time.Parse(time.DateOnly, arg)
			if err != nil {
				t.Fatalf("option %q: %v", line, err)
			}
			ws.Now = func() time.Time { return day }
		default:
			t.Fatalf("unknown option %q", line)
		}
	}
	src := ar.Get("input.prompt")
	if src == nil {
		t.Fatal("no input.prompt in the case")
	}
	return Analyze(Parse(src), ws, opts)
}

func txtarFiles(t *testing.T, dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".txtar") {
			out = append(out, path.Join(dir, e.Name()))
		}
	}
	if len(out) == 0 {
		t.Fatalf("no cases in %s", dir)
	}
	return out
}
