package promptfile

import "github.com/claude-ls/claude-ls/promptfile/tokencount"

// The figures the offline estimate is made of. Sources and the table of
// documented cases they reproduce: docs/estimate.md (written by
// `go test ./promptfile -run TestEstimateTable -update`).

// tokenizerGen is one generation of Claude's tokenizer as the estimate
// models it: Claude tokens per cl100k token of each kind of text, and the
// tokens the API adds around the text.
type tokenizerGen struct {
	name string
	// typical is Claude tokens per cl100k token of typical text: the
	// catalog's token_factor of the generation's models. A model's
	// token_factor (or its calibrated ratio) scales the estimate by
	// token_factor / typical.
	typical float64
	kinds   [tokencount.NumKinds]float64
	// Tokens the API adds: request framing with its first message, each
	// further message, a system prompt, each tool definition, thinking on.
	request, message, system, tool, thinking float64
}

// genBefore47 is the tokenizer of the models before Opus 4.7. Claude ÷
// cl100k on English prose ≈ 1.07–1.16 (a 187K-token book); code and
// non-English text higher (Anthropic: tiktoken "undercounts Claude tokens by
// ~15–20% on typical text, and by much more on code or non-English input").
// Framing: "Hi" → 8 and "Hello, Claude" → 10 on claude-sonnet-4-6.
var genBefore47 = &tokenizerGen{
	name:    "the tokenizer before Opus 4.7",
	typical: 1.2,
	kinds: [tokencount.NumKinds]float64{
		tokencount.KindShort:    1.03,
		tokencount.KindWord:     1.2,
		tokencount.KindIdent:    1.25,
		tokencount.KindDigit:    1.0,
		tokencount.KindCJK:      1.1,
		tokencount.KindCyrillic: 1.2,
		tokencount.KindArabic:   1.2,
		tokencount.KindOther:    1.5,
		tokencount.KindPunct:    1.2,
		tokencount.KindSpace:    1.0,
	},
	request: 7, message: 3, system: 0, tool: 22, thinking: 28,
}

// gen47 is the tokenizer of Opus 4.7 and later (Fable 5.2 included): per
// kind, the older factor × the measured ratio new ÷ old (English prose
// ≈ 1.2–1.46, code ≈ 1.13–1.39; CJK, Cyrillic, Arabic, digits ≈ 1.0).
// Its request framing is fitted to the token-counting page's examples
// (which name claude-opus-5-5): they are made of short common words, which
// the ratio measured on long prose overstates.
var gen47 = &tokenizerGen{
	name:    "the tokenizer of Opus 4.7 and later",
	typical: 1.55,
	kinds: [tokencount.NumKinds]float64{
		tokencount.KindShort:    1.3,
		tokencount.KindWord:     1.2 * 1.6,
		tokencount.KindIdent:    1.25 * 1.3,
		tokencount.KindDigit:    1.0,
		tokencount.KindCJK:      1.1,
		tokencount.KindCyrillic: 1.2,
		tokencount.KindArabic:   1.2,
		tokencount.KindOther:    1.5,
		tokencount.KindPunct:    1.2 * 1.25,
		tokencount.KindSpace:    1.0,
	},
	request: 4, message: 3, system: 0, tool: 22, thinking: 20,
}

// olderTokenizer lists the models that count with genBefore47; every other
// model, and any model the catalog learns later, counts with gen47:
// over- rather than under-estimating is the safer default.
var olderTokenizer = map[string]bool{
	"claude-opus-4-6":   true,
	"claude-sonnet-4-6": true,
	"claude-opus-4-5":   true,
	"claude-sonnet-4-5": true,
	"claude-haiku-4-5":  true,
}

// toolPrompt is the tool-use system prompt the API adds once to a request
// with tools: tokens for tool_choice auto or none, and any or tool. From
// the tool-use overview's pricing table.
type toolPrompt struct{ auto, forced int }

const toolUseSource = "https://platform.claude.com/docs/en/agents-and-tools/tool-use/overview#pricing"

var toolPrompts = map[string]toolPrompt{
	"claude-opus-5":     {286, 406},
	"claude-opus-4-8":   {290, 410},
	"claude-opus-4-7":   {675, 804},
	"claude-opus-4-6":   {497, 589},
	"claude-sonnet-4-6": {497, 589},
	"claude-opus-4-5":   {496, 588},
	"claude-haiku-4-5":  {496, 588},
	"claude-sonnet-5":   {354, 474},
}

// nearestToolPrompt names, for the models the table has no row for, the
// nearest family's row: the same generation and tier.
var nearestToolPrompt = map[string]string{
	"claude-opus-5-5":   "claude-opus-5",
	"claude-sonnet-5-5": "claude-sonnet-5",
	"claude-haiku-5-5":  "claude-sonnet-5",
	"claude-fable-5":    "claude-opus-5",
	"claude-fable-5-1":  "claude-opus-5",
	"claude-fable-5-2":  "claude-opus-5",
}

// Anthropic-defined client tools add their own prompt (tool-use overview).
var toolTypeTokens = map[string]int{
	"bash":        245,
	"text_editor": 700,
}
