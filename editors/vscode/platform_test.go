package vscode

import (
	"archive/zip"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/claude-ls/claude-ls/internal/npmtest"
)

// vscodePlatform is VS Code's name for this machine's platform.
func vscodePlatform() string {
	os := map[string]string{"linux": "linux", "darwin": "darwin", "windows": "win32"}[runtime.GOOS]
	arch := map[string]string{"amd64": "x64", "arm64": "arm64"}[runtime.GOARCH]
	return os + "-" + arch
}

// TestPlatformPackages runs package-platforms.sh for this machine's platform
// and checks both .vsix files: the platform one declares its platform and
// carries an executable claude-ls in extension/bin/ that runs; the
// universal one has no bin/ (it uses PATH). The extension's preference for
// its bin/ over PATH is in test/unit/binary.test.ts; it is seen working in
// a real VS Code in editors/vscode/e2e.
func TestPlatformPackages(t *testing.T) {
	if testing.Short() {
		t.Skip("builds claude-ls and two .vsix files")
	}
	npmtest.Install(t, ".")
	defer npmtest.Lock(t, ".")()
	var pkg struct{ Version string }
	data, err := os.ReadFile("package.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &pkg); err != nil {
		t.Fatal(err)
	}
	platform := vscodePlatform()
	out := t.TempDir()
	cmd := exec.Command("bash", "package-platforms.sh", platform)
	cmd.Env = append(os.Environ(), "OUT="+out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("package-platforms.sh %s: %v\n%s", platform, err, b)
	}
	if _, err := os.Stat("bin"); err == nil {
		t.Errorf("package-platforms.sh left editors/vscode/bin behind")
	}

	exe := "claude-ls"
	if runtime.GOOS == "windows" {
		exe += ".exe"
	}
	platformVsix := filepath.Join(out, "claude-ls-"+platform+"-"+pkg.Version+".vsix")
	files := vsixFiles(t, platformVsix)
	bin, ok := files["extension/bin/"+exe]
	if !ok {
		t.Fatalf("%s has no extension/bin/%s: %v", platformVsix, exe, keys(files))
	}
	if runtime.GOOS != "windows" && bin.Mode()&0o111 == 0 {
		t.Errorf("extension/bin/%s is not executable in the .vsix: %v", exe, bin.Mode())
	}
	manifest := readEntry(t, files["extension.vsixmanifest"])
	if !strings.Contains(manifest, `TargetPlatform="`+platform+`"`) {
		t.Errorf("the manifest of %s does not say TargetPlatform=%q:\n%s", platformVsix, platform, manifest)
	}
	// The bundled server runs.
	path := filepath.Join(t.TempDir(), exe)
	if err := os.WriteFile(path, []byte(readEntry(t, bin)), 0o755); err != nil {
		t.Fatal(err)
	}
	version, err := exec.Command(path, "version").CombinedOutput()
	if err != nil || !strings.HasPrefix(string(version), "claude-ls ") {
		t.Errorf("the bundled claude-ls version: %v: %s", err, version)
	}

	universal := vsixFiles(t, filepath.Join(out, "claude-ls-"+pkg.Version+".vsix"))
	for name := range universal {
		if strings.HasPrefix(name, "extension/bin/") {
			t.Errorf("the universal .vsix carries %s", name)
		}
	}
	if strings.Contains(readEntry(t, universal["extension.vsixmanifest"]), "TargetPlatform") {
		t.Errorf("the universal .vsix names a target platform")
	}
}

func vsixFiles(t *testing.T, path string) map[string]*zip.File {
	t.Helper()
	r, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	files := map[string]*zip.File{}
	for _, f := range r.File {
		files[f.Name] = f
	}
	return files
}

func readEntry(t *testing.T, f *zip.File) string {
	t.Helper()
	if f == nil {
		t.Fatal("missing entry")
	}
	rc, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func keys(m map[string]*zip.File) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
