package workbench

import (
	"os"
	"sync"
	"time"
)

// recordsCache keeps each root's records while runs.jsonl is unchanged, so
// that an editor's hovers do not re-read it.
var recordsCache struct {
	mu    sync.Mutex
	byDir map[string]cachedRecords
}

type cachedRecords struct {
	size    int64
	mod     time.Time
	records []Record
}

// LastResults is the last record of a test case of a prompt on each model,
// oldest first.
func LastResults(root, prompt, name string) []Record {
	fi, err := os.Stat(recordsPath(root))
	if err != nil {
		return nil
	}
	recordsCache.mu.Lock()
	c, ok := recordsCache.byDir[root]
	if !ok || c.size != fi.Size() || !c.mod.Equal(fi.ModTime()) {
		recs, _ := ReadRecords(root)
		c = cachedRecords{size: fi.Size(), mod: fi.ModTime(), records: recs}
		if recordsCache.byDir == nil {
			recordsCache.byDir = map[string]cachedRecords{}
		}
		recordsCache.byDir[root] = c
	}
	recordsCache.mu.Unlock()
	byModel := map[string]int{}
	var out []Record
	for _, r := range c.records {
		if r.Prompt != prompt || r.Test != name {
			continue
		}
		if i, ok := byModel[r.Model]; ok {
			out[i] = r
			continue
		}
		byModel[r.Model] = len(out)
		out = append(out, r)
	}
	return out
}
