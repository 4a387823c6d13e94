package workbench

import (
	"encoding/base64"
	"strings"
	"testing"
)

// TestExportReadsMediaWhenItRuns: no export pastes an image's or a PDF's
// base64; each names the files and reads them, and carries the tool turns.
func TestExportReadsMediaWhenItRuns(t *testing.T) {
	png := base64.StdEncoding.EncodeToString([]byte(mediaCase.files["shot.png"]))
	pdf := base64.StdEncoding.EncodeToString([]byte(mediaCase.files["bulletin.pdf"]))
	reads := map[string][]string{
		"go":     {`os.ReadFile("shot.png")`, `os.ReadFile("bulletin.pdf")`, `os.ReadFile("notes.txt")`, "base64.StdEncoding.EncodeToString(file_1)", "string(file_3)"},
		"python": {`base64.b64encode(pathlib.Path("shot.png").read_bytes())`, `pathlib.Path("notes.txt").read_bytes().decode("utf-8")`},
		"ts":     {`readFileSync("shot.png").toString("base64")`, `readFileSync("notes.txt", "utf8")`},
		"js":     {`readFileSync("bulletin.pdf").toString("base64")`},
		"curl":   {`file_1_=$(base64 < 'shot.png')`, `file_3_=$(cat 'notes.txt'; printf x)`},
	}
	for lang, want := range reads {
		out, _ := exportCaseTo(t, mediaCase, lang)
		if strings.Contains(out, png[:40]) || strings.Contains(out, pdf[:40]) {
			t.Errorf("%s: the program carries the files' base64", lang)
		}
		// Comments wrap: read them as one line.
		flat := strings.NewReplacer("\n# ", " ", "\n// ", " ", "\n//", " ", "\n#", " ").Replace(out)
		for _, w := range append(want, "toolu_01", "tool_result", "web_search_20260318", "run it in the prompt's folder") {
			if !strings.Contains(flat, w) {
				t.Errorf("%s: no %q in\n%s", lang, w, out)
			}
		}
	}
}
