package promptfile

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"path/filepath"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// TestCase is one set of variable values from `tests:`.
type TestCase struct {
	Name   string
	At     Span // the case in the front matter, or the tests: file entry
	Vars   map[string]string
	VarAt  map[string]Span // where each value is written (front matter cases only)
	Expect *Expect
}

// Expect is what a test case checks on the reply.
type Expect struct {
	Contains     []string `json:"contains,omitempty"`
	NotContains  []string `json:"not_contains,omitempty"`
	Regex        string   `json:"regex,omitempty"`
	MaxTokensOut int      `json:"max_tokens_out,omitempty"`
}

func (a *analysis) readVars() {
	e := a.f.Front.Lookup("vars")
	if e == nil {
		return
	}
	if e.Value.Kind != yaml.MappingNode {
		a.errorf("type", e.At, "`vars` must be a map of variable names to default values")
		return
	}
	fm := a.f.Front
	for i := 0; i+1 < len(e.Value.Content); i += 2 {
		k, v := e.Value.Content[i], e.Value.Content[i+1]
		if !isVarName([]byte(k.Value)) {
			a.errorf("type", fm.NodeSpan(k), "`"+k.Value+"` is not a variable name: use letters, digits, _ and -")
			continue
		}
		if v.Kind != yaml.ScalarNode {
			a.errorf("type", fm.NodeSpan(v), "the value of `"+k.Value+"` must be text, not a list or map")
			continue
		}
		a.r.Vars[k.Value] = &VarDef{Name: k.Value, Value: scalarText(v), KeyAt: fm.NodeSpan(k), ValueAt: fm.NodeSpan(v)}
	}
}

// scalarText is a scalar as text; null is empty.
func scalarText(n *yaml.Node) string {
	if n.Tag == "!!null" {
		return ""
	}
	return n.Value
}

func (a *analysis) readTests() {
	e := a.f.Front.Lookup("tests")
	if e == nil {
		return
	}
	fm := a.f.Front
	switch e.Value.Kind {
	case yaml.MappingNode:
		file := mapValue(e.Value, "file")
		if file == nil || file.Kind != yaml.ScalarNode {
			a.errorf("tests", e.At, "`tests` must be a list of cases, or `{file: cases.csv}`")
			return
		}
		a.readTestsFile(file.Value, fm.NodeSpan(file))
	case yaml.SequenceNode:
		for i, c := range e.Value.Content {
			span := fm.NodeSpan(c)
			if c.Kind != yaml.MappingNode {
				a.errorf("tests", span, "a test case must be a map of variable values, with an optional `name` and `expect`")
				continue
			}
			tc := &TestCase{Name: "case " + itoa(i+1), At: span, Vars: map[string]string{}, VarAt: map[string]Span{}}
			for j := 0; j+1 < len(c.Content); j += 2 {
				k, v := c.Content[j], c.Content[j+1]
				switch {
				case k.Value == "name":
					tc.Name = v.Value
				case k.Value == "expect":
					tc.Expect = a.readExpect(v)
				case v.Kind != yaml.ScalarNode:
					a.errorf("tests", fm.NodeSpan(v), "the value of `"+k.Value+"` must be text")
				default:
					tc.Vars[k.Value] = scalarText(v)
					tc.VarAt[k.Value] = fm.NodeSpan(v)
				}
			}
			a.r.Tests = append(a.r.Tests, tc)
		}
	default:
		a.errorf("tests", e.At, "`tests` must be a list of cases, or `{file: cases.csv}`")
	}
	seen := map[string]bool{}
	for _, tc := range a.r.Tests {
		if seen[tc.Name] {
			a.errorf("tests", tc.At, "two test cases are named `"+tc.Name+"`")
		}
		seen[tc.Name] = true
	}
}

func (a *analysis) readExpect(n *yaml.Node) *Expect {
	var ex Expect
	span := a.f.Front.NodeSpan(n)
	js, err := nodeJSON(n)
	if err == nil {
		// A single string where a list is expected is a list of one.
		var raw map[string]json.RawMessage
		if err = json.Unmarshal(js, &raw); err == nil {
			for _, k := range []string{"contains", "not_contains"} {
				if v, ok := raw[k]; ok && len(v) > 0 && v[0] == '"' {
					raw[k] = append(append([]byte{'['}, v...), ']')
				}
			}
			// In sorted order: map order would shuffle the diagnostics
			// from one analysis to the next.
			keys := make([]string, 0, len(raw))
			for k := range raw {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				if k != "contains" && k != "not_contains" && k != "regex" && k != "max_tokens_out" {
					a.errorf("tests", span, "unknown check `"+k+"` in expect: use contains, not_contains, regex, max_tokens_out")
				}
			}
			js, _ = json.Marshal(raw)
			err = json.Unmarshal(js, &ex)
		}
	}
	if err != nil {
		a.errorf("tests", span, "`expect` must be a map: {contains, not_contains, regex, max_tokens_out}")
		return nil
	}
	return &ex
}

// readTestsFile reads cases from a CSV (header row) or JSONL file.
func (a *analysis) readTestsFile(rel string, span Span) {
	data, ok := a.readWorkspaceFile(rel, span, "tests file")
	if !ok {
		return
	}
	a.scanSecrets(data, span, "the tests file "+rel)
	add := func(vars map[string]string, row int) {
		tc := &TestCase{Name: vars["name"], At: span, Vars: vars}
		if tc.Name == "" {
			tc.Name = "row " + itoa(row)
		}
		delete(vars, "name")
		if ex := vars["expect"]; ex != "" {
			tc.Expect = &Expect{}
			if json.Unmarshal([]byte(ex), tc.Expect) != nil {
				tc.Expect = &Expect{Contains: []string{ex}}
			}
		}
		delete(vars, "expect")
		a.r.Tests = append(a.r.Tests, tc)
	}
	switch strings.ToLower(filepath.Ext(rel)) {
	case ".csv":
		r := csv.NewReader(bytes.NewReader(data))
		r.FieldsPerRecord = -1
		rows, err := r.ReadAll()
		if err != nil {
			a.errorf("tests", span, rel+": "+err.Error())
			return
		}
		if len(rows) == 0 {
			a.errorf("tests", span, rel+" is empty: the first row names the variables")
			return
		}
		header := rows[0]
		for i, row := range rows[1:] {
			vars := map[string]string{}
			for j, col := range header {
				if j < len(row) {
					vars[strings.TrimSpace(col)] = row[j]
				}
			}
			add(vars, i+2)
		}
	case ".jsonl", ".ndjson":
		for i, line := range bytes.Split(data, []byte("\n")) {
			if len(bytes.TrimSpace(line)) == 0 {
				continue
			}
			var obj map[string]any
			if err := json.Unmarshal(line, &obj); err != nil {
				a.errorf("tests", span, rel+": line "+itoa(i+1)+" is not a JSON object: "+err.Error())
				continue
			}
			vars := map[string]string{}
			for k, v := range obj {
				switch v := v.(type) {
				case string:
					vars[k] = v
				default:
					b, _ := json.Marshal(v)
					vars[k] = string(b)
				}
			}
			add(vars, i+1)
		}
	default:
		a.errorf("tests", span, "a tests file must be .csv or .jsonl")
	}
}

// chooseValues settles the value of every variable: --var, then the chosen
// test case, then vars.
func (a *analysis) chooseValues() {
	a.values = map[string]string{}
	a.used = map[string]bool{}
	for name, d := range a.r.Vars {
		a.values[name] = d.Value
	}
	if a.opts.Test != "" {
		var found *TestCase
		for _, tc := range a.r.Tests {
			if tc.Name == a.opts.Test {
				found = tc
			}
		}
		if found == nil {
			names := make([]string, len(a.r.Tests))
			for i, tc := range a.r.Tests {
				names[i] = tc.Name
			}
			msg := "no test case named `" + a.opts.Test + "`"
			if len(names) > 0 {
				msg += "; the cases are " + quoteList(names)
			}
			a.errorf("tests", a.headerSpan(), msg)
		} else {
			for k, v := range found.Vars {
				a.values[k] = v
			}
		}
	}
	for k, v := range a.opts.Vars {
		a.values[k] = v
	}
}

// checkVarUse reports vars entries that nothing uses.
func (a *analysis) checkVarUse() {
	names := make([]string, 0, len(a.r.Vars))
	for name := range a.r.Vars {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if !a.used[name] {
			d := a.r.Vars[name]
			a.diag(Diagnostic{Code: "var-unused", Severity: Hint, Span: d.KeyAt,
				Message: "`" + name + "` is defined in vars but never used as {{" + name + "}}"})
		}
	}
}
