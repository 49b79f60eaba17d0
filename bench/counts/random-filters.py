# Issue 14, goal 1, probed beyond the benchmark's variants: random filters on the report's dimensions (state, field office,
# jurisdiction, week and week ranges, outcome, form, citizenship and its null, issue month and year, source kind), one to
# three of them under `and` (sometimes `or`), each asked as a `totalCount` and as `detainerStats` grouped by one or two
# random report dimensions. Prints server-time p50/p99 (extensions.metrics.milliseconds, the median of 3 tries, and the first) and every
# question over 20 ms. With CHECK=1 each count is asked again with `id: { neq: <no such detainer> }` added, which no
# rollup can answer, so the table itself is counted: the two must be equal (a mismatch is printed and the exit code is 1).
#
# Store: `generate --detainers 1000000 --seed 14`, imported into a store without the sample data; the vocabularies below
# are the generator's. Server: Storage__LoadSampleData=false GraphQL__ExposeMetrics=true RateLimiting__Enabled=false.
# Usage: [CHECK=1] python3 bench/counts/random-filters.py PORT QUESTIONS [SEED]
import json, os, random, sys, urllib.request

PORT = int(sys.argv[1]); N = int(sys.argv[2]); SEED = int(sys.argv[3]) if len(sys.argv) > 3 else 1
CHECK = os.environ.get("CHECK") == "1"
URL = f"http://127.0.0.1:{PORT}/graphql"
rnd = random.Random(SEED)
STATES = "AK AL AR AZ CA CO CT FL GA IA ID IL IN KS KY LA MA MD ME MI MN MO MS MT NC ND NE NH NJ NM NV NY OH OK OR PA RI SC SD TN TX UT VA VT WA WI WV WY".split()
OFFICES = ["Miami", "Atlanta", "New Orleans", "Chicago", "New York City", "El Paso", "Buffalo", "Washington", "Denver", "Salt Lake City",
           "Detroit", "Dallas", "St. Paul", "Baltimore", "Boston", "San Diego", "Philadelphia", "Seattle", "Phoenix", "San Francisco", "San Antonio", "Newark"]
CITIZENSHIPS = ["Mexico", "Honduras", "Guatemala", "Dominican Republic", "El Salvador", "Haiti", "Canada", "Ecuador", "Brazil", "Cuba", "China",
                "Colombia", "Philippines", "Nigeria", "Poland", "Nicaragua", "India", "Vietnam", "Jamaica", "Peru"]
WEEKS = ["2017-01-28", "2017-02-04", "2017-03-04", "2017-04-01", "2017-05-06", "2017-06-03", "2017-07-01", "2017-08-05", "2017-09-02",
         "2017-10-07", "2017-11-04", "2017-12-02", "2018-01-06"]
OUTCOMES = ["BOOKED_INTO_DETENTION", "CASE_CLOSED", "DECLINED_BY_LEA", "OPEN", "LIFTED", "EARLY_RELEASE"]
TYPES = ["I247", "I247A", "I247D", "I247N", "I247X", "UNKNOWN"]
PLACES = [("Redwood County", "MN"), ("Providence County", "RI"), ("Macon County", "GA"), ("Arapahoe County", "CO"), ("Franklin County", "PA")]
MONTHS = [f"2017-{m:02d}-01" for m in range(1, 13)] + ["2018-01-01"]
GROUPS = ["STATE", "JURISDICTION", "FIELD_OFFICE", "WEEK", "OUTCOME", "DETAINER_TYPE", "CITIZENSHIP", "SOURCE_KIND", "ISSUED_YEAR",
          "ISSUED_MONTH", "ISSUED_QUARTER"]
NO_SUCH_DETAINER = "RGV0YWluZXI6MA"  # Detainer:0; keys start at 1

def text(values):
    op = rnd.choice(["eq", "eq", "in", "neq", "nin"])
    return {op: rnd.sample(values, rnd.randint(2, 4))} if op in ("in", "nin") else {op: rnd.choice(values)}

def dimension():
    d = rnd.choice(["state", "office", "place", "week", "weeks", "outcome", "type", "citizenship", "no citizenship", "month", "year", "kind"])
    if d == "state": return {"jurisdiction": {"state": text(STATES)}}
    if d == "office": return {"jurisdiction": {"fieldOffice": text(OFFICES)}}
    if d == "place": name, state = rnd.choice(PLACES); return {"jurisdiction": {"name": {"eq": name}, "state": {"eq": state}}}
    if d == "week": return {"week": {"start": {"eq": rnd.choice(WEEKS)}}}
    if d == "weeks": a, b = sorted(rnd.sample(WEEKS, 2)); return {"week": {"start": {"gte": a, "lte": b}}}
    if d == "outcome": op = rnd.choice(["eq", "in", "neq"]); return {"outcome": {op: rnd.sample(OUTCOMES, 2) if op == "in" else rnd.choice(OUTCOMES)}}
    if d == "type": op = rnd.choice(["eq", "in"]); return {"detainerType": {op: rnd.sample(TYPES, 2) if op == "in" else rnd.choice(TYPES)}}
    if d == "citizenship": return {"citizenship": text(CITIZENSHIPS)}
    if d == "no citizenship": return {"citizenship": {"eq": None}}
    if d == "month": i = rnd.randrange(12); return {"issuedOn": {"gte": MONTHS[i], "lt": MONTHS[i + 1]}}
    if d == "year": return {"issuedOn": {"gte": "2017-01-01", "lt": "2018-01-01"}}
    return {"sourceKind": {"eq": "SYNTHETIC"}}

def where():
    parts = [dimension() for _ in range(rnd.randint(1, 3))]
    if len(parts) == 1: return parts[0]
    return {"or": parts} if rnd.random() < 0.15 else {"and": parts}

COUNT = "query($w: DetainerFilterInput) { detainers(first: 0, where: $w, includeSynthetic: true) { totalCount } }"
STATS = ("query($w: DetainerFilterInput, $g: [DetainerStatsDimension!]!) { detainerStats(where: $w, groupBy: $g, includeSynthetic: true, first: 1000)"
         " { count } }")

def post(query, variables):
    body = json.dumps({"query": query, "variables": variables}).encode()
    with urllib.request.urlopen(urllib.request.Request(URL, body, {"content-type": "application/json"}), timeout=300) as r:
        out = json.loads(r.read())
    if "errors" in out: raise SystemExit(f"error for {json.dumps(variables)}: {json.dumps(out['errors'])[:300]}")
    return out["extensions"]["metrics"]["milliseconds"], out["data"]

def timed(query, variables):
    runs = [post(query, variables) for _ in range(3)]
    return sorted(ms for ms, _ in runs)[1], runs[0][0], runs[0][1]

def pct(xs, p): xs = sorted(xs); return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]

slow, counts, stats, mismatches = [], [], [], 0
first_counts, first_stats = [], []
for _ in range(N):
    w = where(); g = rnd.sample(GROUPS, rnd.randint(1, 2))
    ms, first, data = timed(COUNT, {"w": w}); counts.append(ms); first_counts.append(first)
    if ms > 20: slow.append((ms, "count", json.dumps({"where": w})))
    if CHECK:
        _, table = post(COUNT, {"w": {"and": [w, {"id": {"neq": NO_SUCH_DETAINER}}]}})
        if table["detainers"]["totalCount"] != data["detainers"]["totalCount"]:
            mismatches += 1
            print(f"MISMATCH {json.dumps(w)}: {data['detainers']['totalCount']} against the table's {table['detainers']['totalCount']}")
    ms, first, _ = timed(STATS, {"w": w, "g": g}); stats.append(ms); first_stats.append(first)
    if ms > 20: slow.append((ms, "stats by " + ",".join(g), json.dumps({"where": w})))

print(f"totalCount    n={len(counts)} p50={pct(counts, 50):.1f} p99={pct(counts, 99):.1f} max={max(counts):.1f} ms, {sum(t > 20 for t in counts)} over 20 ms")
print(f"detainerStats n={len(stats)} p50={pct(stats, 50):.1f} p99={pct(stats, 99):.1f} max={max(stats):.1f} ms, {sum(t > 20 for t in stats)} over 20 ms")
# The first ask of a filter on the server's current copy of the counts: it compiles the filter and sums the rollup; the
# copy keeps both per filter (ResidentRollup), so the later tries of the same question are cheaper than a new question.
print(f"first ask: totalCount p50={pct(first_counts, 50):.1f} p99={pct(first_counts, 99):.1f} max={max(first_counts):.1f} ms, {sum(t > 20 for t in first_counts)} over 20 ms; "
      f"detainerStats p50={pct(first_stats, 50):.1f} p99={pct(first_stats, 99):.1f} max={max(first_stats):.1f} ms, {sum(t > 20 for t in first_stats)} over 20 ms")
if CHECK: print(f"checked {len(counts)} counts against the table: {mismatches} mismatches")
for ms, kind, w in sorted(slow, reverse=True)[:25]: print(f"{ms:8.1f} ms {kind}: {w}")
sys.exit(1 if mismatches else 0)
