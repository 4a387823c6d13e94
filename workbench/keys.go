// Package workbench runs prompts against the Anthropic API, counts them
// exactly, records usage and spending, and exports them as code. The API key
// it uses is never written anywhere.
package workbench

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/joho/godotenv"

	"github.com/claude-ls/claude-ls/promptfile"
)

// KeyVar is the environment variable that holds the key.
const KeyVar = "ANTHROPIC_API_KEY"

// ErrNoKey says where a key is looked for.
var ErrNoKey = errors.New("no API key: set " + KeyVar + " in the environment, or put " + KeyVar + "=… in a .env file at the workspace root")

// Key is an API key and where it came from; its String never shows it.
type Key struct {
	value  string
	Source string // "environment" or the .env path
}

func (k Key) String() string { return "key from " + k.Source }

// LoadKey finds the key: the environment first, else root/.env.
func LoadKey(root string) (Key, error) {
	if v := strings.TrimSpace(os.Getenv(KeyVar)); v != "" {
		return Key{value: v, Source: "environment"}, nil
	}
	path := filepath.Join(root, ".env")
	env, err := readEnv(root)
	if err == nil {
		if v := strings.TrimSpace(env[KeyVar]); v != "" {
			return Key{value: v, Source: path}, nil
		}
	}
	return Key{}, ErrNoKey
}

// BaseURL is ANTHROPIC_BASE_URL from the environment or .env, else "".
func BaseURL(root string) string {
	if v := os.Getenv("ANTHROPIC_BASE_URL"); v != "" {
		return v
	}
	if env, err := readEnv(root); err == nil {
		return env["ANTHROPIC_BASE_URL"]
	}
	return ""
}

// readEnv parses root/.env, read as every workspace file is (ReadFile): a
// FIFO or a link to /dev/zero there is refused, not waited on.
func readEnv(root string) (map[string]string, error) {
	data, err := ReadFile(root, EnvPath(root))
	if err != nil {
		return nil, err
	}
	return godotenv.UnmarshalBytes(data)
}

// EnvNotIgnoredMessage is the warning for a .env that git would commit.
const EnvNotIgnoredMessage = ".env holds a key (" + KeyVar + " or " + AdminKeyVar + ") but git does not ignore it: add .env to .gitignore so the key is never committed"

// EnvNotIgnored reports a .env at root that holds a key while git does not
// ignore it: it would be committed.
func EnvNotIgnored(root string) bool {
	env, err := readEnv(root)
	if err != nil || env[KeyVar] == "" && env[AdminKeyVar] == "" {
		return false
	}
	if _, err := os.Stat(filepath.Join(root, ".git")); err != nil {
		return false // not a git repository: nothing to commit it to
	}
	cmd := exec.Command("git", "-C", root, "check-ignore", "-q", ".env")
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) && exit.ExitCode() == 1 {
			return true // git answered: not ignored
		}
		return !gitignoreMentions(root) // no git binary: read .gitignore ourselves
	}
	return false
}

func gitignoreMentions(root string) bool {
	data, err := ReadFile(root, filepath.Join(root, ".gitignore"))
	if err != nil {
		return false
	}
	for _, line := range strings.Split(string(data), "\n") {
		switch strings.TrimSpace(line) {
		case ".env", "/.env", ".env*", "*.env":
			return true
		}
	}
	return false
}

// Redact removes the key and anything that looks like a key from text
// before it is shown or stored.
func (k Key) Redact(text string) string {
	if k.value != "" {
		text = strings.ReplaceAll(text, k.value, "[redacted key]")
	}
	return promptfile.RedactKeys(text)
}
