package promptfile

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"image"
	_ "image/gif" // DecodeConfig reads the headers only
	_ "image/jpeg"
	_ "image/png"
	"io"
	"regexp"
	"strconv"
)

// imageSize is the pixel size an image file's header says, 0, 0 when it
// cannot be read.
func imageSize(data []byte) (int, int) {
	if w, h, ok := webpSize(data); ok {
		return w, h
	}
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return 0, 0
	}
	return cfg.Width, cfg.Height
}

// webpSize reads the size of a WebP file from its first chunk (lossy VP8,
// lossless VP8L or extended VP8X).
func webpSize(d []byte) (int, int, bool) {
	if len(d) < 30 || string(d[:4]) != "RIFF" || string(d[8:12]) != "WEBP" {
		return 0, 0, false
	}
	switch string(d[12:16]) {
	case "VP8 ":
		w := int(binary.LittleEndian.Uint16(d[26:28]) & 0x3fff)
		h := int(binary.LittleEndian.Uint16(d[28:30]) & 0x3fff)
		return w, h, true
	case "VP8L":
		b := binary.LittleEndian.Uint32(d[21:25])
		return int(b&0x3fff) + 1, int((b>>14)&0x3fff) + 1, true
	case "VP8X":
		w := int(d[24]) | int(d[25])<<8 | int(d[26])<<16
		h := int(d[27]) | int(d[28])<<8 | int(d[29])<<16
		return w + 1, h + 1, true
	}
	return 0, 0, false
}

var (
	pdfPagesRE = regexp.MustCompile(`/Type\s*/Pages\b`)
	pdfPageRE  = regexp.MustCompile(`/Type\s*/Page\b`)
	pdfCountRE = regexp.MustCompile(`/Count\s+(\d+)`)
)

// pdfPages counts a PDF's pages: the largest /Count of its page tree
// nodes (the root's), else the page objects; 0 when neither is readable
// (e.g. both inside compressed object streams).
func pdfPages(data []byte) int {
	best, pages := 0, 0
	for _, obj := range pdfObjects(data) {
		if pdfPagesRE.Match(obj) {
			if m := pdfCountRE.FindSubmatch(obj); m != nil {
				if n, err := strconv.Atoi(string(m[1])); err == nil && n > best {
					best = n
				}
			}
		} else if pdfPageRE.Match(obj) {
			pages++
		}
	}
	if best > 0 {
		return best
	}
	return pages
}

// pdfObjects splits a PDF into its objects' texts ("N 0 obj … endobj"),
// streams included, as found in the file; decompressed object streams add
// theirs.
func pdfObjects(data []byte) [][]byte {
	var out [][]byte
	for _, part := range bytes.Split(data, []byte("endobj")) {
		out = append(out, part)
		if bytes.Contains(part, []byte("/ObjStm")) {
			if s := pdfStream(part); s != nil {
				out = append(out, splitObjStm(s)...)
			}
		}
	}
	return out
}

// splitObjStm cuts an object stream's text at each dictionary start: good
// enough to find /Type and /Count together.
func splitObjStm(s []byte) [][]byte {
	var out [][]byte
	for _, p := range bytes.Split(s, []byte("<<")) {
		out = append(out, p)
	}
	return out
}

// pdfStream is an object's stream data, inflated when it is FlateDecode;
// nil when it has none or another filter.
func pdfStream(obj []byte) []byte {
	i := bytes.Index(obj, []byte("stream"))
	if i < 0 {
		return nil
	}
	dict := obj[:i]
	start := i + len("stream")
	if start < len(obj) && obj[start] == '\r' {
		start++
	}
	if start < len(obj) && obj[start] == '\n' {
		start++
	}
	end := bytes.LastIndex(obj, []byte("endstream"))
	if end < start {
		return nil
	}
	raw := obj[start:end]
	if !bytes.Contains(dict, []byte("/Filter")) {
		return raw
	}
	if !bytes.Contains(dict, []byte("/FlateDecode")) {
		return nil
	}
	zr, err := zlib.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil
	}
	// A page's content is small; a limit keeps a hostile stream from
	// inflating without end.
	out, _ := io.ReadAll(io.LimitReader(zr, 64<<20))
	return out
}

// pdfText is the text shown by the PDF's content streams (the strings of
// Tj and TJ between BT and ET), as far as it can be read without fonts:
// what the estimate counts as each page's text.
func pdfText(data []byte) string {
	var out bytes.Buffer
	for _, obj := range bytes.Split(data, []byte("endobj")) {
		if bytes.Contains(obj, []byte("/ObjStm")) || bytes.Contains(obj, []byte("/XObject")) || bytes.Contains(obj, []byte("/FontFile")) {
			continue
		}
		s := pdfStream(obj)
		if s == nil || !bytes.Contains(s, []byte("BT")) {
			continue
		}
		pdfStrings(s, &out)
	}
	return out.String()
}

// pdfStrings writes the literal (…) strings of a content stream, a space
// after each text object.
func pdfStrings(s []byte, out *bytes.Buffer) {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth := 1
			for i++; i < len(s) && depth > 0; i++ {
				c := s[i]
				switch {
				case c == '\\' && i+1 < len(s):
					i++
					switch s[i] {
					case 'n':
						out.WriteByte('\n')
					case 'r', 't', 'b', 'f':
						out.WriteByte(' ')
					default:
						if s[i] >= '0' && s[i] <= '7' {
							for k := 0; k < 2 && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '7'; k++ {
								i++
							}
						} else {
							out.WriteByte(s[i])
						}
					}
				case c == '(':
					depth++
					out.WriteByte(c)
				case c == ')':
					depth--
					if depth > 0 {
						out.WriteByte(c)
					}
				default:
					out.WriteByte(c)
				}
			}
			i--
		case 'E':
			if i+1 < len(s) && s[i+1] == 'T' {
				out.WriteByte('\n')
			}
		}
	}
}
