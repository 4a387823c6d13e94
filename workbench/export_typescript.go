package workbench

import (
	"fmt"
	"io"
	"regexp"
	"strings"
)

var jsReserved = wordSet(
	`break case catch class const continue debugger default delete do else enum export extends false
	finally for function if import in instanceof new null return super switch this throw true try typeof
	var void while with yield let static implements package protected interface private public await
	arguments eval undefined NaN Infinity`,
	`Anthropic askClaude main client message stream block params err console process readFileSync`)

var jsIdent = regexp.MustCompile(`^[A-Za-z_$][A-Za-z0-9_$]*$`)

// writeJS writes a TypeScript (ts) or JavaScript (an ES module) program on
// @anthropic-ai/sdk. Its 1.x speaks API version 2026-10-21; for 2023-06-01
// the request sets the anthropic-version header itself (the SDK's default
// headers come first, a request's own last), and temperature, top_p and
// top_k, which 1.x's types do not list, go in a params object typed to
// allow them (the SDK sends the body as given).
func writeJS(w io.Writer, x *export, ts bool) error {
	ids := idents(x.params, camel, jsReserved)
	p := &printer{
		objOpen: "{", objClose: "}", arrOpen: "[", arrClose: "]", pad: " ",
		key:  jsKey,
		raw:  func(r string) string { return r },
		text: func(t *textTmpl, _ string) string { return jsText(t, ids) },
		file: func(f *fileRef) string {
			if f.Text {
				return "readFileSync(" + jsString(f.Path) + ", \"utf8\")"
			}
			return "readFileSync(" + jsString(f.Path) + ").toString(\"base64\")"
		},
		comma: true, step: "  ", width: 80,
	}
	base := strings.TrimSuffix(x.name, ".prompt")
	if x.name == "the prompt" {
		base = "prompt"
	}
	lang, flag, file, run := "JavaScript", "js", base+".mjs", "node "
	if ts {
		lang, flag, file, run = "TypeScript", "ts", base+".ts", "npx tsx "
	}
	typed := func(s string) string {
		if ts {
			return s
		}
		return ""
	}

	var b strings.Builder
	head := fmt.Sprintf("%s as a %s program (claude-ls export --lang %s): it sends the request the prompt renders to through the official SDK and prints the reply.", x.name, lang, flag)
	if x.legacy {
		head += fmt.Sprintf(" API version %s: @anthropic-ai/sdk 1.x speaks 2026-10-21, so the request sets the anthropic-version header itself.", x.version)
	} else {
		head += fmt.Sprintf(" API version %s, which @anthropic-ai/sdk 1.x speaks.", x.version)
	}
	b.WriteString(wrap("//", head, 80))
	fmt.Fprintf(&b, "//\n// Run it with ANTHROPIC_API_KEY set (ANTHROPIC_BASE_URL is honoured):\n//\n")
	fmt.Fprintf(&b, "//   npm install @anthropic-ai/sdk\n//   %s%s\n", run, file)
	if note := x.filesNote(); note != "" {
		b.WriteString("//\n" + wrap("//", note, 80))
	}
	if len(x.files) > 0 {
		fmt.Fprintf(&b, "import { readFileSync } from \"node:fs\";\n")
	}
	fmt.Fprintf(&b, "import Anthropic from \"@anthropic-ai/sdk\";\n\n")

	sig := "client" + typed(": Anthropic")
	for _, id := range ids {
		sig += ", " + id + typed(": string")
	}
	doc := "Sends the request of " + strings.ReplaceAll(x.name, "*/", "*\\/")
	if d := x.doc(ids); d != "" {
		doc += " (with " + d + ")"
	}
	doc += " and returns the reply's text."
	if len("/** "+doc+" */") <= 80 {
		fmt.Fprintf(&b, "/** %s */\n", doc)
	} else {
		fmt.Fprintf(&b, "/**\n%s */\n", wrap(" *", doc, 80))
	}
	fmt.Fprintf(&b, "export async function askClaude(%s)%s {\n", sig, typed(": Promise<string>"))

	body := p.value(x.body, "  ", 40)
	options := ""
	if x.legacy {
		options = ", {\n    // The file's API version: the SDK would send 2026-10-21.\n    headers: { \"anthropic-version\": " + jsString(x.version) + " },\n  }"
	}
	arg := body
	if len(x.sampling) > 0 {
		b.WriteString(wrap("  //", andList(x.sampling)+" belong to API version 2023-06-01; SDK 1.x's types do not list them.", 80))
		kind := "Anthropic.MessageCreateParamsNonStreaming"
		if x.stream {
			kind = "Anthropic.MessageStreamParams"
		}
		var extra []string
		for _, k := range x.sampling {
			extra = append(extra, k+": number")
		}
		fmt.Fprintf(&b, "  const params%s = %s;\n", typed(": "+kind+" & { "+strings.Join(extra, "; ")+" }"), body)
		arg = "params"
	}
	if x.stream {
		fmt.Fprintf(&b, "  // Streamed: %s.\n", x.streamWhy)
		fmt.Fprintf(&b, "  const stream = client.messages.stream(%s%s);\n", arg, options)
		fmt.Fprintf(&b, "  return await stream.finalText();\n}\n\n")
	} else {
		fmt.Fprintf(&b, "  const message = await client.messages.create(%s%s);\n", arg, options)
		fmt.Fprintf(&b, "  return message.content.map((block) => (block.type === \"text\" ? block.text : \"\")).join(\"\");\n}\n\n")
	}

	args := []string{"client"}
	long := false
	for _, prm := range x.params {
		s := jsText(&textTmpl{segs: []segment{{lit: prm.Value, param: -1}}}, nil)
		long = long || strings.Contains(s, "\n") || len(s) > 40
		args = append(args, s)
	}
	fmt.Fprintf(&b, "async function main()%s {\n", typed(": Promise<void>"))
	fmt.Fprintf(&b, "  // The client reads ANTHROPIC_API_KEY, and ANTHROPIC_BASE_URL if set.\n")
	fmt.Fprintf(&b, "  const client = new Anthropic();\n")
	if long {
		fmt.Fprintf(&b, "  const reply = await askClaude(\n    %s,\n  );\n  console.log(reply);\n}\n\n", strings.Join(args, ",\n    "))
	} else {
		fmt.Fprintf(&b, "  console.log(await askClaude(%s));\n}\n\n", strings.Join(args, ", "))
	}
	fmt.Fprintf(&b, "main().catch((err) => {\n  console.error(err);\n  process.exitCode = 1;\n});\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func jsKey(k string) string {
	if k == "__proto__" {
		return `["__proto__"]: ` // a plain __proto__ key would set the prototype
	}
	if jsIdent.MatchString(k) {
		return k + ": "
	}
	return jsString(k) + ": "
}

// jsText is a text as a JavaScript expression: a string literal, or a
// template literal when it holds parameters or several lines.
func jsText(t *textTmpl, ids []string) string {
	if !t.hasParams() && !multiline(t) {
		lit := ""
		if len(t.segs) == 1 {
			lit = t.segs[0].lit
		}
		return jsString(lit)
	}
	var b strings.Builder
	b.WriteByte('`')
	for _, s := range t.segs {
		if s.param >= 0 {
			b.WriteString("${" + ids[s.param] + "}")
			continue
		}
		for i, r := range s.lit {
			switch {
			case r == '\\':
				b.WriteString(`\\`)
			case r == '`':
				b.WriteString("\\`")
			case r == '$' && strings.HasPrefix(s.lit[i+1:], "{"):
				b.WriteString(`\$`)
			case r == '\n':
				b.WriteByte('\n')
			default:
				jsRune(&b, r)
			}
		}
	}
	b.WriteByte('`')
	if t.trim {
		b.WriteString(`.replace(/[ \t\r\n]+$/, "")`)
	}
	return b.String()
}

func jsString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch r {
		case '\\':
			b.WriteString(`\\`)
		case '"':
			b.WriteString(`\"`)
		default:
			jsRune(&b, r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func jsRune(b *strings.Builder, r rune) {
	switch {
	case r == '\n':
		b.WriteString(`\n`)
	case r == '\r':
		b.WriteString(`\r`)
	case r == '\t':
		b.WriteString(`\t`)
	case needsEscape(r) && r < 0x10000:
		fmt.Fprintf(b, `\u%04x`, r)
	case needsEscape(r):
		fmt.Fprintf(b, `\u{%x}`, r)
	default:
		b.WriteRune(r)
	}
}
