# shellcheck shell=bash
# Throwaway PostgreSQL 15 clusters for the demo, the e2e tests and the benchmark.
#
# Source this file, then:
#   pg_start DIR PORT     start (or reuse) a cluster whose files live in DIR, listening on 127.0.0.1:PORT.
#                         Re-initialises DIR when it holds a broken cluster. Sets PG_DIR, PG_PORT, PG_URL
#                         (postgres://postgres@127.0.0.1:PORT, no database) for the caller.
#   pg_stop [DIR]         fast shutdown of the cluster in DIR (default: $PG_DIR); no-op when not running.
#   pg_db_exists NAME     true when database NAME exists on the current cluster.
#   pg_ensure_db NAME     create database NAME on the current cluster when it does not exist.
#   pg_drop_db NAME       drop database NAME (forcefully) when it exists.
#   pg_clone_db SRC DST   (re)create database DST as a copy of SRC (CREATE DATABASE ... TEMPLATE; SRC must be idle).
#   pg_url NAME           print the connection URL of database NAME on the current cluster.
#
# Callers use ports below Linux's ephemeral range (32768-60999): a port in it can be held for a moment by an
# outgoing connection of another program, and the server could not bind it.
#
# The server refuses to run as root, so when we are root every server command runs as the `postgres` user
# and DIR is owned by it. Durability is switched off (fsync, synchronous_commit, full_page_writes): these
# clusters hold nothing worth keeping. DIR must be inside a git-ignored folder (the callers use .work/).

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"

# Runs a PostgreSQL server binary as the cluster owner (the `postgres` user when we are root).
_pg_as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# Prints a message on stderr prefixed with the library name.
_pg_log() { echo "[postgres] $*" >&2; }

# True when the cluster in $1/data is up and answers on 127.0.0.1:$2.
_pg_answers() {
  [ -f "$1/data/postmaster.pid" ] || return 1
  _pg_as_owner "$PG_BIN/pg_ctl" -D "$1/data" status >/dev/null 2>&1 || return 1
  "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$2" -U postgres -d postgres
}

# Creates a fresh cluster in $1/data (removing whatever was there).
_pg_init() {
  local dir="$1"
  rm -rf "$dir/data" "$dir/sock"
  mkdir -p "$dir/data" "$dir/sock"
  chmod 755 "$dir"
  if [ "$(id -u)" = 0 ]; then chown -R postgres:postgres "$dir"; fi
  chmod 700 "$dir/data"
  _pg_log "initdb $dir/data"
  _pg_as_owner "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; return 1; }
  cat >>"$dir/data/postgresql.conf" <<CONF
# throwaway cluster (catalog-sync .ci/lib/postgres.sh)
listen_addresses = '127.0.0.1'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
shared_buffers = 256MB
CONF
}

# Starts the server of the cluster in $1/data on port $2; returns non-zero when it does not come up.
_pg_launch() {
  local dir="$1" port="$2"
  _pg_as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir/sock" start >/dev/null 2>&1 || return 1
  _pg_answers "$dir" "$port"
}

pg_start() {
  local dir="${1:?pg_start DIR PORT}" port="${2:?pg_start DIR PORT}"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  PG_DIR="$dir"
  PG_PORT="$port"
  PG_URL="postgres://postgres@127.0.0.1:$port"
  export PG_DIR PG_PORT PG_URL
  if _pg_answers "$dir" "$port"; then
    _pg_log "reusing the cluster in $dir on port $port"
    return 0
  fi
  # Running, but not answering on this port (another port, or hung): stop it before starting again.
  if [ -f "$dir/data/postmaster.pid" ] && _pg_as_owner "$PG_BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    _pg_as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 ||
      _pg_as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  if "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$port"; then
    _pg_log "port $port is taken by another server; choose another port"
    return 1
  fi
  if [ ! -s "$dir/data/PG_VERSION" ] || [ ! -f "$dir/data/postgresql.conf" ]; then
    _pg_init "$dir" || return 1
  fi
  if [ "$(id -u)" = 0 ]; then chown -R postgres:postgres "$dir"; fi
  _pg_log "starting the cluster in $dir on 127.0.0.1:$port"
  local attempt
  for attempt in 1 2 3 4 5; do
    _pg_launch "$dir" "$port" && return 0
    # A port still held by a closing socket is not a broken cluster: wait and try again, keep the data.
    tail -n 20 "$dir/server.log" 2>/dev/null | grep -q "Address already in use" || break
    _pg_log "port $port is busy (attempt $attempt of 5); retrying in 2 s"
    sleep 2
  done
  if tail -n 20 "$dir/server.log" 2>/dev/null | grep -q "Address already in use"; then
    _pg_log "port $port stays in use; choose another port"
    return 1
  fi
  _pg_log "the cluster in $dir does not start (see below); re-initialising it"
  tail -n 5 "$dir/server.log" >&2 2>/dev/null || true
  _pg_init "$dir" || return 1
  _pg_launch "$dir" "$port" || { tail -n 20 "$dir/server.log" >&2; return 1; }
}

pg_stop() {
  local dir="${1:-${PG_DIR:-}}"
  [ -n "$dir" ] && [ -f "$dir/data/postmaster.pid" ] || return 0
  _pg_log "stopping the cluster in $dir"
  _pg_as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null 2>&1 ||
    _pg_as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
}

# Runs psql against database postgres of the current cluster.
_pg_psql() {
  PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "${PG_PORT:?pg_start first}" -U postgres -d postgres "$@"
}

pg_db_exists() {
  [ "$(_pg_psql -tAc "SELECT 1 FROM pg_database WHERE datname = '${1:?pg_db_exists NAME}'")" = 1 ]
}

pg_ensure_db() {
  local name="${1:?pg_ensure_db NAME}"
  if ! pg_db_exists "$name"; then
    _pg_log "creating database $name"
    _pg_psql -c "CREATE DATABASE \"$name\"" >/dev/null
  fi
}

pg_drop_db() {
  local name="${1:?pg_drop_db NAME}"
  _pg_psql -c "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)" >/dev/null
}

pg_clone_db() {
  local src="${1:?pg_clone_db SRC DST}" dst="${2:?pg_clone_db SRC DST}"
  pg_drop_db "$dst"
  _pg_psql -c "CREATE DATABASE \"$dst\" TEMPLATE \"$src\"" >/dev/null
}

pg_url() {
  echo "postgres://postgres@127.0.0.1:${PG_PORT:?pg_start first}/${1:?pg_url NAME}"
}
