package workbench

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"time"

	"github.com/claude-ls/claude-ls/promptfile"
)

// SpendOptions choose what GatherSpend gathers.
type SpendOptions struct {
	Since time.Time // zero: every record; for the organisation, the last 30 days
	// Org wants the organisation's figures: without an admin key that is
	// ErrNoAdminKey (or the key's problem), and a refusal is the error.
	Org bool
	// OrgIfKey takes the organisation's figures in when an admin key is
	// there; a refusal is then only OrgErr.
	OrgIfKey bool
}

// SpendView is the workspace's recorded spend, and the organisation's when
// asked for: what `claude-ls usage`, its page and the editor's show.
type SpendView struct {
	Report  UsageReport
	Org     *OrgReport
	OrgErr  error // the organisation's figures could not be had (OrgIfKey)
	Skipped int   // record lines skipped: damaged, or too long
	Now     time.Time
}

// GatherSpend gathers the spend of the workspace at root, priced on catalog.
func GatherSpend(ctx context.Context, root string, catalog *promptfile.Catalog, o SpendOptions) (*SpendView, error) {
	records, skipped, err := ScanRecords(root)
	if err != nil {
		return nil, err
	}
	v := &SpendView{Skipped: skipped, Now: time.Now()}
	v.Report = SummarizeWith(records, o.Since, v.Now, catalog)
	if !o.Org && !o.OrgIfKey {
		return v, nil
	}
	key, err := LoadAdminKey(root)
	switch {
	case err != nil && o.Org:
		return nil, err
	case err != nil:
		return v, nil
	}
	from := o.Since
	if from.IsZero() {
		from = v.Now.UTC().AddDate(0, 0, -29) // the Console's default: the last 30 days
	}
	org, err := NewAdminClient(key, BaseURL(root)).FetchOrg(ctx, from, v.Now, records)
	switch {
	case err != nil && (o.Org || errors.Is(err, context.Canceled)):
		return nil, err
	case err != nil:
		v.OrgErr = err
	default:
		v.Org = &org
	}
	return v, nil
}

// WritePage writes the spend pictured (one self-contained HTML page) to
// path, through a temporary file so a planted link is never followed.
func (v *SpendView) WritePage(path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return WriteFile(path, []byte(UsagePage(v.Report, v.Org, v.Now)))
}

// UsagePagePath is where the editor's usage report is written.
func UsagePagePath(root string) string { return filepath.Join(root, DataDir, "usage.html") }
