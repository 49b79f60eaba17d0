# Deep pages of `detainers` with keyset cursors: the same pages as offset.py, the cursor of the item at offset N
# made from its key values (read from the SQLite file, read-only) and the order signature of a first page's cursor;
# each page is checked against the rows SQLite returns at that offset ("rows-match").
# Usage: python3 bench/deep-pages/keyset.py PORT REPEATS STORE/detainers.db
import json, sys, time, base64, urllib.request, statistics, sqlite3
PORT = int(sys.argv[1]); REPS = int(sys.argv[2]); DB = sys.argv[3]
URL = f"http://127.0.0.1:{PORT}/graphql"
db = sqlite3.connect(f"file:{DB}?mode=ro", uri=True)
def post(q, v):
    body = json.dumps({"query": q, "variables": v}).encode()
    t = time.perf_counter()
    r = urllib.request.urlopen(urllib.request.Request(URL, body, {"content-type": "application/json"}), timeout=120)
    out = json.loads(r.read()); return (time.perf_counter() - t) * 1000, out
def b64(s): return base64.urlsafe_b64encode(s.encode()).decode().rstrip("=")
def unb64(s): return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)).decode()
Q = """query($w: DetainerFilterInput, $o: [DetainerSortInput!], $a: String, $b: String, $f: Int, $l: Int) {
  detainers(first: $f, last: $l, after: $a, before: $b, where: $w, order: $o, includeSynthetic: true) {
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } nodes { id issuedOn } } }"""
J = "LEFT JOIN Jurisdictions j ON j.Id = d.JurisdictionId"
variants = [
  ("default", None, None, "", "d.Id", ["d.Id"]),
  ("issuedOn DESC", None, [{"issuedOn": "DESC"}], "", "d.IssuedOn DESC, d.Id", ["d.IssuedOn", "d.Id"]),
  ("jur.name ASC, issuedOn DESC", None, [{"jurisdiction": {"name": "ASC"}}, {"issuedOn": "DESC"}], "", "j.Name, d.IssuedOn DESC, d.Id", ["j.Name", "d.IssuedOn", "d.Id"]),
  ("TX+2 outcomes, issuedOn DESC", {"jurisdiction": {"state": {"eq": "TX"}}, "outcome": {"in": ["BOOKED_INTO_DETENTION", "OPEN"]}}, [{"issuedOn": "DESC"}], "AND j.State='TX' AND d.Outcome IN ('BookedIntoDetention','Open')", "d.IssuedOn DESC, d.Id", ["d.IssuedOn", "d.Id"]),
  ("CA, issuedOn DESC", {"jurisdiction": {"state": {"eq": "CA"}}}, [{"issuedOn": "DESC"}], "AND j.State='CA'", "d.IssuedOn DESC, d.Id", ["d.IssuedOn", "d.Id"]),
  ("week>=2017-06-03+Guatemala, issuedOn DESC", {"week": {"start": {"gte": "2017-06-03"}}, "citizenship": {"eq": "Guatemala"}}, [{"issuedOn": "DESC"}], "AND d.WeekStart >= '2017-06-03' AND d.Citizenship='Guatemala'", "d.IssuedOn DESC, d.Id", ["d.IssuedOn", "d.Id"]),
  ("declined, jur.name ASC, issuedOn DESC", {"outcome": {"eq": "DECLINED_BY_LEA"}}, [{"jurisdiction": {"name": "ASC"}}, {"issuedOn": "DESC"}], "AND d.Outcome='DeclinedByLea'", "j.Name, d.IssuedOn DESC, d.Id", ["j.Name", "d.IssuedOn", "d.Id"]),
]
def timed(v, label, expect_ids=None):
    ms = []; srv = []; out = None
    for _ in range(REPS):
        t, out = post(Q, v); ms.append(t)
        srv.append(out.get("extensions", {}).get("metrics", {}).get("milliseconds", float("nan")))
    if "errors" in out: print("   ERR", out["errors"][0].get("message")[:160])
    nodes = (out.get("data") or {}).get("detainers", {}) or {}
    nodes = nodes.get("nodes") or []
    ok = ""
    if expect_ids is not None:
        got = [int(unb64(n["id"]).split(":")[1]) for n in nodes]
        ok = " rows-match" if got == expect_ids else f" MISMATCH {got[:3]} vs {expect_ids[:3]}"
    print(f"  {label:28s} median {statistics.median(ms):8.1f} ms  min {min(ms):8.1f}  (server {statistics.median(srv):8.1f})  nodes={len(nodes)}{ok}", flush=True)
for name, w, o, where, order, cols in variants:
    total = db.execute(f"SELECT count(*) FROM Detainers d {J} WHERE NOT d.Retracted {where}").fetchone()[0]
    _, first = post(Q, {"w": w, "o": o, "f": 1})
    sig = unb64(first["data"]["detainers"]["pageInfo"]["endCursor"]).split("|")[2]
    def cursor_at(off):
        row = db.execute(f"SELECT {', '.join(cols)} FROM Detainers d {J} WHERE NOT d.Retracted {where} ORDER BY {order} LIMIT 1 OFFSET {off}").fetchone()
        return b64(f"k1|Detainer|{sig}|{json.dumps(list(row), separators=(',', ':'))}")
    def ids(off, n):
        return [r[0] for r in db.execute(f"SELECT d.Id FROM Detainers d {J} WHERE NOT d.Retracted {where} ORDER BY {order} LIMIT {n} OFFSET {off}")]
    print(f"{name}  (total {total})", flush=True)
    for off in sorted({min(999000, total - 1000), total // 2, 10000}, reverse=True):
        if off >= total: 
            continue
        timed({"w": w, "o": o, "f": 50, "a": cursor_at(off)}, f"first:50 after@{off}", ids(off + 1, 50))
    timed({"w": w, "o": o, "l": 50}, "last:50 (end)", ids(max(0, total - 50), 50))
    b = total - 1000
    timed({"w": w, "o": o, "l": 50, "b": cursor_at(b)}, f"last:50 before@{b}", ids(b - 50, 50))
