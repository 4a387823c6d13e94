// Package testcorpus builds a reproducible real-text corpus from files found
// on the machine (Go sources and licence texts), for tests and benchmarks of
// package tokencount.
package testcorpus

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"
)

// Roots are where the corpus comes from.
var (
	GoRoot      = "/usr/local/go/src"
	LicenceRoot = "/usr/share/common-licenses"
)

// Files returns the corpus files in a fixed order: one licence text after
// every 8 Go files (cycling through the licences), so that prose and code
// are mixed at every scale. It returns nil if the roots are absent.
func Files() []string {
	var licences, gofiles []string
	filepath.WalkDir(LicenceRoot, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			licences = append(licences, p)
		}
		return nil
	})
	filepath.WalkDir(GoRoot, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && (d.Name() == "testdata" || d.Name() == "vendor") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, ".go") {
			gofiles = append(gofiles, p)
		}
		return nil
	})
	sort.Strings(licences)
	sort.Strings(gofiles)
	if len(gofiles) == 0 || len(licences) == 0 {
		return nil
	}
	var out []string
	for i, g := range gofiles {
		out = append(out, g)
		if i%8 == 7 {
			out = append(out, licences[(i/8)%len(licences)])
		}
	}
	return out
}

// Build concatenates the corpus files up to size bytes (cut back to a rune
// boundary). It returns "" if the files are absent.
func Build(size int) string {
	var b strings.Builder
	b.Grow(size + 64<<10)
	for _, f := range Files() {
		if b.Len() >= size {
			break
		}
		data, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		b.Write(data)
	}
	s := b.String()
	if len(s) < size {
		return ""
	}
	for size > 0 && !utf8.RuneStart(s[size]) {
		size--
	}
	return s[:size]
}
