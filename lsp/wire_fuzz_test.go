package lsp

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"
)

// memRWC is a stream read from a buffer, whose writes are kept.
type memRWC struct {
	in  io.Reader
	out bytes.Buffer
}

func (m *memRWC) Read(p []byte) (int, error)  { return m.in.Read(p) }
func (m *memRWC) Write(p []byte) (int, error) { return m.out.Write(p) }
func (m *memRWC) Close() error                { return nil }

func fuzzSeeds(f *testing.F) {
	for _, s := range []string{
		frameOf(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}`),
		frameOf("not json"),
		frameOf(`[1,2]`),
		frameOf(`{"jsonrpc":"2.0","id":1e400,"method":"x"}`),
		"Content-Length: 5\r\nContent-Length: 2\r\n\r\n{}",
		"Content-Length: abc\r\n\r\n{}Content-Length: 2\r\n\r\n{}",
		"content-length:3\n\n{}}",
		"Content-Length: 10\r\n\r\n{}",
		"\r\n\r\n\r\n",
		strings.Repeat("Content-Length", 100),
	} {
		f.Add([]byte(s))
	}
}

// FuzzHeaderStream: any bytes are read to their end without a panic; the
// only error is the stream's end, and every answer the stream writes is a
// well-formed frame holding a JSON-RPC error.
func FuzzHeaderStream(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		rwc := &memRWC{in: bytes.NewReader(data)}
		s := newHeaderStream(rwc, nil)
		for i := 0; ; i++ {
			if i > len(data)+1 {
				t.Fatalf("%d messages from %d bytes", i, len(data))
			}
			_, _, err := s.Read(context.Background())
			if err != nil {
				if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
					t.Fatalf("Read failed on input, not on the stream's end: %v", err)
				}
				break
			}
		}
		out := bufio.NewReader(&rwc.out)
		for {
			line, err := out.ReadString('\n')
			if err == io.EOF && line == "" {
				return
			}
			n, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, "Content-Length: ")))
			if err != nil {
				t.Fatalf("bad header written: %q", line)
			}
			out.ReadString('\n')
			body := make([]byte, n)
			io.ReadFull(out, body)
			var m struct {
				JSONRPC string          `json:"jsonrpc"`
				ID      json.RawMessage `json:"id"`
				Error   *struct{ Code int }
			}
			if err := json.Unmarshal(body, &m); err != nil || m.JSONRPC != "2.0" || m.Error == nil || (m.Error.Code != -32700 && m.Error.Code != -32600) || len(m.ID) == 0 {
				t.Fatalf("bad answer written: %s", body)
			}
		}
	})
}

// FuzzDispatch: after initialize, any body as one frame leaves the server
// answering the next request, and exit after shutdown is exit code 0.
func FuzzDispatch(f *testing.F) {
	// A command the fuzzer finds must never reach the real API.
	f.Setenv("ANTHROPIC_API_KEY", "")
	f.Setenv("ANTHROPIC_BASE_URL", "http://127.0.0.1:1")
	for _, s := range []string{
		`{"jsonrpc":"2.0","method":"$/cancelRequest","params":{}}`,
		`{"jsonrpc":"2.0","id":3,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///x.prompt"},"position":{"line":-1,"character":99}}}`,
		`{"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":"untitled:a.prompt","languageId":"prompt","version":1,"text":"---\nmodel: x\n---\nuser:\n{{a}}"}}}`,
		`{"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":"untitled:a.prompt","version":2},"contentChanges":[{"range":{"start":{"line":9,"character":0},"end":{"line":0,"character":0}},"text":"x"}]}}`,
		`{"jsonrpc":"2.0","id":4,"method":"workspace/executeCommand","params":{"command":"claude-ls.run","arguments":[5]}}`,
		`{"jsonrpc":"2.0","id":5,"method":"textDocument/completion","params":null}`,
		`{"jsonrpc":"2.0","method":"workspace/didChangeConfiguration","params":{"settings":[1]}}`,
		`[]`, `{}`, `null`, `"x"`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var probe struct{ Method string }
		if json.Unmarshal(body, &probe) == nil && probe.Method == "exit" {
			t.Skip("exit ends the session, as it should")
		}
		c := newRawClient(t, false)
		c.send(msgFrame(map[string]any{"id": "init-fz", "method": "initialize", "params": map[string]any{"capabilities": map[string]any{}}}))
		c.until("init-fz")
		c.send(frameOf(string(body)))
		c.send(msgFrame(map[string]any{"id": "shutdown-fz", "method": "shutdown"}))
		c.until("shutdown-fz")
		c.send(msgFrame(map[string]any{"method": "exit"}))
		select {
		case code := <-c.exit:
			if code != 0 {
				t.Fatalf("exit code %d after %q", code, body)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("no exit after %q", body)
		}
	})
}
