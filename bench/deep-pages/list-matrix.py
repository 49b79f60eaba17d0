# Every sort key of `detainers` x scope (all, CA, TX, Travis County, declined by LEA) x includeSynthetic x ASC/DESC, a first
# page and a keyset page after a cursor halfway down the list: p50/p99 of the server's time (extensions.metrics.milliseconds)
# on each server given, their requests alternated case by case (a base and a changed build side by side on copies of one
# store). Every page is checked against SQLite's own ordering of the same rows (ORDER BY key, Id: missing values first
# ascending, last descending); a difference prints MISMATCH.
# Store: generate --detainers 1000000 --seed 14, import, start the server once (it loads the sample data: Travis County's
# real bookings, the only rows with issuedOnOrAfter), stop it, copy the store for each build.
# Servers: env Storage__Directory=COPY GraphQL__ExposeMetrics=true RateLimiting__Enabled=false dotnet DetainerGraph.dll --urls http://127.0.0.1:PORT
# Usage: python3 bench/deep-pages/list-matrix.py STORE/detainers.db REPEATS PORT[,PORT...] [KEY-SUBSTRING [SCOPE-SUBSTRING]]
import json, sys, time, base64, urllib.request, sqlite3

DB, REPS, PORTS = sys.argv[1], int(sys.argv[2]), [int(p) for p in sys.argv[3].split(",")]
ONLY_KEY = sys.argv[4] if len(sys.argv) > 4 else ""
ONLY_SCOPE = sys.argv[5] if len(sys.argv) > 5 else ""
db = sqlite3.connect(f"file:{DB}?mode=ro", uri=True)
Q = """query($w: DetainerFilterInput, $o: [DetainerSortInput!], $a: String, $s: Boolean) {
  detainers(first: 50, after: $a, where: $w, order: $o, includeSynthetic: $s) { pageInfo { endCursor } nodes { id } } }"""

def post(port, v):
    body = json.dumps({"query": Q, "variables": v}).encode()
    r = urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}/graphql", body, {"content-type": "application/json"}), timeout=300)
    out = json.loads(r.read())
    if "errors" in out: raise SystemExit(json.dumps(out["errors"])[:400])
    return out["extensions"]["metrics"]["milliseconds"], out

def b64(s): return base64.urlsafe_b64encode(s.encode()).decode().rstrip("=")
def unb64(s): return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4)).decode()
def pct(xs, p): xs = sorted(xs); return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]

FROM = "FROM Detainers d LEFT JOIN Jurisdictions j ON j.Id = d.JurisdictionId LEFT JOIN Facilities f ON f.Id = d.FacilityId"
# (name, GraphQL order item builder, SQL expression); None: the default order (import order, the id).
KEYS = [("default", None, None)] + [(k, (lambda d, k=k: {k: d}), f"d.{c}") for k, c in [
    ("issuedOn", "IssuedOn"), ("issuedOnOrAfter", "IssuedOnOrAfter"), ("outcomeRecordedOn", "OutcomeRecordedOn"),
    ("outcome", "Outcome"), ("detainerType", "DetainerType"), ("citizenship", "Citizenship")]] + [
    ("week.start", lambda d: {"week": {"start": d}}, "d.WeekStart")] + [
    (f"jurisdiction.{k}", (lambda d, k=k: {"jurisdiction": {k: d}}), f"j.{c}") for k, c in [
        ("state", "State"), ("name", "Name"), ("kind", "Kind"), ("fips", "Fips"), ("fieldOffice", "FieldOffice")]] + [
    (f"facility.{k}", (lambda d, k=k: {"facility": {k: d}}), f"f.{c}") for k, c in [("state", "State"), ("name", "Name"), ("city", "City")]]
SCOPES = [
    ("all", None, ""),
    ("CA", {"jurisdiction": {"state": {"eq": "CA"}}}, "AND j.State = 'CA'"),
    ("TX", {"jurisdiction": {"state": {"eq": "TX"}}}, "AND j.State = 'TX'"),
    ("Travis", {"jurisdiction": {"state": {"eq": "TX"}, "name": {"eq": "Travis County"}}}, "AND j.State = 'TX' AND j.Name = 'Travis County'"),
    ("declined", {"outcome": {"eq": "DECLINED_BY_LEA"}}, "AND d.Outcome = 'DeclinedByLea'"),
]

print(f"{'key':22s} {'dir':4s} {'scope':9s} {'syn':3s} {'page':6s} {'rows':>7s} " + " ".join(f"{f'p50:{p}':>9s} {f'p99:{p}':>9s}" for p in PORTS), flush=True)
for key, item, expr in KEYS:
    if ONLY_KEY not in key: continue
    for direction in ([None] if item is None else ["DESC", "ASC"]):
        for scope, w, where in SCOPES:
            if ONLY_SCOPE not in scope: continue
            for syn in (True, False):
                cond = f"WHERE NOT d.Retracted {where}" + ("" if syn else " AND NOT d.IsSynthetic")
                order_sql = ("" if expr is None else f"{expr} {direction}, ") + "d.Id"
                key_sql = ("" if expr is None else f"{expr}, ") + "d.Id"
                total = db.execute(f"SELECT count(*) {FROM} {cond}").fetchone()[0]
                v = {"w": w, "o": None if item is None else [item(direction)], "s": syn}
                _, first = post(PORTS[0], v)
                end = first["data"]["detainers"]["pageInfo"]["endCursor"]
                pages = [("first", v, [r[-1] for r in db.execute(f"SELECT {key_sql} {FROM} {cond} ORDER BY {order_sql} LIMIT 50")])]
                if end and total > 100:
                    sig = unb64(end).split("|")[2]
                    rows = db.execute(f"SELECT {key_sql} {FROM} {cond} ORDER BY {order_sql} LIMIT 51 OFFSET {total // 2}").fetchall()
                    cursor = b64(f"k1|Detainer|{sig}|{json.dumps(list(rows[0]), separators=(',', ':'))}")
                    label = "deep" + ("0" if expr is not None and rows[0][0] is None else "")
                    pages.append((label, dict(v, a=cursor), [r[-1] for r in rows[1:]]))
                for label, vars_, expect in pages:
                    times = {p: [] for p in PORTS}
                    for p in PORTS:
                        _, out = post(p, vars_)
                        got = [int(unb64(n["id"]).split(":")[1]) for n in out["data"]["detainers"]["nodes"]]
                        if got != expect: print(f"   MISMATCH port {p} {key} {direction} {scope} {syn} {label}: {got[:3]} != {expect[:3]}", flush=True)
                    for _ in range(REPS):
                        for p in PORTS:
                            times[p].append(post(p, vars_)[0])
                    print(f"{key:22s} {direction or '':4s} {scope:9s} {'T' if syn else 'F':3s} {label:6s} {total:7d} "
                          + " ".join(f"{pct(times[p], 50):9.1f} {pct(times[p], 99):9.1f}" for p in PORTS), flush=True)
