package main

import (
	"bytes"
	"fmt"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestServeSurvivesAHostileClient feeds the binary malformed frames on
// stdin, then a normal session: the process answers what JSON-RPC asks,
// logs the rest, and exits 0 after shutdown and exit.
func TestServeSurvivesAHostileClient(t *testing.T) {
	dir := t.TempDir()
	raw := func(body string) string { return fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body), body) }
	var in bytes.Buffer
	in.WriteString(raw("this is not JSON"))
	in.WriteString(raw(`[{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}]`))
	in.WriteString(raw(`{"jsonrpc":"2.0","id":2.5,"method":"initialize","params":{}}`))
	in.WriteString(raw(`{"jsonrpc":"2.0","id":{"x":1},"method":"initialize","params":{}}`))
	in.WriteString(raw(`{"jsonrpc":"2.0","method":"$/cancelRequest","params":{}}`))
	in.WriteString(raw(`{"jsonrpc":"2.0","method":"$/cancelRequest"}`))
	in.WriteString("Content-Length: lots\r\n\r\n{}")
	in.WriteString("Content-Length: -1\r\n\r\n")
	in.Write(frame(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": map[string]any{"capabilities": map[string]any{}}}))
	in.Write(frame(map[string]any{"jsonrpc": "2.0", "method": "initialized", "params": map[string]any{}}))
	in.Write(frame(map[string]any{"jsonrpc": "2.0", "method": "$/cancelRequest", "params": map[string]any{"id": 1.5}}))
	in.Write(frame(map[string]any{"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
	in.Write(frame(map[string]any{"jsonrpc": "2.0", "method": "exit"}))
	cmd := exec.Command(binary, "serve")
	cmd.Dir = dir
	cmd.Stdin = &in
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve: %v\n%s", err, stderr.String())
		}
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatal("serve did not exit")
	}
	out := stdout.String()
	for _, want := range []string{`"code":-32700`, `"id":2.5`, `"code":-32600`, `"id":1,"result"`, `"id":2,"result":null`} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %s:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "Content-Length: "); n != 6 {
		t.Errorf("%d answers, want 6 (4 errors, initialize, shutdown):\n%s", n, out)
	}
	log := stderr.String()
	for _, want := range []string{"malformed message: answered with an error", "bad message header", "$/cancelRequest"} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %q:\n%s", want, log)
		}
	}
}
