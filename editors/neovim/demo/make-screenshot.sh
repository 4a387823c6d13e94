#!/usr/bin/env bash
# Makes docs/images/neovim.png: Neovim with this plugin in tmux on
# review.prompt.txt, the screen captured with its colours and drawn by render.py.
# Needs nvim, tmux, python3-pil and fonts-dejavu-core; run from anywhere.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
work=$(mktemp -d)
trap 'tmux kill-session -t claude-ls-demo 2>/dev/null || true; rm -rf "$work"' EXIT
go build -C "$repo" -o "$work/claude-ls" ./cmd/claude-ls
mkdir -p "$work/contracts/.git" "$work/contracts/docs"
# (kept as .txt here so that `claude-ls check` of the repository skips it)
cp "$here/review.prompt.txt" "$work/contracts/review.prompt"
cp "$repo/examples/docs/sample-contract.md" "$work/contracts/docs/"
cols=172 rows=25
tmux -f /dev/null new-session -d -s claude-ls-demo -x "$cols" -y "$rows" \
  -e TERM=tmux-256color -e CLAUDE_LS_BIN="$work/claude-ls" \
  "cd $work/contracts && nvim -u $here/init.lua -i NONE -n review.prompt"
sleep 3
tmux capture-pane -t claude-ls-demo -e -p > "$work/screen.txt"
/usr/bin/python3 "$here/render.py" "$work/screen.txt" "$repo/docs/images/neovim.png" "$cols" "$rows"
echo "wrote $repo/docs/images/neovim.png"
