package workbench

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"time"

	"github.com/claude-ls/claude-ls/promptfile"
)

// DataDir is where runs, records and calibration live, under the workspace root.
const DataDir = ".claude-ls"

// Record is one run, as stored in .claude-ls/runs.jsonl. It never holds the key.
type Record struct {
	Time        time.Time        `json:"time"`
	Prompt      string           `json:"prompt"` // relative to the root
	Test        string           `json:"test,omitempty"`
	Model       string           `json:"model"`
	RequestHash string           `json:"request_hash"`
	Usage       promptfile.Usage `json:"usage"`
	CostUSD     promptfile.USD   `json:"cost_usd"`
	Batch       bool             `json:"batch,omitempty"`
	LatencyMS   int64            `json:"latency_ms"`
	StopReason  string           `json:"stop_reason"`
	Reply       string           `json:"reply"`
	Error       string           `json:"error,omitempty"`
	// Interrupted: the run was cut off (Ctrl-C, an editor's cancel, a run
	// replacing it, a broken stream); Usage is what the API had reported.
	Interrupted bool `json:"interrupted,omitempty"`
}

// RequestHash identifies a request body, for records and the count cache.
func RequestHash(body []byte, version string) string {
	h := sha256.New()
	h.Write([]byte(version))
	h.Write([]byte{0})
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// CostOf prices a usage on a model, at batch prices when batch.
func CostOf(m *promptfile.Model, u promptfile.Usage, batch bool) promptfile.USD {
	if m == nil {
		return 0
	}
	return m.Cost(u, batch)
}

func recordsPath(root string) string { return filepath.Join(root, DataDir, "runs.jsonl") }

// AppendRecord adds a record as one line in one write, then syncs: a crash
// leaves at worst a partial last line, which ReadRecords skips.
func AppendRecord(root string, rec Record, key Key) error {
	rec.Reply = key.Redact(rec.Reply)
	rec.Error = key.Redact(rec.Error)
	line, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(root, DataDir), 0o755); err != nil {
		return err
	}
	ensureIgnored(root)
	f, err := os.OpenFile(recordsPath(root), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	// A partial line left by a crash must not swallow this record.
	if fi, err := f.Stat(); err == nil && fi.Size() > 0 {
		if last := lastByte(recordsPath(root)); last != '\n' {
			line = append([]byte{'\n'}, line...)
		}
	}
	if _, err := f.Write(append(line, '\n')); err != nil {
		return err
	}
	return f.Sync()
}

func lastByte(path string) byte {
	f, err := os.Open(path)
	if err != nil {
		return '\n'
	}
	defer f.Close()
	b := make([]byte, 1)
	fi, _ := f.Stat()
	if _, err := f.ReadAt(b, fi.Size()-1); err != nil {
		return '\n'
	}
	return b[0]
}

// ensureIgnored keeps the data folder out of git: replies may be private.
func ensureIgnored(root string) {
	p := filepath.Join(root, DataDir, ".gitignore")
	if _, err := os.Stat(p); os.IsNotExist(err) {
		os.WriteFile(p, []byte("*\n"), 0o644)
	}
}

// ReadRecords reads every whole record; damaged lines are skipped.
func ReadRecords(root string) ([]Record, error) {
	data, err := os.ReadFile(recordsPath(root))
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []Record
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var r Record
		if json.Unmarshal(sc.Bytes(), &r) == nil && !r.Time.IsZero() {
			out = append(out, r)
		}
	}
	return out, nil
}

// writeFileAtomic replaces path through a temporary file and a rename.
func writeFileAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	tmp.Close()
	return os.Rename(tmp.Name(), path)
}
