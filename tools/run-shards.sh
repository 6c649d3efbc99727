#!/bin/sh
# Runs one ecsim replay as N shards, as processes on this machine, and merges them
# (docs/scale-out.md). Usage: tools/run-shards.sh N [run arguments...] [--out DIR]
set -eu
n="$1"
shift
out=ecsim-out
args=""
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --out=*) out="${1#--out=}"; shift ;;
    *) args="$args $(printf '%s' "$1" | sed "s/'/'\\\\''/g; s/^/'/; s/\$/'/")"; shift ;;
  esac
done
ecsim="${ECSIM:-ecsim}"
work=$(mktemp -d "${TMPDIR:-/tmp}/ecsim-shards.XXXXXX")
trap 'rm -rf "$work"' EXIT
pids=""
k=0
while [ "$k" -lt "$n" ]; do
  eval "\"\$ecsim\" run $args --shard \"$k/$n\" --out \"\$work/$k\"" > "$work/$k.log" 2>&1 &
  pids="$pids $!"
  k=$((k + 1))
done
failed=0
for p in $pids; do
  wait "$p" || failed=1
done
if [ "$failed" -ne 0 ]; then
  cat "$work"/*.log >&2
  echo "run-shards: a shard failed; nothing merged" >&2
  exit 2
fi
dirs=""
k=0
while [ "$k" -lt "$n" ]; do
  dirs="$dirs $work/$k"
  k=$((k + 1))
done
# shellcheck disable=SC2086
"$ecsim" merge $dirs --out "$out"
