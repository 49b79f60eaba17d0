# Side by side at scale: p50/p99 of a first page and of deep keyset pages (after a cursor among the dates, and among the
# rows without one) for order issuedOn DESC against issuedOnOrAfter DESC, the two keys' requests interleaved, over
# published detainers, all of them, Texas and Travis County. Each deep page is checked against SQLite's rows at that offset.
# Store: generate --detainers 1000000 --seed 14, import, then start the server (it loads the sample data, Travis County's
# real bookings among it). Server: GraphQL__ExposeMetrics=true RateLimiting__Enabled=false.
# Usage: python3 bench/deep-pages/order-keys.py PORT REPEATS STORE/detainers.db
import json, sys, time, base64, urllib.request, statistics, sqlite3
PORT = int(sys.argv[1]); REPS = int(sys.argv[2]); DB = sys.argv[3]
URL = f"http://127.0.0.1:{PORT}/graphql"
db = sqlite3.connect(f"file:{DB}?mode=ro", uri=True)
def post(v):
    body = json.dumps({"query": Q, "variables": v}).encode()
    t = time.perf_counter()
    r = urllib.request.urlopen(urllib.request.Request(URL, body, {"content-type": "application/json"}), timeout=120)
    out = json.loads(r.read()); ms = (time.perf_counter() - t) * 1000
    if "errors" in out: raise SystemExit(json.dumps(out["errors"])[:400])
    return ms, out["extensions"]["metrics"]["milliseconds"], out
def b64(s): return base64.urlsafe_b64encode(s.encode()).decode().rstrip("=")
def unb64(s): return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)).decode()
Q = """query($w: DetainerFilterInput, $o: [DetainerSortInput!], $a: String, $s: Boolean) {
  detainers(first: 50, after: $a, where: $w, order: $o, includeSynthetic: $s) { pageInfo { endCursor } nodes { id issuedOn issuedOnOrAfter outcome } } }"""
J = "LEFT JOIN Jurisdictions j ON j.Id = d.JurisdictionId"
scopes = [
  ("published", None, False, "AND NOT d.IsSynthetic"),
  ("all+synthetic", None, True, ""),
  ("TX+synthetic", {"jurisdiction": {"state": {"eq": "TX"}}}, True, "AND j.State='TX'"),
  ("Travis County", {"jurisdiction": {"name": {"eq": "Travis County"}, "state": {"eq": "TX"}}}, False, "AND j.State='TX' AND j.Name='Travis County' AND NOT d.IsSynthetic"),
]
keys = {"issuedOn": "IssuedOn", "issuedOnOrAfter": "IssuedOnOrAfter"}
def pct(xs, p): xs = sorted(xs); return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]
print(f"{'scope':16s} {'page':22s} {'key':16s} {'p50 ms':>8s} {'p99 ms':>8s} {'srv p50':>8s} {'srv p99':>8s}  rows")
for name, w, s, where in scopes:
    total = db.execute(f"SELECT count(*) FROM Detainers d {J} WHERE NOT d.Retracted {where}").fetchone()[0]
    cases = {}
    for k, col in keys.items():
        o = [{k: "DESC"}]
        _, _, first = post({"w": w, "o": o, "s": s})
        sig = unb64(first["data"]["detainers"]["pageInfo"]["endCursor"]).split("|")[2]
        order = f"d.{col} IS NULL, d.{col} DESC, d.Id"
        def cursor_at(off):
            row = db.execute(f"SELECT d.{col}, d.Id FROM Detainers d {J} WHERE NOT d.Retracted {where} ORDER BY {order} LIMIT 1 OFFSET {off}").fetchone()
            return b64(f"k1|Detainer|{sig}|{json.dumps(list(row), separators=(',', ':'))}"), row
        pages = [("first", None, None)]
        for off in sorted({min(5000, total // 2), int(total * 0.9)}):
            c, row = cursor_at(off)
            pages.append((f"after@{off}" + (" (null)" if row[0] is None else ""), c, off))
        for label, c, off in pages:
            expect = None
            if off is not None:
                expect = [r[0] for r in db.execute(f"SELECT d.Id FROM Detainers d {J} WHERE NOT d.Retracted {where} ORDER BY {order} LIMIT 50 OFFSET {off + 1}")]
            cases.setdefault(label.split(" ")[0] if off is None else f"deep{len([x for x in cases])}", []).append((k, label, {"w": w, "o": o, "s": s, "a": c}, expect))
    print(f"{name} (total {total})")
    # Interleave the two keys' requests of the same page depth.
    for group in cases.values():
        res = {k: ([], []) for k, *_ in group}
        for (k, label, v, expect) in group:
            _, _, out = post(v)
            got = [int(unb64(n["id"]).split(":")[1]) for n in out["data"]["detainers"]["nodes"]]
            if expect is not None and got != expect: print("   MISMATCH", k, label, got[:3], expect[:3])
            for _ in range(3): post(v)
        for _ in range(REPS):
            for (k, label, v, expect) in group:
                ms, srv, _ = post(v); res[k][0].append(ms); res[k][1].append(srv)
        for (k, label, v, expect) in group:
            c, sv = res[k]
            print(f"  {'':14s} {label:22s} {k:16s} {pct(c,50):8.2f} {pct(c,99):8.2f} {pct(sv,50):8.2f} {pct(sv,99):8.2f}", flush=True)
