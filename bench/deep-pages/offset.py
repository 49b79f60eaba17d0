# Deep pages of `detainers` with position cursors (main before keyset paging): first: 50 after the cursor of
# offset N, last: 50, and last: 50 before offset total-1000, for the benchmark's list orders and filters.
# Usage: python3 bench/deep-pages/offset.py PORT REPEATS, against a server started with
# GraphQL__ExposeMetrics=true RateLimiting__Enabled=false on a store of generated detainers.
import json, sys, time, base64, urllib.request, statistics
PORT = int(sys.argv[1]); REPS = int(sys.argv[2]) if len(sys.argv) > 2 else 3
URL = f"http://127.0.0.1:{PORT}/graphql"
def post(q, v):
    body = json.dumps({"query": q, "variables": v}).encode()
    t = time.perf_counter()
    r = urllib.request.urlopen(urllib.request.Request(URL, body, {"content-type": "application/json"}), timeout=120)
    out = json.loads(r.read()); return (time.perf_counter() - t) * 1000, out
def cur(n): return base64.urlsafe_b64encode(f"offset:{n}".encode()).decode().rstrip("=")
Q = """query($w: DetainerFilterInput, $o: [DetainerSortInput!], $a: String, $b: String, $f: Int, $l: Int) {
  detainers(first: $f, last: $l, after: $a, before: $b, where: $w, order: $o, includeSynthetic: true) {
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } nodes { id issuedOn } } }"""
CQ = """query($w: DetainerFilterInput) { detainers(first: 0, where: $w, includeSynthetic: true) { totalCount } }"""
variants = [
  ("default", None, None),
  ("issuedOn DESC", None, [{"issuedOn": "DESC"}]),
  ("jur.name ASC, issuedOn DESC", None, [{"jurisdiction": {"name": "ASC"}}, {"issuedOn": "DESC"}]),
  ("TX+2 outcomes, issuedOn DESC", {"jurisdiction": {"state": {"eq": "TX"}}, "outcome": {"in": ["BOOKED_INTO_DETENTION", "OPEN"]}}, [{"issuedOn": "DESC"}]),
  ("CA, issuedOn DESC", {"jurisdiction": {"state": {"eq": "CA"}}}, [{"issuedOn": "DESC"}]),
  ("week>=2017-06-03+Guatemala, issuedOn DESC", {"week": {"start": {"gte": "2017-06-03"}}, "citizenship": {"eq": "Guatemala"}}, [{"issuedOn": "DESC"}]),
  ("declined, jur.name ASC, issuedOn DESC", {"outcome": {"eq": "DECLINED_BY_LEA"}}, [{"jurisdiction": {"name": "ASC"}}, {"issuedOn": "DESC"}]),
]
def timed(v, label):
    ms = []; srv = []; out = None
    for _ in range(REPS):
        t, out = post(Q, v); ms.append(t)
        srv.append(out.get("extensions", {}).get("metrics", {}).get("milliseconds", float("nan")))
    if "errors" in out: print("   ERR", out["errors"][0].get("message")[:100])
    n = len(out.get("data", {}).get("detainers", {}).get("nodes", []) or [])
    print(f"  {label:28s} median {statistics.median(ms):8.1f} ms  min {min(ms):8.1f}  (server {statistics.median(srv):8.1f})  nodes={n}", flush=True)
    return out
for name, w, o in variants:
    _, c = post(CQ, {"w": w}); total = c["data"]["detainers"]["totalCount"]
    print(f"{name}  (total {total})", flush=True)
    offs = sorted({min(999000, total - 1000), total // 2, 10000}, reverse=True)
    for off in offs:
        timed({"w": w, "o": o, "f": 50, "a": cur(off)}, f"first:50 after@{off}")
    timed({"w": w, "o": o, "l": 50}, "last:50 (end)")
    timed({"w": w, "o": o, "l": 50, "b": cur(total - 1000)}, f"last:50 before@{total-1000}")
