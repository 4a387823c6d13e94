#!/usr/bin/env bash
# Release artifacts from one command: claude-ls for every supported platform,
# archived (tar.gz; zip for Windows) with a SHA-256 checksum file, in dist/.
#
#   scripts/release.sh                 # all six targets
#   scripts/release.sh linux/amd64     # only the ones named (GOOS/GOARCH)
#
# VERSION overrides the version stamped into the binary (default: git
# describe, without a leading "v"); DIST overrides the output folder. A
# release version (X.Y.Z, from a tag vX.Y.Z) must be the VS Code
# extension's version too.
set -euo pipefail
cd "$(dirname "$0")/.."

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64)
fi
version="${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}"
version="${version#v}"
# A release (a plain X.Y.Z) ships the .vsix too: both must say the same.
if [[ "$version" =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
  vsix_version="$(sed -n 's/^  "version": "\(.*\)",$/\1/p' editors/vscode/package.json)"
  if [ "$vsix_version" != "$version" ]; then
    echo "release.sh: releasing $version, but editors/vscode/package.json says $vsix_version: set its \"version\" to $version first, so the .vsix carries the release's version" >&2
    exit 1
  fi
fi
dist="${DIST:-dist}"
mkdir -p "$dist"
dist="$(cd "$dist" && pwd)"
# Archive timestamps come from the commit, so a rebuild gives the same bytes.
epoch="$(git log -1 --format=%ct 2>/dev/null || echo 0)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

archives=()
for target in "${targets[@]}"; do
  goos="${target%/*}" goarch="${target#*/}"
  name="claude-ls_${version}_${goos}_${goarch}"
  exe=claude-ls
  [ "$goos" = windows ] && exe=claude-ls.exe
  mkdir -p "$work/$name"
  CGO_ENABLED=0 GOOS="$goos" GOARCH="$goarch" go build -trimpath \
    -ldflags "-s -w -X main.version=$version" \
    -o "$work/$name/$exe" ./cmd/claude-ls
  cp README.md LICENSE "$work/$name/"
  touch -d "@$epoch" "$work/$name" "$work/$name"/*
  # The files sit at the archive's top, as installers such as Mason expect
  # (editors/neovim/mason/package.yaml names the binary inside).
  if [ "$goos" = windows ]; then
    archive="$name.zip"
    rm -f "$dist/$archive"
    (cd "$work/$name" && zip -q -X "$dist/$archive" "$exe" README.md LICENSE)
  else
    archive="$name.tar.gz"
    tar -C "$work/$name" --sort=name --owner=0 --group=0 --numeric-owner \
      --mtime="@$epoch" -cf - "$exe" README.md LICENSE | gzip -n >"$dist/$archive"
  fi
  archives+=("$archive")
  echo "$dist/$archive"
done

# One checksum file per release, in sha256sum's format (sha256sum -c checks it).
sums="claude-ls_${version}_checksums.txt"
(cd "$dist" && sha256sum "${archives[@]}" >"$sums")
echo "$dist/$sums"
