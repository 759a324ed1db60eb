#!/usr/bin/env bash
# End-to-end tests: the packed plugin tarball installed into a built Medusa 2.21.2 app, started with
# `medusa start` against a throwaway PostgreSQL cluster and the DummyJSON stand-in, driven through the
# admin API. Everything is started once and reused by every test file; everything started here is
# stopped on exit. Exit status: non-zero when any test fails.
#
#   bash tests/e2e/run.sh [TEST_FILE...]      (default: every tests/e2e/*.test.js, in name order)
#
# Reuses .work/medusa-app (npm install / medusa build only when their inputs changed), the tarball in
# .work/plugin (re-packed when js-host or the core changed) and a migrated template database.
# Ports (127.0.0.1): Medusa 9200 (+9201 for the bad-option boot), stand-in 9300, PostgreSQL 25492;
# override with E2E_MEDUSA_PORT, E2E_STANDIN_PORT, E2E_PG_PORT.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
# shellcheck source=tests/e2e/setup.sh
source tests/e2e/setup.sh

WORK="$ROOT/.work/e2e"
APP="${E2E_APP_DIR:-$ROOT/.work/medusa-app}"
INSTANCE="$WORK/medusa"
MEDUSA_PORT="${E2E_MEDUSA_PORT:-9200}"
STANDIN_PORT="${E2E_STANDIN_PORT:-9300}"
PG_PORT_E2E="${E2E_PG_PORT:-25492}"
DB=catalog_sync_e2e
ADMIN_EMAIL="$E2E_ADMIN_EMAIL_VALUE"
ADMIN_PASSWORD="$E2E_ADMIN_PASSWORD_VALUE"
mkdir -p "$WORK"

cleanup() {
  local rc=$?
  if [ "$rc" != 0 ] && [ -f "$INSTANCE/medusa.log" ]; then
    echo "[e2e] last errors and warnings of $INSTANCE/medusa.log:" >&2
    grep -E '"level":"(error|warn)"' "$INSTANCE/medusa.log" | tail -n 20 | cut -c1-600 >&2 || true
  fi
  medusa_stop "$INSTANCE" || true
  medusa_stop "$WORK/medusa-bad-option" || true
  standin_stop "$WORK" || true
  pg_stop "$WORK/pg" || true
  e2e_phase "done (exit $rc)"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Test-only npm dependencies of the browser tests (tests/e2e/admin/package.json: playwright-core, which
# drives Debian's /usr/bin/chromium; no browser download), installed when the manifest changed.
if [ -f tests/e2e/admin/package.json ]; then
  admin_deps="$(cat tests/e2e/admin/package.json tests/e2e/admin/package-lock.json 2>/dev/null | sha256sum | cut -c1-64)"
  if [ ! -d tests/e2e/admin/node_modules ] || [ "$(cat "$WORK/admin-deps.sha256" 2>/dev/null)" != "$admin_deps" ]; then
    e2e_phase "npm install in tests/e2e/admin"
    (cd tests/e2e/admin && npm install --no-audit --no-fund --loglevel=error)
    cat tests/e2e/admin/package.json tests/e2e/admin/package-lock.json 2>/dev/null | sha256sum | cut -c1-64 >"$WORK/admin-deps.sha256"
  fi
fi

e2e_services "$WORK" "$APP" "$PG_PORT_E2E" "$STANDIN_PORT"
# Pages of 30 (not the default 100): 194 products in 7 pages, which the request counts and the fault, crash and
# on-missing tests were written for.
OPTIONS="{\"sourceUrl\":\"$STANDIN_URL\",\"schedule\":false,\"pageSize\":30}"

# A migrated database with the admin user, made once per build and cloned for every run (a run starts
# from an empty store: the first-sync test expects to create every product).
medusa_stop "$INSTANCE"
e2e_fresh_db "$DB" "$APP" "$INSTANCE" "$MEDUSA_PORT" "$OPTIONS"
rm -rf "$INSTANCE/static"
medusa_instance_configure "$INSTANCE" "$APP" "$MEDUSA_PORT" "$(pg_url "$DB")" "$OPTIONS"
e2e_phase "starting Medusa"
: >"$INSTANCE/medusa.log"
medusa_start "$INSTANCE"

e2e_export "$INSTANCE" "$WORK" "$APP" "$(pg_url "$DB")" "$OPTIONS"
e2e_run_tests tests/e2e "$@"
