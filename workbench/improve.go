package workbench

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/claude-ls/claude-ls/promptfile"
)

// improveMeta is the prompt improver's own system prompt.
const improveMeta = `You improve prompts written as .prompt files for the Anthropic Messages API.

The file format: optional YAML front matter between --- lines (model, max_tokens, vars, tests and
other request keys), then blocks that each start with a role line that is exactly "system:",
"user:" or "assistant:". {{name}} is a variable, {{! text }} a comment, {{file "path"}} an include;
\{{ is a literal {{. There is no other template syntax.

Rewrite the prompt so that it gets better replies: state the task and the audience clearly, give
the model structure (XML tags around inputs, a clear output format), add a short example when it
helps, and ask for step-by-step reasoning where the task needs it. Keep:
- every variable, spelled exactly as it is ({{name}}), and every include;
- the front matter keys and values (model, max_tokens, vars, tests, ...), unchanged;
- the file's language and intent.

Answer with the complete improved file and nothing else, inside <prompt_file> and </prompt_file>.`

// ImproveOptions choose how Improve asks.
type ImproveOptions struct {
	Goal      string // what the user wants better, in their words; "" for a general improvement
	Model     string // the model that improves; "" for the prompt's own model
	MaxTokens int    // default 8192
	Budget    *promptfile.MonthlyBudget
}

// Improvement is an improved prompt.
type Improvement struct {
	Text  string // the whole improved file
	Model string // the model that wrote it
	Reply *Reply
}

// RejectedError is a helper's answer that cannot be used as it is: the
// improved file has errors or lost a variable.
type RejectedError struct {
	Message string
	Text    string // what the model answered
}

func (e *RejectedError) Error() string { return e.Message }

// Improve asks a model to rewrite the prompt, under the spending guard and
// recorded with Kind "improve". The answer must still pass check and keep
// every variable, else a *RejectedError says what was lost.
func Improve(ctx context.Context, p Prompt, opts ImproveOptions, h Hooks) (*Improvement, error) {
	res := p.Analyze(promptfile.Options{})
	if err := checkClean(res); err != nil {
		return nil, err
	}
	model := p.WS.helperModel(opts.Model, res)
	if model == "" {
		return nil, &ProblemsError{Result: res, Message: "no model to improve it with: pass one"}
	}
	if opts.MaxTokens <= 0 {
		opts.MaxTokens = 8192
	}
	user := "<prompt_file>\n" + string(p.Src) + "\n</prompt_file>\n"
	if g := strings.TrimSpace(opts.Goal); g != "" {
		user += "\nWhat to improve, in the author's words: " + g + "\n"
	}
	reply, err := assist(ctx, p, assistRequest{Kind: "improve", Model: model, System: improveMeta, User: user,
		MaxTokens: opts.MaxTokens, Budget: opts.Budget}, h)
	if err != nil {
		return nil, err
	}
	text := extractFile(reply.Text)
	out := &Improvement{Text: text, Model: model, Reply: reply}
	after := p.withSrc([]byte(text)).Analyze(promptfile.Options{})
	if d := after.FirstError(); d != nil {
		return out, &RejectedError{Text: text, Message: fmt.Sprintf("the improved prompt does not pass check: line %d: %s", after.File.Map.Line(d.Span.Start)+1, d.Message)}
	}
	if lost := missing(PromptVars(res), PromptVars(after)); len(lost) > 0 {
		return out, &RejectedError{Text: text, Message: "the improved prompt lost the variable" + plural(len(lost)) + " " + strings.Join(quoteAll(lost), ", ")}
	}
	return out, nil
}

// checkClean refuses a prompt with errors, as check would report them.
func checkClean(res *promptfile.Result) error {
	if d := res.FirstError(); d != nil {
		msg := fmt.Sprintf("line %d: %s", res.File.Map.Line(d.Span.Start)+1, d.Message)
		if n := res.ErrorCount(); n > 1 {
			msg = fmt.Sprintf("%d errors; the first, %s", n, msg)
		}
		return &ProblemsError{Result: res, Message: msg}
	}
	return nil
}

// withSrc is p with other text.
func (p Prompt) withSrc(src []byte) Prompt {
	p.Src = src
	return p
}

// extractFile takes the file out of a reply: between <prompt_file> tags,
// else without a Markdown fence around it, else the reply itself.
func extractFile(reply string) string {
	s := reply
	if i := strings.Index(s, "<prompt_file>"); i >= 0 {
		s = s[i+len("<prompt_file>"):]
		if j := strings.LastIndex(s, "</prompt_file>"); j >= 0 {
			s = s[:j]
		}
	} else if t := strings.TrimSpace(s); strings.HasPrefix(t, "```") {
		t = t[strings.IndexByte(t+"\n", '\n')+1:]
		s = strings.TrimSuffix(strings.TrimRight(t, "\n"), "```")
	}
	return strings.Trim(s, "\n") + "\n"
}

// PromptVars lists every variable a prompt names, sorted: defined under
// vars, used in the body or in the front matter's system string.
func PromptVars(res *promptfile.Result) []string {
	seen := map[string]bool{}
	for name := range res.Vars {
		seen[name] = true
	}
	if res.File != nil {
		for _, b := range res.File.Blocks {
			for _, part := range b.Parts {
				if part.Kind == promptfile.Variable {
					seen[part.Name] = true
				}
			}
		}
		for _, part := range res.File.SystemParts() {
			if part.Kind == promptfile.Variable {
				seen[part.Name] = true
			}
		}
	}
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// missing is what of want is not in have.
func missing(want, have []string) []string {
	in := map[string]bool{}
	for _, h := range have {
		in[h] = true
	}
	var out []string
	for _, w := range want {
		if !in[w] {
			out = append(out, w)
		}
	}
	return out
}

func quoteAll(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = "{{" + n + "}}"
	}
	return out
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
