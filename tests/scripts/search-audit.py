#!/usr/bin/env python3
"""Search audit over Travis County's real charges: each reporter's query through searchCharges against an
independent count over data/travis_county_ice_detainers.csv (a regex over the charge text: what a reporter reading
the texts would count). It measures; it asserts nothing.

    tests/scripts/search-audit.py OUT.json [URL]

URL: a running server's GraphQL endpoint over the shipped sample data (default http://127.0.0.1:5080/graphql; start
it with RateLimiting__Enabled=false, as the audit pages through every hit). For each query it fetches every hit
(published only) and four facets, and checks that the facets add up to the total, that the OUTCOME facet equals the
outcomes of the hits' detainers, and that each hit's detainer is its charge's; it prints per query the Python count,
the API total, the distinct detainers both ways, how many charges the API misses or adds (by text in OUT.json) and
how many hits' highlights mark nothing (matched through an abbreviation, concept, category or code). A difference is
a bug or one of the rules README "Searching charges" states (concepts, categories, words ANDed)."""
import collections
import csv
import json
import os
import re
import sys
import urllib.request

OUT = sys.argv[1]
URL = sys.argv[2] if len(sys.argv) > 2 else "http://127.0.0.1:5080/graphql"
DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "data")
CSV = os.path.join(DATA, "travis_county_ice_detainers.csv")
OUTCOMES = os.path.join(DATA, "jail_disposition_outcomes.csv")

rows = [r for r in csv.DictReader(open(CSV, encoding="utf-8")) if r["charge"]]
outcome_of = {r["disposition"]: r["outcome"] for r in csv.DictReader(open(OUTCOMES, encoding="utf-8"))}

I = re.I
# (query as typed, predicate over (charge text, jail code)): the charges a reporter would count.
QUERIES = [
    ("controlled substance", lambda d, c: re.search(r"\bCS\b|CONTROLLED SUBSTANCE", d)),
    ("poss marij", lambda d, c: re.search(r"POSS\b.*MARIJ", d)),
    ("assault bodily injury family", lambda d, c: re.search(r"(ASSLT|ASSAULT|ASLT).*BOD(ILY)? INJ.*(FAMILY|FAM\b)", d)),
    ("DWI 2nd", lambda d, c: re.search(r"(DWI|DRIVING WHILE INTOX|DRIVE WHILE INTOX).*2ND", d)),
    ("evading arrest", lambda d, c: re.search(r"EVAD(ING)? ARR", d)),
    ("theft of property >=$100<$750", lambda d, c: re.search(r"THEFT PROP >=\$100<\$750", d)),
    ("fail to identify", lambda d, c: re.search(r"FAIL TO (ID|IDENTIFY)\b", d)),
    ("resist arrest", lambda d, c: re.search(r"RESIST", d)),
    ("burglary of habitation", lambda d, c: re.search(r"BURG(LARY)?( OF|/)? ?HABIT", d)),
    ("assault fam/house mem impede breath", lambda d, c: re.search(r"IMPEDE BREATH", d)),
    ("DUI", lambda d, c: re.search(r"DRIVING WHILE INTOX|DRIVE WHILE INTOX|\bDWI\b|DRIVING UNDER THE INFLUENCE", d)),
    ("drunk driving", lambda d, c: re.search(r"DRIVING WHILE INTOX|DRIVE WHILE INTOX|\bDWI\b|DRIVING UNDER THE INFLUENCE", d)),
    ("Driving While Intoxicated", lambda d, c: re.search(r"DRIVING WHILE INTOXICATED", d)),
    ('"driving while intoxicated"', lambda d, c: re.search(r"DRIVING WHILE INTOXICATED", d)),
    ("asault", lambda d, c: re.search(r"ASSAULT|ASSLT|ASLT|ASSULT", d, I)),
    ("agg assault", lambda d, c: re.search(r"AGG.*(ASSAULT|ASSLT|ASLT)", d, I)),
    ("public intoxication", lambda d, c: re.search(r"PUBLIC INTOX", d)),
    ("theft", lambda d, c: re.search(r"THEFT|THFT", d)),
    ("burglary", lambda d, c: re.search(r"BURG", d)),
    ("marijuana", lambda d, c: re.search(r"MARIJ", d)),
    ("robbery", lambda d, c: re.search(r"ROBBERY", d)),
    ("murder", lambda d, c: re.search(r"MURDER", d)),
    ("sexual assault", lambda d, c: re.search(r"SEX(UAL)? (ASSLT|ASLT|ASSAULT)", d)),
    ("criminal mischief", lambda d, c: re.search(r"(CRM|CRIM|CRIMINAL) (MSCH|MISCH|MISCHIEF)", d)),
    ("criminal trespass", lambda d, c: re.search(r"(CRIM|CRIMINAL) TRESPASS", d)),
    ("unlawful carrying weapon", lambda d, c: re.search(r"(UNL|UNLAWFUL) CARRY|\bUCW\b", d)),
    ("deadly weapon", lambda d, c: re.search(r"DEADLY WEAPON", d)),
    ("5404", lambda d, c: c.startswith("5404")),
    ("fail to appear", lambda d, c: re.search(r"FAIL(URE)? TO APPEAR", d)),
    ("suspended license", lambda d, c: re.search(r"(LIC|LICENSE) (SSPENDED|SUSPENDED)|/SUSP", d)),
    ("driver's license", lambda d, c: re.search(r"DRIVER LICENSE", d)),
    ("tampering with evidence", lambda d, c: re.search(r"(TAMPER|TAMP)\b.*(EVIDENCE|EVID|EVD)", d)),
    ("organized crime", lambda d, c: re.search(r"ORGANIZED CRIM", d)),
    ("indecency with a child", lambda d, c: re.search(r"INDECENCY W/CHILD", d)),
    ("terroristic threat", lambda d, c: re.search(r"TERRORISTIC THREAT|TERR THREAT|TERRORIST THREAT", d)),
    ("interfere emergency call", lambda d, c: re.search(r"INTERFER W/EMERG", d)),
    ("evading-arrest", lambda d, c: re.search(r"EVAD(ING)? ARR", d)),
    ("POSS. MARIJ.", lambda d, c: re.search(r"POSS\b.*MARIJ", d)),
    ("bac", lambda d, c: re.search(r"\bBAC\b", d)),
    ("pcs", lambda d, c: re.search(r"POSS\b.*\bCS\b|POSS CONTROLLED SUBSTANCE", d)),
    ("fta", lambda d, c: re.search(r"FAIL(URE)? TO APPEAR", d)),
    ("thc", lambda d, c: re.search(r"MARIJ|\bTHC\b", d)),
    ("harassment", lambda d, c: re.search(r"HARASS", d)),
    ("child pornography", lambda d, c: re.search(r"CHILD PORNOGRAPHY", d)),
    ("money laundering", lambda d, c: re.search(r"MONEY LAUNDERING", d)),
    ("protective order", lambda d, c: re.search(r"PROTECTIVE ORD|PROTECT ORDER|PRTECTVE ORDR|PRO ORDER|PROTECTIVE ORDER", d)),
]


def post(query, variables):
    body = json.dumps({"query": query, "variables": variables}).encode()
    req = urllib.request.Request(URL, data=body, headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req))


SEARCH = """query($q: String!, $after: String) {
  searchCharges(query: $q, first: 100, after: $after) {
    totalCount suggestion
    pageInfo { hasNextPage endCursor }
    nodes { highlight charge { id description detainer { id } } detainer { id outcome jurisdiction { name } } }
    facets(fields: [OUTCOME, CHARGE_CATEGORY, SOURCE_KIND, JURISDICTION]) { field buckets { value count } }
  }
}"""

results = []
for text, pred in QUERIES:
    expected = [r for r in rows if pred(r["charge"], r["charge_code"])]
    exp_desc = collections.Counter(r["charge"] for r in expected)
    exp_outcomes = collections.Counter(outcome_of.get(r["detainer_disposition"], "?") for r in expected)
    after, hits, first = None, [], None
    while True:
        d = post(SEARCH, {"q": text, "after": after})
        if d.get("errors"):
            first = first or d
            print(text, d["errors"], file=sys.stderr)
            break
        page = d["data"]["searchCharges"]
        first = first or page
        hits += page["nodes"]
        if not page["pageInfo"]["hasNextPage"] or len(hits) >= 10000:
            break
        after = page["pageInfo"]["endCursor"]
    if "errors" in first:
        results.append({"query": text, "error": first["errors"]})
        continue
    total = first["totalCount"]
    got_desc = collections.Counter(h["charge"]["description"] for h in hits)
    checks = []
    if len(hits) != total:
        checks.append(f"hits fetched {len(hits)} != total {total}")
    for f in first["facets"]:
        s = sum(b["count"] for b in f["buckets"])
        if s != total:
            checks.append(f"facet {f['field']} sums to {s}, total {total}")
    outcome_facet = {b["value"]: b["count"] for f in first["facets"] if f["field"] == "OUTCOME" for b in f["buckets"]}
    hit_outcomes = collections.Counter(h["detainer"]["outcome"] for h in hits)
    if dict(hit_outcomes) != outcome_facet:
        checks.append(f"OUTCOME facet {outcome_facet} != hits' detainer outcomes {dict(hit_outcomes)}")
    bad = [h for h in hits if h["detainer"]["id"] != h["charge"]["detainer"]["id"] or h["detainer"]["jurisdiction"]["name"] != "Travis County"]
    if bad:
        checks.append(f"{len(bad)} hits whose detainer is not the charge's or not Travis County")
    no_mark = sum(1 for h in hits if "<mark>" not in h["highlight"])
    detainers = len({h["detainer"]["id"] for h in hits})
    results.append({
        "query": text, "python": len(expected), "api": total, "detainers": detainers,
        "python_detainers": len({r["booking"] for r in expected}),
        "suggestion": first["suggestion"], "checks": checks, "unmarked_hits": no_mark,
        "missing": {k: v - got_desc.get(k, 0) for k, v in exp_desc.items() if got_desc.get(k, 0) < v},
        "extra": {k: v - exp_desc.get(k, 0) for k, v in got_desc.items() if exp_desc.get(k, 0) < v},
        "python_outcomes": dict(exp_outcomes),
    })
    r = results[-1]
    print(f"{text!r:42} python {r['python']:5} api {total:5} detainers {detainers:5}/{r['python_detainers']:5} "
          f"missing {sum(r['missing'].values()):4} extra {sum(r['extra'].values()):4} unmarked {no_mark} {'; '.join(checks)}")
json.dump(results, open(OUT, "w"), indent=1)
