package workbench

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
)

var shReserved = wordSet(
	`PATH HOME IFS PWD OLDPWD PS1 PS2 PS4 ENV CDPATH LANG LC_ALL LC_CTYPE SHELL USER TERM TMPDIR
	OPTIND OPTARG LINENO PPID HOSTNAME RANDOM SECONDS BASH_ENV ANTHROPIC_API_KEY ANTHROPIC_BASE_URL`,
	`json_string send reply url _text _tab _cr _nl _`)

// writeCurl writes a POSIX shell script that sends the body with curl.
// Values are made JSON by a small shell function over awk, so the script
// needs nothing beyond curl and a POSIX system; jq, when present, picks the
// reply's text out of the answer.
func writeCurl(w io.Writer, x *export) error {
	ids := idents(x.params, shIdent, shReserved)
	base := strings.TrimSuffix(x.name, ".prompt")
	if x.name == "the prompt" {
		base = "prompt"
	}

	// A text with variables is put together in a shell variable first,
	// then written into the body as JSON.
	textVars := map[*textTmpl]string{}
	var assigns []string
	taken := map[string]bool{}
	for _, id := range ids {
		taken[id] = true
	}
	name := func(want string) string {
		id := want
		for n := 2; taken[id] || shReserved[id]; n++ {
			id = want + "_" + strconv.Itoa(n)
		}
		taken[id] = true
		return id
	}
	trims := false
	assign := func(t *textTmpl, want string) {
		if !t.hasParams() {
			return
		}
		id := name(want)
		textVars[t] = id
		trims = trims || t.trim
		var b strings.Builder
		b.WriteString(id + "=\"")
		for _, s := range t.segs {
			if s.param >= 0 {
				b.WriteString("${" + ids[s.param] + "}")
			} else {
				b.WriteString(shDoubleQuoted(s.lit))
			}
		}
		b.WriteString("\"")
		assigns = append(assigns, b.String())
	}
	if x.whole {
		// A body taken whole from the rendering (export_media.go): every
		// text with variables, wherever it is, and every file read first.
		assignAll(x.body, assign)
	}
	for i, k := range x.body.keys {
		v := x.body.elems[i]
		if x.whole {
			break
		}
		switch k {
		case "system":
			if v.kind == textNode {
				assign(v.text, "system_text")
			} else {
				for j, e := range v.elems {
					assign(e.elems[1].text, "system_"+strconv.Itoa(j+1))
				}
			}
		case "messages":
			for j, m := range v.elems {
				c := m.elems[1]
				if c.kind == textNode {
					assign(c.text, "message_"+strconv.Itoa(j+1))
				} else {
					assign(c.elems[0].elems[1].text, "message_"+strconv.Itoa(j+1))
				}
			}
		}
	}
	quoted := len(assigns) == 0 && len(x.files) == 0 // no expansions in the body: a quoted heredoc, taken as is
	leaf := func(s string) string {
		if quoted {
			return s
		}
		return heredocEscape(s)
	}
	p := &printer{
		objOpen: "{", objClose: "}", arrOpen: "[", arrClose: "]",
		key: func(k string) string { return leaf(jsonString(k)) + ": " },
		raw: func(r string) string { return r },
		text: func(t *textTmpl, _ string) string {
			if id, ok := textVars[t]; ok {
				if t.trim {
					return `$(json_string "$` + id + `" trim)`
				}
				return `$(json_string "$` + id + `")`
			}
			return leaf(jsonString(t.eval(nil)))
		},
		file: func(f *fileRef) string {
			if f.Text {
				return `$(json_string "$` + shFileVar(f) + `")`
			}
			return `"$` + shFileVar(f) + `"`
		},
		step: "  ", width: 80,
	}
	body := x.body
	if x.stream {
		body = object(append([]string(nil), body.keys...), append([]*node(nil), body.elems...))
		body.set("stream", &node{kind: rawNode, raw: "true"})
	}

	var b strings.Builder
	b.WriteString("#!/bin/sh\n")
	b.WriteString(wrap("#", fmt.Sprintf("%s as a shell script (claude-ls export --lang curl): it sends the request the prompt renders to with curl and prints the reply's text (with jq; without jq, the API's JSON answer). API version %s.", x.name, x.version), 80))
	fmt.Fprintf(&b, "#\n# Run it with ANTHROPIC_API_KEY set (ANTHROPIC_BASE_URL is honoured):\n#\n")
	usage := "sh " + shComment(base) + ".sh"
	for _, id := range ids {
		usage += " [" + strings.ToUpper(id) + "]"
	}
	fmt.Fprintf(&b, "#   %s\nset -eu\n", usage)
	fmt.Fprintf(&b, ": \"${ANTHROPIC_API_KEY:?set ANTHROPIC_API_KEY to your API key}\"\n")

	if len(ids) > 0 {
		fmt.Fprintf(&b, "\n# The prompt's variables: the arguments, in this order, else these values.\n")
		for i, prm := range x.params {
			fmt.Fprintf(&b, "%s=%s\n", ids[i], shSingleQuoted(prm.Value))
		}
		for i, id := range ids {
			fmt.Fprintf(&b, "%s=${%d-$%s}\n", id, i+1, id)
		}
	}
	if len(assigns) > 0 {
		fmt.Fprintf(&b, "\n# The texts that hold variables.\n%s\n", strings.Join(assigns, "\n"))
	}
	if len(x.files) > 0 {
		fmt.Fprintf(&b, "\n%s", wrap("#", "The images and documents, read now rather than pasted in. "+x.filesNote(), 80))
		for _, f := range x.files {
			v := shFileVar(f)
			if f.Text {
				// $(…) drops final line breaks: an x after the text keeps them.
				fmt.Fprintf(&b, "%s=$(cat %s; printf x)\n%s=${%s%%x}\n", v, shSingleQuoted(f.Path), v, v)
			} else {
				fmt.Fprintf(&b, "%s=$(base64 < %s)\n%s=$(printf '%%s' \"$%s\" | tr -d '\\n')\n", v, shSingleQuoted(f.Path), v, v)
			}
		}
	}
	if len(assigns) > 0 || hasTextFiles(x.files) {
		b.WriteString(jsonStringFunc(trims))
	}

	fmt.Fprintf(&b, "\nsend() {\n")
	fmt.Fprintf(&b, "  url=${ANTHROPIC_BASE_URL:-https://api.anthropic.com}\n")
	fmt.Fprintf(&b, "  curl --silent --show-error --fail-with-body \"${url%%/}/v1/messages\" \\\n")
	fmt.Fprintf(&b, "    --header \"x-api-key: $ANTHROPIC_API_KEY\" \\\n")
	fmt.Fprintf(&b, "    --header \"anthropic-version: %s\" \\\n", x.version)
	fmt.Fprintf(&b, "    --header \"content-type: application/json\" \\\n")
	delim := "JSON"
	if quoted {
		delim = "'JSON'"
	}
	fmt.Fprintf(&b, "    --data-binary @- <<%s\n%s\nJSON\n}\n\n", delim, p.value(body, "", 0))

	fmt.Fprintf(&b, "reply=$(send) || { printf '%%s\\n' \"$reply\" >&2; exit 1; }\n")
	fmt.Fprintf(&b, "if command -v jq >/dev/null 2>&1; then\n")
	if x.stream {
		b.WriteString(wrap("  #", "Streamed ("+x.streamWhy+"): the text is in the text deltas.", 80))
		fmt.Fprintf(&b, "  printf '%%s\\n' \"$reply\" | sed -n 's/^data: //p' |\n")
		fmt.Fprintf(&b, "    jq -j 'select(.type == \"content_block_delta\" and .delta.type == \"text_delta\") | .delta.text'\n")
		fmt.Fprintf(&b, "  echo\n")
	} else {
		fmt.Fprintf(&b, "  printf '%%s\\n' \"$reply\" | jq -r '[.content[] | select(.type == \"text\") | .text] | join(\"\")'\n")
	}
	fmt.Fprintf(&b, "else\n  printf '%%s\\n' \"$reply\"\nfi\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// jsonStringFunc is the shell function that writes a value as JSON: awk
// escapes backslashes, quotes and control characters, and joins lines
// with \n (printf adds one line break, so a value's own last one counts).
func jsonStringFunc(trim bool) string {
	var b strings.Builder
	b.WriteString("\n# json_string TEXT")
	if trim {
		b.WriteString(" [trim]")
	}
	b.WriteString(" writes TEXT as a JSON string")
	if trim {
		b.WriteString("; with trim, white space at\n# the end is dropped first, as claude-ls does at the end of a block")
	}
	b.WriteString(".\n")
	if trim {
		b.WriteString("_nl='\n'\n_tab=$(printf '\\t')\n_cr=$(printf '\\r')\n")
	}
	b.WriteString("json_string() {\n  _text=$1\n")
	if trim {
		b.WriteString(`  if [ "${2-}" = trim ]; then
    while :; do
      case $_text in
        *[" $_tab$_cr$_nl"]) _text=${_text%?} ;;
        *) break ;;
      esac
    done
  fi
`)
	}
	b.WriteString(`  printf '%s\n' "$_text" | awk '
    BEGIN {
      ORS = ""
      for (i = 1; i < 32; i++) esc[sprintf("%c", i)] = sprintf("\\u%04x", i)
      esc["\t"] = "\\t"; esc["\r"] = "\\r"; esc["\""] = "\\\""; esc["\\"] = "\\\\"
      print "\""
    }
    NR > 1 { print "\\n" }
    {
      n = length($0)
      for (i = 1; i <= n; i++) {
        c = substr($0, i, 1)
        print ((c in esc) ? esc[c] : c)
      }
    }
    END { print "\"" }'
}
`)
	return b.String()
}

// jsonString is s as the request body writes it.
func jsonString(s string) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.Encode(s)
	return strings.TrimSuffix(buf.String(), "\n")
}

// heredocEscape keeps JSON text as is in an unquoted heredoc, where $ and
// ` start expansions and a backslash escapes \, $ and `.
func heredocEscape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '$' || c == '`':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\\' && i+1 < len(s) && strings.IndexByte("\\$`\n", s[i+1]) >= 0:
			b.WriteString(`\\`)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func shSingleQuoted(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// shDoubleQuoted escapes what is special inside double quotes.
func shDoubleQuoted(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, `$`, `\$`, "`", "\\`").Replace(s)
}

// shIdent is a variable's shell name. Assigning a variable the
// environment already exports changes it for curl, awk and jq too, so names
// such programs may read (upper case, proxies) get a "_".
func shIdent(name string) string {
	id := snake(name)
	if strings.ToUpper(id) == id || strings.Contains(strings.ToLower(id), "proxy") {
		id += "_"
	}
	return id
}

// shComment keeps a name on its comment line.
func shComment(s string) string { return strings.ReplaceAll(s, " ", "\\ ") }

// shFileVar names a file's content; variables' names end without "_N".
func shFileVar(f *fileRef) string { return "file_" + strconv.Itoa(f.N) + "_" }

func hasTextFiles(files []*fileRef) bool {
	for _, f := range files {
		if f.Text {
			return true
		}
	}
	return false
}

// assignAll puts each text with variables of the body in a shell variable
// of its own, text_1, text_2, … in body order.
func assignAll(body *node, assign func(t *textTmpl, want string)) {
	n := 0
	var walk func(v *node)
	walk = func(v *node) {
		if v.kind == textNode && v.text.hasParams() {
			n++
			assign(v.text, "text_"+strconv.Itoa(n))
		}
		for _, e := range v.elems {
			walk(e)
		}
	}
	walk(body)
}
