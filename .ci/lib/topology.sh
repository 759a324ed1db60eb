# shellcheck shell=bash
# The production topology of issue 14: one or more Medusa `server` instances (API routes, admin) and N `worker`
# instances (scheduled jobs, subscribers) of one built app with the packed plugin, on one PostgreSQL database and
# one Redis server (Medusa's Redis event bus, workflow engine, cache and locking modules; see .ci/lib/medusa-app.sh).
#
# Layout of DIR: redis/ (the Redis server's files, PID, log), server/ (server-2/ ... for more servers) and
# worker-1/ ... worker-N/ (Medusa instances: each its own .env, medusa-config.js, PID and medusa.log), topology.env
# (the ports). Workers write uploaded files into server/static/ and name the first server's URL: only it serves
# the uploaded files.
#
# Source this file (it sources medusa-app.sh and redis.sh), then:
#   topology_configure DIR APP_DIR DATABASE_URL PLUGIN_OPTIONS_JSON REDIS_PORT SERVER_PORT[,SERVER_PORT...] WORKER_PORT...
#                           configure a server on each SERVER_PORT (comma-separated: server/, server-2/, ...) and one
#                           worker per WORKER_PORT, all with REDIS_URL=redis://127.0.0.1:REDIS_PORT (the instances
#                           must be stopped).
#   topology_redis_start DIR
#                           install redis-server when missing and start (or reuse) the topology's Redis: needed
#                           before `medusa_migrate DIR/server` or `medusa_create_user DIR/server ...`, which load
#                           the Redis modules too.
#   topology_start DIR [TIMEOUT_SECONDS]
#                           Redis, then the first server, then the other servers and every worker side by side, each
#                           until /health answers; prints how long each step took. Sets TOPOLOGY_SERVER_URL (the
#                           first server).
#   topology_stop DIR       the workers, the servers, then Redis (each only when it runs).
#   topology_instances DIR  prints the instance directories, the servers first (the first server first), one per line.
# Or run it: `bash .ci/lib/topology.sh FUNCTION ARGS...` (FUNCTION without the `topology_` prefix).

TOPOLOGY_LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=.ci/lib/medusa-app.sh
source "$TOPOLOGY_LIB_DIR/medusa-app.sh"
# shellcheck source=.ci/lib/redis.sh
source "$TOPOLOGY_LIB_DIR/redis.sh"

# Prints a message on stderr prefixed with the library name.
_topology_log() { echo "[topology] $*" >&2; }

# Milliseconds since the epoch.
_topology_ms() { echo $(($(date +%s%N) / 1000000)); }

# Seconds with one decimal between a start in ms and now.
_topology_since() {
  local ms=$(($(_topology_ms) - $1))
  printf '%d.%d' $((ms / 1000)) $((ms % 1000 / 100))
}

# Loads DIR/topology.env (REDIS_PORT, SERVER_PORTS, WORKER_PORTS) into TOPOLOGY_* variables; TOPOLOGY_SERVER_PORT
# is the first server's.
_topology_load() {
  local dir="$1"
  [ -f "$dir/topology.env" ] || { _topology_log "$dir is not configured: run topology_configure first"; return 1; }
  TOPOLOGY_REDIS_PORT="$(sed -n 's/^REDIS_PORT=//p' "$dir/topology.env")"
  # (SERVER_PORT: the one server of a topology.env written before several servers were possible.)
  TOPOLOGY_SERVER_PORTS="$(sed -n 's/^SERVER_PORTS\{0,1\}=//p' "$dir/topology.env")"
  TOPOLOGY_SERVER_PORT="${TOPOLOGY_SERVER_PORTS%% *}"
  TOPOLOGY_WORKER_PORTS="$(sed -n 's/^WORKER_PORTS=//p' "$dir/topology.env")"
}

# The directory name of the Nth server (1-based): server, server-2, server-3...
_topology_server_name() { if [ "$1" = 1 ]; then echo server; else echo "server-$1"; fi; }

topology_instances() {
  local dir="${1:?topology_instances DIR}" n
  _topology_load "$dir" || return 1
  n=0
  for _ in $TOPOLOGY_SERVER_PORTS; do
    n=$((n + 1))
    echo "$dir/$(_topology_server_name "$n")"
  done
  n=0
  for _ in $TOPOLOGY_WORKER_PORTS; do
    n=$((n + 1))
    echo "$dir/worker-$n"
  done
}

topology_configure() {
  local usage="topology_configure DIR APP_DIR DATABASE_URL PLUGIN_OPTIONS_JSON REDIS_PORT SERVER_PORT[,SERVER_PORT...] WORKER_PORT..."
  local dir="${1:?$usage}" app="${2:?$usage}" db="${3:?$usage}" options="${4:?$usage}" redis_port="${5:?$usage}"
  local server_ports="${6:?$usage}" redis_url n port
  shift 6
  [ $# -gt 0 ] || { _topology_log "no worker port: $usage"; return 1; }
  server_ports="${server_ports//,/ }"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  redis_url="redis://127.0.0.1:$redis_port"
  # Workers and extra servers of an earlier, larger topology in DIR must not linger as configured instances.
  find "$dir" -mindepth 1 -maxdepth 1 \( -name 'worker-*' -o -name 'server-*' \) -type d | while IFS= read -r old; do
    [ -z "$(medusa_pid "$old")" ] || { _topology_log "$old is running: stop the topology first"; exit 1; }
    rm -rf "$old"
  done || return 1
  n=0
  for port in $server_ports; do
    n=$((n + 1))
    if [ "$n" = 1 ]; then
      medusa_instance_configure "$dir/server" "$app" "$port" "$db" "$options" server "$redis_url" || return 1
    else
      medusa_instance_configure "$dir/$(_topology_server_name "$n")" "$app" "$port" "$db" "$options" server "$redis_url" \
        "$dir/server" || return 1
    fi
  done
  n=0
  for port in "$@"; do
    n=$((n + 1))
    medusa_instance_configure "$dir/worker-$n" "$app" "$port" "$db" "$options" worker "$redis_url" "$dir/server" ||
      return 1
  done
  printf 'REDIS_PORT=%s\nSERVER_PORTS=%s\nWORKER_PORTS=%s\n' "$redis_port" "$server_ports" "$*" >"$dir/topology.env"
  _topology_log "configured in $dir: server(s) on port(s) $server_ports, $n worker(s) on port(s) $*, Redis $redis_url"
}

topology_redis_start() {
  local dir="${1:?topology_redis_start DIR}"
  _topology_load "$dir" || return 1
  redis_ensure_installed || return 1
  redis_start "$dir/redis" "$TOPOLOGY_REDIS_PORT"
}

topology_start() {
  local dir="${1:?topology_start DIR [TIMEOUT_SECONDS]}" timeout="${2:-180}" t0 t pids=() inst rc=0 others=()
  dir="$(cd "$dir" && pwd)"
  _topology_load "$dir" || return 1
  t0="$(_topology_ms)"
  t="$t0"
  topology_redis_start "$dir" || return 1
  _topology_log "Redis answers after $(_topology_since "$t") s"
  t="$(_topology_ms)"
  medusa_start "$dir/server" "$timeout" || return 1
  _topology_log "the server answers /health after $(_topology_since "$t") s"
  t="$(_topology_ms)"
  mapfile -t others < <(topology_instances "$dir" | tail -n +2)
  for inst in "${others[@]}"; do
    medusa_start "$inst" "$timeout" &
    pids+=($!)
  done
  for inst in "${pids[@]}"; do wait "$inst" || rc=1; done
  if [ "$rc" != 0 ]; then
    _topology_log "an instance did not start; stopping the topology"
    topology_stop "$dir"
    return 1
  fi
  _topology_log "${#others[@]} more instance(s) answer /health after $(_topology_since "$t") s (started side by side)"
  TOPOLOGY_SERVER_URL="http://127.0.0.1:$TOPOLOGY_SERVER_PORT"
  export TOPOLOGY_SERVER_URL
  _topology_log "up in $(_topology_since "$t0") s: server(s) on ports ${TOPOLOGY_SERVER_PORTS// /, }, workers on ports ${TOPOLOGY_WORKER_PORTS// /, }, Redis redis://127.0.0.1:$TOPOLOGY_REDIS_PORT"
}

topology_stop() {
  local dir="${1:?topology_stop DIR}" inst
  [ -f "$dir/topology.env" ] || return 0
  while IFS= read -r inst; do
    [ "$inst" = "$dir/server" ] || medusa_stop "$inst"
  done < <(topology_instances "$dir")
  medusa_stop "$dir/server"
  redis_stop "$dir/redis"
}

# Executed rather than sourced: `bash .ci/lib/topology.sh FUNCTION ARGS...`.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  lib_main topology "topology.sh configure|redis_start|start|stop|instances ARGS..." "$@"
fi
