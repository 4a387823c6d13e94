package workbench

import (
	"fmt"

	"github.com/claude-ls/claude-ls/promptfile"
)

// Verdict is what the spending guard says about a run.
type Verdict int

const (
	Allow   Verdict = iota
	Confirm         // worst case above the confirmation threshold: ask first
	Refuse          // would pass the monthly budget
)

// Guard decides on a run from its worst-case cost (all input uncached plus
// max_tokens of output), the month's recorded spend and the budget.
func Guard(worst promptfile.USD, monthSpent promptfile.USD, b *promptfile.MonthlyBudget) (Verdict, string) {
	if b == nil {
		return Allow, ""
	}
	if b.MonthlyUSD > 0 && monthSpent+worst > b.MonthlyUSD {
		return Refuse, fmt.Sprintf("refused: this run may cost up to %s, and %s of the monthly budget of %s is already spent (%s left); raise budget.monthly_usd in .claude-ls.yaml to go on",
			worst, monthSpent, b.MonthlyUSD, max(b.MonthlyUSD-monthSpent, 0))
	}
	if b.ConfirmAboveUSD > 0 && worst > b.ConfirmAboveUSD {
		return Confirm, fmt.Sprintf("this run may cost up to %s (input and %s of output), above the confirmation threshold of %s", worst, "max_tokens", b.ConfirmAboveUSD)
	}
	return Allow, ""
}

// WorstCase is a rendering's most expensive outcome: input uncached and
// every max_tokens of output.
func WorstCase(res *promptfile.Result) promptfile.USD {
	if res.Model == nil {
		return 0
	}
	return res.Tokens.Cost.InputUSD + res.Tokens.Cost.OutputMaxUSD
}
