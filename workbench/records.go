package workbench

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
	"unicode/utf8"

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
	// RateLimits are the anthropic-ratelimit-* headers of the answer.
	RateLimits *RateLimits `json:"rate_limits,omitempty"`
	// Truncated: the reply was cut to fit MaxRecordLine (AppendRecord).
	Truncated bool `json:"truncated,omitempty"`
	// Kind is "" for a run of the prompt, else the helper that spent:
	// "improve" or "generate-tests" (improve.go, generate.go).
	Kind string `json:"kind,omitempty"`
	// PromptHash and Commit tie the run to its version of the prompt: a hash
	// of the file's text, and the git HEAD it ran at ("" outside git).
	PromptHash string `json:"prompt_hash,omitempty"`
	Commit     string `json:"commit,omitempty"`
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

// MaxRecordLine is the most one record takes in runs.jsonl: a longer reply
// is cut, with Truncated set and a note at its end, so that one answer
// cannot make the file unreadable or slow to total.
const MaxRecordLine = 1 << 20

// maxRecordError bounds a record's error message.
const maxRecordError = 16 << 10

// MaxReadLine is the longest line ReadRecords decodes; records written
// before MaxRecordLine may be longer than it. Longer lines are skipped.
const MaxReadLine = 16 << 20

// AppendRecord adds a record as one line in one write, then syncs: a crash
// leaves at worst a partial last line, which ReadRecords skips.
func AppendRecord(root string, rec Record, key Key) error {
	rec.Reply = key.Redact(rec.Reply)
	rec.Error = key.Redact(rec.Error)
	line, err := recordLine(rec)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(root, DataDir), 0o755); err != nil {
		return err
	}
	ensureIgnored(root)
	// openFlags: a FIFO planted there fails at once, a link is not followed.
	f, err := os.OpenFile(recordsPath(root), os.O_CREATE|os.O_WRONLY|os.O_APPEND|openFlags, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return fmt.Errorf("refusing %s: %w", recordsPath(root), ErrNotRegular)
	}
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

// recordLine encodes rec in at most MaxRecordLine bytes, cutting its reply
// (and a long error) and saying so.
func recordLine(rec Record) ([]byte, error) {
	if len(rec.Error) > maxRecordError {
		rec.Error = cutUTF8(rec.Error, maxRecordError) + " … [cut]"
	}
	line, err := json.Marshal(rec)
	if err != nil || len(line) <= MaxRecordLine {
		return line, err
	}
	// Each byte cut from the reply shortens the line by at least one byte.
	note := fmt.Sprintf("\n\n[… truncated by claude-ls: the reply was %d bytes; a record keeps at most %d]", len(rec.Reply), MaxRecordLine)
	keep := len(rec.Reply) - (len(line) - MaxRecordLine) - len(note) - 16
	rec.Reply = cutUTF8(rec.Reply, max(keep, 0)) + note
	rec.Truncated = true
	if line, err = json.Marshal(rec); err == nil && len(line) > MaxRecordLine {
		return nil, fmt.Errorf("a record of %d bytes is over the limit of %d even without its reply", len(line), MaxRecordLine)
	}
	return line, err
}

// cutUTF8 cuts s to at most n bytes, on a character boundary.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
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
	// Lstat: a dangling link planted there must not make this write a
	// file wherever it points; O_EXCL never follows one either.
	if _, err := os.Lstat(p); os.IsNotExist(err) {
		if f, err := os.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644); err == nil {
			f.WriteString("*\n")
			f.Close()
		}
	}
}

// ReadRecords reads every whole record; damaged lines are skipped.
func ReadRecords(root string) ([]Record, error) {
	recs, _, err := ScanRecords(root)
	return recs, err
}

// ScanRecords reads every whole record and counts the lines it skipped:
// damaged, not a record, or longer than MaxReadLine. Any line is survived:
// the file is read a line at a time and a giant line is passed over without
// being held.
func ScanRecords(root string) (recs []Record, skipped int, err error) {
	f, _, err := OpenFile(root, recordsPath(root)) // a FIFO or device there is refused, not waited on
	if os.IsNotExist(err) {
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	in := bufio.NewReaderSize(f, 64<<10)
	for {
		line, tooLong, err := readLine(in, MaxReadLine)
		if len(bytes.TrimSpace(line)) > 0 || tooLong {
			var r Record
			if !tooLong && json.Unmarshal(line, &r) == nil && !r.Time.IsZero() {
				recs = append(recs, r)
			} else {
				skipped++
			}
		}
		if err == io.EOF {
			return recs, skipped, nil
		}
		if err != nil {
			return recs, skipped, err
		}
	}
}

// readLine reads one line of at most limit bytes; a longer one is read to
// its end and dropped (tooLong).
func readLine(in *bufio.Reader, limit int) (line []byte, tooLong bool, err error) {
	for {
		chunk, err := in.ReadSlice('\n')
		if !tooLong {
			if len(line)+len(chunk) > limit {
				tooLong, line = true, nil
			} else {
				line = append(line, chunk...)
			}
		}
		if err != bufio.ErrBufferFull {
			return line, tooLong, err
		}
	}
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
