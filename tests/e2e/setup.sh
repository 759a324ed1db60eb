# shellcheck shell=bash
# What the e2e runners share (tests/e2e/run.sh, tests/e2e/topology/run.sh): the services every run needs (the
# plugin tarball, the built app, PostgreSQL, the stand-in) and a migrated template database cloned for each run.
# Source it (it sources .ci/lib/{postgres,medusa-app,plugin-tarball,standin}.sh), then:
#   e2e_phase MESSAGE                 a progress line with the seconds since the runner started
#   e2e_services WORK APP PG_PORT STANDIN_PORT
#                                     pack / build when needed, start (or reuse) PostgreSQL in WORK/pg and the
#                                     stand-in (194 products); sets E2E_PG_STARTED=1 when this call started PostgreSQL
#   e2e_export INSTANCE_DIR WORK APP DATABASE_URL OPTIONS
#                                     exports the E2E_* variables tests/e2e/context.js reads (the store is the
#                                     instance in INSTANCE_DIR, its URL from its .env; STANDIN_URL from standin_start)
#   e2e_run_tests DIR [TEST_FILE...]  runs the given files, or every DIR/*.test.js, one file at a time
#   e2e_fresh_db DB APP MIGRATE_INST PORT OPTIONS
#                                     (re)creates DB as a copy of the template database (migrated for the current
#                                     build with the admin user; re-made through the stopped instance MIGRATE_INST,
#                                     configured on PORT with OPTIONS, when the build changed or the cluster lacks it)

E2E_LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.ci/lib" && pwd)"
# shellcheck source=.ci/lib/postgres.sh
source "$E2E_LIB_DIR/postgres.sh"
# shellcheck source=.ci/lib/medusa-app.sh
source "$E2E_LIB_DIR/medusa-app.sh"
# shellcheck source=.ci/lib/plugin-tarball.sh
source "$E2E_LIB_DIR/plugin-tarball.sh"
# shellcheck source=.ci/lib/standin.sh
source "$E2E_LIB_DIR/standin.sh"

E2E_TEMPLATE_DB=catalog_sync_e2e_template
E2E_ADMIN_EMAIL_VALUE=admin@catalog-sync.local
E2E_ADMIN_PASSWORD_VALUE=e2e-password-1
E2E_T0=$SECONDS

e2e_phase() { echo "[e2e] $* (+$((SECONDS - E2E_T0)) s)" >&2; }

e2e_services() {
  local work="$1" app="$2" pg_port="$3" standin_port="$4"
  mkdir -p "$work"
  e2e_phase "plugin tarball"
  plugin_tarball_ensure
  e2e_phase "Medusa app (install / build when changed)"
  medusa_app_prepare "$app" "$PLUGIN_TARBALL"
  e2e_phase "PostgreSQL"
  E2E_PG_STARTED=0
  _pg_answers "$work/pg" "$pg_port" || E2E_PG_STARTED=1
  pg_start "$work/pg" "$pg_port"
  e2e_phase "stand-in server"
  standin_start "$work" "$standin_port" 194
}

e2e_export() {
  local inst="$1" port
  port="$(medusa_port "$inst")"
  export E2E_MEDUSA_URL="http://127.0.0.1:$port" E2E_MEDUSA_PORT="$port" E2E_DUMMYJSON_URL="$STANDIN_URL"
  export E2E_INSTANCE_DIR="$inst" E2E_WORK_DIR="$2" E2E_APP_DIR="$3" E2E_DATABASE_URL="$4" E2E_PLUGIN_OPTIONS="$5"
  export E2E_ADMIN_EMAIL="$E2E_ADMIN_EMAIL_VALUE" E2E_ADMIN_PASSWORD="$E2E_ADMIN_PASSWORD_VALUE"
}

e2e_run_tests() {
  local dir="$1" files
  shift
  if [ $# -gt 0 ]; then files=("$@"); else files=("$dir"/*.test.js); fi
  e2e_phase "running ${#files[@]} test files"
  node --test --test-concurrency=1 --test-reporter=spec "${files[@]}"
}

e2e_fresh_db() {
  local db="$1" app="$2" inst="$3" port="$4" options="$5" stamp
  stamp="$(dirname "$inst")/template.stamp"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$(cat "$app/.stamp-build")" ] || ! pg_db_exists "$E2E_TEMPLATE_DB"; then
    e2e_phase "template database (migrate, admin user)"
    pg_drop_db "$E2E_TEMPLATE_DB"
    pg_ensure_db "$E2E_TEMPLATE_DB"
    medusa_instance_configure "$inst" "$app" "$port" "$(pg_url "$E2E_TEMPLATE_DB")" "$options"
    medusa_migrate "$inst"
    medusa_create_user "$inst" "$E2E_ADMIN_EMAIL_VALUE" "$E2E_ADMIN_PASSWORD_VALUE"
    cp "$app/.stamp-build" "$stamp"
  fi
  e2e_phase "fresh database $db from the template"
  pg_clone_db "$E2E_TEMPLATE_DB" "$db"
}
