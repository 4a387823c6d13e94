#!/usr/bin/env bash
# Unpacks the Neovim of a Debian suite beside the system, for testing the
# plugin on the Neovim versions in use: trixie has 0.10, sid 0.12 (Debian 12's
# own 0.7.2 comes from apt-get install neovim).
#
#   editors/neovim/test/install-nvim.sh SUITE DEST
#
# apt runs with a private sources list and state folder for SUITE (the
# system's apt is not touched), downloads neovim and every package it depends
# on, the suite's libc among them, and unpacks them under DEST/root. DEST/bin/nvim
# starts that nvim through the suite's own loader and libraries. A second run
# with DEST already made returns at once.
set -euo pipefail
suite="${1:?usage: install-nvim.sh SUITE DEST}"
dest="${2:?usage: install-nvim.sh SUITE DEST}"
if [ -x "$dest/bin/nvim" ] && "$dest/bin/nvim" --version >/dev/null 2>&1; then
  "$dest/bin/nvim" --version | sed -n 1p
  exit 0
fi
mkdir -p "$dest"
dest="$(cd "$dest" && pwd)"
rm -rf "$dest/root" "$dest/bin" "$dest/apt"
apt="$dest/apt"
mkdir -p "$apt/lists/partial" "$apt/archives/partial" "$apt/etc/preferences.d" "$apt/etc/apt.conf.d" "$apt/debs"
: >"$apt/status"
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror $suite main" >"$apt/sources.list"
arch="$(dpkg --print-architecture)"
opts=(
  -o "Dir::Etc::SourceList=$apt/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
  -o "Dir::Etc::Parts=$apt/etc/apt.conf.d" -o "Dir::Etc::PreferencesParts=$apt/etc/preferences.d"
  -o "Dir::State=$apt" -o "Dir::State::Lists=$apt/lists" -o "Dir::State::Status=$apt/status"
  -o "Dir::Cache=$apt" -o "Dir::Cache::Archives=$apt/archives"
  -o "APT::Architecture=$arch" -o "APT::Architectures::=$arch"
  -o "Acquire::Languages=none" -o "Acquire::IndexTargets::deb::Contents-deb::DefaultEnabled=false"
  -o "Acquire::Retries=3" -o "Acquire::http::Timeout=60"
  -o "Debug::NoLocking=1" -o "APT::Sandbox::User=root"
)
apt-get "${opts[@]}" -qq update

# neovim's dependency closure, without recommends (alternatives resolved to
# the first one apt would pick). Virtual packages have no .deb: skipped.
mapfile -t pkgs < <(apt-cache "${opts[@]}" depends --recurse --no-recommends --no-suggests \
  --no-conflicts --no-breaks --no-replaces --no-enhances neovim |
  grep -v '^ ' | grep -v '^<' | sort -u)
(cd "$apt/debs" && apt-get "${opts[@]}" -qq download "${pkgs[@]}")
for deb in "$apt/debs"/*.deb; do
  dpkg-deb -x "$deb" "$dest/root"
done

# The suite's loader, and its library folders before anything of the system's.
root="$dest/root"
loader="$(ls "$root"/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$root"/lib64/ld-linux-x86-64.so.2 \
  "$root"/usr/lib/*/ld-linux-*.so.* "$root"/lib/*/ld-linux-*.so.* 2>/dev/null | head -1 || true)"
[ -n "$loader" ] || { echo "install-nvim.sh: no loader under $root" >&2; exit 1; }
triplet="$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)"
libs="$root/usr/lib/$triplet:$root/lib/$triplet:$root/usr/lib:$root/lib"
for d in "$root"/usr/lib/"$triplet"/*/; do # e.g. lua interpreters' own folders
  case "$d" in *lua*) libs="$libs:${d%/}" ;; esac
done
mkdir -p "$dest/bin"
cat >"$dest/bin/nvim" <<WRAPPER
#!/bin/sh
# Neovim of Debian $suite, unpacked by editors/neovim/test/install-nvim.sh.
VIM="$root/usr/share/nvim" VIMRUNTIME="$root/usr/share/nvim/runtime"; export VIM VIMRUNTIME
# The parsers (/usr/lib/nvim/parser) are on the runtimepath by a path built
# into nvim, the system's: this one's are added.
exec "$loader" --library-path "$libs" "$root/usr/bin/nvim" --cmd "set rtp+=$root/usr/lib/nvim" "\$@"
WRAPPER
chmod +x "$dest/bin/nvim"
rm -rf "$apt/debs" "$apt/archives" "$apt/lists"
"$dest/bin/nvim" --version | sed -n 1p
