#!/usr/bin/env python3
"""Hostile probes of the inputs of the sort23/search23/scan-gate/derive24/single23 wave, against a running server.

Usage (Python 3.9+, standard library only; sqlite3 module for the count checks):

    Storage__Directory=/tmp/probe-store RateLimiting__Enabled=false \
        dotnet run --project src/DetainerGraph -- --urls http://127.0.0.1:5391 &
    DG_URL=http://127.0.0.1:5391/graphql DG_DB=/tmp/probe-store/detainers.db DG_PID=<server pid> \
        python3 scripts/hostile24-probes.py [section ...]

Sections (all by default): paging, walk, cursors, counts, search, cost, window, flood.
The rate limiter must be off (RateLimiting__Enabled=false) for `walk` and `flood`, which send thousands of requests.
DG_PID (optional) adds the server's RSS to each line. DG_DB (optional) compares counts and orders with SQL on the store.
Each line: status, extensions.code(s), milliseconds, RSS; lines starting with "!!" are findings (a 5xx, an
INTERNAL_SERVER_ERROR, more than 2 s, or an answer that disagrees with SQL). `window` expects more than 10,000 published
charges (it only reports on smaller stores). The import probes (huge/repeated header names, thousands of unknown
columns) are files written by `python3 scripts/hostile24-probes.py import-files DIR`, then
`Storage__Directory=/tmp/probe-import dotnet run --project src/DetainerGraph -- import DIR/*.csv`: the output must stay short.
"""
import base64, json, os, sqlite3, sys, threading, time, urllib.error, urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

URL = os.environ.get("DG_URL", "http://127.0.0.1:5391/graphql")
PID = os.environ.get("DG_PID")
DB = os.environ.get("DG_DB")


def rss():
    try:
        return next(int(l.split()[1]) // 1024 for l in open(f"/proc/{PID}/status") if l.startswith("VmRSS")) if PID else None
    except OSError:
        return None


def gql(query, variables=None, headers=None, timeout=60):
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    req = urllib.request.Request(URL, data=body, headers={"Content-Type": "application/json", **(headers or {})})
    t = time.time()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            status, text = r.status, r.read()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read()
    except OSError as e:
        return {"status": "EXC " + repr(e)[:60], "ms": int((time.time() - t) * 1000), "body": {}}
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = {"raw": text[:200].decode(errors="replace")}
    return {"status": status, "ms": int((time.time() - t) * 1000), "body": parsed}


def codes(res):
    b = res["body"] if isinstance(res["body"], dict) else {}
    return sorted({(e.get("extensions") or {}).get("code", "?") for e in b.get("errors") or []})


def show(name, res, extra="", bad=False):
    flag = "!!" if bad or not isinstance(res["status"], int) or res["status"] >= 500 or res["ms"] > 2000 \
        or "INTERNAL_SERVER_ERROR" in codes(res) else "  "
    print(f"{flag} {name:50s} {res['status']} {codes(res)} {res['ms']}ms rss={rss()}MB {extra}", flush=True)


def data(res, field):
    return ((res["body"] or {}).get("data") or {}).get(field)


def enc(text):
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def dec_id(gid):
    return int(base64.urlsafe_b64decode(gid + "=" * (-len(gid) % 4)).decode().split(":")[1])


LIST = ("query($f:Int,$l:Int,$a:String,$b:String,$o:[DetainerSortInput!],$w:DetainerFilterInput,$s:Boolean){ detainers(first:$f,"
        "last:$l,after:$a,before:$b,order:$o,where:$w,includeSynthetic:$s){ totalCount syntheticExcluded "
        "pageInfo{hasNextPage hasPreviousPage startCursor endCursor} nodes{ id issuedOnOrAfter } } }")
ASC, DESC = [{"issuedOnOrAfter": "ASC"}], [{"issuedOnOrAfter": "DESC"}]


def paging():
    for name, v in [("first 0", {"f": 0}), ("first -1", {"f": -1}), ("first 101", {"f": 101}), ("first 2^31-1", {"f": 2**31 - 1}),
                    ("first -2^31", {"f": -2**31}), ("last 0", {"l": 0}), ("last 2^31-1", {"l": 2**31 - 1}),
                    ("first and last", {"f": 5, "l": 5}), ("last 100", {"l": 100})]:
        for order in (ASC, DESC):
            show(f"{name} {order[0]['issuedOnOrAfter']}", gql(LIST, {**v, "o": order}))


def walk():
    """Every page of the published list in both directions of issuedOnOrAfter, forward and backward, against SQL."""
    for order in (ASC, DESC):
        for back in (False, True):
            ids, cur, pages, slowest = [], None, 0, 0
            while True:
                v = {"o": order, **({"l": 100, "b": cur} if back else {"f": 100, "a": cur})}
                r = gql(LIST, v)
                pages, slowest = pages + 1, max(slowest, r["ms"])
                d = data(r, "detainers")
                if d is None:
                    show("walk failed", r, bad=True)
                    break
                got = [dec_id(n["id"]) for n in d["nodes"]]
                ids = got + ids if back else ids + got
                pi = d["pageInfo"]
                if not (pi["hasPreviousPage"] if back else pi["hasNextPage"]) or pages > 5000:
                    break
                cur = pi["startCursor"] if back else pi["endCursor"]
            direction = order[0]["issuedOnOrAfter"]
            same = None
            if DB:
                sql = (f'select Id from Detainers where IsSynthetic=0 and Retracted=0 '
                       f'order by IssuedOnOrAfter {direction}, Id asc')
                same = ids == [row[0] for row in sqlite3.connect(DB).execute(sql)]
            show(f"walk {direction} {'backward' if back else 'forward'}", {"status": 200, "ms": slowest, "body": {}},
                 f"pages={pages} rows={len(ids)} repeated={len(ids) - len(set(ids))} sql_order={same}",
                 bad=same is False or len(ids) != len(set(ids)))


def cursors():
    first = {o[0]["issuedOnOrAfter"]: data(gql(LIST, {"o": o, "f": 5}), "detainers")["pageInfo"]["endCursor"] for o in (ASC, DESC)}
    sig = {k: base64.urlsafe_b64decode(c + "=" * (-len(c) % 4)).decode().split("|")[2] for k, c in first.items()}
    show("ASC cursor on DESC", gql(LIST, {"o": DESC, "f": 5, "a": first["ASC"]}))
    show("DESC cursor, issuedOn order", gql(LIST, {"o": [{"issuedOn": "DESC"}], "f": 5, "a": first["DESC"]}))
    show("truncated cursor", gql(LIST, {"o": DESC, "f": 5, "a": first["DESC"][:-3]}))
    show("200,000-character cursor", gql(LIST, {"o": DESC, "f": 5, "a": "a" * 200_000}))
    for values in ['["9999-12-31",1]', '[null,1]', '["2016-10-02",-1]', '["2016-10-02",9223372036854775808]', '["2016-02-30",1]',
                   '["2016-10-02","1"]', '[]', '{}', '[' * 3000 + ']' * 3000, '["\\u0000",1]']:
        for direction, order in (("DESC", DESC), ("ASC", ASC)):
            show(f"forged {direction} {values[:30]}", gql(LIST, {"o": order, "f": 5, "a": enc(f"k1|Detainer|{sig[direction]}|{values}")}))
    show("position cursor 10,001", gql(LIST, {"o": DESC, "f": 5, "a": enc("offset:10001")}))


def counts():
    cases = [({"issuedOnOrAfter": {"gte": "2016-01-01"}}, "d.IssuedOnOrAfter>='2016-01-01'"),
             ({"issuedOnOrAfter": None}, "d.IssuedOnOrAfter is null"),
             ({"issuedOnOrAfter": {"nin": ["2016-10-02"]}}, "d.IssuedOnOrAfter is null or d.IssuedOnOrAfter<>'2016-10-02'"),
             ({"jurisdiction": {"state": {"eq": "TX"}}}, "j.State='TX'"),
             ({"outcome": {"eq": "OPEN"}}, "d.Outcome='Open'"),
             ({"charges": {"any": False}}, "not exists(select 1 from Charges c where c.DetainerId=d.Id)"),
             ({"or": [{"issuedOnOrAfter": {"gte": "2016-09-01"}}, {"issuedOn": {"gte": "2016-09-01"}}]},
              "d.IssuedOnOrAfter>='2016-09-01' or d.IssuedOn>='2016-09-01'")]
    db = sqlite3.connect(DB) if DB else None
    for where, sql in cases:
        for order in (DESC, [{"issuedOnOrAfter": "ASC"}, {"jurisdiction": {"name": "DESC"}}]):
            r = gql(LIST, {"w": where, "o": order, "f": 3})
            d = data(r, "detainers")
            expected = db.execute("select count(*) from Detainers d left join Jurisdictions j on j.Id=d.JurisdictionId "
                                  f"where d.Retracted=0 and d.IsSynthetic=0 and ({sql})").fetchone()[0] if db else None
            show(f"count {json.dumps(where)[:40]}", r, f"api={d and d['totalCount']} sql={expected}",
                 bad=db is not None and (d is None or d["totalCount"] != expected))


SEARCH = "query($q:String!){ searchCharges(query:$q, first:3){ totalCount suggestion nodes{ charge{ description } } } }"


def search():
    texts = ["", "   ", "and", "and or the of", '"and"', '""', '"', "*", "\u0000", "\u200b", "\ufeff", "jumping", 'jumping "of"',
             "thfet", '"thfet"', "dwi", '"dwi"', "thc", "x" * 499, "a" * 501, " ".join(["theft"] * 32), " ".join(["theft"] * 33),
             "e\u0301" * 250, "\u202etheft\u202c", "\U0001F600 theft", "ＴＨＥＦＴ", " ".join(["assalt", "burglry", "theeft", "drivng"] * 8)]
    for q in texts:
        r = gql(SEARCH, {"q": q})
        d = data(r, "searchCharges")
        show(f"search {q[:30]!r} ({len(q)})", r, f"total={d and d['totalCount']} suggestion={d and d['suggestion']!r}"[:120])


def cost():
    show("search of 3,000 characters", gql(SEARCH, {"q": "x " * 1500}))
    show("search of 10,000 characters", gql(SEARCH, {"q": "theft " * 1666}))
    six = "query($q:String!){ " + " ".join(f"a{i}: searchCharges(query:$q, first:100){{ totalCount nodes{{ charge{{ description }} }} }}" for i in range(6)) + " }"
    show("six aliases of a 33-word search", gql(six, {"q": " ".join(["assault"] * 33)}))
    show("5,000 aliases of issuedOnOrAfter", gql("{ detainers(first:100, order:[{issuedOnOrAfter:DESC}]){ nodes{ " + " ".join(f"f{i}: issuedOnOrAfter" for i in range(5000)) + " } } }"))
    show("49 aliased lists by issuedOnOrAfter", gql("{ " + " ".join(f"q{j}: detainers(first:100, order:[{{issuedOnOrAfter:DESC}}]){{ nodes{{ id issuedOnOrAfter }} }}" for j in range(49)) + " }"))


def window():
    page = "query($a:String){ searchCharges(query:\"\", first:30, after:$a){ totalCount edges{ cursor } pageInfo{ hasNextPage } } }"
    for position in (9959, 9989, 9999):
        r = gql(page, {"a": enc(f"offset:{position}")})
        d = data(r, "searchCharges")
        show(f"search first 30 after position {position}", r, f"edges={d and len(d['edges'])} next={d and d['pageInfo']['hasNextPage']}",
             bad=position == 9989 and (d is None or len(d["edges"]) == 0))


def flood():
    scan = ('{ detainers(first:100, includeSynthetic:true, where:{ or:[{charges:{some:{description:{containsIgnoreCase:"theft"}}}},'
            '{placeOfBirth:{containsIgnoreCase:"mex"}}]}, order:[{jurisdiction:{name:ASC}},{issuedOnOrAfter:DESC}]){ totalCount nodes{ id } } }')
    cheap = "{ weeks(first:1){ totalCount } }"
    for n in (20, 100, 300):
        started = time.time()
        with ThreadPoolExecutor(n) as pool:
            answers = list(pool.map(lambda _: gql(scan), range(n)))
        tally = Counter((a["status"], tuple(codes(a))) for a in answers)
        print(f"   flood of {n} scans: {dict(tally)} slowest={max(a['ms'] for a in answers)}ms wall={int((time.time() - started) * 1000)}ms rss={rss()}MB")
        after = gql(cheap)
        show("  a cheap query after the flood", after, bad=after["ms"] > 1000)
        show("  a scan after the flood", gql(scan))


def import_files(directory):
    os.makedirs(directory, exist_ok=True)
    header = ("state,county,booking,booked_on,place_of_birth,detainer_disposition,detainer_disposition_date,charge_code,charge,"
              "charge_level,charge_disposition,charge_disposition_date")
    row = "TX,Probe County,{b},2016-01-02,Mexico,RELEASED TO ICE,2016-01-05,54040009,DRIVING WHILE INTOXICATED,MB,SENTENCE COMPLETE,2016-01-04"
    for i, (name, extra) in enumerate([("unknown5000", [f"extra_{i}" for i in range(5000)]), ("bigname", ["y" * 1_000_000]),
                                       ("repeated", ["dup"] * 5000)]):
        with open(os.path.join(directory, name + ".csv"), "w") as f:
            f.write(header + "," + ",".join(extra) + "\n")
            f.writelines(row.format(b=900_000 + 10 * i + k) + "," * len(extra) + "\n" for k in range(3))
    print(f"wrote {directory}/unknown5000.csv, bigname.csv, repeated.csv")


SECTIONS = {"paging": paging, "walk": walk, "cursors": cursors, "counts": counts, "search": search, "cost": cost, "window": window, "flood": flood}

if __name__ == "__main__":
    if sys.argv[1:2] == ["import-files"]:
        import_files(sys.argv[2] if len(sys.argv) > 2 else "/tmp/probe-import-files")
        sys.exit(0)
    for section in sys.argv[1:] or SECTIONS:
        print(f"== {section}", flush=True)
        SECTIONS[section]()
