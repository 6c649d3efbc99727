#!/usr/bin/env bash
# Real-client test: the official Python SDKs against `ecsim serve` (docs/serve.md).
#
# Builds the release binary (into ${CARGO_TARGET_DIR:-target}), installs aliyun-python-sdk-core,
# aliyun-python-sdk-ecs and alibabacloud-ecs20140526 from PyPI into a virtual environment under
# target/, starts `ecsim serve --port 0` with tests/sdk/world-low-quota.json and runs
# tests/sdk/test_sdk.py, which also runs `ecsim check` on the parameters the current SDK sent.
# Exit status: that of the test (non-zero when an assertion fails). When the packages cannot
# be installed (no registry reachable), prints a loud SKIPPED notice and exits 0.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
VENV="${SDK_VENV:-target/sdk-venv}"
ECSIM="${CARGO_TARGET_DIR:-target}/release/ecsim"
PACKAGES=(aliyun-python-sdk-core aliyun-python-sdk-ecs alibabacloud-ecs20140526)

skip() {
    echo "================================================================"
    echo "SKIPPED: real-client SDK test: $1"
    echo "         (the SDKs could not be installed; nothing was tested)"
    echo "================================================================"
    exit 0
}

cargo build --release --quiet

if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV" || skip "cannot create a virtual environment with $PYTHON"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${PACKAGES[@]}" \
    || skip "pip install ${PACKAGES[*]} failed"

LOG="$(mktemp)"
"$ECSIM" serve --port 0 --world tests/sdk/world-low-quota.json >"$LOG" 2>&1 &
SERVER=$!
cleanup() {
    kill "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
    rm -f "$LOG"
}
trap cleanup EXIT

ADDR=""
for _ in $(seq 1 100); do
    ADDR="$(sed -n 's#^listening on http://##p' "$LOG" | head -n 1)"
    [ -n "$ADDR" ] && break
    if ! kill -0 "$SERVER" 2>/dev/null; then
        cat "$LOG" >&2
        echo "sdk-test: ecsim serve exited before listening" >&2
        exit 1
    fi
    sleep 0.1
done
[ -n "$ADDR" ] || { cat "$LOG" >&2; echo "sdk-test: no address from ecsim serve" >&2; exit 1; }

echo "sdk-test: ecsim serve on $ADDR"
"$VENV/bin/python" tests/sdk/test_sdk.py "$ADDR" "$ECSIM"
