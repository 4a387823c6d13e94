package lsp

import (
	"encoding/json"
	"log/slog"
	"strings"
)

// Settings come from initializationOptions and workspace/didChangeConfiguration,
// either flat or under a "claude-ls" key (as VS Code sends a section).
type Settings struct {
	ConfigPath      string `json:"configPath"`        // workspace config, relative to the root; default .claude-ls.yaml
	DefaultModel    string `json:"defaultModel"`      // used when neither the file nor the config names a model
	HelperModel     string `json:"helperModel"`       // improves prompts and writes test cases, unless the config's helper_model says
	MonthlyBudget   string `json:"monthlyBudgetUsd"`  // for the workbench: refuse runs past it
	ConfirmAbove    string `json:"confirmAboveUsd"`   // for the workbench: ask before a run above it
	ExactCounts     bool   `json:"exactCounts"`       // for the workbench: count exactly when a key is present
	LogLevel        string `json:"logLevel"`          // debug, info, warn, error
	DiagnosticDelay int    `json:"diagnosticDelayMs"` // extra wait before publishing, 0 by default
}

func defaultSettings() Settings { return Settings{LogLevel: "info"} }

// apply merges raw JSON settings: keys present replace, others stay.
func (s *Settings) apply(raw []byte) error {
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var wrapped map[string]json.RawMessage
	if err := json.Unmarshal(raw, &wrapped); err != nil {
		return err
	}
	if inner, ok := wrapped["claude-ls"]; ok {
		raw = inner
	}
	return json.Unmarshal(raw, s)
}

// levelVar is shared with the logger the binary made, so settings can change it.
var levelVar = new(slog.LevelVar)

// LogLevel is the level variable the binary's handler should use.
func LogLevel() *slog.LevelVar { return levelVar }

func (s *Server) applyLogLevel() {
	switch strings.ToLower(s.settings.LogLevel) {
	case "debug":
		levelVar.Set(slog.LevelDebug)
	case "warn", "warning":
		levelVar.Set(slog.LevelWarn)
	case "error":
		levelVar.Set(slog.LevelError)
	default:
		levelVar.Set(slog.LevelInfo)
	}
}
