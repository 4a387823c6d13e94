package workbench

import (
	"bytes"
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

// KeyMove is what moving a key written in a prompt into .env does to .env.
type KeyMove struct {
	Title  string // for the quick fix; never holds the key
	NewEnv []byte // the whole new .env
	Change bool   // false: .env already sets the key to this value
}

// keyLine matches a .env line that sets the key, as dotenv loaders read it.
var keyLine = regexp.MustCompile(`(?m)^[ \t]*(?:export[ \t]+)?` + KeyVar + `[ \t]*=.*(?:\r?\n|$)`)

// PlanKeyMove sets KeyVar to key in env (the text of .env, nil when it does
// not exist), keeping every other line: an existing assignment is replaced
// in place, otherwise the line is appended.
func PlanKeyMove(env []byte, key string) KeyMove {
	line := KeyVar + "=" + key + "\n"
	parsed, _ := godotenv.UnmarshalBytes(env)
	current, set := parsed[KeyVar]
	switch {
	case set && current == key:
		return KeyMove{Title: "Remove the key (.env already sets " + KeyVar + " to it)", NewEnv: env}
	case set && keyLine.Match(env):
		first := true
		out := keyLine.ReplaceAllFunc(env, func([]byte) []byte {
			if first { // loaders keep the first assignment; later ones go
				first = false
				return []byte(line)
			}
			return nil
		})
		return KeyMove{Title: "Move the key to .env, replacing its " + KeyVar, NewEnv: out, Change: true}
	}
	out := bytes.Clone(env)
	if len(out) > 0 && out[len(out)-1] != '\n' {
		out = append(out, '\n')
	}
	return KeyMove{Title: "Move the key to .env", NewEnv: append(out, line...), Change: true}
}
