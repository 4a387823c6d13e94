#!/usr/bin/env bash
# Remakes docs/images/usage.png: a real session against the fake API (runs
# on two models, one reading its cache, a batch of test cases, the
# organisation's reports from the fake Admin API), pictured by
# `claude-ls usage --org --html`, screenshotted in headless Chromium.
#
#   scripts/usage-picture.sh            # writes docs/images/usage.png
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
CLAUDE_LS_USAGE_HTML="$work/usage.html" go test ./cmd/claude-ls -run '^TestUsagePictureFromASession$' -count=1
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome) || {
	echo "chromium is not installed (apt-get install -y chromium)" >&2
	exit 1
}
"$browser" --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
	--disable-sync --no-first-run --hide-scrollbars --user-data-dir="$work/profile" \
	--screenshot="$work/usage.png" --window-size=1100,1560 "file://$work/usage.html" 2>/dev/null
cp "$work/usage.png" docs/images/usage.png
echo "wrote docs/images/usage.png"
