package workbench

import (
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/claude-ls/claude-ls/internal/fakeapi"
	"github.com/claude-ls/claude-ls/promptfile"
)

// TestRunKeepsServerToolUse: a run's record keeps usage.server_tool_use
// and prices the web searches ($10 per 1,000) beside the tokens, streamed
// or not.
func TestRunKeepsServerToolUse(t *testing.T) {
	src := "---\nmodel: claude-sonnet-4-6\nmax_tokens: 200\ntools:\n  - {type: web_search_20260318, max_uses: 5}\n---\nuser:\nTides in Brest yesterday?\n"
	for _, stream := range []bool{true, false} {
		p, api := newPrompt(t, src, "")
		api.Push("/v1/messages", fakeapi.Response{Usage: &fakeapi.Usage{InputTokens: 1000, OutputTokens: 100,
			ServerToolUse: &fakeapi.ServerToolUse{WebSearchRequests: 3, WebFetchRequests: 1}}})
		r, err := Run(context.Background(), p, RunOptions{Stream: stream}, Hooks{})
		if err != nil {
			t.Fatal(err)
		}
		if u := r.Reply.Usage.ServerTools; u.WebSearchRequests != 3 || u.WebFetchRequests != 1 {
			t.Fatalf("stream %v: server tool use %+v", stream, u)
		}
		// $3 × 1,000 + $15 × 100 per MTok, plus 3 searches at $0.01.
		want := promptfile.Dollars(3*1000+15*100)/1_000_000 + promptfile.Dollars(3)/100
		if r.Cost != want {
			t.Errorf("stream %v: cost %s, want %s", stream, r.Cost, want)
		}
		recs, _ := ReadRecords(p.WS.Root)
		if len(recs) != 1 || recs[0].Usage.ServerTools.WebSearchRequests != 3 || recs[0].CostUSD != want {
			t.Errorf("stream %v: records %+v", stream, recs)
		}
		if last := api.Last("/v1/messages"); last == nil || !strings.Contains(string(last.Body), `{"type":"web_search_20260318","name":"web_search","max_uses":5}`) {
			t.Errorf("stream %v: the request does not carry the named server tool", stream)
		}
	}
}

// TestRunSendsImagesAndToolTurns: a run sends the image in base64 and the
// tool turns as the rendering has them.
func TestRunSendsImagesAndToolTurns(t *testing.T) {
	src := "---\nmodel: claude-sonnet-4-6\nmax_tokens: 200\ntools:\n  - {name: get_tide, description: t, input_schema: {type: object}}\n---\nuser:\nWhat is this?\n{{image \"shot.png\"}}\n\ntool_use: get_tide id=toolu_01\nport: Brest\n\ntool_result: id=toolu_01\n06:12\n"
	p, api := newPrompt(t, src, "")
	png := "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x02\x00\x00\x00\x02\x08\x02\x00\x00\x00\xfd\xd4\x9as"
	os.WriteFile(filepath.Join(p.WS.Root, "shot.png"), []byte(png), 0o644)
	if _, err := Run(context.Background(), p, RunOptions{Stream: true}, Hooks{}); err != nil {
		t.Fatal(err)
	}
	body := string(api.Last("/v1/messages").Body)
	for _, want := range []string{
		`{"type":"image","source":{"type":"base64","media_type":"image/png","data":"` + base64.StdEncoding.EncodeToString([]byte(png)) + `"}}`,
		`{"type":"tool_use","id":"toolu_01","name":"get_tide","input":{"port":"Brest"}}`,
		`{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01","content":"06:12"}]}`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the request lacks %s:\n%s", want, body)
		}
	}
}
