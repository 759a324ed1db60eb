#!/usr/bin/env bash
# Topology e2e tests (issue 14): the packed plugin in two Medusa `server` instances and N `worker` instances of the
# built app, on one PostgreSQL database and one Redis server (.ci/lib/topology.sh), driven through the admin API.
# Everything is started once for all the test files and stopped on exit (PostgreSQL only when this run started it).
#
#   bash tests/e2e/topology/run.sh [TEST_FILE...]   (default: every tests/e2e/topology/*.test.js, in name order)
#
# Shares with tests/e2e/run.sh the app, the tarball, the PostgreSQL cluster (.work/e2e/pg) and its migrated template
# database; do not run both at once. Ports (127.0.0.1): servers 9202 and 9205 (E2E_TOPOLOGY_SERVER_PORT,
# E2E_TOPOLOGY_SECOND_SERVER_PORT), workers 9203 9204 (E2E_TOPOLOGY_WORKER_PORTS: space- or comma-separated, one per
# worker), Redis 6382 (E2E_REDIS_PORT), PostgreSQL and stand-in as tests/e2e/run.sh (E2E_PG_PORT, E2E_STANDIN_PORT).
set -euo pipefail
cd "$(dirname "$0")/../../.."
ROOT=$PWD
# shellcheck source=tests/e2e/setup.sh
source tests/e2e/setup.sh
# shellcheck source=.ci/lib/topology.sh
source .ci/lib/topology.sh

WORK="$ROOT/.work/e2e"
TOPOLOGY="$ROOT/.work/e2e-topology"
APP="${E2E_APP_DIR:-$ROOT/.work/medusa-app}"
SERVER_PORT="${E2E_TOPOLOGY_SERVER_PORT:-9202}"
SECOND_SERVER_PORT="${E2E_TOPOLOGY_SECOND_SERVER_PORT:-9205}"
WORKER_PORT_LIST="${E2E_TOPOLOGY_WORKER_PORTS:-9203 9204}"
read -r -a WORKER_PORTS <<<"${WORKER_PORT_LIST//,/ }"
REDIS_PORT="${E2E_REDIS_PORT:-6382}"
DB=catalog_sync_e2e_topology

cleanup() {
  local rc=$?
  if [ "$rc" != 0 ]; then
    for inst in "$TOPOLOGY"/server "$TOPOLOGY"/server-* "$TOPOLOGY"/worker-*; do
      [ -f "$inst/medusa.log" ] || continue
      echo "[e2e] last errors and warnings of $inst/medusa.log:" >&2
      grep -E '"level":"(error|warn)"|error' "$inst/medusa.log" | tail -n 10 | cut -c1-400 >&2 || true
    done
  fi
  topology_stop "$TOPOLOGY" || true
  standin_stop "$WORK" || true
  [ "${E2E_PG_STARTED:-0}" != 1 ] || pg_stop "$WORK/pg" || true
  e2e_phase "done (exit $rc)"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The cluster (WORK/pg), its template database and the stand-in's PID file are those of tests/e2e/run.sh.
e2e_services "$WORK" "$APP" "${E2E_PG_PORT:-25492}" "${E2E_STANDIN_PORT:-9300}"
OPTIONS="{\"sourceUrl\":\"$STANDIN_URL\",\"schedule\":false,\"webhookSecret\":\"topology-webhook-secret-0123456789\"}"
topology_stop "$TOPOLOGY"
e2e_fresh_db "$DB" "$APP" "$WORK/medusa" "$SERVER_PORT" "$OPTIONS"
rm -rf "$TOPOLOGY/server/static"
topology_configure "$TOPOLOGY" "$APP" "$(pg_url "$DB")" "$OPTIONS" "$REDIS_PORT" "$SERVER_PORT,$SECOND_SERVER_PORT" \
  "${WORKER_PORTS[@]}"
for inst in $(topology_instances "$TOPOLOGY"); do : >"$inst/medusa.log"; done
e2e_phase "starting Redis, two servers and ${#WORKER_PORTS[@]} workers"
topology_start "$TOPOLOGY"

e2e_export "$TOPOLOGY/server" "$TOPOLOGY" "$APP" "$(pg_url "$DB")" "$OPTIONS"
export E2E_TOPOLOGY_DIR="$TOPOLOGY"
export E2E_SERVER_URLS="http://127.0.0.1:$SERVER_PORT,http://127.0.0.1:$SECOND_SERVER_PORT"
export E2E_WORKER_URLS
E2E_WORKER_URLS="$(printf 'http://127.0.0.1:%s,' "${WORKER_PORTS[@]}")"
E2E_WORKER_URLS="${E2E_WORKER_URLS%,}"
export E2E_REDIS_PORT="$REDIS_PORT"
export E2E_REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
e2e_run_tests tests/e2e/topology "$@"
