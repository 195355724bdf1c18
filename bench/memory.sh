#!/usr/bin/env bash
# Heap per idle connection, as docs/performance.md reports it: a node (single, in-memory broker) with CONNS idle
# WebSocket connections, each joined to one of ROOMS rooms; the live heap after a full GC (jcmd GC.class_histogram)
# with and without them, divided by CONNS; and the classes that make up the difference, per connection.
#
#   bench/memory.sh                       4000 connections in 40 rooms
#   CONNS=10000 bench/memory.sh
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=target/chat-server.jar
[ -f "$JAR" ] || ./mvnw -B -q package -DskipTests
# the load generator and the reports: the tools jar (not part of the server), built from this tree when missing
TOOLS=tools/target/roomcast-tools.jar
[ -f "$TOOLS" ] || ./mvnw -B -q -f tools/pom.xml package
CONNS=${CONNS:-4000}
ROOMS=${ROOMS:-40}
SERVER_JAR=${JAR_OVERRIDE:-$JAR}
OUT=${OUT:-bench/results/memory-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
port=$((20000 + RANDOM % 40000))
env CHAT_MAX_CONNECTIONS_PER_IP=1000000 CHAT_MAX_UPGRADES_PER_SECOND=1000000 CHAT_MAX_UPGRADES_PER_IP_PER_SECOND=1000000 \
  CHAT_ROOM_CREATE_QUOTA=1000000 CHAT_LOG_LEVEL=WARN PORT=$port \
  java -Xms512m -Xmx512m ${EXTRA_JAVA_OPTS:-} -jar "$SERVER_JAR" > "$OUT/server.log" 2>&1 &
server=$!
trap 'kill $server $gen 2>/dev/null || true' EXIT
for _ in $(seq 1 200); do { exec 3<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null && { exec 3>&-; break; }; sleep 0.1; done
histogram() { jcmd "$server" GC.class_histogram > "$1"; }
# a first connection and join warm up the code paths, so class loading is not counted per connection
java -jar "$TOOLS" bench --url "ws://127.0.0.1:$port/ws" --conns "$ROOMS" --rooms "$ROOMS" --rate 0.001 --duration 1 \
  --warmup 0 --drain 1 > "$OUT/warmup.txt" 2>&1 || true
histogram "$OUT/before.txt"
java -jar "$TOOLS" bench --url "ws://127.0.0.1:$port/ws" --conns "$CONNS" --rooms "$ROOMS" --rate 0.0001 --duration 600 \
  --warmup 0 > "$OUT/generator.txt" 2>&1 &
gen=$!
for _ in $(seq 1 600); do grep -q "connected and joined" "$OUT/generator.txt" 2>/dev/null && break; sleep 0.2; done
sleep 2
histogram "$OUT/after.txt"
kill $gen 2>/dev/null || true
java -cp "$TOOLS" io.roomcast.bench.HeapReport "$OUT/before.txt" "$OUT/after.txt" "$CONNS"
