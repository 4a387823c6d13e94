package promptfile

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Benchmarks of the engine on real text: licence texts and Go sources found
// on the machine, wrapped as a .prompt with a front matter and several
// user/assistant blocks. Run with
//
//	go test ./promptfile -run '^$' -bench . -benchmem
//
// Every figure counts Parse + Analyze, token counting included (the
// tokenizer is promptfile/tokencount, behind Counters).

var (
	corpusOnce sync.Once
	corpus     []byte
)

const (
	licenceDir = "/usr/share/common-licenses"
	goSrcDir   = "/usr/local/go/src"
)

// realText returns up to n bytes of real text: every licence, then Go
// sources in a fixed order, so that each run measures the same bytes.
func realText(b *testing.B, n int) []byte {
	corpusOnce.Do(func() {
		var buf bytes.Buffer
		add := func(path string) {
			if data, err := os.ReadFile(path); err == nil {
				buf.Write(data)
				buf.WriteByte('\n')
			}
		}
		if entries, err := os.ReadDir(licenceDir); err == nil {
			for _, e := range entries {
				if e.Type().IsRegular() {
					add(filepath.Join(licenceDir, e.Name()))
				}
			}
		}
		const want = 5 << 20
		filepath.WalkDir(goSrcDir, func(path string, d fs.DirEntry, err error) error {
			if err != nil || buf.Len() >= want {
				return fs.SkipAll
			}
			if d.IsDir() && (d.Name() == "testdata" || d.Name() == "vendor") {
				return fs.SkipDir
			}
			if !d.IsDir() && filepath.Ext(path) == ".go" {
				add(path)
			}
			return nil
		})
		corpus = buf.Bytes()
	})
	if len(corpus) < n {
		b.Skipf("only %d bytes of text under %s and %s; need %d", len(corpus), licenceDir, goSrcDir, n)
	}
	return corpus[:n]
}

// benchPrompt wraps size bytes (about) of real text as a .prompt: a front
// matter, a system block, then user and assistant blocks in turn, ending
// with a user block; each user block opens with a variable and every block
// holds a comment line.
func benchPrompt(b *testing.B, size int) []byte {
	const header = "---\nmodel: claude-sonnet-4-6\nmax_tokens: 4096\nvars:\n  topic: the code below\n---\n"
	text := realText(b, size)
	const blocks = 8
	var out bytes.Buffer
	out.WriteString(header)
	per := len(text) / blocks
	for i := 0; i < blocks; i++ {
		chunk := text[i*per : (i+1)*per]
		switch {
		case i == 0:
			out.WriteString("system: cache\n")
		case i%2 == 1:
			out.WriteString("user:\nTell me about {{topic}}.\n")
		default:
			out.WriteString("assistant:\n")
		}
		out.WriteString("{{! part " + itoa(i) + " }}\n")
		out.Write(chunk)
		out.WriteString("\n\n")
	}
	out.WriteString("user:\nSummarise {{topic}} in one paragraph.\n")
	return out.Bytes()
}

// withCommentLines puts a comment line before every 20th line of a prompt's
// body, as a heavily annotated prompt has: a line holding only a comment is
// removed whole when rendering.
func withCommentLines(src []byte) []byte {
	var out bytes.Buffer
	body := false
	for i, line := range bytes.SplitAfter(src, []byte("\n")) {
		if body && i%20 == 0 {
			out.WriteString("{{! note " + itoa(i) + " }}\n")
		}
		body = body || (i > 0 && bytes.Equal(line, []byte("---\n")))
		out.Write(line)
	}
	return out.Bytes()
}

// cpuPerOp reports the process's CPU time per iteration as cpu-ns/op; call
// it before the loop and call the function it returns after. On a machine
// shared with other work, wall time (ns/op) grows with the load and CPU
// time much less. It counts every goroutine: the tokenizer's workers and
// the garbage collector included.
func cpuPerOp(b *testing.B) func() {
	start, ok := processCPU()
	return func() {
		if end, ok2 := processCPU(); ok && ok2 && b.N > 0 {
			b.ReportMetric(float64(end-start)/float64(b.N), "cpu-ns/op")
		}
	}
}

var benchSizes = []struct {
	name string
	size int
}{{"8KB", 8 << 10}, {"1MB", 1 << 20}, {"4MB", 4 << 20}}

func benchWorkspace(c TokenCounter) *Workspace {
	return &Workspace{Root: "/ws", Counter: c}
}

var benchOpts = Options{Path: "/ws/bench.prompt"}

// loadEncodingOnce pays the one-off load of the BPE ranks outside the timed
// loops: every Counters of the process shares them.
func loadEncodingOnce() { NewCounters().Count(fallbackEncoding, []string{"warm up"}) }

// BenchmarkAnalyze measures Parse + Analyze + count. cold: a fresh counter
// each iteration, so every chunk is tokenized; warm: one counter shared by
// the iterations, as the language server keeps it, so counts come from its
// cache; engine: no counter, the engine alone.
func BenchmarkAnalyze(b *testing.B) {
	loadEncodingOnce()
	type benchCase struct {
		name string
		src  []byte
	}
	var cases []benchCase
	for _, sz := range benchSizes {
		cases = append(cases, benchCase{sz.name, benchPrompt(b, sz.size)})
	}
	cases = append(cases, benchCase{"1MB-comments", withCommentLines(benchPrompt(b, 1<<20))})
	for _, c := range cases {
		src := c.src
		b.Run(c.name+"/cold", func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			done := cpuPerOp(b)
			for b.Loop() {
				benchResult = Analyze(Parse(src), benchWorkspace(NewCounters()), benchOpts)
			}
			done()
		})
		// engine: no counter at all, to tell the engine's own cost from the
		// tokenizer's.
		b.Run(c.name+"/engine", func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			done := cpuPerOp(b)
			for b.Loop() {
				benchResult = Analyze(Parse(src), benchWorkspace(nil), benchOpts)
			}
			done()
		})
		b.Run(c.name+"/warm", func(b *testing.B) {
			counter := NewCounters()
			Analyze(Parse(src), benchWorkspace(counter), benchOpts)
			b.SetBytes(int64(len(src)))
			b.ReportAllocs()
			done := cpuPerOp(b)
			for b.Loop() {
				benchResult = Analyze(Parse(src), benchWorkspace(counter), benchOpts)
			}
			done()
		})
	}
}

var benchResult *Result

// BenchmarkRecount1MB is what the editor does on a keystroke in a 1 MB
// prompt: Parse + Analyze with the warm counter after one character in the
// middle changed. Every iteration makes an edit the counter has not seen
// (a different letter at a different place), undoing the previous one, so
// the text always differs from the original by one byte. Goal: < 5 ms.
func BenchmarkRecount1MB(b *testing.B) {
	loadEncodingOnce()
	src := bytes.Clone(benchPrompt(b, 1<<20))
	// Places near the middle holding a lower-case letter: replacing it with
	// another keeps the text valid UTF-8 and the structure unchanged.
	var places []int
	for i := len(src) / 2; i < len(src) && len(places) < 1<<16; i++ {
		if src[i] >= 'a' && src[i] <= 'z' {
			places = append(places, i)
		}
	}
	c := NewCounters()
	Analyze(Parse(src), benchWorkspace(c), benchOpts)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	n := 0
	done := cpuPerOp(b)
	for b.Loop() {
		at := places[n%len(places)]
		orig := src[at]
		src[at] = 'a' + (orig-'a'+1+byte(n/len(places))%25)%26
		benchResult = Analyze(Parse(src), benchWorkspace(c), benchOpts)
		src[at] = orig
		n++
	}
	done()
}

// BenchmarkAnalyzeMemory4MB measures the memory of a cold Parse + Analyze of
// a 4 MB prompt, beyond the file's own bytes:
//
//   - peak-heap-B: the largest heap (live and not yet collected objects,
//     /memory/classes/heap/objects:bytes) seen while the analysis runs, above
//     the heap before it, sampled every 100 µs without stopping the world.
//     This is the memory the process needs for the analysis with the
//     default GOGC.
//   - retained-B: the heap still held after a GC while the Result is alive:
//     what the language server keeps per open file.
//   - peak/file, retained/file: the same divided by the file size (the goal
//     is a peak under 3× the file).
//
// B/op (total allocated) is also reported; it counts garbage and is an
// upper bound of both.
func BenchmarkAnalyzeMemory4MB(b *testing.B) {
	loadEncodingOnce()
	src := benchPrompt(b, 4<<20)
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	heap := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	var peakSum, retainedSum uint64
	runs := 0
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		benchResult = nil
		runtime.GC()
		base := heap()
		var peak atomic.Uint64
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			t := time.NewTicker(100 * time.Microsecond)
			defer t.Stop()
			for {
				if h := heap(); h > peak.Load() {
					peak.Store(h)
				}
				select {
				case <-stop:
					return
				case <-t.C:
				}
			}
		}()
		res := Analyze(Parse(src), benchWorkspace(NewCounters()), benchOpts)
		close(stop)
		<-done
		b.StopTimer()
		if h := heap(); h > peak.Load() {
			peak.Store(h)
		}
		runtime.GC()
		retained := heap()
		runtime.KeepAlive(res)
		peakSum += peak.Load() - min(base, peak.Load())
		retainedSum += retained - min(base, retained)
		runs++
		b.StartTimer()
	}
	size := float64(len(src))
	peakAvg, retainedAvg := float64(peakSum)/float64(runs), float64(retainedSum)/float64(runs)
	b.ReportMetric(peakAvg, "peak-heap-B")
	b.ReportMetric(retainedAvg, "retained-B")
	b.ReportMetric(peakAvg/size, "peak/file")
	b.ReportMetric(retainedAvg/size, "retained/file")
}
