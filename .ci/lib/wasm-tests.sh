#!/usr/bin/env bash
# The WebAssembly tests (tests/wasm_*.rs, #[wasm_bindgen_test]) in one environment:
#   bash .ci/lib/wasm-tests.sh node     wasm-pack test --node
#   bash .ci/lib/wasm-tests.sh chrome   wasm-pack test --headless --chrome with /usr/bin/chromedriver + /usr/bin/chromium
# The tests configure no environment, so the runner picks the one asked for (WASM_BINDGEN_USE_BROWSER=1 for
# Chromium; the runner's own headless Chrome arguments work as root, no webdriver.json needed).
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$HOME/.cargo/bin:$PATH"
mode="${1:?usage: wasm-tests.sh node|chrome}"
ls tests/wasm_*.rs >/dev/null 2>&1 || { echo "no tests/wasm_*.rs" >&2; exit 1; }
case "$mode" in
  node)
    wasm-pack test --node -- --test 'wasm_*'
    ;;
  chrome)
    WASM_BINDGEN_USE_BROWSER=1 wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver -- --test 'wasm_*'
    ;;
  *)
    echo "unknown mode $mode (node|chrome)" >&2
    exit 2
    ;;
esac
