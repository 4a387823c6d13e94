#!/usr/bin/env bash
# The extension's .vsix files: one per platform, each carrying the matching
# claude-ls in bin/ (the extension uses it unless claude-ls.path is set), and
# the universal one, without bin/, which uses claude-ls on PATH.
#
#   editors/vscode/package-platforms.sh                # six platforms + universal
#   editors/vscode/package-platforms.sh linux-x64      # only the platforms named (+ universal)
#
# The binaries are the release archives of scripts/release.sh (built here
# into a temporary folder). The .vsix files land in editors/vscode, or in
# $OUT. Needs node_modules (npm ci).
set -euo pipefail
cd "$(dirname "$0")"
repo="$(cd ../.. && pwd)"
out="${OUT:-$PWD}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

platforms=("$@")
if [ ${#platforms[@]} -eq 0 ]; then
  platforms=(linux-x64 linux-arm64 darwin-x64 darwin-arm64 win32-x64 win32-arm64)
fi
version="$(node -p 'require("./package.json").version')"

# VS Code's platform names → Go's.
goos_goarch() {
  case "$1" in
    linux-x64) echo linux/amd64 ;; linux-arm64) echo linux/arm64 ;;
    darwin-x64) echo darwin/amd64 ;; darwin-arm64) echo darwin/arm64 ;;
    win32-x64) echo windows/amd64 ;; win32-arm64) echo windows/arm64 ;;
    *) echo "package-platforms.sh: unknown platform $1" >&2; return 1 ;;
  esac
}

work="$(mktemp -d)"
trap 'rm -rf "$work" bin' EXIT
targets=()
for p in "${platforms[@]}"; do targets+=("$(goos_goarch "$p")"); done
DIST="$work/dist" "$repo/scripts/release.sh" "${targets[@]}" >/dev/null

for p in "${platforms[@]}"; do
  target="$(goos_goarch "$p")"
  rm -rf bin && mkdir bin
  archive="$(ls "$work/dist"/claude-ls_*_"${target%/*}_${target#*/}".*)"
  case "$archive" in
    *.zip) (cd bin && unzip -q "$archive" claude-ls.exe) ;;
    *) tar -xzf "$archive" -C bin claude-ls && chmod 755 bin/claude-ls ;;
  esac
  npx vsce package --target "$p" -o "$out/claude-ls-$p-$version.vsix"
done
rm -rf bin
npx vsce package -o "$out/claude-ls-$version.vsix"
