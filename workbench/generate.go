package workbench

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/claude-ls/claude-ls/promptfile"
)

// generateMeta is the test-case generator's system prompt.
const generateMeta = `You write test cases for a prompt: sets of values for its variables that a careful prompt
engineer would try: typical inputs, edge cases (very short, long, unusual, adversarial), and inputs
in the style the prompt expects. Each case differs from the existing ones and from each other.
Give each case a short, descriptive name of a few words.`

// How many test cases one generation asks for: by default, and at most.
const (
	DefaultGeneratedCases = 3
	MaxGeneratedCases     = 50
)

// GenerateOptions choose how GenerateTests asks.
type GenerateOptions struct {
	N      int    // how many cases, 1 to MaxGeneratedCases; 0: DefaultGeneratedCases
	Model  string // "" for the prompt's model
	Budget *promptfile.MonthlyBudget
}

// GeneratedCase is one new test case.
type GeneratedCase struct {
	Name string
	Vars map[string]string
}

// FileChange is a file's new text, not yet written.
type FileChange struct {
	Path     string // absolute
	Old, New []byte
}

// Write writes the change.
func (c FileChange) Write() error {
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(c.Path); err == nil {
		mode = fi.Mode().Perm()
	}
	if err := writeFileAtomic(c.Path, c.New); err != nil {
		return err
	}
	return os.Chmod(c.Path, mode)
}

// Generated is what GenerateTests proposes: the cases, and the change that
// appends them to tests: (the prompt) or to its tests file.
type Generated struct {
	Cases  []GeneratedCase
	Change FileChange
}

// GenerateTests asks a model for opts.N new sets of variable values, with a
// structured-output schema built from the prompt's variables, under the
// spending guard and recorded with Kind "generate-tests". The cases are
// appended, never replacing one, with names unique in the file; nothing is
// written: the caller applies Change.
func GenerateTests(ctx context.Context, p Prompt, opts GenerateOptions, h Hooks) (*Generated, error) {
	res := p.Analyze(promptfile.Options{})
	if err := checkClean(res); err != nil {
		return nil, err
	}
	vars := PromptVars(res)
	if len(vars) == 0 {
		return nil, &ProblemsError{Result: res, Message: "the prompt has no variables: there is nothing for test cases to vary"}
	}
	if opts.N == 0 {
		opts.N = DefaultGeneratedCases
	}
	if opts.N < 1 || opts.N > MaxGeneratedCases {
		return nil, fmt.Errorf("ask for 1 to %d test cases, not %d", MaxGeneratedCases, opts.N)
	}
	model := p.WS.helperModel(opts.Model, res)
	if m, ok := p.WS.Catalog.Lookup(model); ok && !m.StructuredOutputs {
		return nil, &ProblemsError{Result: res, Message: model + " does not take structured outputs (output_config.format): choose another model"}
	}
	target, err := testsTargetOf(p, res)
	if err != nil {
		return nil, err
	}
	existing, _ := json.Marshal(existingCases(res))
	user := fmt.Sprintf("<prompt_file>\n%s\n</prompt_file>\n\nThe variables: %s.\nThe existing test cases: %s\n\nWrite %d new test cases.",
		p.Src, strings.Join(vars, ", "), existing, opts.N)
	reply, err := assist(ctx, p, assistRequest{Kind: "generate-tests", Model: model, System: generateMeta, User: user,
		MaxTokens: 4096 + 1024*opts.N, Schema: casesSchema(vars), Budget: opts.Budget}, h)
	if err != nil {
		return nil, err
	}
	cases, err := parseCases(reply.Text, vars, opts.N, res)
	if err != nil {
		return nil, &RejectedError{Message: err.Error(), Text: reply.Text}
	}
	change, err := target.appendCases(cases, vars)
	if err != nil {
		return nil, err
	}
	// The new file must still pass check, with every case there.
	q := p
	if change.Path == p.Path {
		q = p.withSrc(change.New)
	} else {
		read := p.Read
		if read == nil {
			read = p.WS.Reader()
		}
		q.Read = func(path string) ([]byte, error) {
			if filepath.Clean(path) == filepath.Clean(change.Path) {
				return change.New, nil
			}
			return read(path)
		}
	}
	after := q.Analyze(promptfile.Options{})
	if d := after.FirstError(); d != nil {
		return nil, &RejectedError{Text: string(change.New), Message: fmt.Sprintf("the cases would not pass check: line %d: %s", after.File.Map.Line(d.Span.Start)+1, d.Message)}
	}
	if len(after.Tests) != len(res.Tests)+len(cases) {
		return nil, &RejectedError{Text: string(change.New), Message: fmt.Sprintf("after appending, the file has %d test cases, not %d", len(after.Tests), len(res.Tests)+len(cases))}
	}
	return &Generated{Cases: cases, Change: change}, nil
}

// casesSchema is the structured output's schema: {cases: [{name, vars…}]},
// every value a string, as the API's subset wants (no bounds).
func casesSchema(vars []string) map[string]any {
	props := map[string]any{"name": map[string]string{"type": "string"}}
	required := []string{"name"}
	for _, v := range vars {
		props[v] = map[string]string{"type": "string"}
		required = append(required, v)
	}
	item := map[string]any{"type": "object", "properties": props, "required": required, "additionalProperties": false}
	return map[string]any{"type": "object", "additionalProperties": false, "required": []string{"cases"},
		"properties": map[string]any{"cases": map[string]any{"type": "array", "items": item}}}
}

func existingCases(res *promptfile.Result) []map[string]string {
	out := []map[string]string{}
	for _, tc := range res.Tests {
		m := map[string]string{"name": tc.Name}
		for k, v := range tc.Vars {
			m[k] = v
		}
		out = append(out, m)
	}
	return out
}

// parseCases reads the model's JSON: at most n cases, each with every
// variable, named uniquely among the file's cases.
func parseCases(text string, vars []string, n int, res *promptfile.Result) ([]GeneratedCase, error) {
	var got struct {
		Cases []map[string]any `json:"cases"`
	}
	if err := json.Unmarshal([]byte(strings.TrimSpace(text)), &got); err != nil {
		return nil, fmt.Errorf("the model's answer is not the JSON asked for: %v", err)
	}
	if len(got.Cases) == 0 {
		return nil, errors.New("the model proposed no test case")
	}
	taken := map[string]bool{}
	for _, tc := range res.Tests {
		taken[tc.Name] = true
	}
	var out []GeneratedCase
	for i, c := range got.Cases {
		if i == n {
			break
		}
		gc := GeneratedCase{Vars: map[string]string{}}
		name, _ := c["name"].(string)
		gc.Name = uniqueName(strings.Join(strings.Fields(name), " "), len(res.Tests)+i+1, taken)
		for _, v := range vars {
			switch val := c[v].(type) {
			case string:
				gc.Vars[v] = val
			case nil:
				return nil, fmt.Errorf("case %q has no value for {{%s}}", gc.Name, v)
			default:
				b, _ := json.Marshal(val)
				gc.Vars[v] = string(b)
			}
		}
		out = append(out, gc)
	}
	return out, nil
}

// uniqueName is name, or "case N", made unique with " (2)", " (3)", …
func uniqueName(name string, n int, taken map[string]bool) string {
	if name == "" || name == "name" || name == "expect" {
		name = fmt.Sprintf("case %d", n)
	}
	out := name
	for k := 2; taken[out]; k++ {
		out = fmt.Sprintf("%s (%d)", name, k)
	}
	taken[out] = true
	return out
}

// testsTarget is where new cases go: the front matter's tests: list, or
// the tests file it names.
type testsTarget struct {
	p    Prompt
	res  *promptfile.Result
	file string // absolute path of a tests file; "" for the front matter
}

func testsTargetOf(p Prompt, res *promptfile.Result) (testsTarget, error) {
	t := testsTarget{p: p, res: res}
	e := res.File.Front.Lookup("tests")
	if e != nil && e.Value.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(e.Value.Content); i += 2 {
			if e.Value.Content[i].Value == "file" {
				t.file = filepath.Join(filepath.Dir(p.Path), filepath.FromSlash(e.Value.Content[i+1].Value))
			}
		}
	}
	return t, nil
}

func (t testsTarget) appendCases(cases []GeneratedCase, vars []string) (FileChange, error) {
	if t.file == "" {
		return t.appendFront(cases, vars)
	}
	read := t.p.Read
	if read == nil {
		read = t.p.WS.Reader()
	}
	old, err := read(t.file)
	if err != nil {
		return FileChange{}, err
	}
	var add []byte
	switch strings.ToLower(filepath.Ext(t.file)) {
	case ".csv":
		add, err = csvRows(old, cases)
	default: // .jsonl, .ndjson: check has already refused anything else
		var b bytes.Buffer
		for _, c := range cases {
			obj := map[string]string{"name": c.Name}
			for k, v := range c.Vars {
				obj[k] = v
			}
			line, _ := json.Marshal(obj)
			b.Write(line)
			b.WriteByte('\n')
		}
		add = b.Bytes()
	}
	if err != nil {
		return FileChange{}, err
	}
	return FileChange{Path: t.file, Old: old, New: append(withFinalNewline(old), add...)}, nil
}

// csvRows are the cases as rows under the file's header; a variable the
// header lacks is an error (a column cannot be added to existing rows).
func csvRows(old []byte, cases []GeneratedCase) ([]byte, error) {
	header, err := csv.NewReader(bytes.NewReader(old)).Read()
	if err != nil {
		return nil, fmt.Errorf("reading the tests file's header: %v", err)
	}
	cols := map[string]bool{}
	for _, h := range header {
		cols[strings.TrimSpace(h)] = true
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	for _, c := range cases {
		for v := range c.Vars {
			if !cols[v] {
				return nil, fmt.Errorf("the tests file has no column %q: add it, then generate again", v)
			}
		}
		row := make([]string, len(header))
		for i, h := range header {
			h = strings.TrimSpace(h)
			if h == "name" {
				row[i] = c.Name
			} else {
				row[i] = c.Vars[h]
			}
		}
		w.Write(row)
	}
	w.Flush()
	return b.Bytes(), w.Error()
}

func withFinalNewline(b []byte) []byte {
	b = bytes.Clone(b)
	if len(b) > 0 && b[len(b)-1] != '\n' {
		b = append(b, '\n')
	}
	return b
}

// appendFront adds the cases to the front matter: after the last item of a
// block list under tests:, or as a new tests: key before the closing ---.
func (t testsTarget) appendFront(cases []GeneratedCase, vars []string) (FileChange, error) {
	src := t.p.Src
	fm := t.res.File.Front
	if fm == nil {
		return FileChange{}, errors.New("the prompt has no front matter: add one (--- lines) to hold tests:")
	}
	e := fm.Lookup("tests")
	indent := "  "
	var at int
	var text strings.Builder
	switch {
	case e == nil:
		at = lineStart(src, fm.Close.Start)
		text.WriteString("tests:\n")
	case e.Value.Kind == yaml.SequenceNode && e.Value.Style&yaml.FlowStyle == 0 && len(e.Value.Content) > 0:
		first := fm.NodeSpan(e.Value.Content[0]).Start
		ls := lineStart(src, first)
		dash := bytes.IndexByte(src[ls:first], '-')
		if dash < 0 {
			return FileChange{}, errors.New("cannot find the dash of the first test case")
		}
		indent = string(src[ls : ls+dash])
		at = nextKeyLine(src, fm, e)
	default:
		return FileChange{}, errors.New("tests: is not a block list of cases (- name: …): write it as one to append to it")
	}
	for _, c := range cases {
		fmt.Fprintf(&text, "%s- name: %s\n", indent, yamlString(c.Name))
		for _, v := range vars {
			fmt.Fprintf(&text, "%s  %s: %s\n", indent, v, yamlString(c.Vars[v]))
		}
	}
	out := append(bytes.Clone(src[:at]), text.String()...)
	out = append(out, src[at:]...)
	return FileChange{Path: t.p.Path, Old: src, New: out}, nil
}

// nextKeyLine is where the tests: list ends: the line of the next
// top-level key, else the closing ---. Blank lines before it stay after.
func nextKeyLine(src []byte, fm *promptfile.FrontMatter, e *promptfile.Entry) int {
	end := fm.Close.Start
	for _, o := range fm.Entries {
		if o.KeyAt.Start > e.KeyAt.Start && o.KeyAt.Start < end {
			end = o.KeyAt.Start
		}
	}
	end = lineStart(src, end)
	// Leave blank and comment lines between the list and the next key after it.
	for end > e.At.Start {
		prev := lineStart(src, end-1)
		line := bytes.TrimSpace(src[prev:end])
		if len(line) > 0 && line[0] != '#' {
			break
		}
		end = prev
	}
	return end
}

func lineStart(src []byte, off int) int {
	off = min(off, len(src))
	return bytes.LastIndexByte(src[:off], '\n') + 1
}

// yamlString is s as a double-quoted YAML scalar (JSON's escapes are YAML's).
func yamlString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}
