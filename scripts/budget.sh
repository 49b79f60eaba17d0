#!/usr/bin/env bash
# Budget run: the security review's costly shapes (aliased filtered counts, batches, nodes with repeated IDs, wide
# search filters, unique fuzzy words, stats) and variants, each alone and 8 at a time, against a Release build in
# Production at its default limits, on loopback over a fresh store with the shipped sample data, while another
# client measures a small query's latency. Prints a table; exits non-zero when a target is missed
# (no request over 5 s, live heap back within 50 MB, small-query p99 < 50 ms). Bounded: a few minutes at most.
#
#   scripts/budget.sh
set -euo pipefail
cd "$(dirname "$0")/.."

port=${BUDGET_PORT:-$((20000 + RANDOM % 20000))}
url="http://127.0.0.1:${port}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# dotnet-gcdump, when installed as a global tool, measures the live heap.
export PATH="$PATH:$HOME/.dotnet/tools"
dotnet build src/DetainerGraph -c Release -v q -nologo >/dev/null
dotnet build tests/DetainerGraph.Budget -c Release -v q -nologo >/dev/null
server=src/DetainerGraph/bin/Release/net10.0/DetainerGraph.dll
budget=tests/DetainerGraph.Budget/bin/Release/net10.0/DetainerGraph.Budget.dll

store=$(mktemp -d -t detainergraph-budget.XXXXXX)
export Storage__Directory="$store" ASPNETCORE_ENVIRONMENT=Production
# Default limits. The run's clients all connect from loopback, so each tells the server its address in
# X-Forwarded-For (forwarded headers are trusted from loopback proxies only), as clients behind a proxy would.
export ASPNETCORE_FORWARDEDHEADERS_ENABLED=true
export Logging__LogLevel__Default=Warning

dotnet "$server" --urls "$url" >"$store/server.log" 2>&1 &
pid=$!
cleanup() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$store"
}
trap cleanup EXIT

for _ in $(seq 1 180); do
  if curl -fs -o /dev/null "$url/health/ready" 2>/dev/null; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then cat "$store/server.log"; exit 1; fi
  sleep 1
done

status=0
dotnet "$budget" "$url/graphql" "$pid" || status=$?
if ! kill -0 "$pid" 2>/dev/null; then
  echo "the server died during the run:"; tail -20 "$store/server.log"; exit 1
fi
echo
echo "server log lines at Error level or worse: $(grep -c -E '^(fail|crit):' "$store/server.log" || true)"
exit $status
