package lsp

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/claude-ls/claude-ls/internal/fakeapi"
)

// TestUsageCommandsCarryLimitsAndThePicture: after a run, the summary and
// usage answers carry the rate-limit headroom of its answer, and
// claude-ls.usageReport writes the spend pictured, with the organisation's
// figures, and opens it outside the editor.
func TestUsageCommandsCarryLimitsAndThePicture(t *testing.T) {
	api := withAPI(t)
	api.SetRateLimits(fakeapi.RateLimits{Requests: 50, InputTokens: 30_000, OutputTokens: 8_000})
	api.SetAdmin(fakeapi.SampleAdmin(5, time.Now()))
	adminKey := fakeapi.AdminKeyPrefix + "LSPadminKEYlspADMINkey0123456789"
	t.Setenv("ANTHROPIC_ADMIN_KEY", adminKey)
	c := newTestClient(t, map[string]string{"a.prompt": "---\nmodel: claude-sonnet-4-6\nmax_tokens: 300\n---\nuser:\nExplain tides.\n"})
	u := c.open("a.prompt")
	c.waitVersion(u, 1)
	if sum := c.execute(CommandSummary, u, nil, ""); sum["limitsText"] != nil {
		t.Errorf("limits before any answer: %v", sum["limitsText"])
	}
	c.execute(CommandRun, u, nil, "u1")
	c.progressEnd("u1")
	sum := c.execute(CommandSummary, u, nil, "")
	if text, _ := sum["limitsText"].(string); !strings.Contains(text, "requests 49 of 50") {
		t.Errorf("summary limitsText %q", text)
	}
	usage := c.execute(CommandUsage, u, nil, "")
	limits, _ := usage["limits"].(map[string]any)
	if _, ok := limits["claude-sonnet-4-6"]; !ok || usage["total"].(map[string]any)["runs"] != 1.0 {
		t.Errorf("usage %v", usage)
	}
	got := c.execute(CommandUsageReport, u, nil, "")
	page, _ := got["file"].(string)
	if page != filepath.Join(c.dir, ".claude-ls", "usage.html") {
		t.Fatalf("usageReport answered %v", got)
	}
	c.waitFor("the page shown", func() bool { return slices.Contains(c.shown, page) })
	data, err := os.ReadFile(page)
	if err != nil || !strings.Contains(string(data), "Organisation spend") || !strings.Contains(string(data), "<svg") {
		t.Errorf("page: %v", err)
	}
	if strings.Contains(string(data), "LSPadminKEY") {
		t.Error("the admin key is in the page")
	}
}
