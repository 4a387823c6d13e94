package tokencount

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/claude-ls/claude-ls/promptfile/tokencount/testcorpus"
)

var (
	corpusOnce sync.Once
	corpus4MB  string
)

// benchCorpus is a prefix of the 4 MB corpus of Go sources and licence texts.
func benchCorpus(b *testing.B, size int) string {
	corpusOnce.Do(func() { corpus4MB = testcorpus.Build(4 << 20) })
	if corpus4MB == "" {
		b.Skip("no Go sources or licence texts on this machine")
	}
	s := corpus4MB[:size]
	for !isValid(s) {
		s = s[:len(s)-1]
	}
	return s
}

func benchCold(b *testing.B, size int) {
	text := benchCorpus(b, size)
	for _, name := range encodingNames {
		b.Run(name, func(b *testing.B) {
			if _, err := loadEncoding(name); err != nil { // not part of a count
				b.Fatal(err)
			}
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			var peak heapPeak
			for b.Loop() {
				b.StopTimer()
				c, _ := New(name)
				runtime.GC()
				peak.start()
				b.StartTimer()
				c.Count(text)
				b.StopTimer()
				peak.stop()
				b.StartTimer()
			}
			b.ReportMetric(float64(peak.max)/float64(len(text)), "peakheap/textsize")
		})
	}
}

func BenchmarkCountCold8KB(b *testing.B) { benchCold(b, 8<<10) }
func BenchmarkCountCold1MB(b *testing.B) { benchCold(b, 1<<20) }
func BenchmarkCountCold4MB(b *testing.B) { benchCold(b, 4<<20) }

// BenchmarkRecountAfterEdit1MB re-counts a counted 1 MB text after a
// one-character insertion at a different place each time.
func BenchmarkRecountAfterEdit1MB(b *testing.B) {
	text := benchCorpus(b, 1<<20)
	for _, name := range encodingNames {
		b.Run(name, func(b *testing.B) {
			c, _ := New(name)
			c.Count(text)
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				b.StopTimer()
				i++
				p := (i * 104729) % len(text)
				for !isValid(text[:p]) {
					p--
				}
				edited := text[:p] + "x" + text[p:]
				b.StartTimer()
				c.Count(edited)
			}
		})
	}
}

// heapPeak samples the heap (objects, live or not yet collected) above the
// level at start, every 200 µs, without stopping the world.
type heapPeak struct {
	base, max uint64
	done      chan struct{}
	wg        sync.WaitGroup
}

func heapBytes() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

func (h *heapPeak) start() {
	h.base = heapBytes()
	h.done = make(chan struct{})
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		t := time.NewTicker(200 * time.Microsecond)
		defer t.Stop()
		for {
			if v := heapBytes(); v > h.base && v-h.base > h.max {
				h.max = v - h.base
			}
			select {
			case <-h.done:
				return
			case <-t.C:
			}
		}
	}()
}

func (h *heapPeak) stop() {
	close(h.done)
	h.wg.Wait()
}
