package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// frame writes one LSP message.
func frame(v any) []byte {
	body, _ := json.Marshal(v)
	return []byte(fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(body), body))
}

func TestServeLogsAndTracesToAFileNeverStdout(t *testing.T) {
	dir := t.TempDir()
	logFile := filepath.Join(dir, "claude-ls.log")
	var in bytes.Buffer
	// A key pasted into a setting must not reach the trace.
	in.Write(frame(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": map[string]any{"capabilities": map[string]any{},
		"initializationOptions": map[string]any{"note": testKey}}}))
	in.Write(frame(map[string]any{"jsonrpc": "2.0", "method": "initialized", "params": map[string]any{}}))
	in.Write(frame(map[string]any{"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
	in.Write(frame(map[string]any{"jsonrpc": "2.0", "method": "exit"}))
	cmd := exec.Command(binary, "serve", "--log", logFile, "--trace")
	cmd.Dir = dir
	cmd.Stdin = &in
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve: %v\n%s", err, stderr.String())
		}
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatal("serve did not exit after shutdown and exit")
	}
	// stdout carries only protocol frames: the two answers.
	out := stdout.String()
	if !strings.HasPrefix(out, "Content-Length: ") || strings.Count(out, "Content-Length: ") != 2 || !strings.Contains(out, `"id":2`) {
		t.Errorf("stdout:\n%s", out)
	}
	if stderr.Len() != 0 {
		t.Errorf("stderr used although --log was given:\n%s", stderr.String())
	}
	log, err := os.ReadFile(logFile)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(log), testKey) {
		t.Errorf("the key reached the log:\n%s", log)
	}
	for _, want := range []string{"claude-ls serving", "trace <-", `\"method\":\"initialize\"`, "trace ->", "[redacted]"} {
		if !strings.Contains(string(log), want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
}
