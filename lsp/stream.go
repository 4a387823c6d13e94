package lsp

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"go.lsp.dev/jsonrpc2"
)

// maxMessage bounds one message; a client claiming more is cut off rather
// than let it make the server allocate without limit.
const maxMessage = 512 << 20

// smallMessage is the size of body buffer kept between reads. jsonrpc2's own
// header stream keeps a buffer the size of the largest message ever read for
// the life of the connection: after opening a 4 MB prompt, 4 MB more.
const smallMessage = 64 << 10

// headerStream frames JSON-RPC messages with LSP's Content-Length headers.
type headerStream struct {
	conn io.ReadWriteCloser
	in   *bufio.Reader
	rbuf []byte

	writeMu sync.Mutex
}

func newHeaderStream(conn io.ReadWriteCloser) *headerStream {
	return &headerStream{conn: conn, in: bufio.NewReader(conn), rbuf: make([]byte, smallMessage)}
}

// Read reads one message. Large bodies get a buffer of their own, freed
// with the message.
func (s *headerStream) Read(ctx context.Context) (jsonrpc2.Message, int64, error) {
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	length, headerLen, err := s.readHeaders()
	if err != nil {
		return nil, 0, err
	}
	body := s.rbuf[:min(length, len(s.rbuf))]
	if length > len(s.rbuf) {
		body = make([]byte, length)
	}
	if _, err := io.ReadFull(s.in, body); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, 0, err
	}
	msg, err := jsonrpc2.DecodeMessage(body)
	if err != nil {
		return nil, 0, err
	}
	return msg, int64(headerLen + length), nil
}

func (s *headerStream) readHeaders() (length, n int, err error) {
	length = -1
	for {
		line, err := s.in.ReadString('\n')
		n += len(line)
		if err != nil {
			if err == io.EOF && n > 0 {
				err = io.ErrUnexpectedEOF
			}
			return 0, n, err
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			break
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return 0, n, fmt.Errorf("invalid header line %q", line)
		}
		if strings.EqualFold(strings.TrimSpace(name), "Content-Length") {
			length, err = strconv.Atoi(strings.TrimSpace(value))
			if err != nil || length < 0 || length > maxMessage {
				return 0, n, fmt.Errorf("invalid Content-Length %q", value)
			}
		}
	}
	if length < 0 {
		return 0, n, fmt.Errorf("missing Content-Length header")
	}
	return length, n, nil
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
	frame := append([]byte("Content-Length: "+strconv.Itoa(len(body))+"\r\n\r\n"), body...)
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	n, err := s.conn.Write(frame)
	return int64(n), err
}

func (s *headerStream) Close() error { return s.conn.Close() }
