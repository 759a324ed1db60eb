# shellcheck shell=bash
# The canary (tests/dummyjson/canary.js) as a background process: it answers every request on its loopback
# addresses and counts them, so a test can assert that no request reached a private or loopback address.
#
# Source this file, then:
#   canary_start DIR PORT [HOSTS]   start it on PORT of each comma-separated host (default 127.0.0.1; e.g.
#                                   "127.0.0.1,127.0.0.2,::1"); PID in DIR/canary.pid, log in DIR/canary.log;
#                                   sets (and prints) CANARY_URL and CANARY_CONTROL_URL (secret-token control API).
#                                   A canary that DIR already runs is stopped first: the count starts at 0.
#   canary_count                    prints how many requests reached the canary of CANARY_CONTROL_URL.
#   canary_reset                    zeroes that count.
#   canary_stop DIR                 stop the canary DIR started (no-op when none runs).
# Or run it: `bash .ci/lib/canary.sh start DIR PORT [HOSTS]` (prints the two URLs), `... stop DIR`,
# `CANARY_CONTROL_URL=... bash .ci/lib/canary.sh count`.

CANARY_LIB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=.ci/lib/process.sh
source "$CANARY_LIB_ROOT/.ci/lib/process.sh"

canary_start() {
  local dir="${1:?canary_start DIR PORT [HOSTS]}" port="${2:?PORT}" hosts="${3:-127.0.0.1}"
  mkdir -p "$dir"
  canary_stop "$dir"
  bg_launch "$dir/canary.pid" "$dir/canary.log" '^CANARY_CONTROL_URL=' 10 \
    node "$CANARY_LIB_ROOT/tests/dummyjson/canary.js" --port "$port" --host "$hosts" || return 1
  CANARY_URL="$(sed -n 's/^CANARY_URL=//p' "$dir/canary.log")"
  CANARY_CONTROL_URL="$(sed -n 's/^CANARY_CONTROL_URL=//p' "$dir/canary.log")"
  export CANARY_URL CANARY_CONTROL_URL
  echo "[canary] counting every request to $CANARY_URL (and the same port of: $hosts)" >&2
  printf 'CANARY_URL=%s\nCANARY_CONTROL_URL=%s\n' "$CANARY_URL" "$CANARY_CONTROL_URL"
}

canary_count() {
  curl -fsS "${CANARY_CONTROL_URL:?canary_start first}/count" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).count))'
}

canary_reset() {
  curl -fsS -X POST "${CANARY_CONTROL_URL:?canary_start first}/reset" >/dev/null
}

canary_stop() {
  bg_stop "${1:?canary_stop DIR}/canary.pid" dummyjson/canary.js
}

# Executed rather than sourced: `bash .ci/lib/canary.sh start|stop|count|reset ARGS...`.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  lib_main canary "canary.sh start DIR PORT [HOSTS] | stop DIR | count | reset" "$@"
fi
