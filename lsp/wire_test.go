package lsp

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"go.lsp.dev/uri"
)

// rawClient is a hostile client: it writes bytes to a real server over a
// pipe, and reads every frame the server answers with.
type rawClient struct {
	t      *testing.T
	conn   net.Conn
	frames chan map[string]any
	exit   chan int
	log    *syncBuffer
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newRawClient(t *testing.T, trace bool) *rawClient {
	serverEnd, clientEnd := net.Pipe()
	c := &rawClient{t: t, conn: clientEnd, frames: make(chan map[string]any, 100), exit: make(chan int, 1), log: &syncBuffer{}}
	log := slog.New(slog.NewTextHandler(c.log, &slog.HandlerOptions{Level: slog.LevelInfo}))
	ctx, cancel := context.WithCancel(context.Background())
	go func() { c.exit <- Serve(ctx, serverEnd, Options{Logger: log, Trace: trace}) }()
	go c.readFrames()
	t.Cleanup(func() {
		cancel()
		clientEnd.Close()
	})
	return c
}

// readFrames reads the server's frames strictly, as a client would.
func (c *rawClient) readFrames() {
	in := bufio.NewReader(c.conn)
	for {
		line, err := in.ReadString('\n')
		if err != nil {
			close(c.frames)
			return
		}
		n, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, "Content-Length: ")))
		if err != nil {
			c.t.Errorf("server wrote a bad header %q", line)
			close(c.frames)
			return
		}
		in.ReadString('\n')
		body := make([]byte, n)
		if _, err := io.ReadFull(in, body); err != nil {
			close(c.frames)
			return
		}
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			c.t.Errorf("server wrote a body that is not a JSON object: %s", body)
		}
		c.frames <- m
	}
}

func (c *rawClient) send(raw string) {
	c.t.Helper()
	c.conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c.conn, raw); err != nil {
		c.t.Fatalf("write: %v (server log:\n%s)", err, c.log.String())
	}
}

func frameOf(body string) string { return fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body), body) }

func msgFrame(v map[string]any) string {
	v["jsonrpc"] = "2.0"
	b, _ := json.Marshal(v)
	return frameOf(string(b))
}

// until reads frames up to the answer to id; it returns the answer and the
// server-initiated requests and notifications are skipped; other answers
// before it are returned in between.
func (c *rawClient) until(id any) (answer map[string]any, between []map[string]any) {
	c.t.Helper()
	want, _ := json.Marshal(id)
	timeout := time.After(15 * time.Second)
	for {
		select {
		case m, ok := <-c.frames:
			if !ok {
				c.t.Fatalf("the server closed the stream waiting for %s; log:\n%s", want, c.log.String())
			}
			if _, isRequest := m["method"]; isRequest {
				if m["id"] != nil { // a request to the client: answer it
					c.send(msgFrame(map[string]any{"id": m["id"], "result": nil}))
				}
				continue
			}
			got, _ := json.Marshal(m["id"])
			if string(got) == string(want) {
				return m, between
			}
			between = append(between, m)
		case <-timeout:
			c.t.Fatalf("no answer to %s; log:\n%s", want, c.log.String())
		}
	}
}

func errorCode(m map[string]any) float64 {
	e, _ := m["error"].(map[string]any)
	code, _ := e["code"].(float64)
	return code
}

// TestHostileWireNeverEndsTheServer writes what a broken or hostile client
// might, each followed by a marker request: the malformed message gets the
// answer JSON-RPC 2.0 asks for (or none), the marker is still answered, and
// a normal session afterwards ends with exit code 0.
func TestHostileWireNeverEndsTheServer(t *testing.T) {
	c := newRawClient(t, false)
	type answer struct {
		code float64
		id   string // the id echoed, as JSON
	}
	cases := []struct {
		name  string
		raw   string
		want  []answer
		extra int // frames the bad one swallows (a Content-Length longer than its body)
	}{
		{"non-JSON body", frameOf("hello, server"), []answer{{-32700, "null"}}, 0},
		{"truncated JSON", frameOf(`{"jsonrpc":"2.0","id":3,"meth`), []answer{{-32700, "null"}}, 0},
		{"empty body", frameOf(""), []answer{{-32700, "null"}}, 0},
		{"batch", frameOf(`[{"jsonrpc":"2.0","id":5,"method":"shutdown"}]`), []answer{{-32600, "null"}}, 0},
		{"empty batch", frameOf(`[]`), []answer{{-32600, "null"}}, 0},
		{"a number", frameOf(`42`), []answer{{-32600, "null"}}, 0},
		{"float id", frameOf(`{"jsonrpc":"2.0","id":1.5,"method":"initialize","params":{}}`), []answer{{-32600, "1.5"}}, 0},
		{"huge id", frameOf(`{"jsonrpc":"2.0","id":123456789012345678901234567890,"method":"initialize","params":{}}`), []answer{{-32600, "1.2345678901234568e+29"}}, 0},
		{"object id", frameOf(`{"jsonrpc":"2.0","id":{"a":1},"method":"initialize","params":{}}`), []answer{{-32600, "null"}}, 0},
		{"array id", frameOf(`{"jsonrpc":"2.0","id":[1],"method":"initialize"}`), []answer{{-32600, "null"}}, 0},
		{"wrong version", frameOf(`{"jsonrpc":"1.0","id":7,"method":"initialize"}`), []answer{{-32600, "7"}}, 0},
		{"method not a string", frameOf(`{"jsonrpc":"2.0","id":8,"method":5}`), []answer{{-32600, "8"}}, 0},
		{"method and result", frameOf(`{"jsonrpc":"2.0","id":9,"method":"x","result":1}`), []answer{{-32600, "9"}}, 0},
		{"bad response from the client", frameOf(`{"jsonrpc":"2.0","id":{},"result":1}`), nil, 0},
		{"response to nothing", frameOf(`{"jsonrpc":"2.0","id":99,"result":1}`), nil, 0},
		{"cancel with {}", msgFrame(map[string]any{"method": "$/cancelRequest", "params": map[string]any{}}), nil, 0},
		{"cancel without params", msgFrame(map[string]any{"method": "$/cancelRequest"}), nil, 0},
		{"cancel with a string", msgFrame(map[string]any{"method": "$/cancelRequest", "params": "x"}), nil, 0},
		{"cancel with a float id", msgFrame(map[string]any{"method": "$/cancelRequest", "params": map[string]any{"id": 1.5}}), nil, 0},
		{"cancel with an object id", msgFrame(map[string]any{"method": "$/cancelRequest", "params": map[string]any{"id": map[string]any{}}}), nil, 0},
		{"notification with bad params", msgFrame(map[string]any{"method": "textDocument/didOpen", "params": 5}), nil, 0},
		{"Content-Length not a number", "Content-Length: abc\r\n\r\n{}", nil, 0},
		{"Content-Length negative", "Content-Length: -5\r\n\r\n{}", nil, 0},
		{"Content-Length huge", "Content-Length: 99999999999999999999\r\n\r\n{}", nil, 0},
		{"Content-Length over the limit", "Content-Length: 999999999\r\n\r\n{}", nil, 0},
		{"no Content-Length", "Content-Type: application/json\r\n\r\n{}", nil, 0},
		{"header without a colon", "garbage\r\n" + frameOf(`{"jsonrpc":"2.0","method":"nothing"}`), nil, 0},
		{"a header line of 200 kB", strings.Repeat("x", 200<<10) + "\r\n\r\n", nil, 0},
		{"Content-Length shorter than the body", "Content-Length: 10\r\n\r\n" + `{"jsonrpc":"2.0","id":4,"method":"x"}`, []answer{{-32700, "null"}}, 0},
		{"Content-Length longer than the body", "Content-Length: 30\r\n\r\n{}", []answer{{-32700, "null"}}, 1},
		{"binary", frameOf("\x00\xff\xfe{\x01"), []answer{{-32700, "null"}}, 0},
	}
	for i, tc := range cases {
		c.send(tc.raw)
		var mark string
		for j := 0; j <= tc.extra; j++ {
			mark = fmt.Sprintf("mark-%d-%d", i, j)
			c.send(msgFrame(map[string]any{"id": mark, "method": "claude-ls/nothing"}))
		}
		got, between := c.until(mark)
		if errorCode(got) != -32002 { // ServerNotInitialized: the marker was read as itself
			t.Errorf("%s: marker answered with %v", tc.name, got)
		}
		var answers []answer
		for _, m := range between {
			id, _ := json.Marshal(m["id"])
			if s, _ := m["id"].(string); strings.HasPrefix(s, "mark-") {
				continue // a marker swallowed in part, answered as a parse error would have another id
			}
			answers = append(answers, answer{errorCode(m), string(id)})
		}
		if fmt.Sprint(answers) != fmt.Sprint(tc.want) {
			t.Errorf("%s: answers %v, want %v", tc.name, answers, tc.want)
		}
	}
	if !strings.Contains(c.log.String(), "malformed message") || !strings.Contains(c.log.String(), "bad message header") {
		t.Errorf("the malformed input is not logged:\n%s", c.log.String())
	}

	// A normal session still works, and ends with exit code 0.
	dir := t.TempDir()
	prompt := filepath.Join(dir, "a.prompt")
	os.WriteFile(prompt, []byte("---\nmodel: claude-sonnet-4-6\nmax_tokens: 100\n---\nuser:\nHello\n"), 0o644)
	c.send(msgFrame(map[string]any{"id": 1, "method": "initialize", "params": map[string]any{"capabilities": map[string]any{}, "rootUri": string(uri.File(dir))}}))
	if got, _ := c.until(1); got["result"] == nil {
		t.Fatalf("initialize: %v", got)
	}
	c.send(msgFrame(map[string]any{"method": "initialized", "params": map[string]any{}}))
	c.send(msgFrame(map[string]any{"method": "$/cancelRequest", "params": map[string]any{}}))
	c.send(msgFrame(map[string]any{"method": "textDocument/didOpen", "params": map[string]any{"textDocument": map[string]any{
		"uri": string(uri.File(prompt)), "languageId": "prompt", "version": 1, "text": "---\nmodel: claude-sonnet-4-6\nmax_tokens: 100\n---\nuser:\nHello\n"}}}))
	c.send(msgFrame(map[string]any{"id": 2, "method": "textDocument/hover", "params": "not params"}))
	if got, _ := c.until(2); errorCode(got) == 0 {
		t.Errorf("hover with bad params: %v", got)
	}
	c.send(msgFrame(map[string]any{"id": 3, "method": "textDocument/hover", "params": map[string]any{
		"textDocument": map[string]any{"uri": string(uri.File(prompt))}, "position": map[string]any{"line": 1, "character": 2}}}))
	if got, _ := c.until(3); got["error"] != nil || !strings.Contains(fmt.Sprint(got["result"]), "claude-sonnet-4-6") {
		t.Errorf("hover after the hostile input: %v", got)
	}
	c.send(msgFrame(map[string]any{"id": 4, "method": "shutdown"}))
	if got, _ := c.until(4); got["error"] != nil {
		t.Fatalf("shutdown: %v", got)
	}
	c.send(msgFrame(map[string]any{"method": "exit"}))
	select {
	case code := <-c.exit:
		if code != 0 {
			t.Errorf("exit code %d after shutdown and exit; log:\n%s", code, c.log.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not exit")
	}
}

// TestStreamEndingMidMessageIsLogged: a client that dies mid-frame ends the
// connection with exit code 1 and a log line saying why.
func TestStreamEndingMidMessageIsLogged(t *testing.T) {
	c := newRawClient(t, false)
	c.send("Content-Length: 100\r\n\r\n{\"jsonrpc\"")
	c.conn.Close()
	select {
	case code := <-c.exit:
		if code != 1 {
			t.Errorf("exit code %d, want 1 without shutdown", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not stop")
	}
	log := c.log.String()
	if !strings.Contains(log, "the stream ended inside a message") || !strings.Contains(log, "without shutdown") {
		t.Errorf("log:\n%s", log)
	}
}

// TestTraceNeverLogsAKeyInHalves: a key split across two reads of the
// stream is logged as redacted, never as its two halves.
func TestTraceNeverLogsAKeyInHalves(t *testing.T) {
	const key = "sk-ant-api03-FIRSTHALFabcdefghij0123456789SECONDHALFklmnopqrstuvwxyz_-"
	c := newRawClient(t, true)
	msg := msgFrame(map[string]any{"id": 1, "method": "initialize", "params": map[string]any{"capabilities": map[string]any{},
		"initializationOptions": map[string]any{"note": key}}})
	cut := strings.Index(msg, "SECONDHALF")
	c.send(msg[:cut])
	time.Sleep(50 * time.Millisecond) // a separate read
	c.send(msg[cut:])
	c.until(1)
	c.send(msgFrame(map[string]any{"id": 2, "method": "shutdown"}))
	c.until(2)
	c.send(msgFrame(map[string]any{"method": "exit"}))
	<-c.exit
	log := c.log.String()
	if strings.Contains(log, "FIRSTHALF") || strings.Contains(log, "SECONDHALF") {
		t.Errorf("the trace holds part of the key:\n%s", log)
	}
	if !strings.Contains(log, "trace <-") || !strings.Contains(log, "[redacted]") {
		t.Errorf("the trace does not show the redacted message:\n%s", log)
	}
}
