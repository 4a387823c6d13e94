package lsp

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"sync"

	"go.lsp.dev/jsonrpc2"
)

// maxMessage bounds one message; a client claiming more is cut off rather
// than let it make the server allocate without limit.
const maxMessage = 512 << 20

// maxHeaderLine bounds one header line; it is also the read buffer's size.
const maxHeaderLine = 64 << 10

// headerStream frames JSON-RPC messages with LSP's Content-Length headers.
// No input ends it: a frame it cannot read is logged, answered where
// JSON-RPC says so, and skipped; only the stream's own end or failure is
// returned as an error (jsonrpc2 closes the connection on any Read error).
type headerStream struct {
	conn    io.ReadWriteCloser
	in      *bufio.Reader
	log     *slog.Logger
	pending []byte // a header line found while resynchronising, read next

	answered func() // told after each answer to a call is written
	// beforeEOF runs when the client has closed its side: jsonrpc2 writes
	// nothing once Read says EOF, so answers still being made must go first.
	beforeEOF func()

	writeMu sync.Mutex
}

func newHeaderStream(conn io.ReadWriteCloser, log *slog.Logger) *headerStream {
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &headerStream{conn: conn, in: bufio.NewReaderSize(conn, maxHeaderLine), log: log}
}

// Read reads one message. Each body gets a buffer of its own, freed with
// the message: jsonrpc2 hands handlers strings that borrow the body, and a
// buffer reused by the next read would rewrite a request still being
// handled (its method, its params). No buffer outlives its message either,
// unlike jsonrpc2's own stream, which keeps the largest one ever read.
func (s *headerStream) Read(ctx context.Context) (jsonrpc2.Message, int64, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, 0, err
		}
		length, headerLen, err := s.readHeaders()
		if err == io.EOF && s.beforeEOF != nil {
			s.beforeEOF()
		}
		if err != nil {
			return nil, 0, err
		}
		if length < 0 {
			continue // a bad header, logged; resynchronised on the next Content-Length
		}
		body := make([]byte, length)
		if _, err := io.ReadFull(s.in, body); err != nil {
			if err == io.EOF {
				err = io.ErrUnexpectedEOF
			}
			s.log.Warn("the stream ended inside a message", "want_bytes", length, "error", err)
			return nil, 0, err
		}
		msg, err := jsonrpc2.DecodeMessage(body)
		if err != nil {
			s.reject(body, err)
			continue
		}
		return msg, int64(headerLen + length), nil
	}
}

// readHeaders reads one header block. length is -1 when the block was bad:
// it has been logged and the stream moved to the next "Content-Length:".
// err is only the stream's own end or failure.
func (s *headerStream) readHeaders() (length, n int, err error) {
	length = -1
	for {
		line, full, err := s.readLine()
		n += len(line)
		if err != nil {
			if err == io.EOF && n > 0 {
				err = io.ErrUnexpectedEOF
				s.log.Warn("the stream ended inside a header", "error", err)
			}
			return 0, n, err
		}
		text := bytes.TrimRight(line, "\r\n")
		if full && len(text) == 0 {
			break
		}
		name, value, ok := bytes.Cut(text, []byte(":"))
		if !full || !ok || !isToken(name) {
			return -1, n, s.resync(line[1:], "invalid header line", text)
		}
		if bytes.EqualFold(name, []byte("Content-Length")) {
			length, err = strconv.Atoi(string(bytes.TrimSpace(value)))
			if err != nil || length < 0 || length > maxMessage {
				return -1, n, s.resync(nil, "invalid Content-Length (at most "+strconv.Itoa(maxMessage)+" bytes)", text)
			}
		}
	}
	if length < 0 {
		return -1, n, s.resync(nil, "missing Content-Length header", nil)
	}
	return length, n, nil
}

// readLine returns the pending line, else the next line of the stream; full
// is false for a piece of a line longer than maxHeaderLine. The bytes are a
// copy the caller may keep.
func (s *headerStream) readLine() (line []byte, full bool, err error) {
	if s.pending != nil {
		line, s.pending = s.pending, nil
		return line, true, nil
	}
	chunk, err := s.in.ReadSlice('\n')
	line = append([]byte(nil), chunk...)
	switch {
	case err == bufio.ErrBufferFull:
		return line, false, nil
	case err == io.EOF && len(line) > 0:
		return line, false, nil // the next read says EOF
	case err != nil:
		return nil, false, err
	}
	return line, true, nil
}

var contentLength = []byte("content-length:")

// resync logs a bad header block and skips input up to the next
// "Content-Length:", which starts the next header block: a frame's body has
// no line break, so the next header may follow it on the same line. rest is
// what is left of the bad line to search.
func (s *headerStream) resync(rest []byte, why string, line []byte) error {
	s.log.Warn("bad message header: skipped to the next Content-Length", "problem", why, "line", quoteShort(line))
	var tail []byte // the end of the previous piece, for a header split across pieces
	for {
		text := append(tail, rest...)
		if i := bytes.Index(bytes.ToLower(text), contentLength); i >= 0 {
			s.pending = append([]byte(nil), text[i:]...)
			if !bytes.HasSuffix(s.pending, []byte("\n")) {
				// The header line goes on in the next piece.
				more, _, err := s.readLine()
				if err != nil {
					return err
				}
				s.pending = append(s.pending, more...)
			}
			return nil
		}
		tail = text[max(0, len(text)-len(contentLength)+1):]
		var err error
		if rest, _, err = s.readLine(); err != nil {
			return err
		}
	}
}

// isToken: a header name is letters, digits and dashes.
func isToken(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func quoteShort(b []byte) string {
	if len(b) > 80 {
		return strconv.Quote(string(b[:80])) + "…"
	}
	return strconv.Quote(string(b))
}

// reject answers a body that is not a JSON-RPC message, as JSON-RPC 2.0
// says: a parse error with id null for what is not JSON, an invalid request
// (with the request's id when it has a usable one) for the rest. A response
// from the client that cannot be read has no one to answer: it is dropped.
func (s *headerStream) reject(body []byte, err error) {
	code, msg := jsonrpc2.InvalidRequest, "invalid request"
	id := json.RawMessage("null")
	var fields struct {
		ID     json.RawMessage `json:"id"`
		Method *json.RawMessage
	}
	switch {
	case !json.Valid(body):
		code, msg = jsonrpc2.ParseError, "parse error: the body is not JSON"
	case json.Unmarshal(body, &fields) != nil:
		msg = "invalid request: a JSON-RPC message is one object (batches are not supported)"
	case fields.Method == nil:
		s.log.Warn("malformed response from the client: dropped", "error", err, "bytes", len(body))
		return
	default:
		if scalarID(fields.ID) {
			id = fields.ID
		}
		msg = "invalid request: it needs \"jsonrpc\": \"2.0\", a string method and an integer or string id"
	}
	s.log.Warn("malformed message: answered with an error", "code", code, "error", err, "bytes", len(body))
	reply, _ := json.Marshal(struct {
		JSONRPC string          `json:"jsonrpc"`
		ID      json.RawMessage `json:"id"`
		Error   jsonrpc2.Error  `json:"error"`
	}{"2.0", id, jsonrpc2.Error{Code: code, Message: "claude-ls: " + msg}})
	if _, err := s.writeFrame(reply); err != nil {
		s.log.Warn("could not answer a malformed message", "error", err)
	}
}

// scalarID: an id the client can match its answer by (a number or string).
func scalarID(raw json.RawMessage) bool {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || len(raw) > 128 {
		return false
	}
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return false
	}
	switch v.(type) {
	case string, float64:
		return true
	}
	return false
}

// Write sends one message as a single write.
func (s *headerStream) Write(ctx context.Context, msg jsonrpc2.Message) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	body, err := jsonrpc2.EncodeMessage(msg)
	if err != nil {
		return 0, err
	}
	n, err := s.writeFrame(body)
	// jsonrpc2's answer type is unexported; its name is all there is to go by.
	if err == nil && s.answered != nil && fmt.Sprintf("%T", msg) == "jsonrpc2.responseWire" {
		s.answered()
	}
	return n, err
}

func (s *headerStream) writeFrame(body []byte) (int64, error) {
	frame := append([]byte("Content-Length: "+strconv.Itoa(len(body))+"\r\n\r\n"), body...)
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	n, err := s.conn.Write(frame)
	return int64(n), err
}

func (s *headerStream) Close() error { return s.conn.Close() }
