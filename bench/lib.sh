# Helpers the benchmark scripts share (sourced, not run).

listening() { { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null && exec 3>&-; }
# a port below the kernel's range for outgoing connections: a port in that range may be the local end of a connection
# (the generator's, a node's to Redis) by the time a server binds it, and the bind then fails (address in use)
free_port() {
  local p low=32768
  read -r low _ < /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || true
  ((low > 11000)) || low=32768
  while :; do p=$((10000 + RANDOM % (low - 10000))); listening "$p" || { echo "$p"; return; }; done
}
wait_ready() {  # port: until GET /health/ready answers 200
  for _ in $(seq 1 300); do
    if { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null; then
      printf 'GET /health/ready HTTP/1.0\r\n\r\n' >&3
      if head -n 1 <&3 | grep -q ' 200 '; then exec 3>&-; return 0; fi
      exec 3>&-
    fi
    sleep 0.1
  done
  echo "node on $1 not ready" >&2; return 1
}
wait_port() {
  for _ in $(seq 1 300); do listening "$1" && return 0; sleep 0.1; done
  echo "nothing listens on $1" >&2; return 1
}

# the processes a script started (killed on exit, or by cleanup between runs)
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; PIDS=(); }
trap cleanup EXIT

# limits raised for one client address opening many connections at once; everything else stays at its default
# shellcheck disable=SC2034
ROOMCAST_ENV=(CHAT_MAX_CONNECTIONS_PER_IP=1000000 CHAT_MAX_UPGRADES_PER_SECOND=1000000
  CHAT_MAX_UPGRADES_PER_IP_PER_SECOND=1000000 CHAT_ROOM_CREATE_QUOTA=1000000 CHAT_LOG_LEVEL=WARN)
