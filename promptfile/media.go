package promptfile

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// MediaInfo is one {{image "path"}} or {{document "path"}} line and what it
// sends.
type MediaInfo struct {
	Block     *Block
	Part      Part
	Path      string // resolved file path; "" for a URL
	URL       string // an image sent by URL (never fetched)
	MediaType string // image/png, image/jpeg, image/gif, image/webp, application/pdf, text/plain
	Data      []byte // the file's bytes
	Width     int    // an image's pixel size as the file says, 0 unknown
	Height    int
	Pages     int  // a PDF's pages, 0 unknown
	Citations bool // a document sent with citations enabled
	// Tokens is the estimate (images by the API's formula, PDFs per page);
	// 0 for a URL, which is not counted.
	Tokens int
	// TextTokens is a document's text estimate (a PDF's shown text, a .txt
	// whole), before its pages' images.
	TextTokens int
	Failed     bool // not read or not sendable: a diagnostic says why
}

// IsImage reports an image line (otherwise a document).
func (m *MediaInfo) IsImage() bool { return m.Part.Kind == Image }

// parseMedia reads {{image "path"}} or {{document "path" citations: true}},
// which must stand alone on their line. ok is false for other templates.
func parseMedia(src []byte, i, end int, trimmed []byte, nameStart int) (Part, bool) {
	kind, word := Image, "image"
	switch {
	case bytes.HasPrefix(trimmed, []byte("image")):
	case bytes.HasPrefix(trimmed, []byte("document")):
		kind, word = Document, "document"
	default:
		return Part{}, false
	}
	if len(trimmed) > len(word) && trimmed[len(word)] != ' ' && trimmed[len(word)] != '\t' && trimmed[len(word)] != '"' {
		return Part{}, false // {{images}} is a variable name
	}
	if len(trimmed) == len(word) {
		return Part{}, false
	}
	arg := bytes.TrimSpace(trimmed[len(word):])
	argStart := nameStart + len(trimmed) - len(arg)
	if len(arg) == 0 || arg[0] != '"' {
		return Part{Kind: BadTemplate, Span: Span{i, end}, Name: "an " + word + " is written {{" + word + ` "path"}}, with the path in double quotes`}, true
	}
	p := Part{Kind: kind, Span: Span{i, end}}
	if q := bytes.IndexByte(arg[1:], '"'); q >= 0 {
		p.Name = string(arg[1 : 1+q])
		p.NameSpan = Span{argStart + 1, argStart + 1 + q}
		rest := arg[2+q:]
		if r := bytes.TrimSpace(rest); len(r) > 0 {
			at := argStart + 2 + q + bytes.Index(rest, r)
			p.Attr = Span{at, at + len(r)}
		}
	} else {
		// Half-typed path: keep the part so completion can find it.
		p.Name = string(arg[1:])
		p.NameSpan = Span{argStart + 1, argStart + len(arg)}
	}
	if !aloneOnLine(src, i, end) {
		return Part{Kind: BadTemplate, Span: Span{i, end}, Name: "{{" + word + ` "…"}} goes on a line of its own: it becomes a content block between the text before and after it`}, true
	}
	return p, true
}

// aloneOnLine reports whether only spaces surround src[i:end] on its line.
func aloneOnLine(src []byte, i, end int) bool {
	for k := i - 1; k >= 0 && src[k] != '\n'; k-- {
		if src[k] != ' ' && src[k] != '\t' {
			return false
		}
	}
	for k := end; k < len(src) && src[k] != '\n'; k++ {
		if src[k] != ' ' && src[k] != '\t' && src[k] != '\r' {
			return false
		}
	}
	return true
}

// mediaCut is where a media line sits in a block's rendered text.
type mediaCut struct {
	at   int
	info *MediaInfo
}

// segment splits a block's raw rendered text at its media lines: each text
// piece is trimmed like a block and dropped when empty.
func segment(rb *RenderedBlock, raw string, cuts []mediaCut) {
	if len(cuts) == 0 {
		rb.Text = trimBlankLines(raw)
		return
	}
	var texts []string
	from := 0
	addText := func(s string) {
		if t := trimBlankLines(s); t != "" {
			rb.Segments = append(rb.Segments, Segment{Text: t})
			texts = append(texts, t)
		}
	}
	for _, c := range cuts {
		addText(raw[from:c.at])
		from = c.at
		if c.info != nil && !c.info.Failed {
			rb.Segments = append(rb.Segments, Segment{Media: c.info})
		}
	}
	addText(raw[from:])
	rb.Text = strings.Join(texts, "\n\n")
}

// Sends reports whether the block sends anything: text, an image or
// document, a tool call or result.
func (rb *RenderedBlock) Sends() bool {
	return rb.Text != "" || rb.Segments != nil || rb.Block.Tool != nil
}

// Segment is one content block of a block with media: text, or an image or
// document.
type Segment struct {
	Text  string
	Media *MediaInfo
}

// media reads the file of an image or document line.
func (a *analysis) media(b *Block, p Part, span Span) *MediaInfo {
	info := &MediaInfo{Block: b, Part: p}
	a.r.Media = append(a.r.Media, info)
	word := "document"
	if p.Kind == Image {
		word = "image"
	}
	if b == nil || b.Role == System {
		a.errorf("media-place", span, "an "+word+" cannot go in the system prompt: the API takes only text there (put it in a `user:` block)")
		info.Failed = true
		return info
	}
	if b.Tool != nil && b.Tool.Kind == ToolUse {
		a.errorf("media-place", span, "a tool call's input is YAML or JSON: an "+word+" cannot go in it")
		info.Failed = true
		return info
	}
	if b.Role == Assistant {
		a.errorf("media-place", span, "an "+word+" cannot go in an assistant message: the API takes images and documents from the user only")
		info.Failed = true
		return info
	}
	a.readCitations(info)
	if strings.HasPrefix(p.Name, "https://") || strings.HasPrefix(p.Name, "http://") {
		if p.Kind != Image {
			a.errorf("media-url", span, "a document is read from a file in the workspace: download it and name the file")
			info.Failed = true
			return info
		}
		info.URL = p.Name
		return info
	}
	data, ok := a.readWorkspaceFile(p.Name, span, word)
	if !ok {
		info.Failed = true
		return info
	}
	info.Path = a.resolve(p.Name)
	info.Data = data
	info.MediaType = sniffMedia(data)
	switch {
	case p.Kind == Image && !strings.HasPrefix(info.MediaType, "image/"):
		a.errorf("media-type", span, "`"+p.Name+"` is not a JPEG, PNG, GIF or WebP image (the API takes only these)")
		info.Failed = true
	case p.Kind == Document && info.MediaType == "" && strings.HasSuffix(strings.ToLower(p.Name), ".txt"):
		if !utf8.Valid(data) || bytes.IndexByte(data, 0) >= 0 {
			a.errorf("media-type", span, "`"+p.Name+"` is not UTF-8 text: a .txt document is sent as text")
			info.Failed = true
			break
		}
		info.MediaType = "text/plain"
		a.scanSecrets(data, span, "the document "+p.Name)
	case p.Kind == Document && info.MediaType != "application/pdf":
		a.errorf("media-type", span, "`"+p.Name+"` is not a PDF or a .txt file: a document is one of these (an image goes in {{image \"…\"}})")
		info.Failed = true
	}
	if info.Failed {
		return info
	}
	if info.IsImage() {
		info.Width, info.Height = imageSize(data)
	} else if info.MediaType == "application/pdf" {
		info.Pages = pdfPages(data)
	}
	return info
}

// readCitations reads a document line's `citations: true` (or false).
func (a *analysis) readCitations(info *MediaInfo) {
	p := info.Part
	if p.Attr.Empty() {
		if p.Kind == Document {
			info.Citations = a.frontCitations()
		}
		return
	}
	attr := strings.Join(strings.Fields(string(a.f.Src[p.Attr.Start:p.Attr.End])), " ")
	switch {
	case p.Kind == Document && (attr == "citations: true" || attr == "citations=true" || attr == "citations"):
		info.Citations = true
	case p.Kind == Document && (attr == "citations: false" || attr == "citations=false"):
	case p.Kind == Image:
		a.errorf("media-attr", p.Attr, "an image line takes nothing after its path (`citations` is for documents)")
	default:
		a.errorf("media-attr", p.Attr, "unknown `"+attr+"`: a document line takes only `citations: true`")
	}
}

// frontCitations is the front matter's `citations: true`, which enables
// citations on every document.
func (a *analysis) frontCitations() bool {
	e := a.f.Front.Lookup("citations")
	return e != nil && e.Value.Value == "true"
}

// sniffMedia is the media type the file's first bytes say, "" for none of
// the types the API takes.
func sniffMedia(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png"
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		return "image/jpeg"
	case bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")):
		return "image/gif"
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return "image/webp"
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return "application/pdf"
	}
	return ""
}

type mediaSource struct {
	Type      string `json:"type"`
	MediaType string `json:"media_type,omitempty"`
	Data      string `json:"data,omitempty"`
	URL       string `json:"url,omitempty"`
}

type mediaBlockJSON struct {
	Type         string        `json:"type"`
	Source       mediaSource   `json:"source"`
	Citations    *citationsOn  `json:"citations,omitempty"`
	CacheControl *cacheControl `json:"cache_control,omitempty"`
}

type citationsOn struct {
	Enabled bool `json:"enabled"`
}

// blockJSON is the image or document content block the API takes.
func (m *MediaInfo) blockJSON(cache *cacheControl) json.RawMessage {
	b := mediaBlockJSON{Type: "document", CacheControl: cache}
	if m.IsImage() {
		b.Type = "image"
	}
	switch {
	case m.URL != "":
		b.Source = mediaSource{Type: "url", URL: m.URL}
	case m.MediaType == "text/plain":
		b.Source = mediaSource{Type: "text", MediaType: "text/plain", Data: string(m.Data)}
	default:
		b.Source = mediaSource{Type: "base64", MediaType: m.MediaType, Data: base64.StdEncoding.EncodeToString(m.Data)}
	}
	if m.Citations && !m.IsImage() {
		b.Citations = &citationsOn{Enabled: true}
	}
	return mustJSON(b)
}

// MediaAt is what the analysis read for the image or document line p of a
// block; nil when there is none.
func (r *Result) MediaAt(p Part) *MediaInfo {
	for _, m := range r.Media {
		if m.Block != nil && m.Part.Span == p.Span {
			return m
		}
	}
	return nil
}
