package promptfile

import (
	"strings"
	"testing"
	"time"
)

// In each case, "|" marks the cursor and "[" "]" the word replaced.
func TestCompletionAt(t *testing.T) {
	const fm = "---\nmodel: claude-sonnet-4-6\n"
	for _, tc := range []struct {
		name string
		src  string
		kind CompletionKind
		dir  string
		lead string
	}{
		{"key", fm + "[ma|x]\n---\nhi\n", KeyCompletion, "", ""},
		{"empty front line", fm + "[|]\n---\nhi\n", KeyCompletion, "", ""},
		{"indented line", fm + "thinking:\n  ty|\n---\nhi\n", NoCompletion, "", ""},
		{"model", "---\nmodel: [claude-so|n]\n---\nhi\n", ModelCompletion, "", ""},
		{"model quoted", "---\nmodel: \"[cl|]\"\n---\nhi\n", ModelCompletion, "", ""},
		{"model after colon", "---\nmodel:[|]\n---\nhi\n", ModelCompletion, "", " "},
		{"other value", fm + "max_tokens: 10|\n---\nhi\n", NoCompletion, "", ""},
		{"version", fm + "anthropic_version: [20|]\n---\nhi\n", ValueCompletion, "", ""},
		{"delimiter", fm + "--|-\nhi\n", NoCompletion, "", ""},
		{"opening delimiter", "--|-\nmodel: x\n---\n", NoCompletion, "", ""},
		{"role", fm + "---\n[us|]\n", RoleCompletion, "", ""},
		{"role before colon", fm + "---\n[us|er:]\nhi\n", RoleCompletion, "", ""},
		{"role indented", fm + "---\n  [|]\n", RoleCompletion, "", ""},
		{"text", fm + "---\nuser:\nHello wor|\n", NoCompletion, "", ""},
		{"attr", fm + "---\nuser: [ca|]\n", AttrCompletion, "", ""},
		{"attr after colon", fm + "---\nsystem:[|]\n", AttrCompletion, "", " "},
		{"attr other role", fm + "---\nfoo: |\n", NoCompletion, "", ""},
		{"var", fm + "---\nuser:\nExplain {{[to|]\n", VarCompletion, "", ""},
		{"var spaces", fm + "---\nuser:\nExplain {{ [to|pic] }}\n", VarCompletion, "", ""},
		{"var after closed", fm + "---\nuser:\n{{a}} |\n", NoCompletion, "", ""},
		{"var literal", fm + "---\nuser:\n\\{{to|\n", NoCompletion, "", ""},
		{"comment", fm + "---\nuser:\n{{! to|\n", NoCompletion, "", ""},
		{"var in system key", fm + "system: Be {{[to|]\n---\nhi\n", VarCompletion, "", ""},
		{"var in another key", fm + "name: {{to|\n---\nhi\n", NoCompletion, "", ""},
		{"var implicit user", "Explain {{[|]", VarCompletion, "", ""},
		{"path", fm + "---\nuser:\n{{file \"[|]\n", PathCompletion, "", ""},
		{"path in folder", fm + "---\nuser:\n{{file \"docs/[no|tes.md]\"}}\n", PathCompletion, "docs/", ""},
		{"path parent", fm + "---\nuser:\n{{file \"../[|]\n", PathCompletion, "../", ""},
		{"path closed quote", fm + "---\nuser:\n{{file \"a.md\" |}}\n", NoCompletion, "", ""},
		{"unterminated front", "---\nmodel: x\n[max|]\nuser:\nhi\n", KeyCompletion, "", ""},
		{"unterminated: body after role", "---\nmodel: x\nuser:\n[|]\n", RoleCompletion, "", ""},
		{"bom", "\xEF\xBB\xBF---\n[mo|]\n---\n", KeyCompletion, "", ""},
		{"crlf", "---\r\n[mo|]\r\n---\r\nhi\r\n", KeyCompletion, "", ""},
		{"crlf body", "---\r\nmodel: x\r\n---\r\nuser: [ca|]\r\n", AttrCompletion, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := tc.src
			open, close := strings.Index(src, "["), strings.Index(src, "]")
			if open >= 0 {
				src = src[:open] + src[open+1:close] + src[close+1:]
				close--
			}
			off := strings.Index(src, "|")
			src = src[:off] + src[off+1:]
			if open >= 0 && off < close {
				close--
			}
			got := CompletionAt([]byte(src), off)
			if got.Kind != tc.kind {
				t.Fatalf("kind = %v, want %v (site %+v)", got.Kind, tc.kind, got)
			}
			if tc.kind == NoCompletion {
				return
			}
			if want := (Span{open, close}); got.Replace != want {
				t.Errorf("replace = %v %q, want %v %q", got.Replace, src[got.Replace.Start:got.Replace.End], want, src[want.Start:want.End])
			}
			if got.Dir != tc.dir || got.Lead != tc.lead {
				t.Errorf("dir, lead = %q, %q; want %q, %q", got.Dir, got.Lead, tc.dir, tc.lead)
			}
		})
	}
	for _, off := range []int{-1, 1 << 20} {
		if got := CompletionAt([]byte(fm), off); got.Kind != NoCompletion {
			t.Errorf("offset %d: %+v", off, got)
		}
	}
}

func TestCompletionFormats(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{Dollars(3).Short(), "$3"},
		{(Dollars(1) / 10 * 8).Short(), "$0.80"},
		{(Dollars(5) / 4).Short(), "$1.25"},
		{ShortTokens(1_000_000), "1M"},
		{ShortTokens(200_000), "200K"},
		{ShortTokens(1_500_000), "1.5M"},
		{ShortTokens(512), "512"},
		{shortDoc(keyIndex["thinking"].Doc), "Extended thinking"},
		{shortDoc(keyIndex["service_tier"].Doc), "`auto` or `standard_only`"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}

// TestCompleteModelsLeavesOutRetired: a retired model is not offered; a
// deprecated one says when it retires.
func TestCompleteModelsLeavesOutRetired(t *testing.T) {
	cat := DefaultCatalog()
	items := Complete(nil, cat, CompletionSite{Kind: ModelCompletion})
	byLabel := map[string]Completion{}
	for _, c := range items {
		byLabel[c.Label] = c
	}
	now := time.Now()
	for _, m := range cat.Models() {
		c, offered := byLabel[m.ID]
		switch m.LifecycleOn(now) {
		case Retired:
			if offered {
				t.Errorf("retired %s is offered", m.ID)
			}
		case Deprecated:
			if !offered || !strings.Contains(c.Detail, "deprecated, retires "+m.RetiresOn) {
				t.Errorf("deprecated %s: offered %v, detail %q", m.ID, offered, c.Detail)
			}
		default:
			if !offered || strings.Contains(c.Detail, "deprecated") {
				t.Errorf("active %s: offered %v, detail %q", m.ID, offered, c.Detail)
			}
		}
	}
	if _, ok := byLabel["claude-sonnet-4-5-20250929"]; ok {
		t.Error("the retired Sonnet 4.5's dated id is offered")
	}
}
