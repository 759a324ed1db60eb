# shellcheck shell=bash
# A real Medusa 2.21.2 store for the demo, the e2e tests and the benchmark.
#
# Two levels, so that one `npm install` + `medusa build` (~2 minutes) serves every use:
#   the APP  (default .work/medusa-app): package.json, package-lock.json and tsconfig.json from
#            tests/e2e/app-template/, node_modules, the plugin tarball installed, medusa-config.ts, and the
#            production build in .medusa/server. Each step re-runs only when its inputs changed (hash stamps).
#   an INSTANCE (e.g. .work/demo/medusa): a copy of the app's .medusa/server (refreshed when the build
#            changes) with node_modules symlinked, its own medusa-config.js (plugin options), .env (database,
#            port, worker mode, Redis URL), static/ (uploaded files), PID file and log. Many instances share one app.
#
# Worker mode and Redis (several instances on one database: see .ci/lib/topology.sh). The generated medusa-config
# reads them from the instance's .env, so one build serves every mode:
#   MEDUSA_WORKER_MODE  shared (default: API routes + jobs + subscribers), server (API routes and the admin only)
#                       or worker (jobs and subscribers; answers /health, no API routes) -> projectConfig.workerMode
#   REDIS_URL           when set: projectConfig.redisUrl (sessions in Redis too) and Medusa's Redis modules:
#                       event-bus-redis { redisUrl }, workflow-engine-redis { redis: { redisUrl } }, cache-redis
#                       { redisUrl }, locking with the locking-redis provider (default) { redisUrl }. Unset: Medusa's
#                       in-process defaults, exactly as a one-instance store has them.
#   MEDUSA_FILE_UPLOAD_DIR / MEDUSA_FILE_BACKEND_URL  where the local file provider writes uploads and the URL
#                       they get (default: the instance's own static/ and port). Workers write into the server's
#                       static/ and name the server's URL, since only a server serves /static.
# Medusa 2.21 loads the Notification module with the local provider on the "feed" channel by default (the admin's
# notification drawer), so the config does not add it.
#
# Source this file and call the functions, or run it: `bash .ci/lib/medusa-app.sh FUNCTION ARGS...`
# (FUNCTION without the `medusa_` prefix, e.g. `bash .ci/lib/medusa-app.sh start .work/e2e/medusa`).
#
#   medusa_app_prepare APP_DIR [PLUGIN_TARBALL]
#   medusa_instance_configure INST_DIR APP_DIR PORT DATABASE_URL [PLUGIN_OPTIONS_JSON] [MODE] [REDIS_URL] [FILES_FROM]
#                             (no PLUGIN_OPTIONS_JSON, or "": the plugin is not registered; MODE: shared (default),
#                             server or worker; REDIS_URL: "" for none; FILES_FROM: the instance directory whose
#                             static/ and port uploaded files use, default this one; it must be configured first)
#   medusa_migrate INST_DIR
#   medusa_create_user INST_DIR EMAIL PASSWORD         (an existing user is fine)
#   medusa_start INST_DIR [TIMEOUT_SECONDS]            (background; waits for /health; PID in INST_DIR/medusa.pid)
#   medusa_stop INST_DIR                               (SIGTERM, then SIGKILL after 20 s)
#   medusa_pid INST_DIR                                (prints the PID of a running instance)
#   medusa_port INST_DIR                               (prints the instance's port)

MEDUSA_LIB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# shellcheck source=.ci/lib/process.sh
source "$MEDUSA_LIB_ROOT/.ci/lib/process.sh"
MEDUSA_APP_TEMPLATE="$MEDUSA_LIB_ROOT/tests/e2e/app-template"
MEDUSA_PLUGIN_NAME="medusa-plugin-catalog-sync"
export MEDUSA_DISABLE_TELEMETRY=true
export MEDUSA_FF_ANALYTICS=false

# Prints a message on stderr prefixed with the library name.
_medusa_log() { echo "[medusa] $*" >&2; }

# Prints the SHA-256 of the files given (contents and names), one hash for all.
_medusa_hash_files() {
  local f
  for f in "$@"; do
    printf '%s\n' "$f"
    [ -f "$f" ] && sha256sum <"$f"
  done | sha256sum | cut -c1-64
}

# Runs the Medusa CLI of APP_DIR's node_modules in the current directory.
_medusa_cli() {
  node "${MEDUSA_CLI_NODE_MODULES:?}/@medusajs/cli/cli.js" "$@"
}

# Writes the medusa-config shared by the app's medusa-config.ts and an instance's medusa-config.js.
# $1: "ts" or "js"; $2: plugin options JSON or "" for no plugin.
_medusa_config_text() {
  local kind="$1"
  if [ "$kind" = ts ]; then
    _medusa_config_ts "$2"
  else
    # The same program without the TypeScript: the import, non-null assertions and the one type cast.
    _medusa_config_ts "$2" | sed -e '1s/.*/const { loadEnv, defineConfig } = require("@medusajs\/framework\/utils")/' \
      -e 's/process\.env\.\([A-Z_]*\)!/process.env.\1/' -e 's/ as WorkerMode,$/,/' -e '/^type WorkerMode = /d'
  fi
}

# The TypeScript medusa-config (see the header of this file for what the environment chooses).
_medusa_config_ts() {
  local options="$1"
  echo 'import { loadEnv, defineConfig } from "@medusajs/framework/utils"'
  cat <<'EOF'

// Written by catalog-sync .ci/lib/medusa-app.sh; rewritten on every configure.
loadEnv(process.env.NODE_ENV || "development", process.cwd())

// One build serves every instance: MEDUSA_WORKER_MODE picks shared (default), server or worker.
type WorkerMode = "shared" | "server" | "worker"
const workerMode = process.env.MEDUSA_WORKER_MODE || "shared"
if (!["shared", "server", "worker"].includes(workerMode)) {
  throw new Error(`MEDUSA_WORKER_MODE must be shared, server or worker, not "${workerMode}"`)
}
// With REDIS_URL the instances share Medusa's Redis modules; without it, Medusa's in-process defaults.
const redisUrl = process.env.REDIS_URL || undefined
const redisModules = redisUrl
  ? [
      { resolve: "@medusajs/medusa/event-bus-redis", options: { redisUrl } },
      { resolve: "@medusajs/medusa/workflow-engine-redis", options: { redis: { redisUrl } } },
      { resolve: "@medusajs/medusa/cache-redis", options: { redisUrl } },
      {
        resolve: "@medusajs/medusa/locking",
        options: {
          providers: [
            { resolve: "@medusajs/medusa/locking-redis", id: "locking-redis", is_default: true, options: { redisUrl } },
          ],
        },
      },
    ]
  : []

module.exports = defineConfig({
  projectConfig: {
    databaseUrl: process.env.DATABASE_URL,
    workerMode: workerMode as WorkerMode,
    ...(redisUrl ? { redisUrl } : {}),
    http: {
      storeCors: process.env.STORE_CORS!,
      adminCors: process.env.ADMIN_CORS!,
      authCors: process.env.AUTH_CORS!,
      jwtSecret: process.env.JWT_SECRET || "supersecret",
      cookieSecret: process.env.COOKIE_SECRET || "supersecret",
    },
    // The admin is served over plain http on 127.0.0.1: a Secure cookie would make login fail silently.
    cookieOptions: { secure: false, sameSite: "lax" },
  },
  // Uploaded files (the synced product images) live in the instance's static/ folder, served at /static by
  // this very server: their URLs must name its own address, not the local provider's default localhost:9000.
  // A worker serves no /static: it writes into its server's folder (MEDUSA_FILE_UPLOAD_DIR) and names its URL.
  modules: [
    {
      resolve: "@medusajs/medusa/file",
      options: {
        providers: [
          {
            resolve: "@medusajs/medusa/file-local",
            id: "local",
            options: {
              backend_url: process.env.MEDUSA_FILE_BACKEND_URL || "http://localhost:9000/static",
              ...(process.env.MEDUSA_FILE_UPLOAD_DIR ? { upload_dir: process.env.MEDUSA_FILE_UPLOAD_DIR } : {}),
            },
          },
        ],
      },
    },
    ...redisModules,
  ],
EOF
  if [ -n "$options" ]; then
    printf '  plugins: [\n    {\n      resolve: "%s",\n      options: %s,\n    },\n  ],\n' \
      "$MEDUSA_PLUGIN_NAME" "$(printf '%s' "$options" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>process.stdout.write(JSON.stringify(JSON.parse(s),null,2).replace(/\n/g,"\n      ")))')"
  fi
  echo '})'
}

medusa_app_prepare() {
  local app="${1:?medusa_app_prepare APP_DIR [PLUGIN_TARBALL]}" tarball="${2:-}"
  mkdir -p "$app"
  app="$(cd "$app" && pwd)"
  if [ -n "$tarball" ]; then
    [ -f "$tarball" ] || { _medusa_log "no plugin tarball at $tarball"; return 1; }
    tarball="$(cd "$(dirname "$tarball")" && pwd)/$(basename "$tarball")"
  fi
  (
    # One preparer at a time per app (the demo and the tests may share it).
    exec 9>"$app/.prepare.lock"
    flock 9
    cd "$app" || exit 1
    set -e

    # 1. Dependencies: the template's package.json + lock, installed when they changed.
    local deps_hash
    deps_hash="$(_medusa_hash_files "$MEDUSA_APP_TEMPLATE/package.json" "$MEDUSA_APP_TEMPLATE/package-lock.json")"
    cp "$MEDUSA_APP_TEMPLATE/tsconfig.json" tsconfig.json
    mkdir -p src
    if [ "$(cat .stamp-deps 2>/dev/null)" != "$deps_hash" ] || [ ! -d node_modules/@medusajs/medusa ]; then
      _medusa_log "npm install in $app (about a minute)"
      cp "$MEDUSA_APP_TEMPLATE/package.json" package.json
      cp "$MEDUSA_APP_TEMPLATE/package-lock.json" package-lock.json
      rm -f .stamp-plugin .stamp-build
      npm install --no-audit --no-fund --loglevel=error >npm-install.log 2>&1 ||
        { tail -n 30 npm-install.log >&2; exit 1; }
      echo "$deps_hash" >.stamp-deps
    fi

    # 2. The plugin: installed from a content-named copy of the tarball (a new name per content, so npm
    #    never reuses a cached integrity for a changed file), reinstalled when the tarball changed.
    local plugin_hash="none" options=""
    if [ -n "$tarball" ]; then
      plugin_hash="$(sha256sum <"$tarball" | cut -c1-16)"
      options='{"sourceUrl":"https://dummyjson.com","schedule":false}'
    fi
    if [ "$(cat .stamp-plugin 2>/dev/null)" != "$plugin_hash" ]; then
      mkdir -p plugins
      if [ -n "$tarball" ]; then
        _medusa_log "installing $(basename "$tarball") into $app"
        cp "$tarball" "plugins/$MEDUSA_PLUGIN_NAME-$plugin_hash.tgz"
        npm install --no-audit --no-fund --loglevel=error "./plugins/$MEDUSA_PLUGIN_NAME-$plugin_hash.tgz" \
          >npm-plugin.log 2>&1 || { tail -n 30 npm-plugin.log >&2; exit 1; }
        find plugins -name "$MEDUSA_PLUGIN_NAME-*.tgz" ! -name "*-$plugin_hash.tgz" -delete
      elif [ -d "node_modules/$MEDUSA_PLUGIN_NAME" ]; then
        npm uninstall --no-audit --no-fund --loglevel=error "$MEDUSA_PLUGIN_NAME" >npm-plugin.log 2>&1 ||
          { tail -n 30 npm-plugin.log >&2; exit 1; }
      fi
      echo "$plugin_hash" >.stamp-plugin
    fi

    # 3. The build-time config (the plugin registered, so its admin extensions are bundled) and the build.
    _medusa_config_text ts "$options" >medusa-config.ts
    local build_hash
    build_hash="$(_medusa_hash_files .stamp-deps .stamp-plugin medusa-config.ts tsconfig.json)"
    if [ "$(cat .stamp-build 2>/dev/null)" != "$build_hash" ] || [ ! -f .medusa/server/medusa-config.js ]; then
      _medusa_log "medusa build in $app (about 40 s)"
      MEDUSA_CLI_NODE_MODULES="$app/node_modules" _medusa_cli build >build.log 2>&1 ||
        { tail -n 40 build.log >&2; exit 1; }
      [ -f .medusa/server/public/admin/index.html ] || { _medusa_log "build produced no admin"; exit 1; }
      echo "$build_hash" >.stamp-build
    fi
  )
}

medusa_instance_configure() {
  local inst="${1:?INST_DIR}" app="${2:?APP_DIR}" port="${3:?PORT}" db="${4:?DATABASE_URL}" options="${5:-}"
  local mode="${6:-shared}" redis_url="${7:-}" files_from="${8:-}"
  case "$mode" in
    shared | server | worker) ;;
    *) _medusa_log "instance mode must be shared, server or worker, not '$mode'"; return 1 ;;
  esac
  app="$(cd "$app" && pwd)"
  [ -f "$app/.stamp-build" ] || { _medusa_log "$app is not built: run medusa_app_prepare first"; return 1; }
  mkdir -p "$inst"
  inst="$(cd "$inst" && pwd)"
  if [ -n "$(medusa_pid "$inst")" ]; then
    _medusa_log "instance $inst is running: stop it before configuring it"
    return 1
  fi
  # Copy the build when it changed; static/ (uploaded files) and the log survive.
  if [ "$(cat "$inst/.stamp-build" 2>/dev/null)" != "$(cat "$app/.stamp-build")" ]; then
    _medusa_log "copying the build of $app into $inst"
    find "$inst" -mindepth 1 -maxdepth 1 ! -name static ! -name 'medusa*.log' -exec rm -rf {} +
    cp -a "$app/.medusa/server/." "$inst/"
    cp "$app/.stamp-build" "$inst/.stamp-build"
  fi
  ln -sfn "$app/node_modules" "$inst/node_modules"
  echo "$app" >"$inst/.app-dir"
  if [ -n "$options" ]; then
    printf '%s' "$options" | node -e 'JSON.parse(require("fs").readFileSync(0,"utf8"))' ||
      { _medusa_log "plugin options are not JSON: $options"; return 1; }
  fi
  _medusa_config_text js "$options" >"$inst/medusa-config.js"
  local origin="http://127.0.0.1:$port,http://localhost:$port" files_url="http://127.0.0.1:$port/static"
  if [ -n "$files_from" ]; then
    files_from="$(cd "$files_from" && pwd)" || return 1
    [ -f "$files_from/.env" ] || { _medusa_log "$files_from is not a configured instance"; return 1; }
    files_url="http://127.0.0.1:$(medusa_port "$files_from")/static"
  fi
  cat >"$inst/.env" <<EOF
DATABASE_URL=$db
HOST=127.0.0.1
PORT=$port
STORE_CORS=http://127.0.0.1:8000,http://localhost:8000
ADMIN_CORS=$origin
AUTH_CORS=$origin,http://127.0.0.1:8000
JWT_SECRET=catalog-sync-local-jwt-secret
COOKIE_SECRET=catalog-sync-local-cookie-secret
MEDUSA_DISABLE_TELEMETRY=true
MEDUSA_FILE_BACKEND_URL=$files_url
MEDUSA_WORKER_MODE=$mode
EOF
  [ -z "$redis_url" ] || echo "REDIS_URL=$redis_url" >>"$inst/.env"
  [ -z "$files_from" ] || echo "MEDUSA_FILE_UPLOAD_DIR=$files_from/static" >>"$inst/.env"
}

# Exports the variables of ./.env (the instance's), after dropping inherited ones that only an instance's .env may
# set (a REDIS_URL in the caller's environment must not turn a one-instance store into a Redis one).
_medusa_load_env() {
  unset REDIS_URL MEDUSA_WORKER_MODE MEDUSA_FILE_UPLOAD_DIR MEDUSA_FILE_BACKEND_URL
  set -a
  # shellcheck disable=SC1091
  . ./.env
  set +a
}

# Runs the Medusa CLI inside an instance as a production server would.
_medusa_in_instance() {
  local inst
  inst="$(cd "$1" && pwd)" || return 1
  shift
  (
    cd "$inst" || exit 1
    _medusa_load_env
    NODE_ENV=production MEDUSA_CLI_NODE_MODULES="$inst/node_modules" _medusa_cli "$@"
  )
}

medusa_migrate() {
  local inst="${1:?INST_DIR}"
  _medusa_log "db:migrate in $inst"
  _medusa_in_instance "$inst" db:migrate >"$inst/migrate.log" 2>&1 || { tail -n 40 "$inst/migrate.log" >&2; return 1; }
}

medusa_create_user() {
  local inst="${1:?INST_DIR}" email="${2:?EMAIL}" password="${3:?PASSWORD}"
  if _medusa_in_instance "$inst" user -e "$email" -p "$password" >"$inst/user.log" 2>&1; then
    _medusa_log "admin user $email created"
  elif grep -qi "already exists" "$inst/user.log"; then
    _medusa_log "admin user $email exists"
  else
    tail -n 30 "$inst/user.log" >&2
    return 1
  fi
}

medusa_pid() {
  bg_pid "${1:?INST_DIR}/medusa.pid" cli.js
}

medusa_port() {
  sed -n 's/^PORT=//p' "${1:?INST_DIR}/.env"
}

medusa_start() {
  local inst="${1:?INST_DIR}" timeout="${2:-120}" port pid
  inst="$(cd "$inst" && pwd)"
  port="$(medusa_port "$inst")"
  if [ -n "$(medusa_pid "$inst")" ] && curl -fsS -o /dev/null "http://127.0.0.1:$port/health"; then
    _medusa_log "reusing Medusa running in $inst (pid $(medusa_pid "$inst")) on port $port"
    return 0
  fi
  if curl -fsS -o /dev/null "http://127.0.0.1:$port/health" 2>/dev/null; then
    _medusa_log "port $port already serves something else; stop it first"
    return 1
  fi
  _medusa_log "starting Medusa from $inst on http://127.0.0.1:$port"
  (
    cd "$inst" || exit 1
    _medusa_load_env
    export NODE_ENV=production
    exec setsid node "$inst/node_modules/@medusajs/cli/cli.js" start --host 127.0.0.1 --port "$port" \
      >>"$inst/medusa.log" 2>&1 </dev/null
  ) &
  pid=$!
  echo "$pid" >"$inst/medusa.pid"
  local waited=0
  until curl -fsS -o /dev/null "http://127.0.0.1:$port/health" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      _medusa_log "Medusa exited during start; last lines of $inst/medusa.log:"
      tail -n 30 "$inst/medusa.log" >&2
      rm -f "$inst/medusa.pid"
      return 1
    fi
    if [ "$waited" -ge "$((timeout * 2))" ]; then
      _medusa_log "Medusa did not answer /health within ${timeout}s; see $inst/medusa.log"
      medusa_stop "$inst"
      return 1
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
  _medusa_log "Medusa is up (pid $pid) after ~$((waited / 2)) s"
}

medusa_stop() {
  local inst="${1:?INST_DIR}" pid
  pid="$(medusa_pid "$inst")"
  [ -z "$pid" ] || _medusa_log "stopping Medusa (pid $pid)"
  bg_stop "$inst/medusa.pid" cli.js 20
}

# Executed rather than sourced: `bash medusa-app.sh FUNCTION ARGS...`.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  lib_main medusa "medusa-app.sh app_prepare|instance_configure|migrate|create_user|start|stop|pid|port ARGS..." "$@"
fi
