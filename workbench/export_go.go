package workbench

import (
	"fmt"
	"go/format"
	"io"
	"strconv"
	"strings"
)

var goReserved = wordSet(
	// keywords and predeclared names
	`break case chan const continue default defer else fallthrough for func go goto if import interface
	map package range return select struct switch type var any bool byte comparable complex64 complex128
	error float32 float64 int int8 int16 int32 int64 rune string uint uint8 uint16 uint32 uint64 uintptr
	true false iota nil append cap clear close complex copy delete imag len make max min new panic print
	println real recover`,
	// what the program names
	`anthropic param context fmt os strings main askClaude ctx client params message stream text block b
	event delta err reply`)

// writeGo writes a Go program on the official SDK: v2 for API version
// 2026-10-21, v1 for 2023-06-01. The body goes through param.Override, which
// sends it as written: the SDK's typed params would turn a string system
// prompt or content into a list of blocks.
func writeGo(w io.Writer, x *export) error {
	ids := idents(x.params, camel, goReserved)
	mod, ver, speaks := GoSDKModule, GoSDKVersion, "v2 speaks"
	if x.legacy {
		mod, ver, speaks = GoSDK1Module, GoSDK1Version, "v1 speaks (v2 speaks 2026-10-21)"
	}
	p := &printer{
		objOpen: "map[string]any{", objClose: "}", arrOpen: "[]any{", arrClose: "}",
		key:  func(k string) string { return strconv.Quote(k) + ": " },
		raw:  func(r string) string { return strings.Replace(r, "null", "nil", 1) },
		text: func(t *textTmpl, _ string) string { return goText(t, ids) },
		file: func(f *fileRef) string {
			if f.Text {
				return "string(" + goFileVar(f) + ")"
			}
			return "base64.StdEncoding.EncodeToString(" + goFileVar(f) + ")"
		},
		comma: true, step: "\t", width: 96,
	}

	var b strings.Builder
	b.WriteString(wrap("//", fmt.Sprintf("%s as a Go program (claude-ls export --lang go): it sends the request the prompt renders to through the official SDK and prints the reply. API version %s, which the SDK's %s.", x.name, x.version, speaks), 80))
	fmt.Fprintf(&b, "//\n// Save it as main.go in a new folder and run it there, with ANTHROPIC_API_KEY\n// set (ANTHROPIC_BASE_URL is honoured):\n//\n")
	fmt.Fprintf(&b, "//\tgo mod init example\n//\tgo get %s@%s\n//\tgo run .\n", mod, ver)
	if note := x.filesNote(); note != "" {
		b.WriteString("//\n" + wrap("//", note, 80))
	}
	fmt.Fprintf(&b, "package main\n\nimport (\n\t\"context\"\n")
	if x.hasBase64Files() {
		fmt.Fprintf(&b, "\t\"encoding/base64\"\n")
	}
	fmt.Fprintf(&b, "\t\"fmt\"\n\t\"os\"\n\t\"strings\"\n\n")
	fmt.Fprintf(&b, "\t%q\n\t%q\n)\n\n", mod, mod+"/packages/param")

	// main calls the function with the current values.
	args := []string{"context.Background()", "client"}
	long := false
	for _, prm := range x.params {
		s := goString(prm.Value)
		long = long || strings.Contains(s, "\n") || len(s) > 40
		args = append(args, s)
	}
	call := "askClaude(" + strings.Join(args, ", ") + ")"
	if long {
		call = "askClaude(\n" + strings.Join(args, ",\n") + ",\n)"
	}
	fmt.Fprintf(&b, "func main() {\n")
	fmt.Fprintf(&b, "// The client reads ANTHROPIC_API_KEY, and ANTHROPIC_BASE_URL if set.\n")
	fmt.Fprintf(&b, "client := anthropic.NewClient()\n")
	fmt.Fprintf(&b, "reply, err := %s\n", call)
	fmt.Fprintf(&b, "if err != nil {\nfmt.Fprintln(os.Stderr, err)\nos.Exit(1)\n}\nfmt.Println(reply)\n}\n\n")

	sig := "ctx context.Context, client anthropic.Client"
	if len(ids) > 0 {
		sig += ", " + strings.Join(ids, ", ") + " string"
	}
	doc := "askClaude sends the request of " + x.name
	if d := x.doc(ids); d != "" {
		doc += " (with " + d + ")"
	}
	b.WriteString(wrap("//", doc+" and returns the text of the reply.", 80))
	fmt.Fprintf(&b, "func askClaude(%s) (string, error) {\n", sig)
	if len(x.files) > 0 {
		fmt.Fprintf(&b, "// The images and documents, read now rather than pasted in.\n")
	}
	for _, f := range x.files {
		fmt.Fprintf(&b, "%s, err := os.ReadFile(%s)\nif err != nil {\nreturn \"\", err\n}\n", goFileVar(f), strconv.Quote(f.Path))
	}
	fmt.Fprintf(&b, "// The body as `claude-ls render` writes it; param.Override sends it as is.\n")
	fmt.Fprintf(&b, "params := param.Override[anthropic.MessageNewParams](%s)\n", p.value(x.body, "\t", 60))
	if x.stream {
		fmt.Fprintf(&b, "// Streamed: %s.\n", x.streamWhy)
		b.WriteString(`stream := client.Messages.NewStreaming(ctx, params)
defer stream.Close()
var text strings.Builder
for stream.Next() {
	if event, ok := stream.Current().AsAny().(anthropic.ContentBlockDeltaEvent); ok {
		if delta, ok := event.Delta.AsAny().(anthropic.TextDelta); ok {
			text.WriteString(delta.Text)
		}
	}
}
if err := stream.Err(); err != nil {
	return "", err
}
return text.String(), nil
}
`)
	} else {
		b.WriteString(`message, err := client.Messages.New(ctx, params)
if err != nil {
	return "", err
}
var text strings.Builder
for _, block := range message.Content {
	if b, ok := block.AsAny().(anthropic.TextBlock); ok {
		text.WriteString(b.Text)
	}
}
return text.String(), nil
}
`)
	}
	src, err := format.Source([]byte(b.String()))
	if err != nil {
		return fmt.Errorf("export: the Go program does not parse (a bug): %v", err)
	}
	_, err = w.Write(src)
	return err
}

// goText is a text as a Go expression: literals and parameters joined
// with +, trimmed at the end when a parameter ends a block.
func goText(t *textTmpl, ids []string) string {
	var parts []string
	for _, s := range t.segs {
		if s.param >= 0 {
			parts = append(parts, ids[s.param])
		} else {
			parts = append(parts, goString(s.lit))
		}
	}
	expr := strings.Join(parts, " + ")
	if expr == "" {
		expr = `""`
	}
	if t.trim {
		expr = "strings.TrimRight(" + expr + `, " \t\r\n")`
	}
	return expr
}

// goString is a Go string literal: a raw one for text of several lines
// that can be one, else a quoted one.
func goString(s string) string {
	if strings.Contains(strings.TrimSuffix(s, "\n"), "\n") && !strings.ContainsFunc(s, func(r rune) bool {
		return r == '`' || (needsEscape(r) && r != '\n' && r != '\t')
	}) {
		return "`" + s + "`"
	}
	return strconv.Quote(s)
}

// goFileVar names a file's bytes; parameters never hold "_" (camel).
func goFileVar(f *fileRef) string { return "file_" + strconv.Itoa(f.N) }
