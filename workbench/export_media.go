package workbench

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"path/filepath"
	"reflect"
	"strings"

	"github.com/claude-ls/claude-ls/promptfile"
)

// fileRef is an image or document the exported program reads when it runs,
// rather than carrying it pasted in as base64.
type fileRef struct {
	Path string // as the prompt names it, relative to the prompt's folder
	Text bool   // a .txt document, sent as text; otherwise base64 of the bytes
	N    int    // 1, 2, …: its place among export.files, for variable names
	data []byte // what the rendering read, to check the export against
}

// content is what the request carries of the file.
func (f *fileRef) content() string {
	if f.Text {
		return string(f.data)
	}
	return base64.StdEncoding.EncodeToString(f.data)
}

// hasContentBlocks reports a request with images, documents or tool turns,
// whose body is exported whole from the second rendering.
func hasContentBlocks(res *promptfile.Result) bool {
	for _, m := range res.Media {
		if !m.Failed {
			return true
		}
	}
	for _, b := range res.Blocks {
		if b.Block.Tool != nil {
			return true
		}
	}
	return false
}

// mediaFiles are the images and documents res read, by the path the
// second rendering asks for (promptfile resolves a name against dir).
func mediaFiles(res *promptfile.Result, dir string) map[string][]byte {
	out := map[string][]byte{}
	for _, m := range res.Media {
		if m.Failed || m.Path == "" {
			continue
		}
		p := filepath.Clean(m.Part.Name)
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, filepath.FromSlash(m.Part.Name))
		}
		out[p] = m.Data
	}
	return out
}

// fromTree takes the body from the rendering with sentinels: every string
// that holds one becomes a template, every image's or document's data a
// file the program reads. The result, filled with the current values and
// files, must be exactly the request res holds.
func (x *export) fromTree(res *promptfile.Result, tmpl *promptfile.Result, split func(string, bool) (*textTmpl, error)) error {
	if tmpl.Request == nil {
		return errors.New("cannot export: the prompt renders differently a second time")
	}
	raw, err := tmpl.Request.MarshalJSON()
	if err != nil {
		return err
	}
	body, err := parseJSON(raw)
	if err != nil {
		return err
	}
	var media []*promptfile.MediaInfo
	for _, m := range res.Media {
		if !m.Failed {
			media = append(media, m)
		}
	}
	next := 0
	var walk func(n *node) error
	walk = func(n *node) error {
		switch n.kind {
		case textNode:
			s := n.text.eval(nil)
			if strings.Contains(s, sentinelOpen) || strings.Contains(s, sentinelClose) {
				t, err := split(s, strings.HasSuffix(s, sentinelClose))
				if err != nil {
					return err
				}
				n.text = t
			}
		case objectNode:
			if typ := n.get("type"); typ != nil && typ.kind == textNode {
				if kind := typ.text.eval(nil); (kind == "image" || kind == "document") && n.get("source") != nil {
					if next >= len(media) {
						return errors.New("cannot export: the images and documents do not match the request")
					}
					x.useFile(n.get("source"), media[next])
					next++
				}
			}
			fallthrough
		case arrayNode:
			for _, e := range n.elems {
				if err := walk(e); err != nil {
					return err
				}
			}
		}
		return nil
	}
	if err := walk(body); err != nil {
		return err
	}
	x.body, x.whole = body, true
	for i, k := range body.keys {
		if k == "temperature" || k == "top_p" || k == "top_k" {
			x.sampling = append(x.sampling, body.keys[i])
		}
	}
	vals := make([]string, len(x.params))
	for i, p := range x.params {
		vals[i] = p.Value
	}
	got := body.json(vals)
	want, _ := res.Request.MarshalJSON()
	if !sameJSON(got, want) {
		return errors.New("cannot export exactly: with these values the exported code would not send the request claude-ls renders; claude-ls drops blank lines at the start of a block, and a tool call's input written with variables must stay the same YAML")
	}
	return nil
}

// useFile makes the data of an image's or document's source a file read
// when the program runs (a URL source stays as it is).
func (x *export) useFile(source *node, m *promptfile.MediaInfo) {
	data := source.get("data")
	if data == nil || m.URL != "" {
		return
	}
	text := m.MediaType == "text/plain"
	for _, f := range x.files {
		if f.Path == m.Part.Name && f.Text == text {
			*data = node{kind: fileNode, file: f}
			return
		}
	}
	f := &fileRef{Path: m.Part.Name, Text: text, N: len(x.files) + 1, data: m.Data}
	x.files = append(x.files, f)
	*data = node{kind: fileNode, file: f}
}

// get is an object's value for key, nil when it has none.
func (n *node) get(key string) *node {
	for i, k := range n.keys {
		if k == key {
			return n.elems[i]
		}
	}
	return nil
}

// json is the tree as JSON, its templates filled with vals and its files
// with what the rendering read.
func (n *node) json(vals []string) []byte {
	var b bytes.Buffer
	var write func(n *node)
	write = func(n *node) {
		switch n.kind {
		case textNode:
			b.WriteString(jsonString(n.text.eval(vals)))
		case rawNode:
			b.WriteString(n.raw)
		case fileNode:
			b.WriteString(jsonString(n.file.content()))
		case objectNode, arrayNode:
			open, close := byte('{'), byte('}')
			if n.kind == arrayNode {
				open, close = '[', ']'
			}
			b.WriteByte(open)
			for i, e := range n.elems {
				if i > 0 {
					b.WriteByte(',')
				}
				if n.kind == objectNode {
					b.WriteString(jsonString(n.keys[i]) + ":")
				}
				write(e)
			}
			b.WriteByte(close)
		}
	}
	write(n)
	return b.Bytes()
}

// sameJSON compares two JSON texts as values.
func sameJSON(a, b []byte) bool {
	decode := func(data []byte) (any, error) {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var v any
		err := dec.Decode(&v)
		return v, err
	}
	va, errA := decode(a)
	vb, errB := decode(b)
	return errA == nil && errB == nil && reflect.DeepEqual(va, vb)
}

// filesNote is the header line of a program that reads images or
// documents: where it looks for them.
func (x *export) filesNote() string {
	if len(x.files) == 0 {
		return ""
	}
	var names []string
	for _, f := range x.files {
		names = append(names, f.Path)
	}
	return "It reads " + andList(names) + " when it runs, relative to the current folder: run it in the prompt's folder."
}

// hasBase64Files reports a file sent in base64 (an image or a PDF).
func (x *export) hasBase64Files() bool {
	for _, f := range x.files {
		if !f.Text {
			return true
		}
	}
	return false
}
