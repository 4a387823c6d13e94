package workbench

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Grades are kept beside the run records, in .claude-ls/grades.jsonl, one
// line each, never rewritten: runs.jsonl stays a list of what was spent.
// A grade names the run it grades by the run record's time, prompt, test
// case and model, and carries that record's prompt hash, so it survives
// re-runs and is counted for the version of the prompt that replied.

// Grade is one reply graded 1–5.
type Grade struct {
	Time       time.Time `json:"time"`     // when it was graded
	RunTime    time.Time `json:"run_time"` // the graded record's time
	Prompt     string    `json:"prompt"`
	Test       string    `json:"test"`
	Model      string    `json:"model"`
	PromptHash string    `json:"prompt_hash,omitempty"`
	Commit     string    `json:"commit,omitempty"`
	Grade      int       `json:"grade"`
	Note       string    `json:"note,omitempty"`
}

func gradesPath(root string) string { return filepath.Join(root, DataDir, "grades.jsonl") }

// GradeReply grades the reply m names: the run recorded at m.Run, or the
// latest of its case on its model when m.Run is zero. The grade is appended.
func GradeReply(root string, m ReplyMark, grade int, note string) (Grade, error) {
	if grade < 1 || grade > 5 {
		return Grade{}, fmt.Errorf("a grade is 1 to 5, not %d", grade)
	}
	recs, err := ReadRecords(root)
	if err != nil {
		return Grade{}, err
	}
	var run *Record
	for i := len(recs) - 1; i >= 0; i-- {
		r := &recs[i]
		if r.Kind == "" && r.Prompt == m.Prompt && sameCase(r.Test, m.Test) && sameModel(r.Model, m.Model) && r.Error == "" &&
			(m.Run.IsZero() || r.Time.Equal(m.Run)) {
			run = r
			break
		}
	}
	switch {
	case run == nil && !m.Run.IsZero():
		return Grade{}, fmt.Errorf("the reply of %s, case %q, on %s at %s is not in the records", m.Prompt, caseName(m.Test), m.Model, m.Run.Format(time.RFC3339))
	case run == nil:
		return Grade{}, fmt.Errorf("no recorded reply of %s, case %q, on %s: run it first", m.Prompt, caseName(m.Test), m.Model)
	}
	g := Grade{Time: time.Now().UTC(), RunTime: run.Time, Prompt: m.Prompt, Test: caseName(run.Test), Model: m.Model,
		PromptHash: run.PromptHash, Commit: run.Commit, Grade: grade, Note: strings.TrimSpace(note)}
	line, _ := json.Marshal(g)
	if err := os.MkdirAll(filepath.Join(root, DataDir), 0o755); err != nil {
		return Grade{}, err
	}
	ensureIgnored(root)
	f, err := os.OpenFile(gradesPath(root), os.O_CREATE|os.O_WRONLY|os.O_APPEND|openFlags, 0o644)
	if err != nil {
		return Grade{}, err
	}
	defer f.Close()
	if _, err := f.Write(append(line, '\n')); err != nil {
		return Grade{}, err
	}
	return g, f.Sync()
}

// caseName is how reports name a run without a test case.
func caseName(test string) string {
	if test == "" {
		return "default"
	}
	return test
}

func sameCase(recorded, asked string) bool { return caseName(recorded) == caseName(asked) }

// sameModel matches a requested id with the one the API answered with
// (an alias answers with a dated id).
func sameModel(recorded, asked string) bool {
	return recorded == asked || strings.HasPrefix(recorded, asked+"-")
}

// ReadGrades reads every grade; damaged lines are skipped.
func ReadGrades(root string) ([]Grade, error) {
	f, _, err := OpenFile(root, gradesPath(root))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Grade
	in := bufio.NewReaderSize(f, 64<<10)
	for {
		line, tooLong, err := readLine(in, 1<<20)
		var g Grade
		if !tooLong && json.Unmarshal(line, &g) == nil && g.Grade >= 1 && g.Grade <= 5 {
			out = append(out, g)
		}
		if err != nil {
			return out, nil
		}
	}
}

// GradeKey names a case on a model of a prompt.
func GradeKey(test, model string) string { return caseName(test) + "\x00" + model }

// LatestGrades is the last grade of each case × model of prompt; with hash
// set, only grades of that version.
func LatestGrades(grades []Grade, prompt, hash string) map[string]Grade {
	out := map[string]Grade{}
	for _, g := range grades {
		if g.Prompt == prompt && (hash == "" || g.PromptHash == hash) {
			out[GradeKey(g.Test, g.Model)] = g // later lines win
		}
	}
	return out
}

// Text is "4/5" with its note.
func (g Grade) Text() string {
	s := fmt.Sprintf("%d/5", g.Grade)
	if g.Note != "" {
		s += " — " + g.Note
	}
	return s
}

// VersionGrades sums the grades of one version of a prompt.
type VersionGrades struct {
	PromptHash string
	Commit     string // of the latest graded run of this version
	Last       time.Time
	N          int
	Mean       float64
}

// GradesByVersion summarises prompt's grades per prompt version, the
// latest grade of each case × model counting once, newest version first.
func GradesByVersion(grades []Grade, prompt string) []VersionGrades {
	latest := map[string]map[string]Grade{}
	for _, g := range grades {
		if g.Prompt != prompt {
			continue
		}
		if latest[g.PromptHash] == nil {
			latest[g.PromptHash] = map[string]Grade{}
		}
		latest[g.PromptHash][GradeKey(g.Test, g.Model)] = g
	}
	var out []VersionGrades
	for hash, byCase := range latest {
		v := VersionGrades{PromptHash: hash}
		sum := 0
		for _, g := range byCase {
			v.N++
			sum += g.Grade
			if g.RunTime.After(v.Last) {
				v.Last, v.Commit = g.RunTime, g.Commit
			}
		}
		v.Mean = float64(sum) / float64(v.N)
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Last.After(out[j].Last) })
	return out
}
