package workbench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"

	"github.com/claude-ls/claude-ls/promptfile"
)

// maxHeldKey bounds what a RedactWriter holds back for one key in progress:
// real keys are about 110 characters; a longer run of key characters is
// redacted as it stands rather than held without limit.
const maxHeldKey = 4 << 10

// EnvKey is the key of the environment, for redaction only: it reads no
// file, so it is safe to call before anything else (serve --trace).
func EnvKey() Key {
	return Key{value: strings.TrimSpace(os.Getenv(KeyVar)), Source: "environment"}
}

// RedactWriter passes text on to another writer with keys redacted (the
// key in use and anything shaped like a key), across chunk boundaries: a
// tail that may be the start of a key is held back until the next Write
// shows how it goes on, or until Flush. So a key split over two writes is
// never written in halves. Safe for concurrent use.
type RedactWriter struct {
	mu   sync.Mutex
	w    io.Writer
	key  Key
	held []byte
}

// NewRedactWriter wraps w. Call Flush (or Close) when the text ends.
func NewRedactWriter(w io.Writer, key Key) *RedactWriter {
	return &RedactWriter{w: w, key: key}
}

// Write takes p whole; what is safe to pass on goes to the writer now.
func (r *RedactWriter) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	buf := append(r.held, p...)
	cut := r.safeLen(buf)
	r.held = append([]byte(nil), buf[cut:]...)
	if cut == 0 {
		return len(p), nil
	}
	if _, err := io.WriteString(r.w, r.key.Redact(string(buf[:cut]))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Flush writes what is held back.
func (r *RedactWriter) Flush() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.held) == 0 {
		return nil
	}
	held := r.held
	r.held = nil
	_, err := io.WriteString(r.w, r.key.Redact(string(held)))
	return err
}

// Close flushes; it does not close the underlying writer.
func (r *RedactWriter) Close() error { return r.Flush() }

// safeLen is how much of buf can be written now: everything before a
// possible key that reaches the end of buf (it may go on in the next write).
func (r *RedactWriter) safeLen(buf []byte) int {
	cut := promptfile.UnfinishedKey(buf, maxHeldKey)
	if r.key.value != "" {
		cut = min(cut, len(buf)-promptfile.PrefixTail(buf, r.key.value))
	}
	return cut
}

// RedactHandler wraps a log handler so that no record carries a key: the
// message and every attribute (errors and other values as their text) are
// redacted before h sees them.
func RedactHandler(h slog.Handler, key Key) slog.Handler { return redactHandler{h, key} }

type redactHandler struct {
	h   slog.Handler
	key Key
}

func (r redactHandler) Enabled(ctx context.Context, l slog.Level) bool { return r.h.Enabled(ctx, l) }

func (r redactHandler) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, r.key.Redact(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(r.attr(a))
		return true
	})
	return r.h.Handle(ctx, out)
}

func (r redactHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		clean[i] = r.attr(a)
	}
	return redactHandler{r.h.WithAttrs(clean), r.key}
}

func (r redactHandler) WithGroup(name string) slog.Handler {
	return redactHandler{r.h.WithGroup(name), r.key}
}

func (r redactHandler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, r.key.Redact(v.String()))
	case slog.KindGroup:
		group := v.Group()
		clean := make([]any, len(group))
		for i, g := range group {
			clean[i] = r.attr(g)
		}
		return slog.Group(a.Key, clean...)
	case slog.KindAny:
		return slog.String(a.Key, r.key.Redact(fmt.Sprint(v.Any())))
	}
	return slog.Attr{Key: a.Key, Value: v}
}
