package workbench

import (
	"context"
	"errors"
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"

	"github.com/anthropics/anthropic-sdk-go/v2"

	"github.com/claude-ls/claude-ls/promptfile"
)

// Problem is an API failure explained for users: the same text in the
// terminal and in the editor, with the prompt line it concerns when known.
type Problem struct {
	Message  string
	Line     int // 1-based line of the prompt, 0 when unknown
	Status   int // HTTP status, 0 for network problems
	Canceled bool
}

func (p *Problem) Error() string {
	if p.Line > 0 {
		return fmt.Sprintf("line %d: %s", p.Line, p.Message)
	}
	return p.Message
}

// fieldPath finds a request field an API message names, such as
// "messages.1.content" or "temperature".
var fieldPath = regexp.MustCompile(`\b(messages\.\d+(?:\.[a-z_]+)*|system|max_tokens|temperature|top_p|top_k|thinking(?:\.[a-z_]+)?|tools(?:\.\d+)?|tool_choice|stop_sequences|model|metadata|service_tier)\b`)

// Explain turns an error from Send or CountTokens into a Problem. res, when
// given, maps a field named by a 400 back to the line of the prompt.
func Explain(err error, key Key, res *promptfile.Result) *Problem {
	var apiErr *anthropic.Error
	switch {
	case errors.Is(err, context.Canceled):
		return &Problem{Message: "canceled", Canceled: true}
	case errors.Is(err, context.DeadlineExceeded):
		return &Problem{Message: "timed out waiting for the API"}
	case errors.As(err, &apiErr):
		msg := key.Redact(apiErr.Message)
		p := &Problem{Status: apiErr.StatusCode}
		switch apiErr.StatusCode {
		case 401, 403:
			p.Message = fmt.Sprintf("the key was refused (HTTP %d: %s); check %s or .env", apiErr.StatusCode, msg, KeyVar)
		case 400, 413, 422:
			p.Message = fmt.Sprintf("the API refused the request (HTTP %d): %s", apiErr.StatusCode, msg)
			p.Line = lineOfField(msg, res)
		case 429:
			p.Message = fmt.Sprintf("rate limited (HTTP 429) after %d retries: %s", MaxRetries, msg)
		case 529:
			p.Message = fmt.Sprintf("the API is overloaded (HTTP 529) after %d retries: %s", MaxRetries, msg)
		default:
			p.Message = fmt.Sprintf("the API answered HTTP %d: %s", apiErr.StatusCode, msg)
		}
		if apiErr.RequestID != "" {
			p.Message += " (request " + apiErr.RequestID + ")"
		}
		return p
	}
	var answerErr *AnswerError // distrust.go: an answer refused
	if errors.As(err, &answerErr) {
		return &Problem{Message: key.Redact(answerErr.Message)}
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		if netErr.Timeout() {
			return &Problem{Message: "network timeout: " + key.Redact(err.Error())}
		}
	}
	return &Problem{Message: "could not reach the API: " + key.Redact(err.Error())}
}

// lineOfField maps "messages.2...." to the role line of the third message,
// and a parameter name to its front matter line.
func lineOfField(msg string, res *promptfile.Result) int {
	if res == nil {
		return 0
	}
	m := fieldPath.FindString(msg)
	if m == "" {
		return 0
	}
	f := res.File
	line := func(off int) int { return f.Map.Line(off) + 1 }
	parts := strings.Split(m, ".")
	switch parts[0] {
	case "messages":
		i, _ := strconv.Atoi(parts[1])
		if res.Request != nil && i < len(res.Request.Messages) {
			b := res.Request.Messages[i].Block
			if b.Implicit {
				return line(b.Content.Start)
			}
			return line(b.Line.Start)
		}
	case "system":
		for _, rb := range res.Blocks {
			if rb.Block.Role == promptfile.System {
				return line(rb.Block.Line.Start)
			}
		}
	}
	if e := f.Front.Lookup(parts[0]); e != nil {
		return line(e.KeyAt.Start)
	}
	return 0
}
