# shellcheck shell=bash
# The DummyJSON stand-in server (tests/dummyjson/server.js) as a background process on 127.0.0.1.
#
# Source this file, then:
#   standin_start DIR PORT [PRODUCTS]   start it (or reuse the one DIR already runs on PORT); PID in
#                                       DIR/standin.pid, log in DIR/standin.log; sets STANDIN_URL.
#   standin_stop DIR                    stop the server DIR started (no-op when none runs).

STANDIN_LIB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=.ci/lib/process.sh
source "$STANDIN_LIB_ROOT/.ci/lib/process.sh"

# Prints the PID of the stand-in DIR started, when it still runs.
_standin_pid() { bg_pid "$1/standin.pid" dummyjson/server.js; }

standin_start() {
  local dir="${1:?standin_start DIR PORT [PRODUCTS]}" port="${2:?PORT}" products="${3:-194}"
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
  bg_launch "$dir/standin.pid" "$dir/standin.log" '^DUMMYJSON_URL=' 10 \
    node "$STANDIN_LIB_ROOT/tests/dummyjson/server.js" --host 127.0.0.1 --port "$port" --products "$products"
}

standin_stop() {
  bg_stop "${1:?standin_stop DIR}/standin.pid" dummyjson/server.js
}
