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
# shellcheck source=scripts/server.sh
. scripts/server.sh

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

start_server

wait_until_answering "/health/ready" 180

status=0
dotnet "$budget" "$url/graphql" "$pid" || status=$?
check_server_after_run
exit $status
