#!/usr/bin/env bash
# docs/images/compare.png: the HTML report of `claude-ls compare` on two
# commits of examples/explain-topic.prompt, against the fake API of
# internal/fakeapi (its replies are in workbench/compare_test.go), with
# some replies graded, screenshotted by headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
CLAUDE_LS_COMPARE_PNG="$PWD/docs/images/compare.png" go test -count=1 -run '^TestCompareReportInChromium$' ./workbench
echo docs/images/compare.png
