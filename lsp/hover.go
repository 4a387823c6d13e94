package lsp

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"go.lsp.dev/protocol"

	"github.com/claude-ls/claude-ls/promptfile"
)

// Hover explains what is under the cursor: a block's size and cost, the
// model's card, a variable's values, a front matter key's documentation, an
// include's size. Every figure is an offline estimate, labelled ≈.
func (s *Server) Hover(ctx context.Context, params *protocol.HoverParams) (*protocol.Hover, error) {
	d, ok := s.document(params.TextDocument.URI)
	if !ok {
		return nil, nil
	}
	snap := d.Snapshot()
	enc := s.positionEncoding()
	off := toOffset(snap.File.Map, params.Position, enc)
	text, span, ok := hoverTestCase(snap, d.path, off) // tests.go
	if !ok {
		text, span, ok = hoverAt(snap, off)
	}
	if !ok {
		return nil, nil
	}
	r := toRange(snap.File.Map, span, enc)
	return &protocol.Hover{
		Contents: &protocol.MarkupContent{Kind: protocol.MarkupKindMarkdown, Value: text},
		Range:    &r,
	}, nil
}

// hoverAt is the markdown shown for byte offset off of a snapshot, and the
// span it is about; false when there is nothing to say.
func hoverAt(snap *Snapshot, off int) (string, promptfile.Span, bool) {
	if snap == nil || snap.File == nil || snap.Result == nil {
		return "", promptfile.Span{}, false
	}
	f, r := snap.File, snap.Result
	t := f.At(off)
	var text string
	switch t.Kind {
	case promptfile.RoleTarget, promptfile.AttrTarget:
		text = hoverBlock(r, t.Block)
	case promptfile.ModelTarget:
		var catalog *promptfile.Catalog
		var counter promptfile.TokenCounter
		if snap.ws != nil {
			e := snap.ws.engine()
			catalog, counter = e.Catalog, e.Counter
		}
		text = hoverModel(r, t.Name, catalog, counter)
	case promptfile.VarTarget, promptfile.VarDefTarget, promptfile.TestVarTarget:
		text = hoverVar(f, r, t.Name)
	case promptfile.KeyTarget, promptfile.ValueTarget:
		text = hoverKey(r, t.Name, t.Entry)
	case promptfile.IncludeTarget:
		var read func(string) ([]byte, error)
		if snap.ws != nil {
			read = snap.ws.read
		}
		text = hoverInclude(r, t, read)
	case promptfile.CommentTarget:
		text = "A comment: removed before sending, never counted."
	case promptfile.MediaTarget: // hover_media.go
		text = hoverMedia(r, t)
	case promptfile.ToolIDTarget:
		text = hoverToolID(f, t)
	}
	if text == "" {
		return "", promptfile.Span{}, false
	}
	return text, t.Span, true
}

// approxNote ends every hover that shows estimates, saying whether the
// model's factor was calibrated in this workspace.
func approxNote(m *promptfile.Model) string {
	if m == nil {
		return "\n\n_≈ estimated offline: tiktoken counts weighed by kind of text (docs/estimate.md)._"
	}
	if m.CalibratedFrom > 0 {
		return fmt.Sprintf("\n\n_≈ estimated offline, calibrated: tiktoken counts weighed by kind of text, scaled by the factor %.3g measured from %s in this workspace._", m.TokenFactor, plural(m.CalibratedFrom, "real count"))
	}
	return "\n\n_≈ estimated offline: tiktoken counts weighed by kind of text (docs/estimate.md); not calibrated yet: a run or an exact count calibrates it._"
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// hoverBlock shows a block's tokens and input cost, and the cache figures
// of the prefix it marks.
func hoverBlock(r *promptfile.Result, b *promptfile.Block) string {
	rb := renderedBlockOf(r, b)
	if rb == nil {
		return ""
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "**`%s:`** %s\n\n", b.Role, blockKind(indexMessages(r), rb))
	if !rb.Sends() {
		sb.WriteString("Empty: this block is not sent.")
		return sb.String()
	}
	sb.WriteString(approxTokens(rb.Tokens))
	if r.Model != nil {
		fmt.Fprintf(&sb, " · %s input on `%s` ($%s / MTok)", r.InputCost(rb.Tokens), r.Model.ID, r.Model.Pricing.InputPerMTok.Decimal())
	} else {
		sb.WriteString(" · " + noPrice(r))
	}
	if bp, ok := r.BreakpointAt(b); ok {
		ttl := "5 minutes"
		if bp.TTL == "1h" {
			ttl = "1 hour"
		}
		fmt.Fprintf(&sb, "\n\n**Cache breakpoint** (%s): the request up to the end of this block (tools, system, earlier messages) is %s", ttl, approxTokens(bp.Tokens))
		if m := r.Model; m != nil && bp.Uncached {
			fmt.Fprintf(&sb, "\n- will not be cached: the minimum for `%s` is %s tokens, so every run pays %s for it", m.ID, promptfile.GroupDigits(m.CacheMinTokens), bp.Write)
		} else if m != nil {
			mult := m.Pricing.CacheWrite5m
			if bp.TTL == "1h" {
				mult = m.Pricing.CacheWrite1h
			}
			fmt.Fprintf(&sb, "\n- first run writes it: %s (%s × input)", bp.Write, mult)
			fmt.Fprintf(&sb, "\n- later runs read it: %s (%s × input)", bp.Read, m.Pricing.CacheRead)
		} else {
			sb.WriteString(" · " + noPrice(r))
		}
	}
	sb.WriteString(approxNote(r.Model))
	return sb.String()
}

// renderedBlockOf finds the rendering of a block of the file.
func renderedBlockOf(r *promptfile.Result, b *promptfile.Block) *promptfile.RenderedBlock {
	if r == nil || b == nil {
		return nil
	}
	for _, rb := range r.Blocks {
		if rb.Block == b {
			return rb
		}
	}
	return nil
}

// blockKind names a block for people: the system prompt, message n, a prefill.
func blockKind(msgs messageIndex, rb *promptfile.RenderedBlock) string {
	if rb.Block.Role == promptfile.System {
		return "system prompt"
	}
	n := msgs.number[rb]
	if n == 0 {
		return "message"
	}
	kind := fmt.Sprintf("message %d of %d", n, msgs.total)
	if rb == msgs.last && rb.Block.Role == promptfile.Assistant {
		kind += " · prefill: the reply continues this text"
	}
	return kind
}

// messageIndex numbers the messages that are sent, computed once per request.
type messageIndex struct {
	number map[*promptfile.RenderedBlock]int
	total  int
	last   *promptfile.RenderedBlock
}

func indexMessages(r *promptfile.Result) messageIndex {
	mi := messageIndex{number: map[*promptfile.RenderedBlock]int{}}
	for _, rb := range r.Blocks {
		if rb.Block.Role == promptfile.System || !rb.Sends() {
			continue
		}
		mi.total++
		mi.number[rb] = mi.total
		mi.last = rb
	}
	return mi
}

// hoverModel is the model card and this prompt's cost on every other model.
func hoverModel(r *promptfile.Result, id string, catalog *promptfile.Catalog, counter promptfile.TokenCounter) string {
	if strings.TrimSpace(id) == "" {
		return ""
	}
	var sb strings.Builder
	m := r.Model
	if m == nil || r.ModelID != id {
		// Not the model the file was analyzed with: a card for the id
		// itself when the catalog knows it.
		m = nil
		if catalog != nil {
			m, _ = catalog.Lookup(id)
		}
	}
	if m == nil {
		fmt.Fprintf(&sb, "**`%s`**: unknown model\n\nIts limits and prices are not known, so no cost is shown. Add it to `.claude-ls.yaml` under `models:`", id)
		if catalog != nil {
			if near, ok := promptfile.Nearest(id, catalog.IDs()); ok {
				fmt.Fprintf(&sb, ", or did you mean `%s`?", near)
			} else {
				sb.WriteString(".")
			}
		} else {
			sb.WriteString(".")
		}
	} else {
		writeModelCard(&sb, m)
		if m == r.Model {
			writeThisPrompt(&sb, r)
		}
	}
	if catalog != nil {
		var others []*promptfile.Model
		for _, o := range catalog.Models() {
			if o != m {
				others = append(others, o)
			}
		}
		if rows := promptfile.CompareModels(r, others, counter); len(rows) > 0 {
			title := "This prompt on the other models"
			if m == nil {
				title = "This prompt on the known models"
			}
			fmt.Fprintf(&sb, "\n\n**%s**, cheapest first:\n\n| model | input | input cost | output ≤ |\n|:--|--:|--:|--:|", title)
			for _, row := range rows {
				fmt.Fprintf(&sb, "\n| `%s` | ≈ %s | %s | %s |", row.Model.ID, promptfile.GroupDigits(row.Tokens.Input), row.Tokens.Cost.InputUSD, row.Tokens.Cost.OutputMaxUSD)
			}
		}
	}
	if m != nil && m.Source != "" {
		fmt.Fprintf(&sb, "\n\n[Source](%s)", m.Source)
	}
	sb.WriteString(approxNote(r.Model))
	return sb.String()
}

// writeModelCard writes a model's limits, prices and what it accepts.
func writeModelCard(sb *strings.Builder, m *promptfile.Model) {
	fmt.Fprintf(sb, "**%s** `%s`", m.DisplayName, m.ID)
	if names := append(append([]string{}, m.Aliases...), m.DatedIDs...); len(names) > 0 {
		fmt.Fprintf(sb, " (also `%s`)", strings.Join(names, "`, `"))
	}
	p := &m.Pricing
	perM := func(u promptfile.USD) string { return "$" + u.Decimal() }
	ofInput := func(mult promptfile.Multiplier) string {
		return perM(promptfile.CostOf(1_000_000, p.InputPerMTok, mult))
	}
	fmt.Fprintf(sb, "\n\n- Context window: %s tokens", promptfile.GroupDigits(m.ContextWindow))
	fmt.Fprintf(sb, "\n- Output limit: %s tokens", promptfile.GroupDigits(m.MaxOutput))
	fmt.Fprintf(sb, "\n- Price per MTok: %s in · %s out", perM(p.InputPerMTok), perM(p.OutputPerMTok))
	fmt.Fprintf(sb, "\n- Cache: write %s (5m) · %s (1h) · read %s", ofInput(p.CacheWrite5m), ofInput(p.CacheWrite1h), ofInput(p.CacheRead))
	fmt.Fprintf(sb, "\n- Batch: %s in · %s out",
		perM(promptfile.CostOf(1_000_000, p.InputPerMTok, p.Batch)), perM(promptfile.CostOf(1_000_000, p.OutputPerMTok, p.Batch)))
	if lc := p.LongContext; lc != nil {
		fmt.Fprintf(sb, "\n- Above %s input tokens: %s in · %s out, for the whole request",
			promptfile.GroupDigits(int(lc.ThresholdTokens)), perM(lc.InputPerMTok), perM(lc.OutputPerMTok))
	}
	fmt.Fprintf(sb, "\n- Thinking: %s", thinkingModes(m))
	prefill := "no"
	if m.Prefill {
		prefill = "yes"
	}
	fmt.Fprintf(sb, "\n- Prefill (a final `assistant:` block): %s", prefill)
	if m.CacheMinTokens > 0 {
		fmt.Fprintf(sb, "\n- Cache minimum: %s tokens (a shorter prefix is not cached)", promptfile.GroupDigits(m.CacheMinTokens))
	}
	effort := "none"
	if len(m.Effort) > 0 {
		effort = "`" + strings.Join(m.Effort, "`, `") + "`"
	}
	fmt.Fprintf(sb, "\n- Effort: %s", effort)
	structured := "no"
	if m.StructuredOutputs {
		structured = "yes"
	}
	fmt.Fprintf(sb, "\n- Structured outputs (`format`): %s", structured)
	if len(m.RefusesToolChoice) > 0 {
		fmt.Fprintf(sb, "\n- Refuses `tool_choice` types: `%s`", strings.Join(m.RefusesToolChoice, "`, `"))
	}
	if m.RetiresOn != "" {
		fmt.Fprintf(sb, "\n- **Retires on %s**", m.RetiresOn)
		if m.Successor != "" {
			fmt.Fprintf(sb, " → `%s`", m.Successor)
		}
	}
}

// thinkingModes lists the thinking types a model takes.
func thinkingModes(m *promptfile.Model) string {
	var modes []string
	for _, t := range m.Thinking {
		switch t {
		case "enabled":
			modes = append(modes, "`enabled` (with budget_tokens)")
		default:
			modes = append(modes, "`"+t+"`")
		}
	}
	if m.AcceptsThinking("disabled") {
		modes = append(modes, "`disabled`")
	} else {
		modes = append(modes, "always on (`disabled` is refused)")
	}
	return strings.Join(modes, ", ")
}

// writeThisPrompt writes what this rendering costs on its own model.
func writeThisPrompt(sb *strings.Builder, r *promptfile.Result) {
	c := r.Tokens.Cost
	fmt.Fprintf(sb, "\n\n**This prompt**: %s in · %s · out ≤ %s (max_tokens %s)",
		approxTokens(r.Tokens.Input), c.InputUSD, c.OutputMaxUSD, promptfile.GroupDigits(r.MaxTokens))
	if note := promptfile.EstimateNote(r); note != "" {
		sb.WriteString("\n- " + note)
	}
	if r.Tokens.Cached5m+r.Tokens.Cached1h > 0 {
		fmt.Fprintf(sb, "\n- with its cache: first run %s, later runs %s", c.CacheWriteUSD, c.CacheReadUSD)
	}
	fmt.Fprintf(sb, "\n- batch: %s · out ≤ %s", c.BatchInputUSD, c.BatchOutputMaxUSD)
	if c.LongContext {
		sb.WriteString("\n- priced at the long-context tier")
	}
}

// hoverVar shows a variable's values and where they are written.
func hoverVar(f *promptfile.File, r *promptfile.Result, name string) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "**`{{%s}}`**", name)
	line := func(s promptfile.Span) int { return f.Map.Line(s.Start) + 1 }
	def := r.Vars[name]
	if def != nil {
		fmt.Fprintf(&sb, "\n\n- default: %s (`vars:`, line %d)", showValue(def.Value), line(def.KeyAt))
	}
	var inTests []string
	var first string
	firstFound := false
	for _, tc := range r.Tests {
		v, ok := tc.Vars[name]
		if !ok {
			if def != nil {
				inTests = append(inTests, fmt.Sprintf("  - `%s`: the default", tc.Name))
			} else {
				inTests = append(inTests, fmt.Sprintf("  - `%s`: not set", tc.Name))
			}
			continue
		}
		if !firstFound {
			first, firstFound = tc.Name, true
		}
		where := "tests file"
		if at, ok := tc.VarAt[name]; ok {
			where = fmt.Sprintf("line %d", line(at))
		}
		inTests = append(inTests, fmt.Sprintf("  - `%s`: %s (%s)", tc.Name, showValue(v), where))
	}
	if def == nil && !firstFound {
		fmt.Fprintf(&sb, "\n\nNo value: define it under `vars:`, in a test case, or pass `--var %s=VALUE`.", name)
	} else if def == nil {
		sb.WriteString("\n\n- no default in `vars:`")
	}
	if len(inTests) > 0 && (def != nil || firstFound) {
		sb.WriteString("\n- test cases:\n" + strings.Join(inTests, "\n"))
	}
	uses := 0
	for _, ref := range f.VarRefs(name) { // the query find-references uses
		if ref.Kind == promptfile.VarRefUse {
			uses++
		}
	}
	switch {
	case uses == 0:
		sb.WriteString("\n\nNot used in the text.")
	case def != nil:
		fmt.Fprintf(&sb, "\n\nUsed %s; the editor counts it with the default.", usesText(uses))
	case firstFound:
		fmt.Fprintf(&sb, "\n\nUsed %s; the editor counts it with the value of `%s`.", usesText(uses), first)
	default:
		fmt.Fprintf(&sb, "\n\nUsed %s.", usesText(uses))
	}
	return sb.String()
}

func usesText(n int) string {
	if n == 1 {
		return "once"
	}
	return fmt.Sprintf("%d times", n)
}

// showValue writes a variable's value inline: quoted, cut when long, with
// the number of lines when it has several.
func showValue(v string) string {
	if v == "" {
		return "empty"
	}
	lines := strings.Count(v, "\n") + 1
	first, _, _ := strings.Cut(v, "\n")
	cut := lines > 1
	if utf8.RuneCountInString(first) > 80 {
		first = string([]rune(first)[:80])
		cut = true
	}
	out := "`" + first + "`"
	if strings.Contains(first, "`") {
		out = "`` " + first + " ``"
	}
	if cut {
		out += " …"
	}
	if lines > 1 {
		out += fmt.Sprintf(" (%d lines)", lines)
	}
	return out
}

// hoverKey shows a front matter key's documentation and valid range, from
// the engine's registry of keys.
func hoverKey(r *promptfile.Result, key string, e *promptfile.Entry) string {
	spec, ok := promptfile.LookupKey(key)
	if !ok {
		return ""
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "**`%s`**\n\n%s", key, spec.Doc)
	if v := spec.Range(r); v != "" {
		sb.WriteString("\n\nValid: " + v)
	}
	switch spec.Sent {
	case promptfile.SentInBody:
		sb.WriteString("\n\nSent in the request body.")
	case promptfile.SentAsHeader:
		sb.WriteString("\n\nSent as an HTTP header, not in the body.")
	default:
		sb.WriteString("\n\nNever sent: a key of the `.prompt` format.")
	}
	if key == "system" && e != nil {
		for _, rb := range r.Blocks {
			if rb.Block.Role == promptfile.System && rb.Block.Line == e.KeyAt && rb.Text != "" {
				sb.WriteString("\n\nThis system prompt: " + approxTokens(rb.Tokens))
				if r.Model != nil {
					sb.WriteString(" · " + r.InputCost(rb.Tokens).String())
				} else {
					sb.WriteString(" · " + noPrice(r))
				}
				sb.WriteString(approxNote(r.Model))
			}
		}
	}
	return sb.String()
}

// hoverInclude shows an included file's size and tokens.
func hoverInclude(r *promptfile.Result, t promptfile.Target, read func(string) ([]byte, error)) string {
	var inc *promptfile.IncludeInfo
	for _, x := range r.Includes {
		if x.Block == t.Block && x.Part.Span == t.Part.Span {
			inc = x
		}
	}
	if inc == nil {
		return ""
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "**`%s`**\n\n", t.Name)
	if inc.Failed || inc.Path == "" {
		sb.WriteString("Not read: see the problem reported on it.")
		return sb.String()
	}
	size := len(inc.Text)
	if read != nil {
		if data, err := read(inc.Path); err == nil {
			size = len(data)
		}
	}
	fmt.Fprintf(&sb, "%s · %s", bytesText(size), approxTokens(inc.Tokens))
	if r.Model != nil {
		sb.WriteString(" · " + r.InputCost(inc.Tokens).String() + " input")
	} else {
		sb.WriteString(" · " + noPrice(r))
	}
	fmt.Fprintf(&sb, "\n\n`%s`", inc.Path)
	sb.WriteString(approxNote(r.Model))
	return sb.String()
}

func bytesText(n int) string {
	if n == 1 {
		return "1 byte"
	}
	return promptfile.GroupDigits(n) + " bytes"
}
