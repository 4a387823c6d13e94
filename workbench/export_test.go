package workbench

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/claude-ls/claude-ls/internal/npmtest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	// The exports for API version 2023-06-01 import SDK v1: this keeps it
	// in go.mod and go.sum, so the exported programs build offline.
	_ "github.com/anthropics/anthropic-sdk-go"

	"github.com/claude-ls/claude-ls/internal/fakeapi"
	"github.com/claude-ls/claude-ls/promptfile"
)

// exportCase is a prompt (with the files it includes) and the options it
// is rendered with.
type exportCase struct {
	name   string
	files  map[string]string // "a.prompt" and what it includes
	vars   map[string]string
	test   string
	stream bool // the export streams
}

// nasty holds what breaks string literals, shells and format strings.
var nasty = map[string]string{
	"first-name": "Ada \"the Countess\" O'Brien \\ `tick` ${HOME} $(echo pwned) $HOME %s {braces} {{x}}",
	"first_name": "line one\nline two\r\n\ttabbed\x01 control\u2028separator",
	"type":       "tides 🌊 潮汐 — é ∑ \u00a0nbsp \"quoted\"",
	"class":      "C:\\path\\to\\file.txt and \\n not a newline",
	"client":     "ends with white space  \n\n  ",
	"persona":    "a patient teacher who says \"{hello}\" and '$(whoami)'",
}

var exportCases = []exportCase{
	{name: "plain", files: map[string]string{"a.prompt": "---\nmodel: claude-sonnet-4-6\nmax_tokens: 256\n---\nExplain tides in one sentence.\n"}},
	{name: "cached", stream: true, files: map[string]string{
		"a.prompt": `---
model: claude-sonnet-4-6
max_tokens: 32000
stop_sequences: ["</answer>", "STOP"]
metadata: {user_id: user-42}
service_tier: standard_only
---
system: cache=1h
You review contracts. Quote clauses exactly, with "double" and 'single' quotes.

user: cache
{{file "contract.md"}}

assistant:
I have read the contract.

user:
List the termination clauses.
`,
		"contract.md": "# Contract\n\n1. Either party may end this with `30 days` notice.\n2. Fees: $100 \\ month.\n",
	}},
	{name: "thinking-tools", stream: true, files: map[string]string{"a.prompt": `---
model: claude-sonnet-4-6
max_tokens: 8192
thinking:
  type: enabled
  budget_tokens: 2048
tools:
  - name: get_weather
    description: Current weather at a place.
    input_schema:
      type: object
      properties:
        location: {type: string, description: 'City, e.g. "Porto"'}
        x-unit: {type: string, enum: [metric, imperial]}
        température: {type: number, minimum: -90.5, maximum: 60}
        $ref-like: {type: boolean, default: false}
        nothing: {type: "null", default: null}
        __proto__: {type: string}
      required: [location]
tool_choice: {type: any}
vars:
  city: Reykjavík
---
system:
Answer with tools.

user:
What is the weather in {{city}}?
`}},
	{name: "legacy", stream: true, vars: map[string]string{"tone": "warm \"and\" playful"}, files: map[string]string{"a.prompt": `---
model: claude-haiku-4-5
anthropic_version: 2023-06-01
max_tokens: 30000
temperature: 0.2
top_k: 40
stop_sequences:
  - "</tagline>"
vars:
  business: a bakery in Leeds
  tone: warm
---
system:
You write taglines.

user:
Write one tagline for {{business}}. The tone should be {{tone}}.

assistant:
<tagline>
`}},
	{name: "variables", vars: nasty, test: "second", files: map[string]string{"a.prompt": `---
model: claude-sonnet-4-6
max_tokens: 1024
system: "You are {{persona}}. {{! not sent }}"
vars:
  persona: x
  first-name: x
  first_name: x
  type: x
  class: x
  client: x
  plain: kept as "is"
tests:
  - name: first
    plain: not this one
  - name: second
    plain: from the test case \ with a backslash
---
user:
Dear {{first-name}} ({{first_name}}),
tell me about {{type}} at {{class}}; {{plain}}. Literal \{{braces}} and ${shell} and $(cmd) and ` + "`ticks`" + ` and {single} and %d.
Again: {{type}}.

assistant:
Noted, {{first-name}}.

user:
One more thing: {{client}}
`}},
}

// mediaCase has an image, a PDF and a text document (read by the program
// when it runs), tool turns with a variable in a call's input, and a
// server tool.
var mediaCase = exportCase{name: "media-tools", files: map[string]string{
	"a.prompt": `---
model: claude-sonnet-4-6
max_tokens: 512
tools:
  - name: get_tide
    description: Tide times for a port.
    input_schema: {type: object, properties: {port: {type: string}}}
  - {type: web_search_20260318, max_uses: 2}
vars:
  port: Brest
---
user:
Here is the dialog, the bulletin and my notes about {{port}}.
{{image "shot.png"}}
{{document "bulletin.pdf"}}
{{document "notes.txt"}}

assistant:
Let me check the tides.

tool_use: get_tide id=toolu_01
port: {{port}}

tool_result: id=toolu_01
High water 05:41.

user:
Answer briefly.
`,
	"shot.png":     string(mustBase64("iVBORw0KGgoAAAANSUhEUgAAAUAAAADICAIAAAAWZq/8AAACl0lEQVR42u3dqxHCQBSG0RQFBg8Wg45AUgGVUAkaDLiUQAe8BIMO+DCrMhduOP8cGQX53Ga2Gk1mQFKVnwAEDAgYEDAIGBAwEB/wdVUXdJ9/7ucF3eeXx0WBPwYEDAIWMAhYwCBgQMAgYAGDgAUMAgYBCxgcpQQEDAgYBAwIGBAwIGBIHvDl/gCSEjAIGBAwIGAQMCBgQMCAgEHAgIABAYOAy07jKRBMwCBgAYOAAQGDgAUMAgYEDHwj4PZ8g4/kJ2AELGABI2ABCxgBCxgBI2AELGABI2ABg4AFjIARMAIWsIARsIARMD5mAAELGAQMCBgQMAhYwCBgQMBA3wEDbicEBAwIGAQMCBgQMAgYEDAgYEDAIGAgY8BbMwtfbwG3ZhY+AZsJWMBmAjYzAZsJWMBmAjazxAGvLWReZQELWMAmYAEL2ARsAjYBC9gELGABm4BNwCZgE7BFBWxmAjYzAZsJWMBmAjYzAZsJWMBmAjaznAEDbmYABAwIGAQMCBgQMAgYEDAgYEDAIGAgY8COlZv5GsnMBGwmYAGbCdjMBGxmAjYTsIDN/iNg1465gswELGAzAQvYBCxgAZuABWwmYAGbgAUsYBOwgAVswwrYzARsZgI2E7CAzQRsZgI2E7CAzQRsZjkDBtzMAAgYEDAIGBAwIGAQMCBgQMCAgEHAgIABAQMCBgEDAgYEDAIGBAwIGBAwCBgQMCBghmd3aHgTMAIWMAhYwCBgASNgAQsYAQsYBCxgELCAEbCAIXXAmx+bgBGwgAWMgAUMAhYwCFjACFjAXhcELGAQsIDBQQ4BI2ABg4AFDAIWMAIWsIARsIBBwAIGAQsYAQsYSEjAIGBAwICAQcCAgAEBAwIGAQMCBgQMAgYEDIR6AZNWJG8Y4/oWAAAAAElFTkSuQmCC")),
	"bulletin.pdf": string(mustBase64("JVBERi0xLjQKMSAwIG9iago8PCAvVHlwZSAvQ2F0YWxvZyAvUGFnZXMgMiAwIFIgPj4KZW5kb2JqCjIgMCBvYmoKPDwgL1R5cGUgL1BhZ2VzIC9LaWRzIFszIDAgUiA1IDAgUl0gL0NvdW50IDIgPj4KZW5kb2JqCjMgMCBvYmoKPDwgL1R5cGUgL1BhZ2UgL1BhcmVudCAyIDAgUiAvTWVkaWFCb3ggWzAgMCA2MTIgNzkyXSAvQ29udGVudHMgNCAwIFIgL1Jlc291cmNlcyA8PCAvRm9udCA8PCAvRjEgNyAwIFIgPj4gPj4gPj4KZW5kb2JqCjQgMCBvYmoKPDwgL0xlbmd0aCA3MyA+PgpzdHJlYW0KQlQgL0YxIDEyIFRmIDcyIDcyMCBUZCAxNCBUTAooVGlkZSByZXBvcnQ6IGhpZ2ggd2F0ZXIgYXQgMDY6MTIuKSBUaiBUKgpFVAplbmRzdHJlYW0KZW5kb2JqCjUgMCBvYmoKPDwgL1R5cGUgL1BhZ2UgL1BhcmVudCAyIDAgUiAvTWVkaWFCb3ggWzAgMCA2MTIgNzkyXSAvQ29udGVudHMgNiAwIFIgL1Jlc291cmNlcyA8PCAvRm9udCA8PCAvRjEgNyAwIFIgPj4gPj4gPj4KZW5kb2JqCjYgMCBvYmoKPDwgL0xlbmd0aCA3NSA+PgpzdHJlYW0KQlQgL0YxIDEyIFRmIDcyIDcyMCBUZCAxNCBUTAooTG93IHdhdGVyIGF0IDEyOjMwIFwoc3ByaW5nIHRpZGVcKS4pIFRqIFQqCkVUCmVuZHN0cmVhbQplbmRvYmoKNyAwIG9iago8PCAvVHlwZSAvRm9udCAvU3VidHlwZSAvVHlwZTEgL0Jhc2VGb250IC9IZWx2ZXRpY2EgPj4KZW5kb2JqCnhyZWYKMCA4CjAwMDAwMDAwMDAgNjU1MzUgZiAKMDAwMDAwMDAwOSAwMDAwMCBuIAowMDAwMDAwMDU4IDAwMDAwIG4gCjAwMDAwMDAxMjEgMDAwMDAgbiAKMDAwMDAwMDI0NyAwMDAwMCBuIAowMDAwMDAwMzcwIDAwMDAwIG4gCjAwMDAwMDA0OTYgMDAwMDAgbiAKMDAwMDAwMDYyMSAwMDAwMCBuIAp0cmFpbGVyCjw8IC9TaXplIDggL1Jvb3QgMSAwIFIgPj4Kc3RhcnR4cmVmCjY5MQolJUVPRgo=")),
	"notes.txt":    "Spring tides \"soon\" $HOME `tick`.\r\nSecond line.\n\n",
}}

func mustBase64(s string) []byte {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

func init() { exportCases = append(exportCases, mediaCase) }

// writeCaseFiles puts every case's files but its prompt in dir, where the
// exported programs run and read their images and documents.
func writeCaseFiles(t *testing.T, dir string) {
	t.Helper()
	for _, c := range exportCases {
		for name, data := range c.files {
			if name != "a.prompt" {
				if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}

// renderCase writes the case's files and renders it as `claude-ls render` would.
func renderCase(t *testing.T, c exportCase) (*promptfile.Result, promptfile.Options) {
	t.Helper()
	dir := t.TempDir()
	for name, text := range c.files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, "a.prompt")
	opts := promptfile.Options{Path: path, Vars: c.vars, Test: c.test, Strict: true}
	res := promptfile.Analyze(promptfile.Parse([]byte(c.files["a.prompt"])), &promptfile.Workspace{Root: dir, ReadFile: os.ReadFile}, opts)
	for _, d := range res.Diagnostics {
		if d.Severity == promptfile.Error {
			t.Fatalf("%s: %s: %s", c.name, d.Code, d.Message)
		}
	}
	return res, opts
}

func exportCaseTo(t *testing.T, c exportCase, lang string) (string, *promptfile.Result) {
	t.Helper()
	res, opts := renderCase(t, c)
	out, err := Export(res, lang, opts)
	if err != nil {
		t.Fatalf("%s/%s: %v", c.name, lang, err)
	}
	if promptfile.ContainsKey([]byte(out)) || strings.Contains(out, testKey) {
		t.Fatalf("%s/%s: a key in the program", c.name, lang)
	}
	return out, res
}

// programEnv is the environment an exported program runs in: the fake
// API's address, a fake key, and nothing that would send it elsewhere.
func programEnv(api *fakeapi.Server, extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch strings.ToLower(name) {
		case "anthropic_api_key", "anthropic_base_url", "anthropic_auth_token", "http_proxy", "https_proxy", "all_proxy", "no_proxy":
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "ANTHROPIC_API_KEY="+testKey, "ANTHROPIC_BASE_URL="+api.URL, "NO_PROXY=127.0.0.1,localhost", "no_proxy=127.0.0.1,localhost")
	return append(env, extra...)
}

// checkSent asserts the fake API got exactly the rendered request, once,
// with the file's API version, and that the program printed the reply.
func checkSent(t *testing.T, label string, api *fakeapi.Server, res *promptfile.Result, stream bool, stdout string) {
	t.Helper()
	reqs := api.Requests()
	if len(reqs) != 1 || reqs[0].Path != "/v1/messages" {
		t.Errorf("%s: %d requests, want one to /v1/messages", label, len(reqs))
		if len(reqs) == 0 {
			return
		}
	}
	req := reqs[0]
	var sent, want map[string]any
	if err := json.Unmarshal(req.Body, &sent); err != nil {
		t.Fatalf("%s: body is not JSON: %v\n%s", label, err, req.Body)
	}
	rendered, _ := res.Request.MarshalJSON()
	json.Unmarshal(rendered, &want)
	if got := sent["stream"]; (got == true) != stream {
		t.Errorf("%s: stream = %v, want %v", label, got, stream)
	}
	delete(sent, "stream")
	a, _ := json.MarshalIndent(sent, "", "  ")
	b, _ := json.MarshalIndent(want, "", "  ")
	if !bytes.Equal(a, b) {
		t.Errorf("%s: sent\n%s\nwant\n%s", label, a, b)
	}
	if got := req.Header.Get("anthropic-version"); got != res.Version {
		t.Errorf("%s: anthropic-version = %q, want %q", label, got, res.Version)
	}
	if req.Header.Get("x-api-key") != testKey && req.Header.Get("Authorization") != "Bearer "+testKey {
		t.Errorf("%s: the key was not sent", label)
	}
	if stdout != api.Reply+"\n" {
		t.Errorf("%s: printed %q, want the reply", label, stdout)
	}
}

func run(t *testing.T, dir string, env []string, name string, args ...string) (string, error) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil {
		err = fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String(), err
}

// need skips a test whose tool is missing, except in CI, where it fails.
func need(t *testing.T, what, hint string) {
	t.Helper()
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is missing (CI is set, so this fails rather than skips): %s", what, hint)
	}
	t.Skipf("%s is missing: %s", what, hint)
}

func TestExportGoRunsAgainstFakeAPI(t *testing.T) {
	if testing.Short() {
		t.Skip("builds Go programs")
	}
	gomod, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	gosum, _ := os.ReadFile("../go.sum")
	// One module holds every program; it requires what this one does, so
	// everything resolves from the module cache, with no network.
	dir := t.TempDir()
	writeCaseFiles(t, dir)
	mod := regexp.MustCompile(`(?m)^module .*$`).ReplaceAll(gomod, []byte("module exported"))
	os.WriteFile(filepath.Join(dir, "go.mod"), mod, 0o644)
	os.WriteFile(filepath.Join(dir, "go.sum"), gosum, 0o644)
	results := map[string]*promptfile.Result{}
	for _, c := range exportCases {
		out, res := exportCaseTo(t, c, "go")
		results[c.name] = res
		os.MkdirAll(filepath.Join(dir, c.name), 0o755)
		os.WriteFile(filepath.Join(dir, c.name, "main.go"), []byte(out), 0o644)
	}
	env := append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOSUMDB=off", "GOWORK=off", "GOTOOLCHAIN=local")
	if _, err := run(t, dir, env, "go", "vet", "./..."); err != nil {
		t.Fatal(err)
	}
	if _, err := run(t, dir, env, "go", "build", "-o", filepath.Join(dir, "bin")+string(filepath.Separator), "./..."); err != nil {
		t.Fatal(err)
	}
	for _, c := range exportCases {
		api := fakeapi.New()
		out, err := run(t, dir, programEnv(api), filepath.Join(dir, "bin", c.name))
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
		} else {
			checkSent(t, "go/"+c.name, api, results[c.name], c.stream, out)
		}
		api.Close()
	}
}

// nodeModules is where the tests' npm packages are installed (npm ci).
func nodeModules(t *testing.T) string {
	t.Helper()
	npmtest.Install(t, filepath.Join("testdata", "node"))
	dir, _ := filepath.Abs(filepath.Join("testdata", "node", "node_modules"))
	if _, err := exec.LookPath("node"); err != nil {
		need(t, "node", "install Node.js 20 or later")
	}
	return dir
}

func TestExportTypeScriptAndJavaScriptRunAgainstFakeAPI(t *testing.T) {
	modules := nodeModules(t)
	dir := t.TempDir()
	writeCaseFiles(t, dir)
	// Node finds the SDK through node_modules beside the programs.
	if err := os.Symlink(modules, filepath.Join(dir, "node_modules")); err != nil {
		t.Fatal(err)
	}
	var tsFiles []string
	results := map[string]*promptfile.Result{}
	for _, c := range exportCases {
		ts, res := exportCaseTo(t, c, "ts")
		js, _ := exportCaseTo(t, c, "js")
		results[c.name] = res
		os.WriteFile(filepath.Join(dir, c.name+".ts"), []byte(ts), 0o644)
		os.WriteFile(filepath.Join(dir, c.name+".js.mjs"), []byte(js), 0o644)
		tsFiles = append(tsFiles, c.name+".ts")
	}
	// As ES modules, the way they run.
	os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{"type": "module"}`), 0o644)
	env := os.Environ()
	bin := filepath.Join(modules, ".bin")
	// The TypeScript compiler checks the types; esbuild strips them, as a
	// user's build would, and node runs the result.
	args := append([]string{"--noEmit", "--strict", "--target", "es2022", "--module", "nodenext", "--types", "node", "--skipLibCheck"}, tsFiles...)
	if out, err := run(t, dir, env, filepath.Join(bin, "tsc"), args...); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, c := range exportCases {
		if _, err := run(t, dir, env, filepath.Join(bin, "esbuild"), c.name+".ts", "--format=esm", "--outfile="+c.name+".ts.mjs", "--log-level=warning"); err != nil {
			t.Fatal(err)
		}
		for _, lang := range []string{"ts", "js"} {
			api := fakeapi.New()
			out, err := run(t, dir, programEnv(api), "node", c.name+"."+lang+".mjs")
			if err != nil {
				t.Errorf("%s/%s: %v", lang, c.name, err)
			} else {
				checkSent(t, lang+"/"+c.name, api, results[c.name], c.stream, out)
			}
			api.Close()
		}
	}
}

func TestExportCurlRunsAgainstFakeAPI(t *testing.T) {
	for _, tool := range []string{"curl", "sh", "awk", "jq"} {
		if _, err := exec.LookPath(tool); err != nil {
			need(t, tool, "install it (Debian: apt-get install "+tool+")")
		}
	}
	shells := []string{"sh"}
	if _, err := exec.LookPath("bash"); err == nil {
		shells = append(shells, "bash")
	}
	dir := t.TempDir()
	writeCaseFiles(t, dir)
	for _, c := range exportCases {
		out, res := exportCaseTo(t, c, "curl")
		script := filepath.Join(dir, c.name+".sh")
		os.WriteFile(script, []byte(out), 0o755)
		for _, sh := range shells {
			api := fakeapi.New()
			stdout, err := run(t, dir, programEnv(api), sh, script)
			if err != nil {
				t.Errorf("%s/%s: %v", sh, c.name, err)
			} else {
				checkSent(t, "curl/"+sh+"/"+c.name, api, res, c.stream, stdout)
			}
			api.Close()
		}
	}
}

// The script takes the variables as arguments, in order, and sends them
// exactly; without jq it prints the API's answer as it came.
func TestExportCurlArgumentsAndNoJQ(t *testing.T) {
	for _, tool := range []string{"curl", "sh", "awk"} {
		if _, err := exec.LookPath(tool); err != nil {
			need(t, tool, "install it")
		}
	}
	c := exportCases[3] // legacy: business, tone
	out, _ := exportCaseTo(t, c, "curl")
	dir := t.TempDir()
	script := filepath.Join(dir, "legacy.sh")
	os.WriteFile(script, []byte(out), 0o755)
	// A PATH with the tools the script needs but not jq.
	bin := filepath.Join(dir, "bin")
	os.Mkdir(bin, 0o755)
	for _, tool := range []string{"curl", "awk", "sed", "cat", "printf"} {
		if p, err := exec.LookPath(tool); err == nil {
			os.Symlink(p, filepath.Join(bin, tool))
		}
	}
	api := fakeapi.New()
	defer api.Close()
	business := "a shop for \"quotes\", \\backslashes\\ and\nnew lines  "
	env := append(programEnv(api), "PATH="+bin)
	sh, _ := exec.LookPath("sh")
	stdout, err := run(t, dir, env, sh, script, business)
	if err != nil {
		t.Fatal(err)
	}
	want := c
	want.vars = map[string]string{"business": business, "tone": c.vars["tone"]}
	res, _ := renderCase(t, want)
	var sent map[string]any
	json.Unmarshal(api.Last("/v1/messages").Body, &sent)
	msgs := sent["messages"].([]any)
	if got := msgs[0].(map[string]any)["content"]; got != res.Request.Messages[0].Content[0].Text {
		t.Errorf("sent %q\nwant %q", got, res.Request.Messages[0].Content[0].Text)
	}
	if !strings.Contains(stdout, `"content_block_delta"`) {
		t.Errorf("without jq the script should print the answer as it came:\n%s", stdout)
	}
}

func TestExportPythonCompilesAndSendsTheRequest(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		need(t, "python3", "install Python 3")
	}
	stub, _ := filepath.Abs(filepath.Join("testdata", "python"))
	dir := t.TempDir()
	writeCaseFiles(t, dir)
	for _, c := range exportCases {
		out, res := exportCaseTo(t, c, "python")
		prog := filepath.Join(dir, strings.ReplaceAll(c.name, "-", "_")+".py")
		os.WriteFile(prog, []byte(out), 0o644)
		env := append(os.Environ(), "PYTHONDONTWRITEBYTECODE=1")
		if _, err := run(t, dir, env, python, "-m", "py_compile", prog); err != nil {
			t.Errorf("%s: %v\n%s", c.name, err, out)
			continue
		}
		// The SDK cannot be installed here: a stand-in with its calling
		// conventions (testdata/python/anthropic) posts what the program
		// asks for, which shows the literals are right.
		api := fakeapi.New()
		stdout, err := run(t, dir, programEnv(api, "PYTHONPATH="+stub, "PYTHONDONTWRITEBYTECODE=1"), python, prog)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
		} else {
			checkSent(t, "python/"+c.name, api, res, c.stream, stdout)
		}
		api.Close()
	}
}

func TestExportProgramsLookRight(t *testing.T) {
	c := exportCases[4] // variables
	goOut, _ := exportCaseTo(t, c, "go")
	pyOut, _ := exportCaseTo(t, c, "python")
	tsOut, _ := exportCaseTo(t, c, "ts")
	jsOut, _ := exportCaseTo(t, c, "js")
	shOut, _ := exportCaseTo(t, c, "curl")
	for _, want := range []struct{ out, text string }{
		// Variables are parameters, called with the current values.
		{goOut, "func askClaude(ctx context.Context, client anthropic.Client, persona, firstName, firstName2, type_, class, plain, client_ string) (string, error)"},
		{goOut, `strings.TrimRight("One more thing: "+client_, " \t\r\n")`},
		{goOut, `"github.com/anthropics/anthropic-sdk-go/v2"`},
		{pyOut, "def ask_claude(client: anthropic.Anthropic, persona: str, first_name: str, first_name2: str, type: str, class_: str, plain: str, client_: str) -> str:"},
		{pyOut, `f"One more thing: {client_}".rstrip(" \t\r\n")`},
		{tsOut, "export async function askClaude(client: Anthropic, persona: string, firstName: string, firstName2: string, type: string, class_: string, plain: string, client_: string): Promise<string>"},
		{tsOut, "`One more thing: ${client_}`.replace(/[ \\t\\r\\n]+$/, \"\")"},
		{jsOut, "export async function askClaude(client, persona, firstName, firstName2, type, class_, plain, client_)"},
		{shOut, "first_name=${2-$first_name}"},
		{shOut, `message_3="One more thing: ${client}"`},
		{shOut, `$(json_string "$message_3" trim)`},
	} {
		if !strings.Contains(want.out, want.text) {
			t.Errorf("want %s\nin\n%s", want.text, want.out)
		}
	}
	// The legacy version: SDK v1 in Go, the header set by the request
	// elsewhere, sampling parameters where each SDK takes them.
	c = exportCases[3]
	goOut, _ = exportCaseTo(t, c, "go")
	pyOut, _ = exportCaseTo(t, c, "python")
	tsOut, _ = exportCaseTo(t, c, "ts")
	for _, want := range []struct{ out, text string }{
		{goOut, `"github.com/anthropics/anthropic-sdk-go"` + "\n"},
		{goOut, "client.Messages.NewStreaming(ctx, params)"},
		{pyOut, `extra_headers={"anthropic-version": "2023-06-01"},`},
		{pyOut, `extra_body={"temperature": 0.2, "top_k": 40},`},
		{pyOut, "with client.messages.stream("},
		{tsOut, `headers: { "anthropic-version": "2023-06-01" },`},
		{tsOut, "const params: Anthropic.MessageStreamParams & { temperature: number; top_k: number } = {"},
	} {
		if !strings.Contains(want.out, want.text) {
			t.Errorf("want %s\nin\n%s", want.text, want.out)
		}
	}
}

func TestExportRefuses(t *testing.T) {
	base := "---\nmodel: claude-sonnet-4-6\nmax_tokens: 100\nvars:\n  x: fine\n---\nuser:\nSay {{x}}\n"
	cases := []struct {
		name string
		c    exportCase
		lang string
		want string
	}{
		{"unknown language", exportCase{files: map[string]string{"a.prompt": base}}, "cobol", "the languages are go, python, ts, js, curl"},
		{"a key in a value", exportCase{files: map[string]string{"a.prompt": base}, vars: map[string]string{"x": "my key is sk-ant-api03-abcdefghijklmnop"}}, "go", "looks like an Anthropic API key"},
		{"an empty block", exportCase{files: map[string]string{"a.prompt": "---\nmodel: claude-sonnet-4-6\nmax_tokens: 100\n---\nuser:\nHi\n\nassistant:\n{{x}}\n"}, vars: map[string]string{"x": ""}}, "python", "the assistant block on line 8 is empty"},
		{"a value starting with a blank line", exportCase{files: map[string]string{"a.prompt": "---\nmodel: claude-sonnet-4-6\nmax_tokens: 100\n---\nuser:\n{{x}} and more\n"}, vars: map[string]string{"x": " \nfirst"}}, "ts", "cannot export exactly"},
		{"the sentinel character", exportCase{files: map[string]string{"a.prompt": base}, vars: map[string]string{"x": "odd \uFDD0 char"}}, "js", "U+FDD0"},
	}
	for _, tc := range cases {
		res, opts := renderCase(t, tc.c)
		_, err := Export(res, tc.lang, opts)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "sk-ant-") {
			t.Errorf("%s: the error repeats the key: %v", tc.name, err)
		}
	}
	// A prompt with errors is refused.
	res := promptfile.Analyze(promptfile.Parse([]byte("---\nmodel: claude-sonnet-4-6\nmax_tokens: 100\ntemperature: 0.5\n---\nhi\n")), nil, promptfile.Options{})
	if _, err := Export(res, "go", promptfile.Options{}); err == nil || !strings.Contains(err.Error(), "has errors") {
		t.Errorf("a prompt with errors: %v", err)
	}
	if !errors.Is(ErrKeyInRequest, ErrKeyInRequest) {
		t.Fatal()
	}
}

// A value that is all white space at the end of a block is trimmed into
// the text before it, in the program as in claude-ls.
func TestExportTrimsTheEndOfABlockLikeRender(t *testing.T) {
	c := exportCase{files: map[string]string{"a.prompt": "---\nmodel: claude-sonnet-4-6\nmax_tokens: 100\n---\nuser:\nTopic: {{x}}\n"}, vars: map[string]string{"x": " \n\t "}}
	res, opts := renderCase(t, c)
	if got := res.Request.Messages[0].Content[0].Text; got != "Topic:" {
		t.Fatalf("render gives %q", got)
	}
	for _, lang := range ExportLangs {
		if _, err := Export(res, lang, opts); err != nil {
			t.Errorf("%s: %v", lang, err)
		}
	}
}

func TestExportStreamsWhenTheSDKsRequireIt(t *testing.T) {
	for _, tc := range []struct {
		model     string
		maxTokens int
		thinking  string
		want      bool
	}{
		{"claude-sonnet-4-6", 21333, "", false},
		{"claude-sonnet-4-6", 21334, "", true},
		{"claude-opus-4-1", 8193, "", true},
		{"claude-opus-4-1", 8192, "", false},
		{"claude-sonnet-4-6", 4096, "adaptive", true},
		{"claude-sonnet-4-6", 4096, "disabled", false},
	} {
		res := &promptfile.Result{ModelID: tc.model, MaxTokens: tc.maxTokens, Thinking: tc.thinking}
		if got, why := needsStream(res); got != tc.want || got && why == "" {
			t.Errorf("%+v: stream %v (%s)", tc, got, why)
		}
	}
}

// The SDK versions the Go exports name are the ones this module requires.
func TestExportGoSDKVersionsAreThisModules(t *testing.T) {
	gomod, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	for mod, version := range map[string]string{GoSDKModule: GoSDKVersion, GoSDK1Module: GoSDK1Version} {
		re := regexp.MustCompile(`(?m)^\s*(?:require\s+)?` + regexp.QuoteMeta(mod) + ` (v\S+)`)
		if m := re.FindSubmatch(gomod); m == nil || string(m[1]) != version {
			t.Errorf("go.mod requires %s at %q; the exports name %s", mod, m, version)
		}
	}
}

// A document without a path (an editor's unsaved buffer) exports too: its
// includes were read from the workspace root.
func TestExportWithoutAPath(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "doc.md"), []byte("The document.\n\n"), 0o644)
	src := "---\nmodel: claude-sonnet-4-6\nmax_tokens: 100\nvars: {x: X}\n---\nuser: cache\n{{file \"doc.md\"}}\nAbout {{x}}.\n"
	res := promptfile.Analyze(promptfile.Parse([]byte(src)), &promptfile.Workspace{Root: dir, ReadFile: os.ReadFile}, promptfile.Options{})
	if got := res.Request.Messages[0].Content[0].Text; got != "The document.\n\nAbout X." {
		t.Fatalf("rendered %q", got)
	}
	out, err := Export(res, "python", promptfile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, `f"About {x}."`) || !strings.Contains(out, "# the prompt as a Python program") {
		t.Errorf("got\n%s", out)
	}
}
