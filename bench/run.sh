#!/usr/bin/env bash
# Reproduces the performance table of docs/performance.md on this machine: the bare Vert.x broadcast
# (bench/baseline), Roomcast on one node (in-memory broker) and Roomcast on two nodes sharing one Redis, each driven by
# the built-in load generator at the same offered loads, with the servers' CPU time measured from /proc.
#
#   bench/run.sh                 the table at 12.5 k and 25 k deliveries/s (about 20 minutes)
#   bench/run.sh --saturate      also search each system's saturation point (about an hour more)
#   bench/run.sh --quick         a short smoke run (seconds): checks that everything starts and delivers
#   bench/run.sh --alternate N   the systems side by side on a noisy machine: all started and warmed up once, then
#                                measured in turn, N rounds at the first rate of RATES (10 s warm-up per run), so each
#                                round sees the same minutes; prints each system's median and its ratio to the first
#
# Settings (environment): CONNS (1000), ROOMS (20), SIZE (115 bytes of text), WARMUP (150 s: until the JIT has
# settled, see docs/performance.md), DURATION (20 s),
# PIN (1: servers and Redis on CPU 0, the generator on CPU 1; 0: no pinning), SERVER_JAVA_OPTS, SYSTEMS
# ("baseline solo cluster"; also "baselinenative": the baseline on Vert.x's native transport, and "baselinecluster": two
# baseline processes sharing rooms through one Redis, on the servers' CPUs like the cluster), RATES (deliveries/s,
# "12500 25000"), OUT (bench/results/<time>).
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=target/chat-server.jar
[ -f "$JAR" ] || ./mvnw -B -q package -DskipTests
# the load generator and the reports: the tools jar (not part of the server), built from this tree when missing
TOOLS=tools/target/roomcast-tools.jar
[ -f "$TOOLS" ] || ./mvnw -B -q -f tools/pom.xml package
# the generator always comes from this tree; the servers may come from another build (bench/compare.sh)
SERVER_JAR=${JAR_OVERRIDE:-$JAR}

CONNS=${CONNS:-1000}
ROOMS=${ROOMS:-20}
SIZE=${SIZE:-115}
WARMUP=${WARMUP:-150}
DURATION=${DURATION:-20}
PIN=${PIN:-1}
SYSTEMS=${SYSTEMS:-baseline solo cluster}
RATES=${RATES:-12500 25000}
SATURATE=0
ALTERNATE=0
if [ "${1:-}" = "--saturate" ]; then SATURATE=1; fi
if [ "${1:-}" = "--alternate" ]; then ALTERNATE=${2:?rounds}; fi
if [ "${1:-}" = "--quick" ]; then
  CONNS=${QUICK_CONNS:-100}; ROOMS=5; WARMUP=1; DURATION=2; RATES=${QUICK_RATES:-2000}
fi
OUT=${OUT:-bench/results/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
# the same JVM flags for every server JVM, the baseline's included (docs/performance.md says why these)
SERVER_JAVA_OPTS="${SERVER_JAVA_OPTS:--Xms256m -Xmx256m -XX:+AlwaysPreTouch} ${EXTRA_JAVA_OPTS:-}"

SERVER_CPUS=""
GEN_CPUS=""
if [ "$PIN" = "1" ] && command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then
  SERVER_CPUS="taskset -c 0"
  GEN_CPUS="taskset -c 1"
fi

# shellcheck source=bench/lib.sh
. bench/lib.sh


start_node() {  # port [redis url] -> pid
  local dir="$OUT/node-$1"; mkdir -p "$dir"
  # shellcheck disable=SC2086
  env "${ROOMCAST_ENV[@]}" PORT="$1" REDIS_URL="${2:-}" CHAT_NODE_ID="bench-$1" \
    $SERVER_CPUS java $SERVER_JAVA_OPTS -jar "$(realpath "$SERVER_JAR")" > "$dir/server.log" 2>&1 &
  echo $!   # called in $( ): the caller adds it to PIDS
}

start_redis() {  # -> REDIS_PORT, REDIS_PID (in PIDS)
  REDIS_PORT=$(free_port)
  $SERVER_CPUS redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
    --dir "$OUT" > "$OUT/redis-$REDIS_PORT.log" 2>&1 &
  REDIS_PID=$!; PIDS+=("$REDIS_PID")
  wait_port "$REDIS_PORT"
}

# a system's URLs, the processes whose CPU is measured, and Redis' (set by start_system)
declare -A URLS CPU_PIDS REDIS_PIDS

start_system() {  # system
  local system=$1 pids port port2 p redis_pids=""
  case $system in
    baseline|baselinenative)
      port=$(free_port)
      # shellcheck disable=SC2086
      $SERVER_CPUS java $SERVER_JAVA_OPTS -cp "$JAR" bench/baseline/Broadcast.java "$port" \
        "$([ "$system" = baselinenative ] && echo native)" > "$OUT/$system.log" 2>&1 &
      PIDS+=($!); pids=$!
      wait_port "$port"; URLS[$system]="ws://127.0.0.1:$port/ws" ;;
    solo)
      port=$(free_port); pids=$(start_node "$port")
      PIDS+=("$pids")
      wait_ready "$port"; URLS[$system]="ws://127.0.0.1:$port/ws" ;;
    baselinecluster)
      start_redis; pids=$REDIS_PID; redis_pids="--redis-pids $REDIS_PID"
      port=$(free_port); port2=$(free_port)
      for p in "$port" "$port2"; do
        # shellcheck disable=SC2086
        $SERVER_CPUS java $SERVER_JAVA_OPTS -cp "$JAR" bench/baseline/Broadcast.java "$p" \
          "redis://127.0.0.1:$REDIS_PORT" > "$OUT/$system-$p.log" 2>&1 &
        PIDS+=($!); pids="$pids,$!"
      done
      wait_port "$port"; wait_port "$port2"
      URLS[$system]="ws://127.0.0.1:$port/ws,ws://127.0.0.1:$port2/ws" ;;
    cluster)
      start_redis; pids=$REDIS_PID; redis_pids="--redis-pids $REDIS_PID"
      port=$(free_port); port2=$(free_port)
      pids="$pids,$(start_node "$port" "redis://127.0.0.1:$REDIS_PORT"),$(start_node "$port2" "redis://127.0.0.1:$REDIS_PORT")"
      # shellcheck disable=SC2206
      PIDS+=(${pids//,/ })
      wait_ready "$port"; wait_ready "$port2"
      URLS[$system]="ws://127.0.0.1:$port/ws,ws://127.0.0.1:$port2/ws" ;;
  esac
  CPU_PIDS[$system]=$pids
  REDIS_PIDS[$system]=$redis_pids
}

measure() {  # system deliveries_per_second warmup_seconds result_file (without .json)
  local system=$1 deliveries=$2 warmup=$3 result=$4
  local rate; rate=$(awk -v d="$deliveries" -v c="$CONNS" -v r="$ROOMS" 'BEGIN { printf "%.4f", d / (c * (c / r)) }')
  echo "== $system at $deliveries deliveries/s ($rate messages/s per connection)"
  # shellcheck disable=SC2086
  $GEN_CPUS java -jar "$TOOLS" bench --url "${URLS[$system]}" --conns "$CONNS" --rooms "$ROOMS" --rate "$rate" \
    --duration "$DURATION" --warmup "$warmup" --size "$SIZE" --cpu-pids "${CPU_PIDS[$system]}" \
    ${REDIS_PIDS[$system]} --label "$system@$deliveries" --out "$result.json" > "$result.txt" 2>&1 || true
  tail -n 12 "$result.txt"
}

run_system() {  # system deliveries_per_second -> writes $OUT/<system>-<rate>.json
  start_system "$1"
  measure "$1" "$2" "$WARMUP" "$OUT/$1-$2"
  cleanup
}

if [ "$ALTERNATE" -gt 0 ]; then
  deliveries=${RATES%% *}
  for system in $SYSTEMS; do start_system "$system"; done
  for system in $SYSTEMS; do measure "$system" "$deliveries" "$WARMUP" "$OUT/warmup-$system"; done
  for round in $(seq 1 "$ALTERNATE"); do
    for system in $SYSTEMS; do
      mkdir -p "$OUT/$system-$round"
      measure "$system" "$deliveries" 10 "$OUT/$system-$round/run-$deliveries"
    done
  done
  cleanup
  # shellcheck disable=SC2086
  java -cp "$TOOLS" io.roomcast.bench.BenchReport --compare "$OUT" run "$deliveries" $SYSTEMS
  exit 0
fi

for deliveries in $RATES; do
  for system in $SYSTEMS; do
    run_system "$system" "$deliveries"
  done
done

if [ "$SATURATE" = "1" ]; then
  # saturation: the highest offered load a system still delivers in full with p99 under 100 ms
  for system in $SYSTEMS; do
    for deliveries in 40000 50000 60000 70000 80000 100000; do
      run_system "$system" "$deliveries"
    done
  done
fi

java -cp "$TOOLS" io.roomcast.bench.BenchReport "$OUT"
