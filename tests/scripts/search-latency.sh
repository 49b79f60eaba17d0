#!/usr/bin/env bash
# Search latency over HTTP, end to end (GraphQL parse, engine, batch-loading the hits' charges and detainers):
# starts the server on a store, sends each query RUNS times after WARMUP runs, one at a time, and prints
# p50 / p99 per query and over all of them, in milliseconds. It measures; it asserts nothing.
#
#   tests/scripts/search-latency.sh [STORE_DIR] [RUNS]
#
# STORE_DIR: a Storage:Directory (default: a fresh one with the shipped sample data). For 1M detainers:
#   dotnet run --project src/DetainerGraph -c Release -- generate --detainers 1000000 --seed 7 --out /tmp/1m.csv
#   Storage__Directory=/tmp/dg-1m Storage__LoadSampleData=false dotnet run --project src/DetainerGraph -c Release -- import /tmp/1m.csv
#   tests/scripts/search-latency.sh /tmp/dg-1m
# SERVER: the command that serves (default: dotnet run --project src/DetainerGraph -c Release --no-launch-profile).
# WARMUP: unmeasured runs of each query first (default 200): the server's JIT promotes the search path's hot methods
#   to optimized code only after some thousands of calls, so a few warm-ups measure the JIT, not the search.
# Every query passes includeSynthetic: true, so a store of generated (synthetic) detainers is searched, not skipped.
set -euo pipefail
cd "$(dirname "$0")/../.."
# A store given is measured as it is; a fresh one gets the sample data.
if [ -n "${1:-}" ]; then STORE="$1"; SAMPLE=false; else STORE="$(mktemp -d)"; SAMPLE=true; fi
RUNS="${2:-100}"
WARMUP="${WARMUP:-200}"
PORT="${PORT:-5199}"
URL="http://127.0.0.1:$PORT/graphql"
SERVER="${SERVER:-dotnet run --project src/DetainerGraph -c Release --no-launch-profile --}"

Storage__Directory="$STORE" Storage__LoadSampleData="$SAMPLE" Logging__LogLevel__Default=Warning RateLimiting__Enabled=false $SERVER --urls "http://127.0.0.1:$PORT" >/tmp/search-latency-server.log 2>&1 &
SERVER_PID=$!
# The fresh sample store is removed on exit; a store given is left as it was.
trap 'kill $SERVER_PID 2>/dev/null || true; wait $SERVER_PID 2>/dev/null || true; [ "$SAMPLE" = true ] && rm -rf "$STORE"' EXIT
for _ in $(seq 1 600); do
  curl -sf -o /dev/null "$URL?query=%7B__typename%7D" && break
  sleep 1
done

queries=(
  'DUI'
  'drunk driving'
  'asault'
  'agg assault'
  '\\\"cruelty toward wife\\\"'   # a GraphQL string holding a quoted phrase, inside JSON
  'cocai*'
)
body() { # $1: search text; $2: extra selection
  printf '{"query":"{ searchCharges(query: \\"%s\\", first: 20, includeSynthetic: true) { totalCount nodes { score highlight charge { description } detainer { outcome } } %s } }"}' "$1" "$2"
}
all=$(mktemp)
measure() { # $1: label, $2: request body
  local samples; samples=$(mktemp)
  # The hits each query finds, so that a fast time over no hits is seen for what it is.
  local answer hits; answer=$(curl -s -H 'Content-Type: application/json' -d "$2" "$URL")
  hits=$(grep -o '"totalCount":[0-9]*' <<<"$answer" | head -1 | cut -d: -f2 || true)
  if [ -z "$hits" ]; then echo "$1: no totalCount in the answer, not measured: ${answer:0:300}" >&2; return; fi
  for i in $(seq 1 $((WARMUP + RUNS))); do
    t=$(curl -s -o /dev/null -w '%{time_total}' -H 'Content-Type: application/json' -d "$2" "$URL")
    [ "$i" -gt "$WARMUP" ] && echo "$t" >> "$samples"
  done
  cat "$samples" >> "$all"
  sort -n "$samples" | awk -v label="$1" -v hits="${hits:-no}" '{ v[NR] = $1 * 1000 } END {
    p50 = v[int(NR * 0.50 + 0.5)]; p99 = v[int(NR * 0.99 + 0.5)]
    printf "%-40s p50 %7.1f ms   p99 %7.1f ms   (%d runs, %s hits)\n", label, p50, p99, NR, hits }'
  rm -f "$samples"
}
echo "store: $STORE"
curl -s -H 'Content-Type: application/json' -d '{"query":"{ searchCharges(query: \"\", first: 0, includeSynthetic: true) { totalCount } }"}' "$URL"; echo
for q in "${queries[@]}"; do
  measure "$q" "$(body "$q" "")"
done
measure "theft + 7 facets" "$(body theft 'facets(fields: [STATE, JURISDICTION, WEEK, OUTCOME, CHARGE_CATEGORY, STATUS, CITIZENSHIP]) { field buckets { value count } }')"
sort -n "$all" | awk '{ v[NR] = $1 * 1000 } END { printf "%-40s p50 %7.1f ms   p99 %7.1f ms   (%d requests)\n", "ALL", v[int(NR*0.5+0.5)], v[int(NR*0.99+0.5)], NR }'
rm -f "$all"
