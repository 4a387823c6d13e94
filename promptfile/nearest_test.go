package promptfile

import "testing"

func TestNearest(t *testing.T) {
	keys := []string{
		"model", "max_tokens", "temperature", "top_p", "top_k", "stop_sequences",
		"system", "thinking", "tools", "tool_choice", "metadata", "service_tier",
		"anthropic_version", "name", "description", "vars", "tests",
	}
	models := DefaultCatalog().IDs()
	tests := []struct {
		name       string
		candidates []string
		want       string
		ok         bool
	}{
		{"claude-sonet-4-6", models, "claude-sonnet-4-6", true},
		{"claude-sonnet-4.6", models, "claude-sonnet-4-6", true},
		{"claude-haiku-4-5-2025101", models, "claude-haiku-4-5-20251001", true},
		{"max_token", keys, "max_tokens", true},
		{"temprature", keys, "temperature", true},
		{"TEMPERATURE", keys, "temperature", true},
		{"modle", keys, "model", true}, // swapped letters are one edit
		{"sytem", keys, "system", true},
		{"stop_sequence", keys, "stop_sequences", true},
		{"max", keys, "max_tokens", true},              // prefix
		{"anthropic", keys, "anthropic_version", true}, // prefix
		{"tool", keys, "tools", true},                  // closer than tool_choice
		{"xyz", keys, "", false},
		{"banana_bread", keys, "", false},
		{"a", []string{"id"}, "", false}, // nothing of the name left
		{"", keys, "", false},
		{"model", nil, "", false},
		{"gpt-4o", models, "", false},
	}
	for _, tt := range tests {
		got, ok := Nearest(tt.name, tt.candidates)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Nearest(%q) = %q, %v; want %q, %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
}

func TestNearestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0},
		{"abc", "", 3},
		{"kitten", "sitting", 3},
		{"model", "modle", 1},
		{"ca", "abc", 3}, // OSA, not full Damerau
		{"héllo", "hello", 1},
	}
	for _, tt := range tests {
		if got := osaDistance([]rune(tt.a), []rune(tt.b)); got != tt.want {
			t.Errorf("distance(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
