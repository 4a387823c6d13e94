package workbench

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// SkipDir names the folders a search for prompts does not enter:
// SkipWatch's, and testdata (test fixtures, broken on purpose, as go test
// treats them).
func SkipDir(name string) bool { return SkipWatch(name) || name == "testdata" }

// SkipWatch names the folders the editor does not watch for changes to
// prompts and the files they include: hidden ones (.git, .claude-ls) and
// node_modules.
func SkipWatch(name string) bool { return strings.HasPrefix(name, ".") || name == "node_modules" }

// FindPrompts lists the .prompt files under root, sorted, without
// entering the folders SkipDir names or following links to folders.
// Unreadable folders are passed over.
func FindPrompts(root string) []string {
	var out []string
	WalkDirs(root, SkipDir, func(dir string, entries []fs.DirEntry) {
		for _, e := range entries {
			if !e.IsDir() && strings.HasSuffix(e.Name(), ".prompt") {
				out = append(out, filepath.Join(dir, e.Name()))
			}
		}
	})
	sort.Strings(out)
	return out
}

// WalkDirs calls visit for root and every folder under it whose name skip
// does not refuse, with its entries; links to folders are not followed.
func WalkDirs(root string, skip func(name string) bool, visit func(dir string, entries []fs.DirEntry)) {
	filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil
		}
		if path != root && skip(d.Name()) {
			return filepath.SkipDir
		}
		entries, _ := os.ReadDir(path)
		visit(path, entries)
		return nil
	})
}

// IsDir says whether path is a folder (not following a final link).
func IsDir(path string) bool {
	fi, err := os.Lstat(path)
	return err == nil && fi.IsDir()
}

// Entry is a file or folder an include may name.
type Entry struct {
	Name  string
	IsDir bool
}

// ListIncludable lists dir for completing a path a prompt includes: hidden
// entries, links that lead out of root, and the prompt itself (self) are
// left out; nothing is listed when dir is outside root.
func ListIncludable(root, dir, self string) []Entry {
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return nil
	}
	realDir, err := filepath.EvalSymlinks(dir)
	if err != nil || !inside(realRoot, realDir) {
		return nil
	}
	entries, err := os.ReadDir(realDir)
	if err != nil {
		return nil
	}
	realSelf, _ := filepath.EvalSymlinks(self)
	var out []Entry
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		full := filepath.Join(realDir, name)
		isDir := e.IsDir()
		if e.Type()&os.ModeSymlink != 0 {
			target, err := filepath.EvalSymlinks(full)
			if err != nil || !inside(realRoot, target) {
				continue // a link out of the workspace is not offered
			}
			fi, err := os.Stat(target)
			if err != nil {
				continue
			}
			full, isDir = target, fi.IsDir()
		}
		if self != "" && full == realSelf {
			continue // a prompt does not include itself
		}
		out = append(out, Entry{Name: name, IsDir: isDir})
	}
	return out
}

// inside says whether path is root or under it.
func inside(root, path string) bool {
	rel, err := filepath.Rel(root, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
