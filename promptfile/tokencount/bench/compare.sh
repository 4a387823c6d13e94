#!/usr/bin/env bash
# Compares the Go token counter with npm tiktoken (OpenAI's WASM build of the
# Rust tokenizer) on the same 4 MB corpus of Go sources and licence texts:
# cold cl100k_base counts, best of RUNS, in MB/s (1 MB = 10^6 bytes).
# npm tiktoken is installed into a temporary directory (nothing is written
# to the repository). Usage: promptfile/tokencount/bench/compare.sh [RUNS]
set -euo pipefail
runs=${1:-3}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cp "$here/package.json" "$here/compare.mjs" "$tmp/"
(cd "$tmp" && npm install --silent --no-audit --no-fund >/dev/null)

cd "$repo"
go build -o "$tmp/gobench" ./promptfile/tokencount/bench
"$tmp/gobench" -write "$tmp/corpus.txt" -size $((4 << 20))

node_json=$(node "$tmp/compare.mjs" "$tmp/corpus.txt" "$runs")
go_json=$("$tmp/gobench" -count "$tmp/corpus.txt" -enc cl100k_base -runs "$runs")
# npm tiktoken uses one core; the Go counter spreads a large count over
# GOMAXPROCS, so also show it on one core.
go1_json=$(GOMAXPROCS=1 "$tmp/gobench" -count "$tmp/corpus.txt" -enc cl100k_base -runs "$runs")
echo "$node_json"
echo "$go_json"
echo "$go1_json"
node -e '
const [n, g, g1] = process.argv.slice(1).map((s) => JSON.parse(s));
const f = (x) => x.toFixed(2);
console.log(`npm tiktoken ${f(n.mb_per_s)} MB/s; Go ${f(g.mb_per_s)} MB/s with GOMAXPROCS ${g.gomaxprocs} (ratio ${(g.mb_per_s / n.mb_per_s).toFixed(1)}x), ${f(g1.mb_per_s)} MB/s on 1 core (ratio ${(g1.mb_per_s / n.mb_per_s).toFixed(1)}x)`);
console.log(`tokens: npm ${n.tokens}, Go ${g.tokens}` + (n.tokens === g.tokens && g.tokens === g1.tokens ? " (equal)" : " (DIFFERENT)"));
' "$node_json" "$go_json" "$go1_json"
