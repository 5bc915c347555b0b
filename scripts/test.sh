#!/usr/bin/env bash
# Runs every test of the project. CI (.ci/run) calls exactly this.
# Needs Go, Node.js and npm; installs the npm packages it uses itself.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT

echo "== go vet"
go vet ./...

echo "== go test -race"
go test -race -count=1 ./...

echo "== graphql-http audit"
npm ci --prefix scripts/audit --no-audit --no-fund --silent
go build -o "$tmp/customergraph" .
"$tmp/customergraph" -addr 127.0.0.1:0 > "$tmp/server.log" 2>&1 &
url=""
for _ in $(seq 100); do
  url=$(grep -o '"url":"[^"]*"' "$tmp/server.log" | tail -1 | cut -d'"' -f4 || true)
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || { cat "$tmp/server.log"; echo "server did not start"; exit 1; }
node scripts/audit/audit.mjs "$url/graphql"
