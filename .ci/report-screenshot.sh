#!/usr/bin/env bash
# Renders report.html in headless Chromium and checks the screenshot: a PNG of the window's
# size that is not blank (a white page of this size compresses to a few KB; the tables and
# inline SVG charts make it hundreds). Installs Debian's chromium when missing and allowed;
# prints SKIPPED and exits 0 when no Chromium can be had (a mirror outage must not block CI).
#
# Usage: .ci/report-screenshot.sh [OUT_DIR]   (default target/report-screenshot)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-target/report-screenshot}
WIDTH=1280
HEIGHT=6000

find_chrome() { command -v chromium || command -v chromium-browser || command -v google-chrome || true; }
CHROME=$(find_chrome)
if [ -z "$CHROME" ] && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  timeout 600 bash -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium' >/dev/null 2>&1 || true
  CHROME=$(find_chrome)
fi
if [ -z "$CHROME" ]; then
  echo "report screenshot: SKIPPED (no Chromium on this machine and none could be installed)"
  exit 0
fi

mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
cargo run --release --quiet -- run scenarios/quota-wave.json scenarios/internet-billing.json \
  scenarios/spot-fleet.json --trials 50 --out "$OUT" >/dev/null 2>&1
PROFILE=$(mktemp -d)
trap 'rm -rf "$PROFILE"' EXIT
timeout 120 "$CHROME" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$PROFILE" --hide-scrollbars --window-size=$WIDTH,$HEIGHT \
  --screenshot="$OUT/report.png" "file://$OUT/report.html" >/dev/null 2>&1

python3 - "$OUT/report.png" $WIDTH $HEIGHT <<'PY'
import struct, sys
path, w, h = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
data = open(path, "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
width, height = struct.unpack(">II", data[16:24])
assert (width, height) == (w, h), f"screenshot is {width}x{height}, expected {w}x{h}"
assert len(data) > 150_000, f"screenshot is {len(data)} bytes: the page looks blank"
print(f"report screenshot: ok ({width}x{height}, {len(data) // 1024} KB) -> {path}")
PY
