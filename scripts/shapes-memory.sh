#!/usr/bin/env bash
# Memory under many distinct query shapes: K distinct, valid, cheap queries (each a different statement for EF Core to
# compile: filters, operators, sort keys, stats dimensions, nested connections), sent one at a time against a Release
# build in Production on loopback over a fresh store with the shipped sample data. Prints the server's RSS, peak RSS and
# live heap (dotnet-gcdump, after a full GC) at each checkpoint K; with a fourth argument, the gcdump's type histogram
# at that K (on standard error). Bounded: 5,000 shapes take a few minutes.
#
#   scripts/shapes-memory.sh [checkpoints, default 0,500,1000,2500,5000] [histogram checkpoint]
#   SHAPES_SERVER=/other/build/DetainerGraph.dll scripts/shapes-memory.sh   # another build (e.g. a base to compare)
#   SHAPES_REPEAT=2 scripts/shapes-memory.sh     # each shape sent twice in a row (the cache keeps a shape from its second compilation)
# Extra server settings go through the environment as usual (e.g. Database__CompiledQueryCacheSize=1024).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/server.sh
. scripts/server.sh

port=${SHAPES_PORT:-$((41000 + RANDOM % 1000))}
url="http://127.0.0.1:${port}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# dotnet-gcdump, when installed as a global tool, measures the live heap.
export PATH="$PATH:$HOME/.dotnet/tools"
if [ -z "${SHAPES_SERVER:-}" ]; then
  dotnet build src/DetainerGraph -c Release -v q -nologo >/dev/null
fi
dotnet build tests/DetainerGraph.Budget -c Release -v q -nologo >/dev/null
server=${SHAPES_SERVER:-src/DetainerGraph/bin/Release/net10.0/DetainerGraph.dll}
budget=tests/DetainerGraph.Budget/bin/Release/net10.0/DetainerGraph.Budget.dll

store=$(mktemp -d -t detainergraph-shapes.XXXXXX)
# Rate limiting off: one client sends thousands of requests, and the probe measures memory, not the limiter.
export Storage__Directory="$store" ASPNETCORE_ENVIRONMENT=Production RateLimiting__Enabled=false
export Logging__LogLevel__Default=Warning

start_server

wait_until_answering "/health/ready" 180

status=0
dotnet "$budget" shapes "$url/graphql" "$pid" "${1:-0,500,1000,2500,5000}" ${2:+"$2"} || status=$?
check_server_after_run
exit $status
