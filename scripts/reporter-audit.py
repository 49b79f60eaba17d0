#!/usr/bin/env python3
"""A reporter's audit of a running DetainerGraph server against an independent count of the shipped files.

Usage:
    scripts/reporter-audit.py URL DATA_DIR [--synthetic FILE] [--walk] [--details]

    URL        the server's GraphQL endpoint, e.g. http://127.0.0.1:5080/graphql
    DATA_DIR   the shipped data folder (data/ of the repository)
    --synthetic the demo file the server wrote into its storage folder (synthetic_demo_seed2017.csv):
               with it, the synthetic counts (includeSynthetic, syntheticExcluded, SYNTHETIC_EXCLUDED) are checked too
    --walk     also page through every published detainer in each of the six date orders, forwards and backwards
               (about 5,000 requests, 5-10 minutes under the default rate limit)
    --details  print every differing key, not only the first few

Standard library only. The script reads the CSV files itself and never asks the server how to read them: the
independent model below follows data/README.md (one Pennsylvania FOIA row = one detainer, its date the issue date,
its lift reason the outcome, its facility placed by data/jurisdiction_rules.csv or a county's name at the start of
the facility name; one Travis County booking = one detainer of Travis County, TX, with its booking date as
issuedOnOrAfter, its disposition mapped by data/jail_disposition_outcomes.csv and dated outcomeRecordedOn, and one
booking charge per non-empty charge row). It then asks the server the same questions through GraphQL and compares:

  1. counts: published total; by JURISDICTION (with each group's outcomes), STATE, JURISDICTION_RESOLUTION,
     OUTCOME (all, Travis County, Pennsylvania), ISSUED_YEAR, ISSUED_MONTH, ISSUED_ON_OR_AFTER_YEAR, OUTCOME_YEAR,
     OUTCOME_MONTH, CITIZENSHIP, PLACE_OF_BIRTH; detainers with a charge of each status; `detainerGroups.totalCount`
     against the groups listed;
  2. warnings: RESULT_TRUNCATED exactly when groups are cut; SYNTHETIC_EXCLUDED exactly when no published detainer
     matches but synthetic ones do (with --synthetic), never on an answer that has published rows;
  3. charge words: detainers and charges whose text contains a word (the `containsIgnoreCase` filter, exact), and
     `searchCharges` for a reporter's words (assault, DWI, driving while intoxicated, burglary, theft, trespass,
     family violence): its `totalCount` against the hits paged through (no repeats), its facets' sums, and the
     charge texts it returns or misses against a plain reading of the texts (listed for review, not judged);
  4. categories: every Travis County charge's `ncicCode` and `category` against the first four digits of its
     eight-digit Texas offense code and data/ncic_categories.csv; texts with shorter local codes are listed with
     the category the server gave them when it contradicts the words of the text (assault, theft, burglary, DWI);
  5. paging: the first and last page (100 rows) of the published detainers ordered by issuedOn, issuedOnOrAfter
     and outcomeRecordedOn, ASC and DESC: every row's key as the files give it, the keys in order (missing first
     ascending, last descending), the rows of each tie a subset of the rows that share that key; with --walk, every
     page through the whole list, forwards (first/after) and backwards (last/before), checking that no row is
     repeated or skipped and that both walks list the same rows in the same order.

It prints a table (question, server's answer, independent answer, agree) and the differences; the exit code is 1
when any question disagrees. A difference is not by itself a defect of the server: read the note beside it.
"""

import argparse
import collections
import csv
import datetime
import json
import os
import re
import sys
import time
import urllib.error
import urllib.request

PA_FILE = "pa_detainers_2007_2015.csv"
TRAVIS_FILE = "travis_county_ice_detainers.csv"

# ICE's lift-reason vocabulary (the schema's DetainerOutcome descriptions), as the FOIA release spells it.
LIFT_REASONS = {
    "": "OPEN",
    "Booked into Detention": "BOOKED_INTO_DETENTION",
    "Case Closed": "CASE_CLOSED",
    "Detainer Declined by LEA": "DECLINED_BY_LEA",
    "Died": "DIED",
    "Early Release": "EARLY_RELEASE",
    "Lifted": "LIFTED",
    "Lifted - Lack of Funds": "LIFTED_LACK_OF_FUNDS",
    "Lifted - Lack of Space": "LIFTED_LACK_OF_SPACE",
    "Alien Not Subject to Deportation": "NOT_SUBJECT_TO_DEPORTATION",
    "Prosecutorial Discretion": "PROSECUTORIAL_DISCRETION",
    "Transferred": "TRANSFERRED",
    "United States Citizen Interviewed": "UNITED_STATES_CITIZEN_INTERVIEWED",
}

RESOLUTIONS = {"Alias": "ALIAS", "SpellingFold": "SPELLING_FOLD", "Rule": "RULE"}

# What a reporter means by each search, read off the charge text. "strict": texts a search for the words must
# return; "fair": texts it may also return without misleading (a synonym, the same offense in other words); the
# categories: NCIC blocks that name the same offense, which search matches as the schema says ("over charge
# descriptions, NCIC codes and categories"), so a charge filed there is returned whatever its words.
SEARCHES = {
    "assault": (r"\b(ASSAULT|ASSLT|ASLT|ASSULT)\b", r"$^", {"Assault", "Sex Assault"}),
    "DWI": (r"\bDWI\b|\bDRIV(E|ING) WHILE INTOX", r"DRIVING UNDER THE INFLUENCE|INTOX\w* (ASSAULT|ASSLT|MANSLAUGHTER) W/ ?VEHICLE",
            {"Traffic Offense"}),
    "driving while intoxicated": (r"\bDWI\b|\bDRIV(E|ING) WHILE INTOX",
                                  r"DRIVING UNDER THE INFLUENCE|INTOX\w* (ASSAULT|ASSLT|MANSLAUGHTER) W/ ?VEHICLE", {"Traffic Offense"}),
    "burglary": (r"\bBURG(LARY)?\b", r"$^", {"Burglary"}),
    "theft": (r"\bTHE?FT\b|\bTHEFT", r"ROBBERY|STOLEN|SHOPLIFT|UNAUTHORIZED USE OF VEHICLE", {"Larceny", "Stolen Vehicle", "Stolen Property"}),
    "trespass": (r"\bTRESPASS|\bTRSP\b", r"$^", set()),
    "family violence": (r"FAMILY (VIO|MEMBER)|\bFV\b|DATE/FAM|FAMILY/HOUSE|FAMILY HOUSEHOLD",
                        r"PROTECT\w* ORD|PRO ORDER|FAMILY", {"Family Offense"}),
}

# Words of a text that name its offense, and the NCIC categories that may file it (for texts without an eight-digit
# code). A text matching the words but given none of the categories is listed for review.
CATEGORY_WORDS = [
    (r"\bSEX(UAL)? (ASSAULT|ASSLT|ASLT)", {"Sex Assault"}),
    (r"\b(ASSAULT|ASSLT|ASLT)\b", {"Assault", "Sex Assault", "Traffic Offense", "Family Offense", "Crimes Against Person",
                                    "Obstruct Judiciary", "Obstruct Police"}),
    (r"\bTHE?FT\b|\bTHEFT", {"Larceny", "Stolen Property", "Fraud", "Stolen Vehicle", "Property Crimes"}),
    (r"\bBURG", {"Burglary"}),
    (r"\bDWI\b|\bDRIV(E|ING) WHILE INTOX|DRIVING UNDER THE INFLUENCE", {"Traffic Offense"}),
    (r"\bTRESPASS|\bTRSP\b", {"Burglary", "Invade Privacy", "Public Order Crimes", "Property Crimes", "Public Peace"}),
]

DIMENSION_KEYS = {
    "JURISDICTION": "jurisdiction { name state }",
    "STATE": "state",
    "JURISDICTION_RESOLUTION": "jurisdictionResolution",
    "OUTCOME": "outcome",
    "ISSUED_YEAR": "issuedYear { label }",
    "ISSUED_MONTH": "issuedMonth { label }",
    "ISSUED_ON_OR_AFTER_YEAR": "issuedOnOrAfterYear { label }",
    "OUTCOME_YEAR": "outcomeYear { label }",
    "OUTCOME_MONTH": "outcomeMonth { label }",
    "CITIZENSHIP": "citizenship",
    "PLACE_OF_BIRTH": "placeOfBirth",
    "CHARGE_CATEGORY": "chargeCategory",
    "WEEK": "week { start }",
    "SOURCE_KIND": "sourceKind",
}


def key_of(dimension, keys):
    value = keys[{"JURISDICTION": "jurisdiction", "STATE": "state", "JURISDICTION_RESOLUTION": "jurisdictionResolution",
                  "OUTCOME": "outcome", "ISSUED_YEAR": "issuedYear", "ISSUED_MONTH": "issuedMonth",
                  "ISSUED_ON_OR_AFTER_YEAR": "issuedOnOrAfterYear", "OUTCOME_YEAR": "outcomeYear",
                  "OUTCOME_MONTH": "outcomeMonth", "CITIZENSHIP": "citizenship", "PLACE_OF_BIRTH": "placeOfBirth",
                  "CHARGE_CATEGORY": "chargeCategory", "WEEK": "week", "SOURCE_KIND": "sourceKind"}[dimension]]
    if value is None:
        return None
    if dimension == "JURISDICTION":
        return f"{value['name']}, {value['state']}"
    if dimension == "WEEK":
        return value["start"]
    if isinstance(value, dict):
        return value["label"]
    return value


# ---------------------------------------------------------------------------------------------------------------
# The independent model


class Detainer:
    __slots__ = ("file", "line", "issued_on", "issued_on_or_after", "outcome", "outcome_on", "jurisdiction",
                 "state", "resolution", "place_of_birth", "citizenship", "charges", "week")

    def __init__(self, **values):
        for name in self.__slots__:
            setattr(self, name, values.get(name))


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        for row in reader:
            # line_num is the last physical line read; a record starts after the previous one ended.
            yield row, reader.line_num


def record_lines(path):
    """Each record with the line it starts on (the header is line 1)."""
    previous_end = 1
    for row, end in read_csv(path):
        yield row, previous_end + 1
        previous_end = end


def load_rules(data):
    rules = []
    for row, _ in read_csv(os.path.join(data, "jurisdiction_rules.csv")):
        rules.append(dict(name=row["rule"], state=row["state"], city=row["city"],
                          pattern=re.compile(row["facility_pattern"], re.IGNORECASE),
                          resolution=RESOLUTIONS[row["resolution"]], jurisdiction=row["jurisdiction"]))
    return rules


def place_facility(rules, counties, facility, city):
    for rule in rules:
        if rule["state"] not in ("*", "PA"):
            continue
        if rule["city"] and rule["city"].upper() != (city or "").upper():
            continue
        if rule["pattern"].search(facility):
            return rule["jurisdiction"].replace("{state}", "Pennsylvania"), rule["resolution"]
    upper = facility.upper()
    for county in counties:
        base = county[: -len(" County")].upper()
        if re.match(re.escape(base) + r"\s+(CNTY|COUNTY|CO\.?)(\s|,|$)", upper):
            return county, "EXACT_NAME"
    return None, "UNRESOLVED"


def load_model(data):
    counties = [row["countyname"] for row, _ in read_csv(os.path.join(data, "us_counties_fips.csv"))
                if row["state"] == "PA" and row["countyname"].endswith(" County")]
    counties.sort(key=len, reverse=True)
    rules = load_rules(data)
    dispositions = {row["disposition"]: re.sub(r"(?<!^)([A-Z])", r"_\1", row["outcome"]).upper()
                    for row, _ in read_csv(os.path.join(data, "jail_disposition_outcomes.csv"))}
    dispositions[""] = "OPEN"
    detainers = []
    placed = {}
    for row, line in record_lines(os.path.join(data, PA_FILE)):
        facility = row["det_facility"]
        if (facility, row["city"]) not in placed:
            placed[(facility, row["city"])] = place_facility(rules, counties, facility, row["city"])
        name, resolution = placed[(facility, row["city"])]
        detainers.append(Detainer(file=PA_FILE, line=line, issued_on=row["date"][:10], outcome=LIFT_REASONS[row["lift_reason"]],
                                  jurisdiction=f"{name}, PA" if name else None, state="PA" if name else None,
                                  resolution=resolution, charges=[]))
    bookings = {}
    for row, line in record_lines(os.path.join(data, TRAVIS_FILE)):
        d = bookings.get(row["booking"])
        if d is None:
            d = bookings[row["booking"]] = Detainer(
                file=TRAVIS_FILE, line=line, issued_on_or_after=row["booked_on"],
                outcome=dispositions[row["detainer_disposition"]], outcome_on=row["detainer_disposition_date"] or None,
                jurisdiction="Travis County, TX", state="TX", resolution="NAMED",
                place_of_birth=row["place_of_birth"] or None, charges=[])
            detainers.append(d)
        if row["charge"]:
            d.charges.append((row["charge_code"], row["charge"]))
    return detainers


def load_synthetic(path):
    """The demo's detainers: one per detainer_key (a row per charge), with its week: the Saturday-to-Friday week of
    the report given, else of the outcome's date."""
    demo = {}
    for row, _ in read_csv(path):
        d = demo.setdefault(row["detainer_key"], dict(statuses=set(), week=None, citizenship=row["citizenship"] or None))
        d["statuses"].add(row["charge_status"].upper())
        if row["report_week"]:
            d["week"] = row["report_week"][:10]
        elif row["outcome_date"]:
            day = datetime.date.fromisoformat(row["outcome_date"])
            d["week"] = (day - datetime.timedelta(days=(day.weekday() - 5) % 7)).isoformat()
    return list(demo.values())


# ---------------------------------------------------------------------------------------------------------------
# The server


class Server:
    def __init__(self, url):
        self.url = url
        self.requests = 0

    def ask(self, query, variables=None):
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        for attempt in range(20):
            request = urllib.request.Request(self.url, data=body, headers={"Content-Type": "application/json"})
            try:
                with urllib.request.urlopen(request, timeout=120) as response:
                    self.requests += 1
                    return json.load(response)
            except urllib.error.HTTPError as e:
                if e.code in (429, 503):
                    time.sleep(float(e.headers.get("Retry-After") or 1))
                    continue
                payload = e.read().decode(errors="replace")
                raise SystemExit(f"HTTP {e.code} from {self.url}: {payload[:500]}")
        raise SystemExit("the server kept answering 429/503")

    def data(self, query, variables=None):
        answer = self.ask(query, variables)
        if answer.get("errors"):
            raise SystemExit(f"GraphQL errors: {json.dumps(answer['errors'])[:1000]}\nquery: {query}\nvariables: {variables}")
        return answer["data"], answer.get("extensions") or {}

    def stats(self, dimensions, where=None, first=1000, include_synthetic=False, outcomes=False):
        keys = " ".join(DIMENSION_KEYS[d] for d in dimensions)
        query = ("query($where: DetainerFilterInput, $first: Int, $syn: Boolean) { detainerStats(groupBy: ["
                 + ", ".join(dimensions) + "], where: $where, first: $first, includeSynthetic: $syn) { count keys { "
                 + (keys or "state") + " }" + (" outcomes { outcome count }" if outcomes else "") + " } }")
        data, extensions = self.data(query, {"where": where, "first": first, "syn": include_synthetic})
        return data["detainerStats"], extensions.get("warnings") or []


# ---------------------------------------------------------------------------------------------------------------
# Comparing


class Audit:
    def __init__(self, details):
        self.rows = []
        self.details = details

    def compare(self, question, ours, theirs, note=""):
        agree = ours == theirs
        self.rows.append((question, summarize(ours), summarize(theirs), "yes" if agree else "NO", note))
        if not agree and isinstance(ours, dict) and isinstance(theirs, dict):
            keys = sorted(set(ours) | set(theirs), key=str)
            differing = [(k, ours.get(k), theirs.get(k)) for k in keys if ours.get(k) != theirs.get(k)]
            shown = differing if self.details else differing[:8]
            for k, a, b in shown:
                print(f"  {question}: {k!r}: server {a}, files {b}")
            if len(shown) < len(differing):
                print(f"  ... {len(differing) - len(shown)} more (--details)")
        return agree

    def note(self, question, ours, theirs, agree, note=""):
        self.rows.append((question, ours, theirs, "yes" if agree else "NO", note))

    def print_table(self):
        print()
        print("| question | server | files (independent) | agree | note |")
        print("|---|---|---|---|---|")
        for row in self.rows:
            print("| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |")
        disagreements = sum(1 for r in self.rows if r[3] != "yes")
        print(f"\n{len(self.rows)} questions, {disagreements} disagree")
        return disagreements


def summarize(value):
    if isinstance(value, dict):
        total = sum(v for v in value.values() if isinstance(v, int))
        return f"{len(value)} groups, {total:,} in all"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def count_by(detainers, key):
    counter = collections.Counter(key(d) for d in detainers)
    return dict(counter)


def server_counts(groups, dimension):
    return {key_of(dimension, g["keys"]): g["count"] for g in groups}


def warning_codes(warnings):
    return sorted({w.get("code") for w in warnings})


# ---------------------------------------------------------------------------------------------------------------
# 1-2. Counts and warnings


def audit_counts(server, audit, detainers, synthetic):
    data, _ = server.data("{ detainers(first: 0) { totalCount syntheticExcluded } }")
    audit.compare("published detainers (totalCount)", data["detainers"]["totalCount"], len(detainers))
    if synthetic is not None:
        audit.compare("syntheticExcluded of the published list", data["detainers"]["syntheticExcluded"], len(synthetic))
        data, _ = server.data("{ detainers(first: 0, includeSynthetic: true) { totalCount syntheticExcluded } }")
        audit.compare("detainers with includeSynthetic: true", data["detainers"]["totalCount"], len(detainers) + len(synthetic))

    simple = [
        ("STATE", lambda d: d.state),
        ("JURISDICTION_RESOLUTION", lambda d: d.resolution),
        ("OUTCOME", lambda d: d.outcome),
        ("ISSUED_YEAR", lambda d: d.issued_on[:4] if d.issued_on else None),
        ("ISSUED_MONTH", lambda d: d.issued_on[:7] if d.issued_on else None),
        ("ISSUED_ON_OR_AFTER_YEAR", lambda d: d.issued_on_or_after[:4] if d.issued_on_or_after else None),
        ("OUTCOME_YEAR", lambda d: d.outcome_on[:4] if d.outcome_on else None),
        ("OUTCOME_MONTH", lambda d: d.outcome_on[:7] if d.outcome_on else None),
        ("CITIZENSHIP", lambda d: d.citizenship),
        ("PLACE_OF_BIRTH", lambda d: d.place_of_birth),
    ]
    for dimension, key in simple:
        groups, warnings = server.stats([dimension])
        audit.compare(f"detainerStats by {dimension}", server_counts(groups, dimension), count_by(detainers, key))
        audit.compare(f"warnings of detainerStats by {dimension}", warning_codes(warnings), [])

    groups, _ = server.stats(["JURISDICTION"], outcomes=True)
    audit.compare("detainerStats by JURISDICTION", server_counts(groups, "JURISDICTION"), count_by(detainers, lambda d: d.jurisdiction))
    ours = {(key_of("JURISDICTION", g["keys"]), o["outcome"]): o["count"] for g in groups for o in g["outcomes"]}
    theirs = count_by(detainers, lambda d: (d.jurisdiction, d.outcome))
    audit.compare("outcomes of each JURISDICTION group", ours, theirs)
    audit.compare("JURISDICTION groups whose outcomes do not add up to their count",
                  sum(1 for g in groups if g["count"] != sum(o["count"] for o in g["outcomes"])), 0)

    travis = [d for d in detainers if d.file == TRAVIS_FILE]
    pa = [d for d in detainers if d.file == PA_FILE]
    groups, _ = server.stats(["OUTCOME"], where={"jurisdiction": {"name": {"eq": "Travis County"}, "state": {"eq": "TX"}}})
    audit.compare("Travis County detainers by OUTCOME", server_counts(groups, "OUTCOME"), count_by(travis, lambda d: d.outcome))
    groups, _ = server.stats(["OUTCOME"], where={"facility": {"state": {"eq": "PA"}}})
    audit.compare("Pennsylvania facilities' detainers by OUTCOME", server_counts(groups, "OUTCOME"), count_by(pa, lambda d: d.outcome))
    groups, _ = server.stats(["ISSUED_YEAR", "OUTCOME"], where={"facility": {"state": {"eq": "PA"}},
                                                                 "outcome": {"in": ["DECLINED_BY_LEA", "LIFTED"]}})
    ours = {(key_of("ISSUED_YEAR", g["keys"]), key_of("OUTCOME", g["keys"])): g["count"] for g in groups}
    theirs = count_by([d for d in pa if d.outcome in ("DECLINED_BY_LEA", "LIFTED")], lambda d: (d.issued_on[:4], d.outcome))
    audit.compare("PA declined and lifted by year (README's worked example)", ours, theirs)

    data, _ = server.data("{ detainerGroups(groupBy: [ISSUED_MONTH], first: 1000) { totalCount nodes { count } } }")
    audit.compare("detainerGroups(ISSUED_MONTH) totalCount = groups listed", data["detainerGroups"]["totalCount"],
                  len(data["detainerGroups"]["nodes"]))
    months = len(set(d.issued_on[:7] if d.issued_on else None for d in detainers))
    groups, warnings = server.stats(["ISSUED_MONTH"], first=10)
    audit.compare(f"detainerStats(ISSUED_MONTH, first: 10) of {months} groups: warnings", warning_codes(warnings),
                  ["RESULT_TRUNCATED"] if months > 10 else [])
    groups, warnings = server.stats(["ISSUED_MONTH"], first=months)
    audit.compare(f"detainerStats(ISSUED_MONTH, first: {months}): warnings", warning_codes(warnings), [])

    # Charge statuses: every published charge is a booking charge.
    for status in ("CHARGE", "CONVICTION"):
        data, _ = server.data("query($w: DetainerFilterInput) { detainers(first: 0, where: $w) { totalCount syntheticExcluded } }",
                              {"w": {"charges": {"some": {"status": {"eq": status}}}}})
        expected = sum(1 for d in detainers if d.charges) if status == "CHARGE" else 0
        audit.compare(f"detainers with a charge of status {status}", data["detainers"]["totalCount"], expected)
        groups, warnings = server.stats([], where={"charges": {"some": {"status": {"eq": status}}}})
        audit.compare(f"detainerStats(groupBy: []) with a {status}: count", groups[0]["count"] if groups else 0, expected)
        if synthetic is not None:
            demo = sum(1 for s in synthetic if status in s["statuses"])
            audit.compare(f"syntheticExcluded, detainers with a {status}", data["detainers"]["syntheticExcluded"], demo)
            audit.compare(f"warnings of detainerStats with a {status}", warning_codes(warnings),
                          ["SYNTHETIC_EXCLUDED"] if expected == 0 and demo > 0 else [])
    data, _ = server.data("{ searchCharges(query: \"\", first: 0) { totalCount facets(fields: [STATUS]) { buckets { value count } } } }")
    charges = sum(len(d.charges) for d in detainers)
    audit.compare("searchCharges(\"\") totalCount (published charges)", data["searchCharges"]["totalCount"], charges)
    ours = {b["value"]: b["count"] for b in data["searchCharges"]["facets"][0]["buckets"]}
    audit.compare("searchCharges(\"\") STATUS facet", ours, {"CHARGE": charges})

    if synthetic is not None:
        groups, warnings = server.stats(["WEEK"], where={"week": {"start": {"gte": "1900-01-01"}}})
        audit.compare("detainerStats by WEEK, week not null: groups (published)", len(groups), 0)
        audit.compare("detainerStats by WEEK, week not null: warnings", warning_codes(warnings),
                      ["SYNTHETIC_EXCLUDED"] if any(s["week"] for s in synthetic) else [])
        groups, warnings = server.stats(["WEEK"], include_synthetic=True)
        ours = server_counts(groups, "WEEK")
        theirs = count_by(detainers, lambda d: None)
        for s in synthetic:
            theirs[s["week"]] = theirs.get(s["week"], 0) + 1
        audit.compare("detainerStats by WEEK with includeSynthetic", ours, theirs,
                      "demo weeks: the report's week, else the Saturday-to-Friday week of the outcome date")
        groups, warnings = server.stats(["CITIZENSHIP"], where={"citizenship": {"neq": None}})
        audit.compare("detainerStats by CITIZENSHIP, citizenship known: warnings", warning_codes(warnings),
                      ["SYNTHETIC_EXCLUDED"] if any(s["citizenship"] for s in synthetic) else [])


# ---------------------------------------------------------------------------------------------------------------
# 3. Charge words and search


def all_charges(server):
    """Every published charge as the server lists it: {charge id: (description, ncicCode, category, file line)}."""
    charges = {}
    after = None
    query = """query($after: String) { detainers(first: 100, after: $after, order: [{ issuedOnOrAfter: ASC }],
                 where: { charges: { any: true } }) {
               pageInfo { hasNextPage endCursor }
               nodes { source { fileName line } charges { id description ncicCode category status } } } }"""
    while True:
        data, _ = server.data(query, {"after": after})
        page = data["detainers"]
        for node in page["nodes"]:
            for c in node["charges"]:
                charges[c["id"]] = (c["description"], c["ncicCode"], c["category"], node["source"]["fileName"], node["source"]["line"])
        if not page["pageInfo"]["hasNextPage"]:
            return charges
        after = page["pageInfo"]["endCursor"]


def search_all(server, words):
    """Every hit of a search, paged 100 at a time: (totalCount, facet sums, [charge ids])."""
    ids = []
    after = None
    total = None
    facet_sums = None
    query = """query($q: String!, $after: String) { searchCharges(query: $q, first: 100, after: $after) {
                 totalCount facets(fields: [OUTCOME, STATUS, CHARGE_CATEGORY]) { field buckets { count } }
                 pageInfo { hasNextPage endCursor } nodes { charge { id } } } }"""
    while True:
        data, _ = server.data(query, {"q": words, "after": after})
        page = data["searchCharges"]
        if total is None:
            total = page["totalCount"]
            facet_sums = {f["field"]: sum(b["count"] for b in f["buckets"]) for f in page["facets"]}
        ids.extend(n["charge"]["id"] for n in page["nodes"])
        if not page["pageInfo"]["hasNextPage"] or not page["nodes"]:
            return total, facet_sums, ids
        after = page["pageInfo"]["endCursor"]


def audit_charges(server, audit, detainers):
    for word in ("ASSLT", "assault", "DWI", "driving while intox", "burglary", "theft", "trespass", "family"):
        data, _ = server.data("query($w: DetainerFilterInput) { detainers(first: 0, where: $w) { totalCount } }",
                              {"w": {"charges": {"some": {"description": {"containsIgnoreCase": word}}}}})
        # SQLite's lower() folds ASCII letters only; the texts are ASCII, so Python's lower() reads them the same.
        expected = sum(1 for d in detainers if any(word.lower() in text.lower() for _, text in d.charges))
        audit.compare(f"detainers with a charge containing '{word}' (containsIgnoreCase)", data["detainers"]["totalCount"], expected)

    served = all_charges(server)
    texts = collections.Counter(text for d in detainers for _, text in d.charges)
    audit.compare("published charges listed by the detainers", len(served), sum(texts.values()))
    audit.compare("charge texts as listed", dict(collections.Counter(v[0] for v in served.values())), dict(texts))

    category_of = {v[0]: v[2] for v in served.values()}
    for words, (strict, fair, categories) in SEARCHES.items():
        total, facet_sums, ids = search_all(server, words)
        audit.compare(f"searchCharges('{words}'): totalCount = hits paged through", total, len(ids))
        audit.compare(f"searchCharges('{words}'): no hit repeated", len(set(ids)), len(ids))
        audit.compare(f"searchCharges('{words}'): facets add up to totalCount", facet_sums, {k: total for k in facet_sums})
        found = collections.Counter(served[i][0] for i in ids if i in served)
        must = {t: n for t, n in texts.items() if re.search(strict, t, re.IGNORECASE)}
        may = {t for t in texts if re.search(fair, t, re.IGNORECASE)}
        missing = {t: n for t, n in must.items() if found.get(t, 0) != n}
        beyond = {t: n for t, n in found.items() if t not in must and t not in may}
        by_category = {t: n for t, n in beyond.items() if category_of.get(t) in categories}
        extra = {t: n for t, n in beyond.items() if t not in by_category}
        audit.note(f"searchCharges('{words}'): charges", f"{total:,}",
                   f"{sum(must.values()):,} whose text says it + {sum(n for t, n in found.items() if t in may and t not in must):,} "
                   f"fair + {sum(by_category.values()):,} filed in {'/'.join(sorted(categories)) or '-'}",
                   not missing and not extra,
                   f"{len(missing)} texts missed, {len(extra)} texts unexplained: review below" if missing or extra else "")
        for t, n in sorted(missing.items()):
            print(f"  searchCharges('{words}') missed: {t!r}: {found.get(t, 0)} of {n}")
        for t, n in sorted(beyond.items()):
            print(f"  searchCharges('{words}') also returned: {t!r} ({n}; category {category_of.get(t)})"
                  + ("" if t in by_category else "  <- unexplained"))
    return served


# ---------------------------------------------------------------------------------------------------------------
# 4. Categories


def audit_categories(server, audit, data_dir, served):
    blocks = {row["block"]: row["category"] for row, _ in read_csv(os.path.join(data_dir, "ncic_categories.csv"))}
    catalog = {row["ncic_code"] for row, _ in read_csv(os.path.join(data_dir, "ncic_offense_codes.csv"))}
    codes = {}
    for row, _ in record_lines(os.path.join(data_dir, TRAVIS_FILE)):
        if row["charge"]:
            codes.setdefault(row["charge"], set()).add(row["charge_code"])
    by_text = {}
    for description, ncic, category, _, _ in served.values():
        by_text.setdefault(description, set()).add((ncic, category))
    wrong_code = {}
    misnamed = {}
    for text, pairs in by_text.items():
        # An eight-digit Texas offense code, or one with the letter of an attempt, conspiracy or solicitation after
        # it: its first four digits are the NCIC code (when the NCIC list has it), its first two the block.
        eight = [c for c in codes.get(text, ()) if re.fullmatch(r"\d{8}[ACS]?", c)]
        if eight and len(codes[text]) == 1:
            expected = (eight[0][:4] if eight[0][:4] in catalog else None, blocks.get(eight[0][:2]))
            if pairs != {expected}:
                wrong_code[text] = f"{sorted(pairs, key=str)} not {expected}"
            continue
        for pattern, allowed in CATEGORY_WORDS:
            if re.search(pattern, text, re.IGNORECASE):
                bad = [c for _, c in pairs if c not in allowed]
                if bad:
                    misnamed[text] = f"{bad} (codes {sorted(codes.get(text, ()))}); the words read {sorted(allowed)}"
                break
    audit.note("texts with an 8-digit code (A/C/S suffix allowed): ncicCode and category from the code", f"{len(wrong_code)} differ", "0 differ",
               not wrong_code)
    for text, why in sorted(wrong_code.items()):
        print(f"  code: {text!r}: {why}")
    audit.note("charges without one: category against the words of the text", f"{len(misnamed)} contradict", "0 contradict",
               not misnamed, "review below" if misnamed else "")
    for text, why in sorted(misnamed.items()):
        print(f"  category: {text!r}: {why}")


# ---------------------------------------------------------------------------------------------------------------
# 5. Paging


ORDER_FIELDS = {"issuedOn": "issued_on", "issuedOnOrAfter": "issued_on_or_after", "outcomeRecordedOn": "outcome_on"}


def expected_order(detainers, attribute, direction):
    present = sorted((d for d in detainers if getattr(d, attribute)), key=lambda d: getattr(d, attribute),
                     reverse=direction == "DESC")
    missing = [d for d in detainers if not getattr(d, attribute)]
    return missing + present if direction == "ASC" else present + missing


def page_query(field, direction, how):
    return ("query($n: Int, $c: String) { detainers(" + how + ", order: [{ " + field + ": " + direction + " }]) { "
            "pageInfo { hasNextPage hasPreviousPage startCursor endCursor } nodes { " + field + " source { fileName line } } } }")


def check_page(audit, label, nodes, expected, by_row, field, attribute):
    """The page's keys are the expected keys, each row's key is its own in the files, and every row belongs to the
    tie of rows sharing its key."""
    keys = [n[field] for n in nodes]
    wrong_values = sum(1 for n in nodes if getattr(by_row[(n["source"]["fileName"], n["source"]["line"])], attribute) != n[field])
    tie = collections.defaultdict(set)
    for d in expected:
        tie[getattr(d, attribute)].add((d.file, d.line))
    outside = sum(1 for n in nodes if (n["source"]["fileName"], n["source"]["line"]) not in tie[n[field]])
    repeated = len(nodes) - len({(n["source"]["fileName"], n["source"]["line"]) for n in nodes})
    wanted = [getattr(d, attribute) for d in expected]
    audit.note(f"{label}: keys", summarize_keys(keys), summarize_keys(wanted), keys == wanted)
    audit.compare(f"{label}: rows whose key is not theirs / outside their tie / repeated", (wrong_values, outside, repeated), (0, 0, 0))


def summarize_keys(keys):
    if not keys:
        return "none"
    runs = []
    for k in keys:
        if runs and runs[-1][0] == k:
            runs[-1][1] += 1
        else:
            runs.append([k, 1])
    text = ", ".join(f"{k or 'null'}×{n}" for k, n in runs[:3])
    if len(runs) > 3:
        text += f", … {keys[-1] or 'null'}×{runs[-1][1]}"
    return text


def audit_paging(server, audit, detainers, walk):
    by_row = {(d.file, d.line): d for d in detainers}
    for field, attribute in ORDER_FIELDS.items():
        for direction in ("ASC", "DESC"):
            expected = expected_order(detainers, attribute, direction)
            data, _ = server.data(page_query(field, direction, "first: $n, after: $c"), {"n": 100, "c": None})
            page = data["detainers"]
            check_page(audit, f"first 100 by {field} {direction}", page["nodes"], expected[:100], by_row, field, attribute)
            audit.compare(f"first 100 by {field} {direction}: hasNextPage, hasPreviousPage",
                          (page["pageInfo"]["hasNextPage"], page["pageInfo"]["hasPreviousPage"]), (True, False))
            data, _ = server.data(page_query(field, direction, "last: $n, before: $c"), {"n": 100, "c": None})
            page = data["detainers"]
            check_page(audit, f"last 100 by {field} {direction}", page["nodes"], expected[-100:], by_row, field, attribute)
            if walk:
                seen = []
                cursor = None
                while True:
                    data, _ = server.data(page_query(field, direction, "first: $n, after: $c"), {"n": 100, "c": cursor})
                    page = data["detainers"]
                    seen.extend(page["nodes"])
                    if not page["pageInfo"]["hasNextPage"]:
                        break
                    cursor = page["pageInfo"]["endCursor"]
                rows = [(n["source"]["fileName"], n["source"]["line"]) for n in seen]
                keys = [n[field] for n in seen]
                audit.compare(f"every page by {field} {direction}: rows seen / distinct / missing",
                              (len(rows), len(set(rows)), len(set(by_row) - set(rows))), (len(detainers), len(detainers), 0))
                wanted = [getattr(d, attribute) for d in expected]
                back = []
                cursor = None
                while True:
                    data, _ = server.data(page_query(field, direction, "last: $n, before: $c"), {"n": 100, "c": cursor})
                    page = data["detainers"]
                    back[:0] = [(n["source"]["fileName"], n["source"]["line"]) for n in page["nodes"]]
                    if not page["pageInfo"]["hasPreviousPage"] or not page["nodes"]:
                        break
                    cursor = page["pageInfo"]["startCursor"]
                audit.note(f"every page by {field} {direction}, backwards (last/before) = forwards",
                           "same rows, same order" if back == rows else f"{len(back):,} rows, not the same", "same rows, same order",
                           back == rows)
                audit.note(f"every page by {field} {direction}: key sequence", summarize_keys(keys), summarize_keys(wanted), keys == wanted)
                if keys != wanted:
                    print(f"  every page by {field} {direction}: first differing position "
                          f"{next((i for i, (a, b) in enumerate(zip(keys, wanted)) if a != b), min(len(keys), len(wanted)))}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url")
    parser.add_argument("data")
    parser.add_argument("--synthetic")
    parser.add_argument("--walk", action="store_true")
    parser.add_argument("--details", action="store_true")
    args = parser.parse_args()
    server = Server(args.url)
    audit = Audit(args.details)
    detainers = load_model(args.data)
    synthetic = load_synthetic(args.synthetic) if args.synthetic else None
    started = time.monotonic()
    audit_counts(server, audit, detainers, synthetic)
    served = audit_charges(server, audit, detainers)
    audit_categories(server, audit, args.data, served)
    audit_paging(server, audit, detainers, args.walk)
    disagreements = audit.print_table()
    print(f"{server.requests} requests in {time.monotonic() - started:.0f} s")
    sys.exit(1 if disagreements else 0)


if __name__ == "__main__":
    main()
