# shellcheck shell=bash
# Background processes of the test services (Medusa, the stand-in, the canary, Redis): PID files checked against
# the process's command line (a stale PID file never names another program), and stopping by PID.
#
# Source this file, then:
#   bg_pid PIDFILE MATCH            prints the PID saved in PIDFILE when that process runs and its command line
#                                   contains MATCH; prints nothing otherwise.
#   bg_launch PIDFILE LOG READY SECS CMD...
#                                   runs CMD in the background in its own session (setsid; stdout and stderr to
#                                   LOG, no stdin), saves its PID in PIDFILE and waits until LOG has a line matching
#                                   the extended regex READY. Returns 1 with the log on stderr when CMD exits first
#                                   or SECS pass (then it is stopped).
#   bg_stop PIDFILE MATCH [SECS]    SIGTERM to that process, SIGKILL when it still runs after SECS (default 5);
#                                   removes PIDFILE. No-op when it does not run.
#   lib_main PREFIX USAGE ARGS...   for a library executed as a command: runs the function PREFIX_ARGS[0] with
#                                   the remaining arguments (USAGE is printed when no function is named).

bg_pid() {
  local pidfile="${1:?bg_pid PIDFILE MATCH}" match="${2:?MATCH}" pid
  pid="$(cat "$pidfile" 2>/dev/null)" || return 0
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && grep -qF -- "$match" "/proc/$pid/cmdline" 2>/dev/null; then
    echo "$pid"
  fi
}

bg_launch() {
  local pidfile="${1:?bg_launch PIDFILE LOG READY SECS CMD...}" log="${2:?LOG}" ready="${3:?READY}" secs="${4:?SECS}" pid i
  shift 4
  setsid "$@" >"$log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$pidfile"
  for ((i = 0; i < secs * 10; i++)); do
    grep -qE -- "$ready" "$log" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "[$(basename "$pidfile" .pid)] $1 did not start (within ${secs} s); its log $log:" >&2
  cat "$log" >&2
  kill -TERM "$pid" 2>/dev/null || true
  rm -f "$pidfile"
  return 1
}

bg_stop() {
  local pidfile="${1:?bg_stop PIDFILE MATCH [SECS]}" match="${2:?MATCH}" secs="${3:-5}" pid i
  pid="$(bg_pid "$pidfile" "$match")"
  if [ -n "$pid" ]; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < secs * 10; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

lib_main() {
  local prefix="${1:?lib_main PREFIX USAGE ARGS...}" usage="${2:?USAGE}"
  shift 2
  set -euo pipefail
  local cmd="${1:-}"
  [ -n "$cmd" ] || { echo "usage: $usage" >&2; return 2; }
  shift
  "${prefix}_$cmd" "$@"
}
