package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
)

// Commands the server executes; editors bind them to buttons and keys.
const (
	CommandRun         = "claude-ls.run"         // run the prompt, reply streamed into a result file
	CommandRunAppend   = "claude-ls.runAppend"   // run, then append the reply as an assistant: block
	CommandCountExact  = "claude-ls.countExact"  // exact input tokens from the API's count endpoint
	CommandExport      = "claude-ls.export"      // the same request as a Go, Python, TypeScript, JavaScript or curl program
	CommandSummary     = "claude-ls.summary"     // model, tokens and cost per block, for status bars
	CommandUsage       = "claude-ls.usage"       // the workspace's recorded spend by day and model
	CommandRunTests    = "claude-ls.runTests"    // every test case (on each model), checked, into a report
	CommandRunBatch    = "claude-ls.runBatch"    // the same through the Message Batches API, at half price
	CommandUsageReport = "claude-ls.usageReport" // the spend pictured: .claude-ls/usage.html, opened
	// The Workbench's helpers (helpers.go).
	CommandImprove       = "claude-ls.improve"       // a model rewrites the prompt: an edit to confirm
	CommandGenerateTests = "claude-ls.generateTests" // a model proposes test cases, appended to tests:
	CommandGrade         = "claude-ls.grade"         // grade a reply 1-5: a case's last, or one a reply document marks
	CommandCompare       = "claude-ls.compare"       // the test cases on the file and on a git revision, one report
)

var commandNames = []string{CommandRun, CommandRunAppend, CommandCountExact, CommandExport, CommandSummary, CommandUsage, CommandRunTests, CommandRunBatch, CommandUsageReport,
	CommandImprove, CommandGenerateTests, CommandGrade, CommandCompare}

// commandArgs is the one argument every command takes: an object with the
// document's uri, or just the uri as a string.
type commandArgs struct {
	URI   string            `json:"uri"`
	Test  string            `json:"test"`
	Vars  map[string]string `json:"vars"`
	Model string            `json:"model"`
	Lang  string            `json:"lang"`
}

// ExecuteCommand dispatches the commands. Work that calls the API replies at
// once and goes on in the background, reporting through $/progress.
func (s *Server) ExecuteCommand(ctx context.Context, params *protocol.ExecuteCommandParams) (protocol.LSPAny, error) {
	args, err := parseCommandArgs(params)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", params.Command, err)
	}
	if r, ok := s.replyDocument(uri.URI(args.URI)); ok && params.Command == CommandGrade {
		return s.gradeReply(ctx, r, params) // replydocs.go
	}
	d, ok := s.document(uri.URI(args.URI))
	if !ok {
		return nil, fmt.Errorf("%s: %s is not open", params.Command, args.URI)
	}
	switch params.Command {
	case CommandRun, CommandRunAppend:
		path := s.startRun(d, args, params.Command == CommandRunAppend, params.WorkDoneToken)
		return jsonMarshal(map[string]any{"started": true, "resultFile": path})
	case CommandCountExact:
		go s.countExact(context.WithoutCancel(ctx), d, false)
		return jsonMarshal(map[string]any{"started": true})
	case CommandExport:
		return s.export(ctx, d, args)
	case CommandSummary:
		return jsonMarshal(s.summary(d))
	case CommandUsage:
		return s.usage(d)
	case CommandUsageReport:
		return s.usageReport(ctx, d)
	case CommandRunTests, CommandRunBatch:
		return s.startTests(d, args, params.Command == CommandRunBatch, params.WorkDoneToken), nil
	case CommandImprove, CommandGenerateTests, CommandGrade, CommandCompare:
		return s.helperCommand(ctx, d, params) // helpers.go
	}
	return nil, fmt.Errorf("unknown command %q (the commands are %s)", params.Command, strings.Join(commandNames, ", "))
}

func parseCommandArgs(params *protocol.ExecuteCommandParams) (commandArgs, error) {
	var a commandArgs
	if len(params.Arguments) == 0 {
		return a, fmt.Errorf("missing argument: the document's uri, or {uri, test, vars, model, lang}")
	}
	raw := []byte(params.Arguments[0])
	if err := json.Unmarshal(raw, &a.URI); err != nil {
		if err := json.Unmarshal(raw, &a); err != nil {
			return a, fmt.Errorf("the argument must be the document's uri or an object {uri, ...}: %v", err)
		}
	}
	if a.URI == "" {
		return a, fmt.Errorf("the argument has no uri")
	}
	return a, nil
}

// showMessage tells the user something; errors are also logged.
func (s *Server) showMessage(ctx context.Context, typ protocol.MessageType, msg string) {
	if typ == protocol.MessageTypeError {
		s.log.Warn("shown to the user", "message", msg)
	}
	if err := s.client.ShowMessage(ctx, &protocol.ShowMessageParams{Type: typ, Message: "claude-ls: " + msg}); err != nil {
		s.log.Warn("showMessage", "error", err)
	}
}
