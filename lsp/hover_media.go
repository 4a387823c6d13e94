package lsp

import (
	"fmt"
	"strings"

	"github.com/claude-ls/claude-ls/promptfile"
)

// hoverMedia shows an image's size and tokens, a document's pages and
// tokens, or says a URL image is not counted.
func hoverMedia(r *promptfile.Result, t promptfile.Target) string {
	m := r.MediaAt(t.Part)
	if m == nil || m.Failed {
		return ""
	}
	var sb strings.Builder
	switch {
	case m.URL != "":
		fmt.Fprintf(&sb, "**image** by URL `%s`\n\nSent as a URL source: the API fetches it, claude-ls never does, so it is **not counted** in the estimate (an exact count needs the file: the token-counting endpoint refuses URL sources).", m.URL)
		return sb.String()
	case m.IsImage():
		fmt.Fprintf(&sb, "**image** `%s` · %s · %s\n\n", t.Name, m.MediaType, sizeText(len(m.Data)))
		if m.Width == 0 {
			sb.WriteString("Its pixel size cannot be read from the header: not counted.")
			return sb.String()
		}
		tokens, rw, rh := promptfile.ImageTokensOn(m.Width, m.Height, r.Model)
		fmt.Fprintf(&sb, "%d×%d px", m.Width, m.Height)
		if rw != m.Width || rh != m.Height {
			fmt.Fprintf(&sb, ", shrunk by the API to %d×%d", rw, rh)
		}
		fmt.Fprintf(&sb, " → %s tokens (⌈w/28⌉ × ⌈h/28⌉)", promptfile.GroupDigits(tokens))
	case m.MediaType == "application/pdf":
		fmt.Fprintf(&sb, "**PDF** `%s` · %s · ", t.Name, sizeText(len(m.Data)))
		if m.Pages == 0 {
			sb.WriteString("its pages cannot be counted from the file: not counted")
			return sb.String()
		}
		fmt.Fprintf(&sb, "%d pages\n\n≈ %s tokens: each page's image plus its text (≈ %s tokens of text read from the file)",
			m.Pages, promptfile.GroupDigits(m.Tokens), promptfile.GroupDigits(m.TextTokens))
	default:
		fmt.Fprintf(&sb, "**text document** `%s` · %s\n\n≈ %s tokens", t.Name, sizeText(len(m.Data)), promptfile.GroupDigits(m.Tokens))
	}
	if m.Citations {
		sb.WriteString("\n\nCitations enabled: the reply cites passages of it.")
	}
	if r.Model != nil && m.Tokens > 0 {
		fmt.Fprintf(&sb, "\n\nInput cost ≈ %s on `%s`.", r.InputCost(m.Tokens), r.Model.ID)
	}
	sb.WriteString("\n\n_≈ approximate: the API's formula for images; PDFs per page, as documented._")
	return sb.String()
}

func sizeText(n int) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// hoverToolID says which call or result a tool id pairs with; go to
// definition jumps there.
func hoverToolID(f *promptfile.File, t promptfile.Target) string {
	b := t.Block
	peer := f.ToolPeer(b)
	line := func(x *promptfile.Block) int { return f.Map.Line(x.Line.Start) + 1 }
	if b.Tool.Kind == promptfile.ToolUse {
		s := fmt.Sprintf("**tool call** `%s` of `%s`", b.Tool.ID, b.Tool.Name)
		if peer == nil {
			return s + "\n\nNo result yet: add `tool_result: id=" + b.Tool.ID + "` after this assistant message."
		}
		return s + fmt.Sprintf("\n\nIts result is on line %d (go to definition jumps there).", line(peer))
	}
	s := fmt.Sprintf("**tool result** for `%s`", b.Tool.ID)
	if b.Tool.IsError {
		s += " (an error: `is_error: true`)"
	}
	if peer == nil {
		return s + "\n\nNo tool call has this id."
	}
	return s + fmt.Sprintf("\n\nThe call of `%s` is on line %d (go to definition jumps there).", peer.Tool.Name, line(peer))
}

// toolPeerSpan is where go to definition on a tool id goes: the peer's id.
func toolPeerSpan(f *promptfile.File, off int) (promptfile.Span, bool) {
	t := f.At(off)
	if t.Kind != promptfile.ToolIDTarget {
		return promptfile.Span{}, false
	}
	if peer := f.ToolPeer(t.Block); peer != nil {
		return peer.Tool.IDSpan, true
	}
	return promptfile.Span{}, false
}

// mediaPathAt is the resolved file of the image or document line at off.
func mediaPathAt(res *promptfile.Result, off int) string {
	t := res.File.At(off)
	if t.Kind != promptfile.MediaTarget {
		return ""
	}
	if m := res.MediaAt(t.Part); m != nil && !m.Failed {
		return m.Path
	}
	return ""
}
