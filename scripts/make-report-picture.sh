#!/usr/bin/env bash
# docs/images/report.png: the HTML report of a real `claude-ls run --all-tests`
# of examples/explain-topic.prompt on two models, against the fake API of
# internal/fakeapi (its replies are scripted in workbench/report_test.go),
# screenshotted by headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
CLAUDE_LS_REPORT_PNG="$PWD/docs/images/report.png" go test -count=1 -run '^TestHTMLReportInChromium$' ./workbench
echo docs/images/report.png
