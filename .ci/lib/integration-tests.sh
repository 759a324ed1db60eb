#!/usr/bin/env bash
# The plugin's integration tests (js-host/integration-tests, Medusa's medusaIntegrationTestRunner: Medusa
# in-process + a real PostgreSQL) against a throwaway cluster this script starts and stops.
#   bash .ci/lib/integration-tests.sh [JEST_ARGS...]   (e.g. a spec file name pattern: lifecycle)
# The cluster: .work/integration/pg on 127.0.0.1:25494 (INTEGRATION_PG_PORT overrides). The test runner is
# given DB_HOST=localhost (with any other host it forces SSL), DB_PORT, DB_USERNAME=postgres, no password.
# js-host's npm install runs when its package.json or lock changed (or node_modules is missing).
# Jest runs two spec files at a time (`--maxWorkers=2` in js-host's `test:integration`): each file boots its own
# Medusa in its own worker process, on its own database (the runner's unique name) and HTTP port (any free one), so
# they share nothing; the layer took 251–262 s so, against 586 s one file at a time (much of a file's time is
# waiting: leases, schedules, deadlines).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
export PATH="$HOME/.cargo/bin:$PATH"
export MEDUSA_DISABLE_TELEMETRY=true
# shellcheck source=.ci/lib/postgres.sh
source .ci/lib/postgres.sh
WORK="$ROOT/.work/integration"
PORT="${INTEGRATION_PG_PORT:-25494}"
mkdir -p "$WORK"
trap 'pg_stop "$WORK/pg"' EXIT
pg_start "$WORK/pg" "$PORT"
# The files the tests' syncs upload (js-host/integration-tests/app/medusa-config.js), from this run only.
rm -rf "$WORK/static"

deps_hash="$(cat js-host/package.json js-host/package-lock.json 2>/dev/null | sha256sum | cut -c1-64)"
if [ ! -d js-host/node_modules/@medusajs/medusa ] || [ "$(cat "$WORK/js-host-deps.sha256" 2>/dev/null)" != "$deps_hash" ]; then
  (cd js-host && npm install --no-audit --no-fund --loglevel=error)
  cat js-host/package.json js-host/package-lock.json | sha256sum | cut -c1-64 >"$WORK/js-host-deps.sha256"
fi
cd js-host
DB_HOST=localhost DB_PORT="$PORT" DB_USERNAME=postgres DB_PASSWORD="" npm run test:integration -- "$@"
