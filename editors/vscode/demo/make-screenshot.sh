#!/usr/bin/env bash
# Makes docs/images/vscode.png: VS Code with this extension on review.prompt.txt,
# drawn by render.ts from the extension's grammar and the real server's answers
# (code lens, inlay hints, diagnostics, hover, claude-ls.summary), then
# screenshotted by headless Chromium. VS Code itself is not needed.
# Needs go, node, `npm ci` done in editors/vscode, and chromium
# (fonts-dejavu-core for the fonts); run from anywhere.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ext=$(cd "$here/.." && pwd)
repo=$(cd "$here/../../.." && pwd)
chromium=${CHROMIUM:-chromium}
width=1200 height=640
[ -x "$ext/node_modules/.bin/esbuild" ] || { echo "run npm ci in $ext first" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -C "$repo" -o "$work/claude-ls" ./cmd/claude-ls
# The prompt in a workspace of its own (a git root), with the file it includes;
# kept as .txt here so that `claude-ls check` of the repository skips it.
mkdir -p "$work/contracts/.git" "$work/contracts/docs"
cp "$here/review.prompt.txt" "$work/contracts/review.prompt"
cp "$repo/examples/docs/sample-contract.md" "$work/contracts/docs/"
"$ext/node_modules/.bin/esbuild" "$here/render.ts" --bundle --platform=node --format=cjs \
  --target=node20 --log-level=warning --outfile="$work/render.js"
node "$work/render.js" "$ext" "$work/claude-ls" "$work/contracts/review.prompt" "$work/page.html" "$width" "$height"
"$chromium" --headless --no-sandbox --disable-gpu --disable-background-networking \
  --disable-component-update --disable-sync --no-first-run --user-data-dir="$work/chromium" \
  --hide-scrollbars --force-device-scale-factor=2 --window-size="$width,$height" \
  --screenshot="$repo/docs/images/vscode.png" "file://$work/page.html" 2>/dev/null
echo "wrote $repo/docs/images/vscode.png"
