# shellcheck shell=bash
# The packed plugin (medusa-plugin-catalog-sync-*.tgz) that the demo, the e2e tests and the benchmark install.
#
# Source this file, then:
#   plugin_tarball_ensure   packs js-host (`cd js-host && npm install && npm pack`; its prepack builds the wasm core
#                           and runs `medusa plugin:build`) when the tarball is missing or any input changed since the
#                           last pack; sets PLUGIN_TARBALL to its absolute path (in .work/plugin/).
# Inputs hashed: every tracked or untracked, not git-ignored file under js-host/ (except integration tests and
# package-lock.json, which the pack's own npm install rewrites),
# src/, pkg-template/, Cargo.toml, Cargo.lock and .ci/build-core. PLUGIN_TARBALL_FORCE=1 packs regardless;
# PLUGIN_TARBALL_REUSE=1 takes the last tarball even when inputs changed (for iterating on the tests).

PLUGIN_LIB_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PLUGIN_WORK_DIR="$PLUGIN_LIB_ROOT/.work/plugin"

# Prints one hash over the contents of the plugin's inputs.
_plugin_inputs_hash() {
  (
    cd "$PLUGIN_LIB_ROOT" || exit 1
    git ls-files -co --exclude-standard -- js-host src pkg-template Cargo.toml Cargo.lock .ci/build-core 2>/dev/null |
      grep -v -e '^js-host/integration-tests/' -e '^js-host/package-lock.json$' | LC_ALL=C sort | while IFS= read -r f; do
        [ -f "$f" ] && printf '%s %s\n' "$(sha256sum <"$f" | cut -c1-64)" "$f"
      done | sha256sum | cut -c1-64
  )
}

plugin_tarball_ensure() {
  mkdir -p "$PLUGIN_WORK_DIR"
  local current stamp="$PLUGIN_WORK_DIR/inputs.sha256" tarball
  tarball="$(cat "$PLUGIN_WORK_DIR/tarball-name" 2>/dev/null || true)"
  [ -d "$PLUGIN_LIB_ROOT/js-host" ] || { echo "[plugin] js-host/ does not exist yet" >&2; return 1; }
  current="$(_plugin_inputs_hash)"
  if [ "${PLUGIN_TARBALL_FORCE:-0}" != 1 ] && [ -n "$tarball" ] && [ -f "$PLUGIN_WORK_DIR/$tarball" ] &&
    { [ "${PLUGIN_TARBALL_REUSE:-0}" = 1 ] || [ "$(cat "$stamp" 2>/dev/null)" = "$current" ]; }; then
    PLUGIN_TARBALL="$PLUGIN_WORK_DIR/$tarball"
    export PLUGIN_TARBALL
    echo "[plugin] reusing $PLUGIN_TARBALL" >&2
    return 0
  fi
  echo "[plugin] packing js-host (npm install && npm pack; builds the wasm core) — log: $PLUGIN_WORK_DIR/pack.log" >&2
  local t0=$SECONDS staging="$PLUGIN_WORK_DIR/staging"
  # Pack into a staging folder: a failed pack leaves the previous tarball in place.
  rm -rf "$staging"
  mkdir -p "$staging"
  (
    cd "$PLUGIN_LIB_ROOT/js-host" &&
      npm install --no-audit --no-fund --loglevel=error &&
      npm pack --pack-destination "$staging"
  ) >"$PLUGIN_WORK_DIR/pack.log" 2>&1 || {
    echo "[plugin] packing failed; last lines of $PLUGIN_WORK_DIR/pack.log:" >&2
    tail -n 40 "$PLUGIN_WORK_DIR/pack.log" >&2
    return 1
  }
  tarball="$(find "$staging" -maxdepth 1 -name '*.tgz' -printf '%f\n' | head -n 1)"
  [ -n "$tarball" ] || { echo "[plugin] npm pack wrote no tarball" >&2; return 1; }
  rm -f "$PLUGIN_WORK_DIR"/*.tgz
  mv "$staging/$tarball" "$PLUGIN_WORK_DIR/$tarball"
  rm -rf "$staging"
  # The inputs as they were when the pack started (an edit made during the pack makes the next call re-pack).
  echo "$current" >"$stamp"
  echo "$tarball" >"$PLUGIN_WORK_DIR/tarball-name"
  PLUGIN_TARBALL="$PLUGIN_WORK_DIR/$tarball"
  export PLUGIN_TARBALL
  echo "[plugin] packed $PLUGIN_TARBALL in $((SECONDS - t0)) s" >&2
}
