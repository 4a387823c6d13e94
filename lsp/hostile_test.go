//go:build !windows

package lsp

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"go.lsp.dev/protocol"
)

// billionLaughs is a front matter key of under 500 bytes whose aliases
// expand to 9^9 nodes.
func billionLaughs(key string) string {
	var b strings.Builder
	b.WriteString(key + ":\n")
	prev := "lol"
	for i := 0; i < 9; i++ {
		name := string(rune('a' + i))
		fmt.Fprintf(&b, "  %s: &%s [%s]\n", name, name, strings.TrimSuffix(strings.Repeat(prev+",", 9), ","))
		prev = "*" + name
	}
	return b.String()
}

// TestHostileWorkspaceScan opens a workspace holding prompts that are a
// FIFO, links to /dev/zero, /dev/stdin and /etc/passwd, a sparse 2 GiB
// file and billion laughs: the disk scan refuses each with a diagnostic,
// in bounded memory, and requests and shutdown still answer.
func TestHostileWorkspaceScan(t *testing.T) {
	head := "---\nmodel: claude-sonnet-4-6\nmax_tokens: 100\n"
	c := newTestClient(t, map[string]string{
		"ok.prompt":     head + "---\nuser:\nHello\n",
		"laughs.prompt": head + billionLaughs("metadata") + "---\nuser:\nHello\n",
	}, clientOptions{noInitialize: true})
	p := func(name string) string { return filepath.Join(c.dir, name) }
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(syscall.Mkfifo(p("fifo.prompt"), 0o644))
	must(syscall.Mkfifo(p(".env"), 0o644))
	must(os.Symlink("/dev/zero", p("zero.prompt")))
	must(os.Symlink("/dev/stdin", p("stdin.prompt")))
	must(os.Symlink("/etc/passwd", p("passwd.prompt")))
	must(os.Symlink("/dev/zero", p(".claude-ls.yaml")))
	f, err := os.Create(p("huge.prompt"))
	must(err)
	must(f.Truncate(2 << 30))
	f.Close()

	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	c.initialize(clientOptions{})
	refused := map[string]string{
		"fifo.prompt": "named pipe", "zero.prompt": "character device", "passwd.prompt": "outside",
		"huge.prompt": "too large", ".claude-ls.yaml": "character device",
	}
	for name, says := range refused {
		d := c.waitDiagnostics(c.uri(name), func(p *protocol.PublishDiagnosticsParams) bool { return len(p.Diagnostics) > 0 })
		if got := text(d.Diagnostics[0].Message); !strings.Contains(got, says) || codes(d)[0] != "file-refused" {
			t.Errorf("%s: %s %q, want file-refused saying %q", name, codes(d), got, says)
		}
	}
	c.waitDiagnostics(c.uri("stdin.prompt"), func(p *protocol.PublishDiagnosticsParams) bool {
		return len(p.Diagnostics) > 0 && codes(p)[0] == "file-refused"
	})
	d := c.waitDiagnostics(c.uri("laughs.prompt"), func(p *protocol.PublishDiagnosticsParams) bool { return len(p.Diagnostics) > 0 })
	if got := text(d.Diagnostics[0].Message); !strings.Contains(got, "alias *") || d.Diagnostics[0].Range.Start.Line < 4 {
		t.Errorf("laughs.prompt: %q at %v, want the alias error under metadata", got, d.Diagnostics[0].Range)
	}

	// Requests still answer, and quickly.
	u := c.open("ok.prompt")
	start := time.Now()
	if _, err := c.server.Hover(c.ctx, &protocol.HoverParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: u}, Position: c.pos(u, "model")}}); err != nil {
		t.Fatalf("hover: %v", err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("hover took %v", took)
	}
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 256<<20 {
		t.Errorf("the scan allocated %d MiB", grew>>20)
	}
	if err := c.server.Shutdown(c.ctx); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
}

// TestUsageReportNeverWritesThroughAPlantedLink: .claude-ls/usage.html
// committed as a link to a file outside the workspace is replaced, and
// that file is left as it was.
func TestUsageReportNeverWritesThroughAPlantedLink(t *testing.T) {
	victim := filepath.Join(t.TempDir(), "victim")
	if err := os.WriteFile(victim, []byte("keep\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	c := newTestClient(t, map[string]string{"a.prompt": "---\nmodel: claude-sonnet-4-6\nmax_tokens: 300\n---\nuser:\nHi\n"})
	os.MkdirAll(filepath.Join(c.dir, ".claude-ls"), 0o755)
	page := filepath.Join(c.dir, ".claude-ls", "usage.html")
	if err := os.Symlink(victim, page); err != nil {
		t.Fatal(err)
	}
	u := c.open("a.prompt")
	c.waitVersion(u, 1)
	c.execute(CommandUsageReport, u, nil, "")
	c.waitFor("the page shown", func() bool { return len(c.shown) > 0 })
	if data, _ := os.ReadFile(victim); string(data) != "keep\n" {
		t.Errorf("the file behind the link was written: %.80q", data)
	}
	if fi, err := os.Lstat(page); err != nil || !fi.Mode().IsRegular() {
		t.Errorf("the page is not a regular file now: %v %v", fi, err)
	}
}

// TestFifoCreatedWhileServingIsRefused: a FIFO that appears in a watched
// workspace (git checkout, a hostile script) is refused like one found at
// start, and requests keep answering.
func TestFifoCreatedWhileServingIsRefused(t *testing.T) {
	c := newTestClient(t, map[string]string{"ok.prompt": "---\nmodel: claude-sonnet-4-6\nmax_tokens: 100\n---\nuser:\nHi\n"})
	time.Sleep(200 * time.Millisecond) // the first scan and the watcher are up
	if err := syscall.Mkfifo(filepath.Join(c.dir, "late.prompt"), 0o644); err != nil {
		t.Fatal(err)
	}
	d := c.waitDiagnostics(c.uri("late.prompt"), func(p *protocol.PublishDiagnosticsParams) bool { return len(p.Diagnostics) > 0 })
	if codes(d)[0] != "file-refused" {
		t.Errorf("late.prompt: %s", describe(d))
	}
	u := c.open("ok.prompt")
	if _, err := c.server.Hover(c.ctx, &protocol.HoverParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{
		TextDocument: protocol.TextDocumentIdentifier{URI: u}, Position: c.pos(u, "model")}}); err != nil {
		t.Fatalf("hover: %v", err)
	}
}
