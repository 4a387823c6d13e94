package workbench

import (
	"fmt"
	"io"
	"slices"
	"strings"
)

var pyReserved = wordSet(
	`False None True and as assert async await break class continue def del elif else except finally
	for from global if import in is lambda nonlocal not or pass raise return try while with yield`,
	`anthropic ask_claude client message stream block str print base64 pathlib`)

// writePython writes a Python program on the `anthropic` package. Its 2.x
// speaks API version 2026-10-21; for 2023-06-01 the request sets the
// anthropic-version header itself and passes temperature, top_p and top_k,
// which 2.x no longer takes as arguments, in extra_body.
func writePython(w io.Writer, x *export) error {
	ids := idents(x.params, snake, pyReserved)
	p := &printer{
		objOpen: "{", objClose: "}", arrOpen: "[", arrClose: "]",
		key:  func(k string) string { return pyString(k) + ": " },
		raw:  pyRaw,
		text: func(t *textTmpl, indent string) string { return pyText(t, indent, ids) },
		file: func(f *fileRef) string {
			if f.Text {
				return "pathlib.Path(" + pyString(f.Path) + ").read_bytes().decode(\"utf-8\")"
			}
			return "base64.b64encode(pathlib.Path(" + pyString(f.Path) + ").read_bytes()).decode(\"ascii\")"
		},
		comma: true, step: "    ", width: 88,
	}
	file := strings.ReplaceAll(strings.TrimSuffix(x.name, ".prompt"), "-", "_") + ".py"
	if x.name == "the prompt" {
		file = "prompt.py"
	}

	var b strings.Builder
	head := fmt.Sprintf("%s as a Python program (claude-ls export --lang python): it sends the request the prompt renders to through the official SDK and prints the reply.", x.name)
	if x.legacy {
		head += fmt.Sprintf(" API version %s: the anthropic package 2.x speaks 2026-10-21, so the request sets the anthropic-version header itself", x.version)
		if len(x.sampling) > 0 {
			head += " and passes " + andList(x.sampling) + ", which 2.x no longer takes as arguments, in extra_body"
		}
		head += "."
	} else {
		head += fmt.Sprintf(" API version %s, which the anthropic package 2.x speaks.", x.version)
	}
	b.WriteString(wrap("#", head, 80))
	fmt.Fprintf(&b, "#\n# Run it with ANTHROPIC_API_KEY set (ANTHROPIC_BASE_URL is honoured):\n#\n")
	fmt.Fprintf(&b, "#     pip install anthropic\n#     python3 %s\n", file)
	if note := x.filesNote(); note != "" {
		b.WriteString("#\n" + wrap("#", note, 80))
	}
	if len(x.files) > 0 {
		if x.hasBase64Files() {
			b.WriteString("\nimport base64")
		}
		b.WriteString("\nimport pathlib\n")
	}
	b.WriteString("\nimport anthropic\n\n\n")

	sig := "client: anthropic.Anthropic"
	for _, id := range ids {
		sig += ", " + id + ": str"
	}
	fmt.Fprintf(&b, "def ask_claude(%s) -> str:\n", sig)
	doc := "Send the request of " + pyDocName(x.name)
	if d := x.doc(ids); d != "" {
		doc += " (with " + d + ")"
	}
	b.WriteString(wrap("   ", "\"\"\""+doc+"; return the reply's text.\"\"\"", 80))
	indent := "        "
	if x.stream {
		fmt.Fprintf(&b, "    # Streamed: %s.\n    with client.messages.stream(\n", x.streamWhy)
	} else {
		fmt.Fprintf(&b, "    message = client.messages.create(\n")
	}
	extra := object(nil, nil)
	for i, k := range x.body.keys {
		v := x.body.elems[i]
		if x.legacy && slices.Contains(x.sampling, k) {
			extra.set(k, v)
			continue
		}
		prefix := indent + k + "="
		fmt.Fprintf(&b, "%s%s,\n", prefix, p.value(v, indent, len(prefix)))
	}
	if x.legacy {
		fmt.Fprintf(&b, "%s# The file's API version: the SDK would send 2026-10-21.\n", indent)
		fmt.Fprintf(&b, "%sextra_headers={\"anthropic-version\": %s},\n", indent, pyString(x.version))
		if len(extra.keys) > 0 {
			fmt.Fprintf(&b, "%s# Only API version 2023-06-01 takes these; SDK 2.x has no arguments for them.\n", indent)
			fmt.Fprintf(&b, "%sextra_body=%s,\n", indent, p.value(extra, indent, len(indent)+11))
		}
	}
	if x.stream {
		fmt.Fprintf(&b, "    ) as stream:\n        return stream.get_final_text()\n")
	} else {
		fmt.Fprintf(&b, "    )\n    return \"\".join(block.text for block in message.content if block.type == \"text\")\n")
	}

	args := []string{"client"}
	long := false
	for _, prm := range x.params {
		s := pyText(&textTmpl{segs: []segment{{lit: prm.Value, param: -1}}}, "        ", nil)
		long = long || strings.Contains(s, "\n") || len(s) > 40
		args = append(args, s)
	}
	fmt.Fprintf(&b, "\n\nif __name__ == \"__main__\":\n")
	fmt.Fprintf(&b, "    # The client reads ANTHROPIC_API_KEY, and ANTHROPIC_BASE_URL if set.\n")
	fmt.Fprintf(&b, "    client = anthropic.Anthropic()\n")
	if long {
		fmt.Fprintf(&b, "    reply = ask_claude(\n        %s,\n    )\n    print(reply)\n", strings.Join(args, ",\n        "))
	} else {
		fmt.Fprintf(&b, "    print(ask_claude(%s))\n", strings.Join(args, ", "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func pyRaw(r string) string {
	switch r {
	case "true":
		return "True"
	case "false":
		return "False"
	case "null":
		return "None"
	}
	return r
}

// pyText is a text as a Python expression: a string, or an f-string where
// a parameter goes in; several lines become adjacent literals in
// parentheses, one a line.
func pyText(t *textTmpl, indent string, ids []string) string {
	lines := splitLines(t)
	trim := ""
	if t.trim {
		trim = `.rstrip(" \t\r\n")`
	}
	if len(lines) <= 1 {
		var line []segment
		if len(lines) == 1 {
			line = lines[0]
		}
		return pyLine(line, ids) + trim
	}
	var b strings.Builder
	b.WriteString("(\n")
	for _, line := range lines {
		b.WriteString(indent + "    " + pyLine(line, ids) + "\n")
	}
	b.WriteString(indent + ")" + trim)
	return b.String()
}

func pyLine(segs []segment, ids []string) string {
	f := false
	for _, s := range segs {
		f = f || s.param >= 0
	}
	var b strings.Builder
	if f {
		b.WriteByte('f')
	}
	b.WriteByte('"')
	for _, s := range segs {
		if s.param >= 0 {
			b.WriteString("{" + ids[s.param] + "}")
		} else {
			b.WriteString(pyEscape(s.lit, f))
		}
	}
	b.WriteByte('"')
	return b.String()
}

func pyString(s string) string { return `"` + pyEscape(s, false) + `"` }

func pyEscape(s string, f bool) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == '"':
			b.WriteString(`\"`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case f && r == '{':
			b.WriteString("{{")
		case f && r == '}':
			b.WriteString("}}")
		case needsEscape(r) && r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		case needsEscape(r) && r < 0x10000:
			fmt.Fprintf(&b, `\u%04x`, r)
		case needsEscape(r):
			fmt.Fprintf(&b, `\U%08x`, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// pyDocName keeps a file name from ending a docstring early.
func pyDocName(name string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(name)
}
