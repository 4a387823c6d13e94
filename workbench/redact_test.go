package workbench

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

const shapedKey = "sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-AbCdEfGhIjKlMnOpQrSt"

// TestRedactWriterNeverWritesAKeyInPieces splits a text holding two keys
// (one shaped like a key, one only known as the key in use) at every
// position: no write passes on a piece of either, and the whole comes out
// as Redact of the whole.
func TestRedactWriterNeverWritesAKeyInPieces(t *testing.T) {
	key := Key{value: "my-private-proxy-token-0987654321"}
	text := `{"note":"` + shapedKey + `","auth":"` + key.value + `"} and sk-ant- then sk-ant-api03-short`
	want := key.Redact(text)
	for cut := 0; cut <= len(text); cut++ {
		var writes []string
		w := NewRedactWriter(writerFunc(func(p []byte) { writes = append(writes, string(p)) }), key)
		w.Write([]byte(text[:cut]))
		w.Write([]byte(text[cut:]))
		w.Flush()
		if got := strings.Join(writes, ""); got != want {
			t.Fatalf("cut %d: got %q, want %q", cut, got, want)
		}
		for _, piece := range writes {
			for _, secret := range []string{"AbCdEfGh", "0123456789_-", "private-proxy", "0987654321"} {
				if strings.Contains(piece, secret) {
					t.Fatalf("cut %d: a write holds %q: %q", cut, secret, piece)
				}
			}
		}
	}
}

// TestRedactWriterHoldsBackOnlyAPossibleKey: text without a key goes on at
// once; only a tail that may begin a key waits.
func TestRedactWriterHoldsBackOnlyAPossibleKey(t *testing.T) {
	var out bytes.Buffer
	w := NewRedactWriter(&out, Key{})
	w.Write([]byte("hello world "))
	if out.String() != "hello world " {
		t.Fatalf("plain text held back: %q", out.String())
	}
	w.Write([]byte("then sk-an"))
	if out.String() != "hello world then " {
		t.Fatalf("wrote %q", out.String())
	}
	w.Write([]byte("imal"))
	if out.String() != "hello world then sk-animal" {
		t.Fatalf("wrote %q", out.String())
	}
	// A run of key characters beyond any real key is not held without limit.
	w.Write([]byte(" sk-ant-" + strings.Repeat("a", 2*maxHeldKey)))
	if out.Len() < maxHeldKey {
		t.Fatalf("held %d bytes", 2*maxHeldKey)
	}
}

// TestRedactHandlerRedactsMessagesAndAttributes: WARN lines carry no key,
// in the message, a string, an error or a group.
func TestRedactHandlerRedactsMessagesAndAttributes(t *testing.T) {
	var out bytes.Buffer
	key := Key{value: "plain-secret-token-42"}
	log := slog.New(RedactHandler(slog.NewTextHandler(&out, nil), key)).With("ctx", "plain-secret-token-42")
	log.Warn("failed with "+shapedKey, "error", errors.New("bad key "+shapedKey), "value", key.value,
		slog.Group("g", "inner", shapedKey), "n", 3)
	got := out.String()
	if strings.Contains(got, "AbCdEfGh") || strings.Contains(got, "plain-secret") {
		t.Fatalf("a key is in the log line: %s", got)
	}
	if !strings.Contains(got, "n=3") || strings.Count(got, "[redacted") < 5 {
		t.Fatalf("log line: %s", got)
	}
	if !RedactHandler(slog.NewTextHandler(&out, nil), key).Enabled(context.Background(), slog.LevelInfo) {
		t.Fatal("Enabled not passed on")
	}
}

type writerFunc func([]byte)

func (f writerFunc) Write(p []byte) (int, error) { f(append([]byte(nil), p...)); return len(p), nil }
