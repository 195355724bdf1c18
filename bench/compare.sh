#!/usr/bin/env bash
# Side by side in one run: the same load against several server variants, interleaved and repeated, because this
# machine is shared and noisy (compare ratios, not absolute numbers). Prints the median of each variant.
#
#   bench/compare.sh SYSTEM DELIVERIES_PER_SECOND REPEATS LABEL=JAR[@JAVA_OPTS][%NAME=VALUE,...] ...
#   bench/compare.sh solo 25000 3 before=$(bench/jar-at.sh HEAD~1) after=target/chat-server.jar
#   bench/compare.sh solo 25000 3 c2=target/chat-server.jar c1=target/chat-server.jar@-XX:TieredStopAtLevel=1
#   bench/compare.sh solo 25000 3 d0=target/chat-server.jar d40=target/chat-server.jar%CHAT_WRITE_DELAY_MS=40
#
# SYSTEM is solo (one node) or cluster (two nodes and Redis). The generator's settings come from bench/run.sh's
# environment variables (CONNS, ROOMS, SIZE, WARMUP, DURATION, PIN).
set -euo pipefail
cd "$(dirname "$0")/.."
system=$1; deliveries=$2; repeats=$3; shift 3
OUT=${OUT:-bench/results/compare-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
for r in $(seq 1 "$repeats"); do
  for spec in "$@"; do
    label=${spec%%=*}; rest=${spec#*=}; settings=()
    # after %: the nodes' settings (environment variables), comma-separated
    if [ "${rest#*%}" != "$rest" ]; then IFS=, read -r -a settings <<< "${rest#*%}"; rest=${rest%%%*}; fi
    jar=${rest%%@*}; opts=""
    [ "$rest" != "$jar" ] && opts=${rest#*@}
    echo "== round $r: $label"
    env "${settings[@]}" JAR_OVERRIDE="$jar" EXTRA_JAVA_OPTS="$opts" SYSTEMS="$system" RATES="$deliveries" \
      OUT="$OUT/$label-$r" bench/run.sh > "$OUT/$label-$r.log" 2>&1 || true
    grep -E "deliveries per CPU|latency p50" "$OUT/$label-$r/$system-$deliveries.txt" 2>/dev/null || echo "   (no result)"
  done
done
labels=(); for spec in "$@"; do labels+=("${spec%%=*}"); done
java -cp tools/target/roomcast-tools.jar io.roomcast.bench.BenchReport --compare "$OUT" "$system" "$deliveries" "${labels[@]}"
