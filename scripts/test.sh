#!/usr/bin/env bash
# Runs every test of the project. CI (.ci/run) calls exactly this.
# Needs Go, Node.js and npm; installs the npm packages it uses itself.
set -euo pipefail
cd "$(dirname "$0")/.."
# The toolchain go.mod names; the go command fetches it through the module proxy.
export GOTOOLCHAIN=go1.27.3
tmp=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$tmp"' EXIT

echo "== playground bundle is what web/ builds"
npm ci --prefix web --no-audit --no-fund --silent
(cd web && npx vite build --outDir "$tmp/dist" --emptyOutDir) > "$tmp/vite.log" 2>&1 || { cat "$tmp/vite.log"; exit 1; }
if ! diff -r web/dist "$tmp/dist" > "$tmp/dist.diff"; then
  head -20 "$tmp/dist.diff"
  echo "web/dist differs from a fresh build of web/: run (cd web && npm ci && npm run build) and commit web/dist"
  exit 1
fi

echo "== headless Chromium for the browser test"
if ! command -v chromium >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -q >/dev/null
  $sudo_cmd apt-get install -y -q chromium >/dev/null
fi
chromium --version
export CG_BROWSER_REQUIRED=1

echo "== redis-server for the replica tests"
. scripts/redis.sh
start_redis "$tmp"

echo "== go generate leaves every file as committed"
# Sums of every file git would see, before and after: a difference is
# generated code out of step with its schema or generator.
sums() { git ls-files -co --exclude-standard -z | xargs -0 sha256sum 2>/dev/null | sort -k2; }
sums > "$tmp/before.sums"
go generate ./...
sums > "$tmp/after.sums"
if ! diff "$tmp/before.sums" "$tmp/after.sums" > "$tmp/generate.diff"; then
  grep '^[<>]' "$tmp/generate.diff" | awk '{print $3}' | sort -u | sed 's/^/  changed by go generate: /'
  echo "run go generate ./... and commit the result"
  exit 1
fi

echo "== helm for the chart's test (through the Go module proxy)"
GOBIN="$tmp/bin" go install helm.sh/helm/v4/cmd/helm@v4.3.2
export CG_HELM="$tmp/bin/helm"
"$CG_HELM" version --short

echo "== go vet"
go vet ./...

echo "== go test -race"
# -json feeds the totals line; testsum prints the output as go test would.
go build -o "$tmp/testsum" ./scripts/testsum
set +e
go test -race -count=1 -json ./... 2>&1 | "$tmp/testsum" | tee "$tmp/totals.log"
status=${PIPESTATUS[0]}${PIPESTATUS[1]}
set -e
totals=$(tail -2 "$tmp/totals.log")
[ "$status" = "00" ] || { echo "$totals"; exit 1; }

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

echo "== schema: breaking changes since the last release are in the CHANGELOG"
npm ci --prefix scripts/clients --no-audit --no-fund --silent
(cd scripts/clients && node --test schema-check.test.mjs > "$tmp/schema-check.log" 2>&1) || { cat "$tmp/schema-check.log"; exit 1; }
node scripts/clients/schema-check.mjs graph/releases schema.graphql CHANGELOG.md

echo "== real clients: Apollo Client, urql graphcache, relay-compiler, graphql-sse"
GRAPH_POLL_INTERVAL=50ms "$tmp/customergraph" -addr 127.0.0.1:0 > "$tmp/clients-server.log" 2>&1 &
clients_url=""
for _ in $(seq 100); do
  clients_url=$(grep -o '"url":"[^"]*"' "$tmp/clients-server.log" | tail -1 | cut -d'"' -f4 || true)
  [ -n "$clients_url" ] && break
  sleep 0.1
done
[ -n "$clients_url" ] || { cat "$tmp/clients-server.log"; echo "server did not start"; exit 1; }
node scripts/clients/clients.mjs "$clients_url/graphql"

echo "== federation: composed with a second subgraph, served by Apollo Gateway and Hive Gateway"
npm ci --prefix scripts/federation --no-audit --no-fund --silent
sandbox_url=$(grep -o '"sandbox":"[^"]*"' "$tmp/server.log" | tail -1 | cut -d'"' -f4)
node scripts/federation/federation.mjs "$url/graphql" "$sandbox_url"

echo "== bench smoke (every measurement, briefly; figures are not checked, correctness is)"
go run ./bench -smoke

echo "$totals"
