// Command bench writes the benchmark corpus and times the token counter on
// it, for compare.sh.
//
//	go run ./promptfile/tokencount/bench -write corpus.txt -size 4194304
//	go run ./promptfile/tokencount/bench -count corpus.txt -enc cl100k_base -runs 3
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"runtime"
	"time"

	"github.com/claude-ls/claude-ls/promptfile/tokencount"
	"github.com/claude-ls/claude-ls/promptfile/tokencount/testcorpus"
)

func main() {
	write := flag.String("write", "", "write the corpus to this file")
	size := flag.Int("size", 4<<20, "corpus size in bytes")
	count := flag.String("count", "", "time cold counts of this file")
	enc := flag.String("enc", "cl100k_base", "encoding")
	runs := flag.Int("runs", 3, "timed runs (best is reported)")
	flag.Parse()

	if *write != "" {
		s := testcorpus.Build(*size)
		if s == "" {
			log.Fatal("no Go sources or licence texts on this machine")
		}
		if err := os.WriteFile(*write, []byte(s), 0o644); err != nil {
			log.Fatal(err)
		}
	}
	if *count == "" {
		return
	}
	data, err := os.ReadFile(*count)
	if err != nil {
		log.Fatal(err)
	}
	text := string(data)

	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	t0 := time.Now()
	c, err := tokencount.New(*enc)
	if err == nil {
		err = c.Load()
	}
	if err != nil {
		log.Fatal(err)
	}
	load := time.Since(t0)
	runtime.GC()
	runtime.ReadMemStats(&m1)

	best, tokens := time.Duration(1<<63-1), 0
	for range *runs {
		c, _ := tokencount.New(*enc) // empty cache: a cold count
		runtime.GC()
		t := time.Now()
		tokens = c.Count(text)
		best = min(best, time.Since(t))
	}
	out, _ := json.Marshal(map[string]any{
		"impl":          "claude-ls tokencount (Go)",
		"encoding":      *enc,
		"bytes":         len(text),
		"tokens":        tokens,
		"load_ms":       float64(load.Microseconds()) / 1e3,
		"ranks_heap_mb": float64(m1.HeapAlloc-m0.HeapAlloc) / 1e6,
		"gomaxprocs":    runtime.GOMAXPROCS(0),
		"seconds":       best.Seconds(),
		"mb_per_s":      float64(len(text)) / 1e6 / best.Seconds(),
	})
	fmt.Println(string(out))
}
