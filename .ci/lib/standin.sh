# shellcheck shell=bash
# The DummyJSON stand-in server (tests/dummyjson/server.js) as a background process on 127.0.0.1.
#
# Source this file, then:
#   standin_start DIR PORT [PRODUCTS]   start it (or reuse the one DIR already runs on PORT); PID in
#                                       DIR/standin.pid, log in DIR/standin.log; sets STANDIN_URL.
#   standin_stop DIR                    stop the server DIR started (no-op when none runs).

STANDIN_LIB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# Prints the PID of the stand-in DIR started, when it still runs.
_standin_pid() {
  local pid
  pid="$(cat "$1/standin.pid" 2>/dev/null)" || return 0
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -q "dummyjson/server.js" "/proc/$pid/cmdline" 2>/dev/null; then
    echo "$pid"
  fi
}

standin_start() {
  local dir="${1:?standin_start DIR PORT [PRODUCTS]}" port="${2:?PORT}" products="${3:-194}" pid
  mkdir -p "$dir"
  STANDIN_URL="http://127.0.0.1:$port"
  export STANDIN_URL
  if [ -n "$(_standin_pid "$dir")" ] && curl -fsS -o /dev/null "$STANDIN_URL/__control/health"; then
    echo "[stand-in] reusing the stand-in server on $STANDIN_URL" >&2
    return 0
  fi
  if curl -fsS -o /dev/null "$STANDIN_URL/__control/health" 2>/dev/null; then
    echo "[stand-in] port $port already serves something else; stop it first" >&2
    return 1
  fi
  echo "[stand-in] starting the DummyJSON stand-in ($products products) on $STANDIN_URL" >&2
  setsid node "$STANDIN_LIB_ROOT/tests/dummyjson/server.js" --host 127.0.0.1 --port "$port" --products "$products" \
    >"$dir/standin.log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$dir/standin.pid"
  for _ in $(seq 1 100); do
    grep -q '^DUMMYJSON_URL=' "$dir/standin.log" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "[stand-in] it did not start:" >&2
  cat "$dir/standin.log" >&2
  return 1
}

standin_stop() {
  local dir="${1:?standin_stop DIR}" pid
  pid="$(_standin_pid "$dir")"
  if [ -n "$pid" ]; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$dir/standin.pid"
}
