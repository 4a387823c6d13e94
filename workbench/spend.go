package workbench

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/claude-ls/claude-ls/promptfile"
)

// The spending guard. Every run, test run and batch of a workspace, from any
// terminal or editor, goes through Reserve: under a lock shared by every
// process, it adds the request's worst case to what the month already holds
// (recorded spend, runs in flight, batches whose results are not in) and
// refuses what would pass the budget. A reservation ends in Settle, which
// records the real cost and drops the reservation in one step.

// GuardError is a run the spending guard stopped: refused by the budget, or
// not confirmed by the user.
type GuardError struct {
	Message string
	// Unconfirmed: the run needed a yes, and the user said no or could not
	// be asked; otherwise the budget refused it.
	Unconfirmed bool
}

func (e *GuardError) Error() string { return e.Message }

// Spend is what a reservation asks for.
type Spend struct {
	Worst  promptfile.USD // every request's worst case together
	N      int            // how many requests
	Priced bool           // false: a model has no prices, so the worst case is unknown
	Batch  bool
}

// Asker asks the user a yes/no question; nil means nobody can be asked.
type Asker func(question string) bool

// reservation is one run in flight, as kept in .claude-ls/reserved.json.
type reservation struct {
	ID    string         `json:"id"`
	PID   int            `json:"pid"`
	Worst promptfile.USD `json:"worst_usd"`
	Time  time.Time      `json:"time"`
}

// Reservation is a granted Spend; Settle or Release ends it.
type Reservation struct {
	root string
	id   string
	done bool
}

// staleAfter drops reservations of processes that died without settling
// where liveness cannot be checked.
const staleAfter = 24 * time.Hour

func reservedPath(root string) string  { return filepath.Join(root, DataDir, "reserved.json") }
func guardLockPath(root string) string { return filepath.Join(root, DataDir, "guard.lock") }

// Reserve applies the spending guard to s. Above the confirmation threshold,
// or with an unknown price under a budget, it asks first (outside the lock:
// an answer may take long); then, under the lock, it refuses what would pass
// the monthly budget and otherwise reserves the worst case.
func (w *Workspace) Reserve(s Spend, budget *promptfile.MonthlyBudget, ask Asker) (*Reservation, error) {
	if budget != nil && budget.Invalid != nil {
		return nil, &GuardError{Message: fmt.Sprintf("%s:%d:%d: the budget is invalid (%s): fix it before running", ConfigName, budget.Invalid.Line, budget.Invalid.Col, budget.Invalid.Msg)}
	}
	what, it := "this run", "it"
	if s.N > 1 {
		what, it = fmt.Sprintf("these %d requests", s.N), "them"
	}
	if budget != nil {
		question := ""
		switch {
		case !s.Priced && (budget.MonthlyUSD > 0 || budget.ConfirmAboveUSD > 0):
			question = fmt.Sprintf("the cost of %s is unknown (the model has no prices), so the budget cannot be checked", what)
		case budget.ConfirmAboveUSD > 0 && s.Worst > budget.ConfirmAboveUSD:
			question = fmt.Sprintf("%s may cost up to %s (input and max_tokens of output), above the confirmation threshold of %s", what, s.Worst, budget.ConfirmAboveUSD)
		}
		if question != "" && (ask == nil || !ask(question+". Run "+it+"?")) {
			return nil, &GuardError{Message: question, Unconfirmed: true}
		}
	}
	r := &Reservation{root: w.Root, id: fmt.Sprintf("%d-%d", os.Getpid(), time.Now().UnixNano())}
	err := withGuardLock(w.Root, func() error {
		held, err := loadReserved(w.Root)
		if err != nil {
			return err
		}
		if budget != nil && budget.MonthlyUSD > 0 {
			spent, err := w.committed(held)
			if err != nil {
				return err
			}
			if spent+s.Worst > budget.MonthlyUSD {
				return &GuardError{Message: fmt.Sprintf("refused: %s may cost up to %s, and %s of the monthly budget of %s is spent or held by runs in flight (%s left); raise budget.monthly_usd in %s to go on",
					what, s.Worst, spent, budget.MonthlyUSD, max(budget.MonthlyUSD-spent, 0), ConfigName)}
			}
		}
		held = append(held, reservation{ID: r.id, PID: os.Getpid(), Worst: s.Worst, Time: time.Now().UTC()})
		return saveReserved(w.Root, held)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// committed is the month's recorded spend, plus the worst case of runs in
// flight and of batches whose results are not recorded.
func (w *Workspace) committed(held []reservation) (promptfile.USD, error) {
	records, err := ReadRecords(w.Root)
	if err != nil {
		return 0, err
	}
	total := MonthSpend(records, time.Now())
	for _, h := range held {
		total += h.Worst
	}
	return total + PendingBatchWorst(w.Root), nil
}

// PendingBatchWorst is the worst case of every batch of the workspace whose
// results are not yet recorded.
func PendingBatchWorst(root string) promptfile.USD {
	entries, _ := os.ReadDir(BatchesDir(root))
	var total promptfile.USD
	for _, e := range entries {
		id, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok {
			continue
		}
		if m, err := LoadManifest(root, id); err == nil && !m.Recorded {
			total += m.WorstUSD
		}
	}
	return total
}

// Settle records what the run cost and ends the reservation, in one step
// under the lock, so the spend is never counted twice nor lost.
func (r *Reservation) Settle(recs []Record, key Key) error {
	if r.done {
		return appendRecords(r.root, recs, key)
	}
	r.done = true
	return withGuardLock(r.root, func() error {
		err := appendRecords(r.root, recs, key)
		if rerr := r.drop(); err == nil {
			err = rerr
		}
		return err
	})
}

// Release ends a reservation that spent nothing (the request was never
// sent, or a batch now counts through its manifest).
func (r *Reservation) Release() {
	if r == nil || r.done {
		return
	}
	r.done = true
	withGuardLock(r.root, r.drop)
}

func (r *Reservation) drop() error {
	held, err := loadReserved(r.root)
	if err != nil {
		return err
	}
	kept := held[:0]
	for _, h := range held {
		if h.ID != r.id {
			kept = append(kept, h)
		}
	}
	return saveReserved(r.root, kept)
}

func appendRecords(root string, recs []Record, key Key) error {
	if len(recs) == 0 {
		return nil
	}
	for _, rec := range recs {
		if err := AppendRecord(root, rec, key); err != nil {
			return err
		}
	}
	return nil
}

// loadReserved reads the reservations in flight, dropping those of
// processes that are gone.
func loadReserved(root string) ([]reservation, error) {
	data, err := ReadFile(root, reservedPath(root)) // never waits on a FIFO
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var held []reservation
	if json.Unmarshal(data, &held) != nil {
		return nil, nil // damaged: every writer rewrites it whole under the lock
	}
	live := held[:0]
	for _, h := range held {
		if processAlive(h.PID) && time.Since(h.Time) < staleAfter {
			live = append(live, h)
		}
	}
	return live, nil
}

func saveReserved(root string, held []reservation) error {
	if held == nil {
		held = []reservation{}
	}
	data, err := json.Marshal(held)
	if err != nil {
		return err
	}
	return writeFileAtomic(reservedPath(root), append(data, '\n'))
}

// withGuardLock runs f holding the workspace's guard lock, shared by every
// process that spends in this workspace.
func withGuardLock(root string, f func() error) error {
	if err := os.MkdirAll(filepath.Join(root, DataDir), 0o755); err != nil {
		return err
	}
	ensureIgnored(root)
	lf, err := os.OpenFile(guardLockPath(root), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return err
	}
	defer lf.Close()
	if err := lockFile(lf); err != nil {
		return fmt.Errorf("locking %s: %w", guardLockPath(root), err)
	}
	defer unlockFile(lf)
	return f()
}

// WorstCase is a rendering's most expensive outcome: input uncached and
// every max_tokens of output.
func WorstCase(res *promptfile.Result) promptfile.USD {
	if res.Model == nil {
		return 0
	}
	return res.Tokens.Cost.InputUSD + res.Tokens.Cost.OutputMaxUSD
}
