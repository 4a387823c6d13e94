package promptfile

import (
	"math"

	"go.yaml.in/yaml/v3"
)

// The API's limits on images and documents (facts checked November 2026).
const (
	maxImageBase64     = 10 << 20 // bytes of base64 per image
	maxRequestBytes    = 32 << 20 // a request's size, PDFs included
	maxImageSide       = 8000     // pixels per side
	maxImageSideMany   = 2000     // pixels per side when a request has more than 20 images
	manyImages         = 20
	maxImages200K      = 100 // images per request on a 200K-context model
	maxImagesOther     = 600
	maxPDFPages        = 600
	maxPDFPagesSmall   = 100 // under a 1M context window
	imagePatch         = 28  // an image token covers 28 × 28 pixels
	maxEdgeBefore47    = 1568
	maxTokensBefore47  = 1568
	maxEdgeFrom47      = 2576
	maxTokensFrom47    = 4784
	letterWidthPoints  = 612 // a PDF page's image is estimated at US letter size
	letterHeightPoints = 792
)

func base64Len(n int) int { return (n + 2) / 3 * 4 }

// checkMedia applies the API's limits on the request's images and
// documents, and its citation rules.
func (a *analysis) checkMedia() {
	m := a.r.Model
	var images, total int
	var cited, uncited []*MediaInfo
	for _, info := range a.r.Media {
		if info.Failed {
			continue
		}
		span := info.Part.NameSpan
		total += base64Len(len(info.Data))
		if info.IsImage() {
			images++
			if info.URL != "" {
				a.diag(Diagnostic{Code: "media-uncounted", Severity: Info, Span: span,
					Message: "an image sent by URL is fetched by the API, not by claude-ls: the estimate leaves it out (count it exactly with the API, or use a file)"})
				continue
			}
			if n := base64Len(len(info.Data)); n > maxImageBase64 {
				a.errorf("media-limit", span, "`"+info.Part.Name+"` is "+mb(n)+" in base64: the API takes images up to 10 MB each")
			}
			side := maxImageSide
			if a.imageCount() > manyImages {
				side = maxImageSideMany
			}
			if info.Width > side || info.Height > side {
				a.errorf("media-limit", span, "`"+info.Part.Name+"` is "+itoa(info.Width)+"×"+itoa(info.Height)+" px: the API refuses images over "+itoa(side)+" px a side"+manyNote(side))
			}
			if info.Width == 0 {
				a.warnf("media-size", span, "the pixel size of `"+info.Part.Name+"` cannot be read from its header: it is not counted")
			}
			continue
		}
		if info.Citations {
			cited = append(cited, info)
		} else {
			uncited = append(uncited, info)
		}
		if info.MediaType != "application/pdf" {
			continue
		}
		if len(info.Data) > maxRequestBytes {
			a.errorf("media-limit", span, "`"+info.Part.Name+"` is "+mb(len(info.Data))+": the API takes PDFs up to 32 MB")
		}
		limit := maxPDFPages
		if m != nil && m.ContextWindow > 0 && m.ContextWindow < 1_000_000 {
			limit = maxPDFPagesSmall
		}
		if info.Pages > limit {
			msg := "`" + info.Part.Name + "` has " + itoa(info.Pages) + " pages: the API takes up to " + itoa(limit) + " pages per PDF"
			if limit == maxPDFPagesSmall {
				msg += " on a model under a 1M context window (" + m.ID + ")"
			}
			a.errorf("media-limit", span, msg)
		}
		if info.Pages == 0 {
			a.warnf("media-size", span, "the pages of `"+info.Part.Name+"` cannot be counted from the file: it is not counted")
		}
	}
	if limit := imagesLimit(m); images > limit {
		a.errorf("media-limit", a.r.Media[len(a.r.Media)-1].Part.NameSpan, "the request has "+itoa(images)+" images: the API takes at most "+itoa(limit)+" per request on "+modelName(m))
	}
	if total > maxRequestBytes {
		a.errorf("media-limit", a.r.Media[len(a.r.Media)-1].Part.NameSpan, "the images and documents make the request ≈ "+mb(total)+": the API takes requests up to 32 MB")
	}
	a.checkCitations(cited, uncited)
}

func manyNote(side int) string {
	if side == maxImageSideMany {
		return " when a request has more than 20 images"
	}
	return ""
}

func (a *analysis) imageCount() int {
	n := 0
	for _, info := range a.r.Media {
		if info.IsImage() && !info.Failed {
			n++
		}
	}
	return n
}

func imagesLimit(m *Model) int {
	if m != nil && m.ContextWindow > 0 && m.ContextWindow <= 200_000 {
		return maxImages200K
	}
	return maxImagesOther
}

func modelName(m *Model) string {
	if m == nil {
		return "this model"
	}
	return m.ID
}

func mb(n int) string {
	return itoa(int(math.Round(float64(n)/(1<<20)*10))/10) + "." + itoa(int(math.Round(float64(n)/(1<<20)*10))%10) + " MB"
}

// checkCitations applies the API's rules: citations on all documents or
// none, and never with a structured-output format.
func (a *analysis) checkCitations(cited, uncited []*MediaInfo) {
	if e := a.f.Front.Lookup("citations"); e != nil {
		checkCitations(a, e)
	}
	if len(cited) == 0 {
		return
	}
	for _, info := range uncited {
		var fixes []Fix
		if info.Part.Attr.Empty() && info.Part.NameSpan.End < len(a.f.Src) {
			at := info.Part.NameSpan.End + 1 // after the closing quote
			fixes = append(fixes, Fix{Title: "Add `citations: true`", Edits: []Edit{{Span: Span{at, at}, NewText: " citations: true"}}})
		}
		a.errorf("citations-mixed", info.Part.Span, "citations are on for other documents of this request: the API takes them on all documents or none (add `citations: true` here, or set `citations: true` in the front matter)", fixes...)
	}
	if a.hasFormat() {
		a.errorf("citations-format", cited[0].Part.Span, "citations cannot go with a structured-output `format`: the API refuses the two together")
	}
}

// checkCitations checks the front matter's `citations` key.
func checkCitations(a *analysis, e *Entry) bool {
	if e.Value.Kind != yaml.ScalarNode || (e.Value.Value != "true" && e.Value.Value != "false") {
		a.errorf("type", e.At, "`citations` must be `true` or `false`")
		return false
	}
	return true
}

// imageTokens is what an image of w × h pixels costs on m: the API first
// shrinks it to its long-edge and token limits (larger from Opus 4.7 on),
// then charges ⌈w/28⌉ × ⌈h/28⌉.
func imageTokens(w, h int, m *Model) int {
	if w <= 0 || h <= 0 {
		return 0
	}
	edge, capTokens := maxEdgeFrom47, maxTokensFrom47
	if genOf(m) == genBefore47 {
		edge, capTokens = maxEdgeBefore47, maxTokensBefore47
	}
	rw, rh := ResizedImage(w, h, edge, capTokens)
	return min(ceilDiv(rw, imagePatch)*ceilDiv(rh, imagePatch), capTokens)
}

// ImageTokensOn is imageTokens for the hover, with the size the API sends.
func ImageTokensOn(w, h int, m *Model) (tokens, rw, rh int) {
	edge, capTokens := maxEdgeFrom47, maxTokensFrom47
	if genOf(m) == genBefore47 {
		edge, capTokens = maxEdgeBefore47, maxTokensBefore47
	}
	rw, rh = ResizedImage(w, h, edge, capTokens)
	return imageTokens(w, h, m), rw, rh
}

// ResizedImage is the size the API shrinks w × h to: the long edge at most
// edge, and at most capTokens patches of 28 × 28, keeping the aspect ratio.
func ResizedImage(w, h, edge, capTokens int) (int, int) {
	scale := 1.0
	if long := max(w, h); long > edge {
		scale = float64(edge) / float64(long)
	}
	area := float64(w) * float64(h) * scale * scale
	if limit := float64(capTokens * imagePatch * imagePatch); area > limit {
		scale *= math.Sqrt(limit / area)
	}
	if scale >= 1 {
		return w, h
	}
	return max(int(float64(w)*scale), 1), max(int(float64(h)*scale), 1)
}

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// pageImageTokens is the estimate of one PDF page's image: a letter page
// at the image size limit of the models before 4.7.
func pageImageTokens() int {
	rw, rh := ResizedImage(letterWidthPoints*4, letterHeightPoints*4, maxEdgeBefore47, maxTokensBefore47)
	return min(ceilDiv(rw, imagePatch)*ceilDiv(rh, imagePatch), maxTokensBefore47)
}

// mediaTokensOf is one image's or document's estimate on m.
func mediaTokensOf(info *MediaInfo, m *Model) int {
	switch {
	case info.Failed || info.URL != "":
		return 0
	case info.IsImage():
		return imageTokens(info.Width, info.Height, m)
	case info.MediaType == "application/pdf":
		return info.Pages*pageImageTokens() + info.TextTokens
	}
	return info.TextTokens
}

// blockMediaTokens is what a block's images and documents add to its
// estimate on m (estimateRendering).
func blockMediaTokens(rb *RenderedBlock, m *Model) float64 {
	n := 0
	for _, s := range rb.Segments {
		if s.Media != nil {
			n += mediaTokensOf(s.Media, m)
		}
	}
	return float64(n)
}

// countMedia counts the text of each document (a PDF's shown text, a .txt
// file whole) and sets each image's and document's estimate on the
// rendering's model (count.go calls it before the estimate).
func (a *analysis) countMedia(counter TokenCounter) {
	var texts []string
	var docs []*MediaInfo
	for _, info := range a.r.Media {
		if info.Failed || info.IsImage() {
			continue
		}
		switch info.MediaType {
		case "application/pdf":
			texts = append(texts, pdfText(info.Data))
		case "text/plain":
			texts = append(texts, string(info.Data))
		default:
			continue
		}
		docs = append(docs, info)
	}
	if len(texts) > 0 {
		m := a.r.Model
		for i, n := range counter.Count(encodingOfModel(m), texts) {
			_, f := encodingOf(m)
			docs[i].TextTokens = int(math.Round(float64(n) * f))
		}
	}
	for _, info := range a.r.Media {
		info.Tokens = mediaTokensOf(info, a.r.Model)
	}
}

func encodingOfModel(m *Model) string {
	enc, _ := encodingOf(m)
	return enc
}

// hasFormat reports a structured-output format in the front matter, in
// either form (format, output_format, output_config.format).
func (a *analysis) hasFormat() bool {
	fm := a.f.Front
	if fm.Lookup("format") != nil || fm.Lookup("output_format") != nil {
		return true
	}
	e := fm.Lookup("output_config")
	return e != nil && mapValue(e.Value, "format") != nil
}
