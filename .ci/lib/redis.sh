# shellcheck shell=bash
# Throwaway Redis servers (Debian's redis-server) for the several-instance Medusa topology: one per DIR, on
# 127.0.0.1, nothing saved to disk. The system service the Debian package installs (port 6379) is never used.
#
# Source this file, then:
#   redis_ensure_installed   apt-get install redis-server when `redis-server` is missing (idempotent; as root).
#                            No service starts during the install (a temporary /usr/sbin/policy-rc.d when the
#                            machine has none); a system service that runs anyway is left alone and never used.
#   redis_start DIR PORT     start (or reuse) a server whose files live in DIR, on 127.0.0.1:PORT, with
#                            --save "" --appendonly no --dir DIR; PID in DIR/redis.pid, log in DIR/redis.log;
#                            waits until it answers PING. Sets REDIS_SERVER_URL=redis://127.0.0.1:PORT (not
#                            exported: a Medusa instance gets its Redis URL from its own .env only).
#   redis_stop DIR           stop the server DIR started (SIGTERM: no save; SIGKILL after 10 s); no-op when none.
#   redis_ping PORT          true when something on 127.0.0.1:PORT answers PING with PONG.
# Or run it: `bash .ci/lib/redis.sh ensure_installed | start DIR PORT | stop DIR | ping PORT`.

REDIS_LIB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=.ci/lib/process.sh
source "$REDIS_LIB_ROOT/.ci/lib/process.sh"

# Prints a message on stderr prefixed with the library name.
_redis_log() { echo "[redis] $*" >&2; }

redis_ensure_installed() {
  if command -v redis-server >/dev/null && command -v redis-cli >/dev/null; then return 0; fi
  [ "$(id -u)" = 0 ] || { _redis_log "redis-server is missing: run as root or apt-get install redis-server"; return 1; }
  local policy=/usr/sbin/policy-rc.d added_policy=0 rc=0 log
  log="$(mktemp)"
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# catalog-sync .ci/lib/redis.sh: no service starts while redis-server installs\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    added_policy=1
  fi
  _redis_log "apt-get install redis-server"
  {
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 redis-server ||
      { DEBIAN_FRONTEND=noninteractive apt-get update -qq -o DPkg::Lock::Timeout=300 &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=300 redis-server; }
  } >"$log" 2>&1 || rc=$?
  [ "$added_policy" = 0 ] || rm -f "$policy"
  if [ "$rc" != 0 ] || ! command -v redis-server >/dev/null; then
    tail -n 30 "$log" >&2
    rm -f "$log"
    _redis_log "installing redis-server failed"
    return 1
  fi
  rm -f "$log"
  _redis_log "installed $(redis-server --version | cut -d' ' -f1-3)"
}

redis_ping() {
  [ "$(redis-cli -h 127.0.0.1 -p "${1:?redis_ping PORT}" ping 2>/dev/null)" = PONG ]
}

redis_start() {
  local dir="${1:?redis_start DIR PORT}" port="${2:?PORT}" i
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  REDIS_SERVER_URL="redis://127.0.0.1:$port"
  if [ -n "$(bg_pid "$dir/redis.pid" redis-server)" ] && redis_ping "$port"; then
    _redis_log "reusing the server in $dir on $REDIS_SERVER_URL"
    return 0
  fi
  bg_stop "$dir/redis.pid" redis-server 10
  if redis_ping "$port"; then
    _redis_log "port $port already serves another Redis; choose another port"
    return 1
  fi
  _redis_log "starting redis-server in $dir on $REDIS_SERVER_URL"
  bg_launch "$dir/redis.pid" "$dir/redis.log" 'Ready to accept connections' 20 \
    redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$dir" --daemonize no || return 1
  for ((i = 0; i < 50; i++)); do
    redis_ping "$port" && return 0
    sleep 0.1
  done
  _redis_log "redis-server in $dir does not answer PING on port $port; see $dir/redis.log"
  redis_stop "$dir"
  return 1
}

redis_stop() {
  local dir="${1:?redis_stop DIR}"
  [ -z "$(bg_pid "$dir/redis.pid" redis-server)" ] || _redis_log "stopping the server in $dir"
  bg_stop "$dir/redis.pid" redis-server 10
}

# Executed rather than sourced: `bash .ci/lib/redis.sh FUNCTION ARGS...`.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  lib_main redis "redis.sh ensure_installed | start DIR PORT | stop DIR | ping PORT" "$@"
fi
