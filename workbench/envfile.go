package workbench

import (
	"errors"
	"io/fs"
	"path/filepath"
	"regexp"

	"github.com/joho/godotenv"
)

// EnvPath is the .env file of a workspace.
func EnvPath(root string) string { return filepath.Join(root, ".env") }

// ReadEnvFile reads the workspace's .env through the workspace reader;
// exists is false when there is none.
func ReadEnvFile(root string) (data []byte, exists bool, err error) {
	data, err = ReadFile(root, EnvPath(root))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	return data, err == nil, err
}

// KeyMove is what moving a key written in a prompt into .env does to .env:
// one edit, replacing env[Start:End] with NewText.
type KeyMove struct {
	Title      string // for the quick fix; never holds the key
	Start, End int
	NewText    string
	Change     bool // false: .env already sets the key to this value
}

// keyAssignment matches a .env line that sets the key, as dotenv loaders
// read it: group 2 is the value, without its quotes.
var keyAssignment = regexp.MustCompile(`(?m)^[ \t]*(?:export[ \t]+)?` + KeyVar + `[ \t]*=[ \t]*(["']?)(.*?)(?:["']?)[ \t]*\r?$`)

// PlanKeyMove sets KeyVar to key in env (the text of .env, nil when it does
// not exist), keeping everything else: the first assignment (the one
// loaders keep) gets the new value in place, quotes and `export` kept;
// without one, a line is appended.
func PlanKeyMove(env []byte, key string) KeyMove {
	parsed, _ := godotenv.UnmarshalBytes(env)
	if current, set := parsed[KeyVar]; set && current == key {
		return KeyMove{Title: "Remove the key (.env already sets " + KeyVar + " to it)"}
	}
	if m := keyAssignment.FindSubmatchIndex(env); m != nil {
		return KeyMove{Title: "Move the key to .env, replacing its " + KeyVar, Start: m[4], End: m[5], NewText: key, Change: true}
	}
	line := KeyVar + "=" + key + "\n"
	if len(env) > 0 && env[len(env)-1] != '\n' {
		line = "\n" + line
	}
	return KeyMove{Title: "Move the key to .env", Start: len(env), End: len(env), NewText: line, Change: true}
}
