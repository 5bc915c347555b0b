#!/usr/bin/env bash
# Runs the whole Go suite under -race N times (default 5) while two CPU
# hogs keep the machine busy, then prints each failing test once with how
# often it failed. A test that fails here fails in CI on a busy day.
#
#   scripts/stress-test.sh        # 5 runs
#   scripts/stress-test.sh 10     # 10 runs
set -euo pipefail
cd "$(dirname "$0")/.."
export GOTOOLCHAIN=go1.27.3
runs=${1:-5}
tmp=$(mktemp -d)
hogs=()
cleanup() {
  for p in "${hogs[@]}"; do kill "$p" 2>/dev/null || true; done
  kill $(jobs -p) 2>/dev/null || true # redis-server
  rm -rf "$tmp"
}
trap cleanup EXIT

. scripts/redis.sh
start_redis "$tmp"
go test -race -count=1 -run XXX ./... > /dev/null # build once, outside the count
for _ in 1 2; do
  (while :; do :; done) &
  hogs+=($!)
done

failed_runs=0
for i in $(seq "$runs"); do
  if go test -race -count=1 ./... > "$tmp/run-$i.log" 2>&1; then
    echo "run $i/$runs: ok"
  else
    failed_runs=$((failed_runs + 1))
    echo "run $i/$runs: FAILED; its last lines:"
    grep -v -E '^(ok|\?)\s' "$tmp/run-$i.log" | tail -n 15 | sed 's/^/    /' || true
  fi
done

echo
echo "== $((runs - failed_runs)) of $runs runs passed"
if [ "$failed_runs" -gt 0 ]; then
  echo "== failing tests (runs in which each failed):"
  grep -h -- '--- FAIL' "$tmp"/run-*.log | sed 's/ (.*//; s/^ *//' | sort | uniq -c | sort -rn
  grep -h -E '^(panic:|FAIL\s)' "$tmp"/run-*.log | sort | uniq -c | sort -rn | head -20
  exit 1
fi
