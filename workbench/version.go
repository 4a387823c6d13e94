package workbench

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// A prompt's version is its text's hash, and the git commit it ran at.

// gitTimeout bounds every git command: a hung git never hangs a run.
const gitTimeout = 10 * time.Second

// PromptHash identifies a prompt's text, for records and grades.
func PromptHash(src []byte) string {
	h := sha256.Sum256(src)
	return hex.EncodeToString(h[:])[:12]
}

// VersionOf is the hash of src and the git HEAD of root ("" outside git).
func VersionOf(root string, src []byte) (hash, commit string) {
	out, err := git(context.Background(), root, "rev-parse", "--short=12", "HEAD")
	if err == nil {
		commit = strings.TrimSpace(string(out))
	}
	return PromptHash(src), commit
}

// GitShow is the text of path (absolute) at revision rev, read with
// `git show` from path's folder: nothing is checked out.
func GitShow(ctx context.Context, path, rev string) ([]byte, string, error) {
	if strings.HasPrefix(rev, "-") { // git would read it as an option
		return nil, "", fmt.Errorf("%q is not a revision: a revision does not start with \"-\"", rev)
	}
	dir := filepath.Dir(path)
	out, err := git(ctx, dir, "rev-parse", "--short=12", "--end-of-options", rev+"^{commit}")
	if err != nil {
		return nil, "", fmt.Errorf("git cannot find revision %q: %w", rev, err)
	}
	commit := strings.TrimSpace(string(out))
	src, err := git(ctx, dir, "show", commit+":./"+filepath.Base(path))
	if err != nil {
		return nil, "", fmt.Errorf("%s is not in git at %s: %w", filepath.Base(path), rev, err)
	}
	return src, commit, nil
}

// git runs git in dir with a timeout; the error holds git's message.
func git(ctx context.Context, dir string, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, gitTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return nil, fmt.Errorf("%s", firstLine(msg))
		}
		return nil, err
	}
	return out, nil
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}
