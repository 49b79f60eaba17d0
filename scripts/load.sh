#!/usr/bin/env bash
# Load run: N minutes (default 10) of mixed GraphQL reads at saturation with corrections running alongside,
# against a Release build of the server on loopback, over a fresh store with the shipped sample data.
# Then checks: zero 5xx, server memory (RSS) flat, every correction present exactly once. Prints figures;
# exits non-zero when a check fails. Not part of `dotnet test` (timing belongs in scripts, not tests).
#
#   scripts/load.sh [MINUTES] [READERS] [WRITERS]        e.g. scripts/load.sh 10 24 2
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/server.sh
. scripts/server.sh

minutes=${1:-10}
readers=${2:-24}
writers=${3:-2}
port=${LOAD_PORT:-5099}
url="http://127.0.0.1:${port}"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# dotnet-gcdump, when installed as a global tool, lets the load program measure the live heap too.
export PATH="$PATH:$HOME/.dotnet/tools"
dotnet build src/DetainerGraph -c Release -v q -nologo >/dev/null
dotnet build tests/DetainerGraph.Load -c Release -v q -nologo >/dev/null
server=src/DetainerGraph/bin/Release/net10.0/DetainerGraph.dll
load=tests/DetainerGraph.Load/bin/Release/net10.0/DetainerGraph.Load.dll

store=$(mktemp -d -t detainergraph-load.XXXXXX)
# A throwaway signing key for this run only: Production refuses writes without one.
export Storage__Directory="$store" ASPNETCORE_ENVIRONMENT=Production
Auth__SigningKey=$(head -c 48 /dev/urandom | base64 -w0)
export Auth__SigningKey
# The load comes from one address, so the per-client rate limit would answer most of it 429.
export RateLimiting__Enabled=false
# Warnings only: the audit's Information lines would be one per correction.
export Logging__LogLevel__Default=Warning

start_server

wait_until_answering "/graphql?query=%7B__typename%7D" 120
token=$(dotnet "$server" token --name load-script --hours 2)

echo "server pid $pid on $url, store $store"
status=0
dotnet "$load" --url "$url" --token "$token" --minutes "$minutes" --readers "$readers" --writers "$writers" --pid "$pid" || status=$?
if grep -q " fail\|Unhandled\|Exception" "$store/server.log"; then
  echo "server log excerpts:"; grep -m 20 " fail\|Unhandled\|Exception" "$store/server.log" || true
fi
exit $status
