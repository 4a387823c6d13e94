package promptfile

import (
	"encoding/json"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ServerTool is a tool the API runs itself, declared in `tools` by its type
// (`{type: web_search_20260318, max_uses: 5}`), with the prices it adds to
// the tokens.
type ServerTool struct {
	Type string // versioned type, as sent
	Name string // the name the API expects; added when the file gives none
	What string // for people
	// PerThousandUses is the price of 1,000 uses (web search), 0 when the
	// tool costs tokens only.
	PerThousandUses USD
	// PerContainerHour is the price of an hour of the tool's container
	// (code execution), beyond the free hours of FreeHoursNote.
	PerContainerHour USD
	FreeHoursNote    string
}

// ServerTools are the server tools this version knows (facts checked
// November 2026: web search $10 per 1,000 searches plus tokens; web fetch
// tokens only; code execution $0.05 per container hour after 1,550 free
// hours a month).
var ServerTools = []ServerTool{
	{Type: "web_search_20260318", Name: "web_search", What: "web search", PerThousandUses: Dollars(10)},
	{Type: "web_fetch_20260318", Name: "web_fetch", What: "web fetch (tokens only)"},
	{Type: "code_execution_20260521", Name: "code_execution", What: "code execution", PerContainerHour: Dollars(5) / 100,
		FreeHoursNote: "1,550 free container hours a month"},
}

// LookupServerTool finds a server tool by its type.
func LookupServerTool(typ string) (*ServerTool, bool) {
	for i := range ServerTools {
		if ServerTools[i].Type == typ {
			return &ServerTools[i], true
		}
	}
	return nil, false
}

// nameServerTools adds the API's name to each known server tool of `tools`
// that has none, so `{type: web_search_20260318, max_uses: 5}` is enough.
func (a *analysis) nameServerTools() {
	for i, p := range a.params {
		if p.Key != "tools" {
			continue
		}
		var raw []json.RawMessage
		if json.Unmarshal(p.Value, &raw) != nil {
			return
		}
		changed := false
		for j, t := range raw {
			var v struct {
				Type string  `json:"type"`
				Name *string `json:"name"`
			}
			json.Unmarshal(t, &v)
			if st, ok := LookupServerTool(v.Type); ok && v.Name == nil {
				raw[j] = insertAfterType(t, st.Name)
				changed = true
			}
		}
		if changed {
			a.params[i].Value = mustJSON(raw)
		}
	}
}

// insertAfterType puts "name" after the "type" key of a tool object that
// the YAML rendering wrote compactly.
func insertAfterType(obj json.RawMessage, name string) json.RawMessage {
	s := string(obj)
	if i := strings.Index(s, `"type":`); i >= 0 {
		// The type's value is a JSON string: find its end.
		rest := s[i+len(`"type":`):]
		var v string
		dec := json.NewDecoder(strings.NewReader(rest))
		if dec.Decode(&v) == nil {
			at := i + len(`"type":`) + int(dec.InputOffset())
			return json.RawMessage(s[:at] + `,"name":` + string(mustJSON(name)) + s[at:])
		}
	}
	return json.RawMessage(strings.Replace(s, "{", `{"name":`+string(mustJSON(name))+",", 1))
}

// isServerToolEntry reports whether a `tools` entry declares a server tool
// the API names by itself (one of ServerTools, without a name).
func isServerToolEntry(t *yaml.Node) bool {
	typ := mapValue(t, "type")
	if typ == nil {
		return false
	}
	_, ok := LookupServerTool(typ.Value)
	return ok
}

// ServerToolEstimate is the cost line of the server tools a request
// declares, beside the tokens' cost.
type ServerToolEstimate struct {
	Tools []ServerToolUse
	// MaxUSD is the upper bound of the per-use fees: max_uses × price for
	// each priced tool that sets max_uses.
	MaxUSD USD
	// Unbounded: a priced tool has no max_uses, so no upper bound exists.
	Unbounded bool
}

// ServerToolUse is one declared server tool.
type ServerToolUse struct {
	Tool    *ServerTool
	MaxUses int // 0: not set
}

// ServerToolCost is the cost line of the request's server tools; Tools is
// empty when it declares none.
func ServerToolCost(req *Request) ServerToolEstimate {
	var e ServerToolEstimate
	if req == nil {
		return e
	}
	for _, raw := range toolList(req) {
		var t struct {
			Type    string `json:"type"`
			MaxUses int    `json:"max_uses"`
		}
		if json.Unmarshal(raw, &t) != nil {
			continue
		}
		st, ok := LookupServerTool(t.Type)
		if !ok {
			continue
		}
		e.Tools = append(e.Tools, ServerToolUse{Tool: st, MaxUses: t.MaxUses})
		if st.PerThousandUses > 0 {
			if t.MaxUses > 0 {
				e.MaxUSD += st.PerThousandUses * USD(t.MaxUses) / 1000
			} else {
				e.Unbounded = true
			}
		}
	}
	return e
}

// String is the cost line for people, e.g. "web search ≤ $0.05 (max_uses
// 5 × $10 per 1,000)".
func (e ServerToolEstimate) String() string {
	var parts []string
	for _, u := range e.Tools {
		t := u.Tool
		switch {
		case t.PerThousandUses > 0 && u.MaxUses > 0:
			parts = append(parts, t.What+" ≤ "+dollars(t.PerThousandUses*USD(u.MaxUses)/1000)+" ("+itoa(u.MaxUses)+" uses at "+dollars(t.PerThousandUses)+" per 1,000)")
		case t.PerThousandUses > 0:
			parts = append(parts, t.What+" "+dollars(t.PerThousandUses)+" per 1,000 uses (no max_uses: no upper bound)")
		case t.PerContainerHour > 0:
			parts = append(parts, t.What+" "+dollars(t.PerContainerHour)+" per container hour ("+t.FreeHoursNote+")")
		default:
			parts = append(parts, t.What)
		}
	}
	return strings.Join(parts, "; ")
}

// ServerToolUsage is what the API reports in usage.server_tool_use.
type ServerToolUsage struct {
	WebSearchRequests     int64 `json:"web_search_requests,omitempty"`
	WebFetchRequests      int64 `json:"web_fetch_requests,omitempty"`
	CodeExecutionRequests int64 `json:"code_execution_requests,omitempty"`
}

// Plus is the sum of two counts.
func (s ServerToolUsage) Plus(o ServerToolUsage) ServerToolUsage {
	return ServerToolUsage{s.WebSearchRequests + o.WebSearchRequests, s.WebFetchRequests + o.WebFetchRequests,
		s.CodeExecutionRequests + o.CodeExecutionRequests}
}

// Cost is the per-use fees of these counts (web searches; container hours
// are billed by time, which the usage does not report).
func (s ServerToolUsage) Cost() USD {
	st, _ := LookupServerTool("web_search_20260318")
	return st.PerThousandUses * USD(s.WebSearchRequests) / 1000
}

// dollars writes an amount with its exact decimals: $0.05, $10.
func dollars(u USD) string { return "$" + u.Decimal() }
