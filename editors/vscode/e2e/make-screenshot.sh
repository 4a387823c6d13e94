#!/usr/bin/env bash
# docs/images/vscode.png: a screenshot of VS Code (code-server 4.139.1, VS Code
# 1.139) with the platform .vsix installed, taken by the end-to-end test
# (e2e_test.go, drive.mjs) against the fake API: the code lens, inlay hints,
# a warning's squiggle, the Problems panel and the status bar, as they were.
set -euo pipefail
cd "$(dirname "$0")/../../.."
CLAUDE_LS_VSCODE_PNG="$PWD/docs/images/vscode.png" go test -count=1 -run '^TestVSCode$' ./editors/vscode/e2e
echo docs/images/vscode.png
