#!/usr/bin/env bash
# What the compiled-query cache's bound costs a wide, legitimate workload: K distinct query shapes (the first K of the
# distinct-shapes probe's) asked round robin, again and again, of two Release servers side by side on loopback, each
# over its own fresh store with the shipped sample data: A the default, B with Database:CompiledQueryCacheSize set to
# the second argument (or also the default when it is empty). Prints each side's p50/p99 per K, their ratio and each
# server's RSS.
#
#   scripts/shapes-cycle.sh [K list, default 50,100,200,400] [B's cache size, default 4096] [rounds, default 6]
#   CYCLE_SERVER_A=/other/build/DetainerGraph.dll scripts/shapes-cycle.sh 100,200,400 ""   # another build as A
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/server.sh
. scripts/server.sh

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet build src/DetainerGraph -c Release -v q -nologo >/dev/null
dotnet build tests/DetainerGraph.Budget -c Release -v q -nologo >/dev/null
server=src/DetainerGraph/bin/Release/net10.0/DetainerGraph.dll
budget=tests/DetainerGraph.Budget/bin/Release/net10.0/DetainerGraph.Budget.dll
# Rate limiting off: one client sends thousands of requests, and the probe measures the cache, not the limiter.
export ASPNETCORE_ENVIRONMENT=Production RateLimiting__Enabled=false Logging__LogLevel__Default=Warning

base=$((42000 + RANDOM % 1000))
url="http://127.0.0.1:${base}" store=$(mktemp -d -t detainergraph-cycle-a.XXXXXX)
this_build=$server
server=${CYCLE_SERVER_A:-$this_build}
Storage__Directory="$store" start_server
wait_until_answering "/health/ready" 180
url_a=$url pid_a=$pid
server=$this_build
url="http://127.0.0.1:$((base + 1))" store=$(mktemp -d -t detainergraph-cycle-b.XXXXXX)
size_b=${2-4096}
if [ -n "$size_b" ]; then export Database__CompiledQueryCacheSize="$size_b"; fi
Storage__Directory="$store" start_server
wait_until_answering "/health/ready" 180
unset Database__CompiledQueryCacheSize

echo "A: ${CYCLE_SERVER_A:-this build}, Database:CompiledQueryCacheSize default; B: this build, ${size_b:-default}"
status=0
dotnet "$budget" cycle "$url_a/graphql" "$pid_a" "$url/graphql" "$pid" "${1:-50,100,200,400}" "${3:-6}" || status=$?
check_server_after_run
exit $status
