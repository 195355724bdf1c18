#!/usr/bin/env bash
# The floor under any server that sends one TCP segment per delivery on this machine: bench/floor/WriteFloor.java
# writes 150-byte frames to 1000 sockets, 50 at a time, at RATE writes/s for DURATION seconds (a third of it warm-up), pinned
# like bench/run.sh (writer on CPU 0, reader on CPU 1), and prints its CPU time per write.
#   bench/floor.sh                 (RATE=25000 writes/s and DURATION=30 s by default)
#   FLOOR=c bench/floor.sh         the same program in C (bench/floor/write_floor.c; needs cc)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
RATE=${RATE:-25000}
DURATION=${DURATION:-30}
dir=$(mktemp -d)
trap 'rm -rf "$dir"; cleanup' EXIT
if [ "${FLOOR:-java}" = c ]; then
  cc -O2 -o "$dir/write_floor" bench/floor/write_floor.c
  floor=("$dir/write_floor")
else
  javac -d "$dir" bench/floor/WriteFloor.java
  floor=(java -cp "$dir" WriteFloor)
fi
port=$(free_port)
PIN0=""; PIN1=""
if command -v taskset >/dev/null && [ "$(nproc)" -ge 2 ]; then PIN0="taskset -c 0"; PIN1="taskset -c 1"; fi
# (no probe connection: the writer accepts exactly 1000)
$PIN0 "${floor[@]}" server "$port" 1000 "$RATE" "$DURATION" | tee "$dir/out" &
server=$!
until grep -q listening "$dir/out" 2>/dev/null; do sleep 0.1; done
$PIN1 "${floor[@]}" client "$port" 1000 &
PIDS+=($!)
wait "$server"
