#!/usr/bin/env bash
# The scale-out comparison of docs/scaling.md: four nodes sharing Redis in pattern, rooms and cluster mode, with rooms
# whose members sit on one, two or all four nodes, driven by the built-in load generator at one offered load. It
# reports, per mode and spread, the nodes' CPU and Redis' CPU per delivery (from /proc), latency and losses.
#
#   bench/scaling.sh           the full comparison (about 12 minutes)
#   bench/scaling.sh --quick   a short smoke run (seconds)
#
# Settings (environment): NODES (4), CONNS (800), ROOMS (200: four members each), RATE (messages/s per connection,
# 0.5), SIZE (115), WARMUP (30 s: four JVMs compile their hot paths first), DURATION (30 s),
# MODES ("pattern rooms cluster"), SPREADS ("1 2 4"), MASTERS (3, cluster mode), OUT (bench/results/scaling-<time>).
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=target/chat-server.jar
[ -f "$JAR" ] || ./mvnw -B -q package -DskipTests
# the load generator and the reports: the tools jar (not part of the server), built from this tree when missing
TOOLS=tools/target/roomcast-tools.jar
[ -f "$TOOLS" ] || ./mvnw -B -q -f tools/pom.xml package
NODES=${NODES:-4}
CONNS=${CONNS:-800}
ROOMS=${ROOMS:-200}
RATE=${RATE:-0.5}
SIZE=${SIZE:-115}
WARMUP=${WARMUP:-30}
DURATION=${DURATION:-30}
MODES=${MODES:-pattern rooms cluster}
SPREADS=${SPREADS:-1 2 4}
MASTERS=${MASTERS:-3}
if [ "${1:-}" = "--quick" ]; then
  CONNS=80; ROOMS=8; WARMUP=1; DURATION=2; SPREADS="1"
fi
OUT=${OUT:-bench/results/scaling-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
SERVER_JAVA_OPTS="${SERVER_JAVA_OPTS:--Xms256m -Xmx256m -XX:+UseSerialGC}"

# shellcheck source=bench/lib.sh
. bench/lib.sh


start_redis() {  # dir port [cluster] -> pid
  local dir=$1 port=$2; mkdir -p "$dir"
  local extra=()
  if [ "${3:-}" = cluster ]; then extra=(--cluster-enabled yes --cluster-config-file nodes.conf); fi
  redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$dir" "${extra[@]}" \
    > "$dir/redis.log" 2>&1 &
  PIDS+=($!)
  echo $!
}

metric_sum() {  # series ports...: the sum of a counter over the nodes' /metrics
  local series=$1 sum=0 v; shift
  for p in "$@"; do
    v=$(curl -s "http://127.0.0.1:$p/metrics" | awk -v s="$series" '$1 == s { print $2 }')
    sum=$(awk -v a="$sum" -v b="${v:-0}" 'BEGIN { printf "%.0f", a + b }')
  done
  echo "$sum"
}

locality() {  # file "node ports" "redis ports": what locality saves, counted over the whole run (warm-up included)
  local file=$1 messages received bytes=0 b
  # shellcheck disable=SC2086
  messages=$(metric_sum roomcast_messages_in_total $2)
  # shellcheck disable=SC2086
  received=$(metric_sum roomcast_redis_pubsub_received_total $2)
  for p in $3; do
    b=$(redis-cli -p "$p" info stats | tr -d '\r' | awk -F: '$1 == "total_net_output_bytes" { print $2 }')
    bytes=$((bytes + b))
    redis-cli -p "$p" info commandstats > "${file%.locality}-commandstats-$p.txt"
  done
  printf 'messages %s\npubsub_received %s\nredis_net_output_bytes %s\n' "$messages" "$received" "$bytes" > "$file"
}

run() {  # mode spread
  local mode=$1 spread=$2 redis_pids="" redis_url="" urls="" node_pids="" node_ports="" redis_ports="" port dir
  dir="$OUT/$mode-$spread"; mkdir -p "$dir"
  if [ "$mode" = cluster ]; then
    local addresses=()
    for i in $(seq 1 "$MASTERS"); do
      port=$(free_port)
      # the cluster bus listens on port + 10000
      while [ $((port + 10000)) -gt 65535 ] || listening $((port + 10000)); do port=$(free_port); done
      redis_pids="$redis_pids${redis_pids:+,}$(start_redis "$dir/redis-$i" "$port" cluster)"
      PIDS+=("${redis_pids##*,}")   # start_redis runs in a subshell: remember its process here
      wait_port "$port"
      addresses+=("127.0.0.1:$port")
      redis_ports="$redis_ports $port"
      redis_url="$redis_url${redis_url:+,}redis://127.0.0.1:$port"
    done
    redis-cli --cluster create "${addresses[@]}" --cluster-replicas 0 --cluster-yes > "$dir/cluster-create.log"
    until redis-cli -p "${addresses[0]#*:}" cluster info | grep -q cluster_state:ok; do sleep 0.2; done
  else
    port=$(free_port)
    redis_pids=$(start_redis "$dir/redis" "$port")
    PIDS+=("$redis_pids")
    wait_port "$port"
    redis_url="redis://127.0.0.1:$port"
    redis_ports=$port
  fi
  for i in $(seq 1 "$NODES"); do
    port=$(free_port)
    # shellcheck disable=SC2086
    env "${ROOMCAST_ENV[@]}" PORT="$port" REDIS_URL="$redis_url" CHAT_REDIS_MODE="$mode" CHAT_NODE_ID="scale-$i" \
      java $SERVER_JAVA_OPTS -jar "$(realpath "$JAR")" > "$dir/node-$i.log" 2>&1 &
    PIDS+=($!)
    node_pids="$node_pids${node_pids:+,}$!"
    wait_ready "$port"
    urls="$urls${urls:+,}ws://127.0.0.1:$port/ws"
    node_ports="$node_ports $port"
  done
  echo "== $mode mode, rooms on $spread of $NODES nodes"
  java -jar "$TOOLS" bench --url "$urls" --conns "$CONNS" --rooms "$ROOMS" --rate "$RATE" --spread "$spread" \
    --duration "$DURATION" --warmup "$WARMUP" --size "$SIZE" --cpu-pids "$node_pids" --redis-pids "$redis_pids" \
    --label "$mode/spread-$spread" --out "$OUT/$mode-$spread.json" > "$OUT/$mode-$spread.txt" 2>&1 || true
  tail -n 16 "$OUT/$mode-$spread.txt"
  locality "$OUT/$mode-$spread.locality" "$node_ports" "$redis_ports"
  cleanup
}

for spread in $SPREADS; do
  for mode in $MODES; do
    run "$mode" "$spread"
  done
done

java -cp "$TOOLS" io.roomcast.bench.BenchReport --scaling "$OUT"
