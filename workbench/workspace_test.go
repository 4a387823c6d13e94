//go:build !windows

package workbench

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/claude-ls/claude-ls/promptfile"
)

// hostileRoot is a workspace holding every file kind ReadFile must refuse,
// and two it must read.
func hostileRoot(t *testing.T) string {
	t.Helper()
	root, _ := filepath.EvalSymlinks(t.TempDir())
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(filepath.Join(root, "ok.prompt"), []byte("hello"), 0o644))
	must(os.Mkdir(filepath.Join(root, "sub"), 0o755))
	must(os.Symlink("../ok.prompt", filepath.Join(root, "sub", "link.prompt")))
	must(syscall.Mkfifo(filepath.Join(root, "fifo.prompt"), 0o644))
	must(os.Symlink("/dev/zero", filepath.Join(root, "zero.prompt")))
	must(os.Symlink("/dev/stdin", filepath.Join(root, "stdin.prompt")))
	must(os.Symlink("/etc/passwd", filepath.Join(root, "passwd.prompt")))
	must(os.Mkdir(filepath.Join(root, "folder.prompt"), 0o755))
	f, err := os.Create(filepath.Join(root, "huge.prompt"))
	must(err)
	must(f.Truncate(2 << 30)) // sparse: 2 GiB that take no disk
	f.Close()
	return root
}

func TestReadFileRefusesWhatIsNotARegularFileInside(t *testing.T) {
	root := hostileRoot(t)
	cases := []struct {
		name string
		want error
		says string
	}{
		{"fifo.prompt", ErrNotRegular, "named pipe"},
		{"zero.prompt", ErrNotRegular, "character device"},
		{"passwd.prompt", ErrOutside, "/etc/passwd"},
		{"folder.prompt", ErrNotRegular, "a folder"},
		{"huge.prompt", promptfile.ErrTooLarge, "2048 MiB"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(root, c.name)
			done := make(chan error, 1)
			go func() { _, err := ReadFile(root, path); done <- err }()
			select {
			case err := <-done:
				if !errors.Is(err, c.want) {
					t.Fatalf("ReadFile(%s) = %v, want %v", c.name, err, c.want)
				}
				if !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), c.says) {
					t.Errorf("the error %q should name the file and say %q", err, c.says)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("ReadFile(%s) blocked", c.name)
			}
		})
	}
	// /dev/stdin is whatever the test runs with: a terminal, a pipe, /dev/null
	// or a file outside the workspace; each is refused.
	if _, err := ReadFile(root, filepath.Join(root, "stdin.prompt")); err == nil {
		t.Error("a link to /dev/stdin was read")
	}
}

func TestReadFileReadsRegularFilesAndLinksInside(t *testing.T) {
	root := hostileRoot(t)
	for _, name := range []string{"ok.prompt", "sub/link.prompt"} {
		data, err := ReadFile(root, filepath.Join(root, name))
		if err != nil || string(data) != "hello" {
			t.Errorf("ReadFile(%s) = %q, %v", name, data, err)
		}
	}
	if _, err := ReadFile(root, filepath.Join(root, "missing.prompt")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing file: %v, want fs.ErrNotExist", err)
	}
	// A relative path, as the command line passes it.
	wd, _ := os.Getwd()
	defer os.Chdir(wd)
	os.Chdir(root)
	if data, err := ReadFile(root, "ok.prompt"); err != nil || string(data) != "hello" {
		t.Errorf("relative path: %q, %v", data, err)
	}
}

func TestHostileDotEnvAndConfigAreRefusedAtOnce(t *testing.T) {
	for _, target := range []string{"fifo", "/dev/zero", "/dev/stdin"} {
		root, _ := filepath.EvalSymlinks(t.TempDir())
		for _, name := range []string{".env", ConfigName} {
			p := filepath.Join(root, name)
			if target == "fifo" {
				syscall.Mkfifo(p, 0o644)
			} else {
				os.Symlink(target, p)
			}
		}
		t.Setenv(KeyVar, "")
		done := make(chan struct{})
		var openErr, keyErr error
		go func() {
			defer close(done)
			_, openErr = Open(root, nil)
			_, keyErr = LoadKey(root)
			BaseURL(root)
			EnvNotIgnored(root)
		}()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf(".env and config as %s: blocked", target)
		}
		if openErr == nil || !strings.Contains(openErr.Error(), ConfigName) {
			t.Errorf("config as %s: %v, want an error naming it", target, openErr)
		}
		if !errors.Is(keyErr, ErrNoKey) {
			t.Errorf(".env as %s: %v", target, keyErr)
		}
	}
}

// TestPlantedRecordsFileIsRefused: a FIFO or a link committed as
// .claude-ls/runs.jsonl neither hangs reading nor writing, and a link out of
// the workspace is never written through.
func TestPlantedRecordsFileIsRefused(t *testing.T) {
	outside := filepath.Join(t.TempDir(), "victim")
	os.WriteFile(outside, []byte("keep\n"), 0o644)
	for kind, plant := range map[string]func(string) error{
		"fifo": func(p string) error { return syscall.Mkfifo(p, 0o644) },
		"link": func(p string) error { return os.Symlink(outside, p) },
	} {
		root, _ := filepath.EvalSymlinks(t.TempDir())
		os.MkdirAll(filepath.Join(root, DataDir), 0o755)
		if err := plant(recordsPath(root)); err != nil {
			t.Fatal(err)
		}
		done := make(chan [2]error, 1)
		go func() {
			_, err := ReadRecords(root)
			done <- [2]error{err, AppendRecord(root, Record{Time: time.Now(), Model: "m"}, Key{})}
		}()
		select {
		case errs := <-done:
			if errs[0] == nil || errs[1] == nil {
				t.Errorf("%s: read %v, write %v; want both refused", kind, errs[0], errs[1])
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: reading or writing records blocked", kind)
		}
	}
	if data, _ := os.ReadFile(outside); string(data) != "keep\n" {
		t.Errorf("a file outside the workspace was written: %q", data)
	}
}
