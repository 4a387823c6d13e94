// Package scripts holds the tests of the repository's shell scripts.
package scripts

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// TestRelease runs scripts/release.sh as a maintainer does for this
// machine's target, checks the archive against the checksum file and the
// Mason package, and runs the binary. With CLAUDE_LS_DIST set it checks the
// release that folder holds instead: .ci/run builds all six targets there
// first (a cold cross build costs over a minute a target on 2 cores, too
// long for go test's default 10-minute limit on one package).
func TestRelease(t *testing.T) {
	if testing.Short() {
		t.Skip("builds release archives; skipped with -short")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("needs bash")
	}
	all := []string{"linux/amd64", "linux/arm64", "darwin/amd64", "darwin/arm64", "windows/amd64", "windows/arm64"}
	var dist, version string
	var targets []string
	if dist = os.Getenv("CLAUDE_LS_DIST"); dist != "" {
		sums, _ := filepath.Glob(filepath.Join(dist, "claude-ls_*_checksums.txt"))
		if len(sums) != 1 {
			t.Fatalf("CLAUDE_LS_DIST=%s holds checksum files %v, want one (scripts/release.sh makes it)", dist, sums)
		}
		version = strings.TrimSuffix(strings.TrimPrefix(filepath.Base(sums[0]), "claude-ls_"), "_checksums.txt")
		targets = all
	} else {
		dist = t.TempDir()
		version = "9.8.7-test"
		targets = []string{runtime.GOOS + "/" + runtime.GOARCH}
		cmd := exec.Command("bash", append([]string{"release.sh"}, targets...)...)
		cmd.Env = append(os.Environ(), "DIST="+dist, "VERSION=v"+version)
		start := time.Now()
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("release.sh: %v\n%s", err, out)
		}
		t.Logf("release.sh %v took %s", targets, time.Since(start).Round(time.Second))
	}

	want := map[string]bool{}
	for _, target := range targets {
		goos, goarch, _ := strings.Cut(target, "/")
		ext := ".tar.gz"
		if goos == "windows" {
			ext = ".zip"
		}
		want["claude-ls_"+version+"_"+goos+"_"+goarch+ext] = true
	}

	sums := readChecksums(t, filepath.Join(dist, "claude-ls_"+version+"_checksums.txt"))
	if len(sums) != len(want) {
		t.Errorf("checksum file lists %d archives, want %d: %v", len(sums), len(want), sums)
	}
	for name := range want {
		sum, ok := sums[name]
		if !ok {
			t.Errorf("checksum file lacks %s", name)
			continue
		}
		data, err := os.ReadFile(filepath.Join(dist, name))
		if err != nil {
			t.Fatal(err)
		}
		got := sha256.Sum256(data)
		if hex.EncodeToString(got[:]) != sum {
			t.Errorf("%s: sha256 %x, checksum file says %s", name, got, sum)
		}
		files := archiveFiles(t, filepath.Join(dist, name))
		exe := "claude-ls"
		if strings.HasSuffix(name, ".zip") {
			exe = "claude-ls.exe"
		}
		for _, f := range []string{exe, "README.md", "LICENSE"} {
			if !files[f] {
				t.Errorf("%s lacks %s at its top; has %v", name, f, files)
			}
		}
	}

	checkMason(t, version, all, func(file, bin string) {
		if !want[file] {
			return // not built in this run
		}
		if !archiveFiles(t, filepath.Join(dist, file))[bin] {
			t.Errorf("mason package.yaml: %s has no %s", file, bin)
		}
	})

	// The binary for this machine runs and says the stamped version.
	if runtime.GOOS == "windows" {
		return
	}
	archive := filepath.Join(dist, "claude-ls_"+version+"_"+runtime.GOOS+"_"+runtime.GOARCH+".tar.gz")
	unpack := t.TempDir()
	if out, err := exec.Command("tar", "-xzf", archive, "-C", unpack).CombinedOutput(); err != nil {
		t.Fatalf("tar: %v\n%s", err, out)
	}
	bin := filepath.Join(unpack, "claude-ls")
	got, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil {
		t.Fatalf("%s version: %v\n%s", bin, err, got)
	}
	if strings.TrimSpace(string(got)) != "claude-ls "+version {
		t.Errorf("version prints %q, want %q", got, "claude-ls "+version)
	}
}

// readChecksums reads a sha256sum file: "<hex>  <name>" a line.
func readChecksums(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sums := map[string]string{}
	scan := bufio.NewScanner(f)
	for scan.Scan() {
		sum, name, ok := strings.Cut(scan.Text(), "  ")
		if !ok || len(sum) != 64 {
			t.Fatalf("%s: bad line %q", path, scan.Text())
		}
		sums[name] = sum
	}
	return sums
}

// archiveFiles lists the regular files in a .tar.gz or .zip.
func archiveFiles(t *testing.T, path string) map[string]bool {
	t.Helper()
	files := map[string]bool{}
	if strings.HasSuffix(path, ".zip") {
		r, err := zip.OpenReader(path)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		for _, f := range r.File {
			if !f.FileInfo().IsDir() {
				files[f.Name] = true
			}
		}
		return files
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return files
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if h.Typeflag == tar.TypeReg {
			files[h.Name] = true
		}
	}
}

// masonTargets maps Mason's target names to GOOS/GOARCH.
var masonTargets = map[string]string{
	"darwin_x64": "darwin/amd64", "darwin_arm64": "darwin/arm64",
	"linux_x64": "linux/amd64", "linux_arm64": "linux/arm64",
	"win_x64": "windows/amd64", "win_arm64": "windows/arm64",
}

// checkMason reads the Mason package definition
// (editors/neovim/mason/packages/claude-ls/package.yaml): every release
// target has an asset, and each asset's file, with version put in, is
// handed to found with the binary it names.
func checkMason(t *testing.T, version string, targets []string, found func(file, bin string)) {
	t.Helper()
	data, err := os.ReadFile("../editors/neovim/mason/packages/claude-ls/package.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var pkg struct {
		Name   string `yaml:"name"`
		Source struct {
			ID    string `yaml:"id"`
			Asset []struct {
				Target string `yaml:"target"`
				File   string `yaml:"file"`
				Bin    string `yaml:"bin"`
			} `yaml:"asset"`
		} `yaml:"source"`
		Bin map[string]string `yaml:"bin"`
	}
	if err := yaml.Unmarshal(data, &pkg); err != nil {
		t.Fatalf("mason package.yaml: %v", err)
	}
	if pkg.Name != "claude-ls" || !strings.HasPrefix(pkg.Source.ID, "pkg:github/claude-ls/claude-ls@v") ||
		pkg.Bin["claude-ls"] != "{{source.asset.bin}}" {
		t.Errorf("mason package.yaml: name %q, source %q, bin %v", pkg.Name, pkg.Source.ID, pkg.Bin)
	}
	covered := map[string]bool{}
	for _, a := range pkg.Source.Asset {
		target, ok := masonTargets[a.Target]
		if !ok {
			t.Errorf("mason package.yaml: target %q is not one release.sh builds", a.Target)
			continue
		}
		covered[target] = true
		file := strings.ReplaceAll(a.File, `{{ version | strip_prefix "v" }}`, version)
		found(file, a.Bin)
	}
	for _, target := range targets {
		if !covered[target] {
			t.Errorf("mason package.yaml has no asset for %s", target)
		}
	}
}

// TestReleaseVersionIsTheExtensionVersion: a release (X.Y.Z) whose version
// is not the VS Code extension's is refused before anything is built, so
// the archives and the .vsix never carry different versions.
func TestReleaseVersionIsTheExtensionVersion(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("needs bash")
	}
	dist := t.TempDir()
	cmd := exec.Command("bash", "release.sh", "linux/amd64")
	cmd.Env = append(os.Environ(), "DIST="+dist, "VERSION=v999.0.0")
	out, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "releasing 999.0.0, but editors/vscode/package.json says ") {
		t.Errorf("release.sh with a version the extension does not have: %v\n%s", err, out)
	}
	if entries, _ := os.ReadDir(dist); len(entries) != 0 {
		t.Errorf("built %d files before refusing", len(entries))
	}
}
