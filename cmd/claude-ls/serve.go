package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/claude-ls/claude-ls/lsp"
	"github.com/claude-ls/claude-ls/workbench"
)

func runServe(args []string, _, stderr io.Writer) int {
	fs := newFlags("serve", "[--log FILE] [--trace]", stderr)
	logPath := fs.String("log", "", "write the log to `FILE` instead of stderr")
	trace := fs.Bool("trace", false, "log every protocol message (keys are redacted)")
	fs.Bool("stdio", true, "talk LSP over stdin and stdout (the only transport; accepted for clients that pass it)")
	if _, code, ok := parseFlags(fs, args); !ok {
		return code
	}
	logOut := stderr
	if *logPath != "" {
		f, err := os.OpenFile(*logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			fmt.Fprintln(stderr, "claude-ls serve:", err)
			return exitUsage
		}
		defer f.Close()
		logOut = f
	}
	// Never stdout: it carries the protocol. No line carries a key.
	log := slog.New(workbench.RedactHandler(slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: lsp.LogLevel()}), workbench.EnvKey()))
	lsp.Version = version
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log.Info("claude-ls serving", "version", version, "pid", os.Getpid())
	return lsp.Serve(ctx, stdio{}, lsp.Options{Logger: log, Trace: *trace})
}

// stdio is the process's stdin and stdout as one stream.
type stdio struct{}

func (stdio) Read(p []byte) (int, error)  { return os.Stdin.Read(p) }
func (stdio) Write(p []byte) (int, error) { return os.Stdout.Write(p) }
func (stdio) Close() error {
	os.Stdin.Close()
	return os.Stdout.Close()
}
