package workbench

import (
	"encoding/json"
	"path/filepath"
	"sync"
)

// Calibration corrects the offline estimate per model from real counts:
// each exact count or run's input usage is compared with the tiktoken count
// of the same request, and the running ratio becomes the model's factor.
type Calibration struct {
	Models map[string]*ModelCalibration `json:"models"`
}

// ModelCalibration sums real and tiktoken counts of the same requests.
type ModelCalibration struct {
	Real     int64 `json:"real_tokens"`
	Tiktoken int64 `json:"tiktoken_tokens"`
	Samples  int   `json:"samples"`
}

// Ratio is real/tiktoken: the model's measured token factor.
func (m *ModelCalibration) Ratio() float64 {
	if m == nil || m.Tiktoken <= 0 || m.Real <= 0 {
		return 1
	}
	return float64(m.Real) / float64(m.Tiktoken)
}

var calMu sync.Mutex

func calibrationPath(root string) string { return filepath.Join(root, DataDir, "calibration.json") }

// LoadCalibration reads the workspace's calibration; missing is empty.
func LoadCalibration(root string) *Calibration {
	c := &Calibration{Models: map[string]*ModelCalibration{}}
	data, err := ReadFile(root, calibrationPath(root))
	if err == nil {
		json.Unmarshal(data, c)
	}
	if c.Models == nil {
		c.Models = map[string]*ModelCalibration{}
	}
	return c
}

// Calibrate records one real count against the tiktoken count of the same request.
func Calibrate(root, model string, real, tiktoken int64) error {
	if real <= 0 || tiktoken <= 0 {
		return nil
	}
	calMu.Lock()
	defer calMu.Unlock()
	c := LoadCalibration(root)
	m := c.Models[model]
	if m == nil {
		m = &ModelCalibration{}
		c.Models[model] = m
	}
	m.Real += real
	m.Tiktoken += tiktoken
	m.Samples++
	data, _ := json.MarshalIndent(c, "", "  ")
	ensureIgnored(root)
	return writeFileAtomic(calibrationPath(root), data)
}

// countCache maps request hashes to exact counts, beside the records.
func countCachePath(root string) string { return filepath.Join(root, DataDir, "counts.json") }

// CachedCount returns an exact count stored for a request hash.
func CachedCount(root, hash string) (int64, bool) {
	calMu.Lock()
	defer calMu.Unlock()
	var m map[string]int64
	data, err := ReadFile(root, countCachePath(root))
	if err != nil || json.Unmarshal(data, &m) != nil {
		return 0, false
	}
	n, ok := m[hash]
	return n, ok
}

// StoreCount keeps an exact count for a request hash.
func StoreCount(root, hash string, n int64) error {
	calMu.Lock()
	defer calMu.Unlock()
	m := map[string]int64{}
	if data, err := ReadFile(root, countCachePath(root)); err == nil {
		json.Unmarshal(data, &m)
	}
	m[hash] = n
	data, _ := json.MarshalIndent(m, "", "  ")
	ensureIgnored(root)
	return writeFileAtomic(countCachePath(root), data)
}
