package promptfile

import (
	"strings"
	"testing"
)

// blockSummary is what a table test checks of a parsed block.
func blockSummary(f *File, b *Block) string {
	s := string(b.Role)
	if b.Implicit {
		s += "(implicit)"
	}
	if b.Cache != "" {
		s += "[" + b.Cache + "]"
	}
	return s + ":" + strings.TrimSpace(string(f.Src[b.Content.Start:b.Content.End]))
}

func TestParseBlocks(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string
		problems  []string
	}{
		{"no front matter", "user:\nhi\n", []string{"user:hi"}, nil},
		{"implicit user", "Hello there\n\nassistant:\nok", []string{"user(implicit):Hello there", "assistant:ok"}, nil},
		{"blank before first role is no block", "\n\n  \nuser:\nx", []string{"user:x"}, nil},
		{"spaces around role", "  user :  \nx\n\tassistant:\ny", []string{"user:x", "assistant:y"}, nil},
		{"attributes", "system: cache\na\nuser:cache=1h\nb\nuser: cache = 5m\nc", []string{"system[cache]:a", "user[cache=1h]:b", "user[cache = 5m]:c"}, nil},
		{"role with text is content", "user:\nuser: Explain\nUSER:\nx", []string{"user:user: Explain\nUSER:\nx"}, nil},
		{"escaped role is content", "user:\n\\assistant:\nx", []string{"user:\\assistant:\nx"}, nil},
		{"front matter", "---\nmodel: m\n---\nuser:\nx", []string{"user:x"}, nil},
		{"front matter CRLF", "---\r\nmodel: m\r\n---\r\nuser:\r\nx\r\n", []string{"user:x"}, nil},
		{"BOM", "\uFEFF---\nmodel: m\n---\nuser:\nx", []string{"user:x"}, nil},
		{"unterminated front matter keeps blocks", "---\nmodel: m\nuser:\nx", []string{"user:x"}, []string{"frontmatter-unterminated"}},
		{"half-typed role", "user:\nx\nassis", []string{"user:x\nassis"}, nil},
		{"empty file", "", nil, nil},
		{"only front matter", "---\nmodel: m\n---\n", nil, nil},
		{"dashes later are text", "user:\n---\nx", []string{"user:---\nx"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := Parse([]byte(tc.src))
			var got []string
			for _, b := range f.Blocks {
				got = append(got, blockSummary(f, b))
			}
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("blocks = %q, want %q", got, tc.want)
			}
			var codes []string
			for _, p := range f.Problems {
				codes = append(codes, p.Code)
			}
			if strings.Join(codes, ",") != strings.Join(tc.problems, ",") {
				t.Errorf("problems = %v, want %v", codes, tc.problems)
			}
		})
	}
}

func TestParseParts(t *testing.T) {
	for _, tc := range []struct {
		content string
		want    string // kind:name per part
	}{
		{"plain", "text"},
		{"a {{x}} b", "text|var:x|text"},
		{"{{ spaced-name_1 }}", "var:spaced-name_1"},
		{`{{file "a b.md"}}`, "include:a b.md"},
		{`{{ file "x" }}`, "include:x"},
		{"{{! c }}x", "comment|text"},
		{"{{! multi\nline }}", "comment"},
		{`\{{x}}`, "literal:{{|text"},
		{"{{if x}}", "bad"},
		{"{{}}", "bad"},
		{"{{x", "bad"},
		{"{{x\n}}", "bad|text"},
		{`{{file "half`, "bad"},
		{`{{file "half}}`, "include:half"},
		{"{{file x}}", "bad"},
	} {
		f := Parse([]byte("user:\n" + tc.content))
		if len(f.Blocks) != 1 {
			t.Fatalf("%q: %d blocks", tc.content, len(f.Blocks))
		}
		var got []string
		for _, p := range f.Blocks[0].Parts {
			s := map[PartKind]string{Text: "text", Literal: "literal", Variable: "var", Comment: "comment", Include: "include", BadTemplate: "bad"}[p.Kind]
			if p.Kind == Variable || p.Kind == Include || p.Kind == Literal {
				s += ":" + p.Name
			}
			got = append(got, s)
		}
		if strings.Join(got, "|") != tc.want {
			t.Errorf("%q: parts %s, want %s", tc.content, strings.Join(got, "|"), tc.want)
		}
	}
}

func TestFrontMatterPositions(t *testing.T) {
	src := "---\nmodel: claude-sonnet-4-6 # the model\nname: \"quoted value\"\nvars:\n  topic: tides\nsystem: |\n  line one\n  line two\ntools: [{name: a}]\n---\nuser:\nx"
	f := Parse([]byte(src))
	if len(f.Problems) != 0 {
		t.Fatalf("problems: %v", f.Problems)
	}
	for _, tc := range []struct{ key, keyText, valueText string }{
		{"model", "model", "claude-sonnet-4-6"},
		{"name", "name", `"quoted value"`},
		{"vars", "vars", "topic: tides"},
		{"system", "system", "|\n  line one\n  line two"},
		{"tools", "tools", "[{name: a}]"},
	} {
		e := f.Front.Lookup(tc.key)
		if e == nil {
			t.Fatalf("no entry %q", tc.key)
		}
		if got := src[e.KeyAt.Start:e.KeyAt.End]; got != tc.keyText {
			t.Errorf("%s: key span %q", tc.key, got)
		}
		if got := src[e.At.Start:e.At.End]; got != tc.valueText {
			t.Errorf("%s: value span %q, want %q", tc.key, got, tc.valueText)
		}
	}
}

func TestFrontMatterSalvage(t *testing.T) {
	// The user is half-way through typing tools; model and max_tokens still count.
	src := "---\nmodel: claude-sonnet-4-6\ntools:\n  - name: [\nmax_tokens: 100\n---\nuser:\nx"
	f := Parse([]byte(src))
	if f.Front.Lookup("model") == nil || f.Front.Lookup("max_tokens") == nil {
		t.Errorf("entries lost: %+v", f.Front.Entries)
	}
	if len(f.Problems) != 1 || f.Problems[0].Code != "yaml-syntax" {
		t.Fatalf("problems = %+v", f.Problems)
	}
	if line, _ := f.Map.Position(f.Problems[0].Span.Start, UTF16); line < 2 || line > 4 {
		t.Errorf("yaml error on line %d, want within the tools entry", line)
	}
}

func TestAt(t *testing.T) {
	src := "---\nmodel: claude-sonnet-4-6\nvars:\n  topic: tides\ntests:\n  - topic: volcanoes\n---\nuser: cache\nExplain {{topic}} {{file \"doc.md\"}} {{! c }}"
	f := Parse([]byte(src))
	for _, tc := range []struct {
		at   string // text whose first byte is the position
		kind TargetKind
		name string
	}{
		{"model:", KeyTarget, "model"},
		{"sonnet", ModelTarget, "claude-sonnet-4-6"},
		{"topic: tides", VarDefTarget, "topic"},
		{"topic: volcanoes", TestVarTarget, "topic"},
		{"user:", RoleTarget, "user"},
		{"cache", AttrTarget, "cache"},
		{"opic}}", VarTarget, "topic"},
		{"doc.md", IncludeTarget, "doc.md"},
		{"{{! c", CommentTarget, ""},
		{"Explain", NoTarget, ""},
	} {
		off := strings.Index(src, tc.at)
		got := f.At(off)
		if got.Kind != tc.kind || got.Name != tc.name {
			t.Errorf("At(%q) = kind %d name %q, want %d %q", tc.at, got.Kind, got.Name, tc.kind, tc.name)
		}
	}
	sites := f.findVar("topic")
	if len(sites.Uses) != 1 || sites.Def == nil || len(sites.Tests) != 1 {
		t.Errorf("findVar(topic) = %+v", sites)
	}
}
