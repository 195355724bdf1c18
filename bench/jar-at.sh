#!/usr/bin/env bash
# Builds the server jar of a git revision (for side-by-side comparisons with bench/compare.sh) and prints its path:
#   bench/jar-at.sh 5c7fb7b    -> bench/results/jars/5c7fb7b.jar
set -euo pipefail
cd "$(dirname "$0")/.."
rev=$(git rev-parse --short "$1")
out="$PWD/bench/results/jars/$rev.jar"
if [ ! -f "$out" ]; then
  mkdir -p "$(dirname "$out")"
  tmp=$(mktemp -d)
  git worktree add -q --detach "$tmp" "$rev"
  (cd "$tmp" && ./mvnw -B -q package -DskipTests >/dev/null)
  cp "$tmp/target/chat-server.jar" "$out"
  git worktree remove --force "$tmp"
fi
echo "$out"
