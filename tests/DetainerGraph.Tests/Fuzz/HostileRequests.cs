using System.Globalization;
using System.Text;
using System.Text.Json;

namespace DetainerGraph.Tests.Fuzz;

/// <summary>One generated request: what it is (for the report), and the HTTP it sends.</summary>
/// <param name="Authorization">The Authorization header; <see cref="HostileRequests.EditorToken"/> in it stands for a valid editor's token.</param>
public sealed record FuzzRequest(int Index, string Kind, string Method, string PathAndQuery, byte[]? Body, string? ContentType, string? Accept,
    string? Authorization = null)
{
    public string Describe(int max = 600)
    {
        var body = Body is null ? "" : Encoding.UTF8.GetString(Body, 0, Math.Min(Body.Length, max));
        var more = Body is { Length: var n } && n > max ? $"... ({n} bytes)" : "";
        var path = PathAndQuery.Length > max ? PathAndQuery[..max] + $"... ({PathAndQuery.Length} chars)" : PathAndQuery;
        var authorization = Authorization is null ? "" : $" Authorization: {(Authorization.Length > 80 ? Authorization[..80] + $"... ({Authorization.Length} chars)" : Authorization)}";
        return $"#{Index} [{Kind}] {Method} {path} Content-Type: {ContentType ?? "(none)"} Accept: {Accept ?? "(none)"}{authorization}\n{body}{more}";
    }
}

/// <summary>
/// A seeded generator of malformed and hostile GraphQL-over-HTTP requests. Request <c>i</c> of seed <c>s</c> is
/// the same on every run and machine (it draws from its own <see cref="Random"/> seeded from both), so one
/// failing request can be replayed alone.
/// </summary>
public static class HostileRequests
{
    private static readonly string[] ValidQueries =
    [
        "{ weeks { totalCount nodes { start end } } }",
        "{ detainers(first: 5) { totalCount nodes { id outcome issuedOn citizenship jurisdiction { name state } charges { description status } } } }",
        "{ jurisdictions(first: 5) { totalCount nodes { id name state } } }",
        "{ detainerStats(groupBy: [STATE, OUTCOME]) { count } }",
        "{ searchCharges(query: \"dui\", first: 3) { totalCount nodes { score highlight charge { description } } } }",
        "{ weeklyReport(start: \"2017-01-28\") { __typename } }",
        "query Q($n: Int) { detainers(first: $n) { pageInfo { hasNextPage endCursor } } }",
        "{ __typename }",
    ];

    private static readonly string[] PercentList = ["%"];
    private static readonly string[] LiftedOrUnknown = ["LIFTED", "NOPE"];
    private static readonly string[] TrafficOffense = ["Traffic Offense"];
    private static readonly string[][] Statuses = [["CONVICTION"], ["CHARGE", "CONVICTION"], ["nope"], []];

    private static readonly string[] Kinds =
    [
        "broken-json", "wrong-types", "huge-strings", "deep-nesting", "aliases", "fragments", "absurd-variables",
        "content-types", "batches", "search-syntax", "get", "methods", "ids-and-cursors", "filters", "documents", "corrections",
        "wide-where",
    ];

    /// <summary>Stands for a valid editor's token in <see cref="FuzzRequest.Authorization"/>; the test substitutes one.</summary>
    public const string EditorToken = "{editor-token}";

    /// <summary>The generator's kinds, in the order it cycles through them.</summary>
    public static IReadOnlyList<string> AllKinds => Kinds;

    public static FuzzRequest Generate(int seed, int index)
    {
        // Not HashCode.Combine: it is salted per process, and a run must replay anywhere.
        var random = new Random(unchecked((seed * 1_000_003) + index));
        // Kinds are taken in turn, so even a short run covers every one; the contents are random.
        var kind = Kinds[index % Kinds.Length];
        var g = new Generator(random, index, kind);
        return kind switch
        {
            "broken-json" => g.BrokenJson(),
            "wrong-types" => g.WrongTypes(),
            "huge-strings" => g.HugeStrings(),
            "deep-nesting" => g.DeepNesting(),
            "aliases" => g.Aliases(),
            "fragments" => g.Fragments(),
            "absurd-variables" => g.AbsurdVariables(),
            "content-types" => g.ContentTypes(),
            "batches" => g.Batches(),
            "search-syntax" => g.SearchSyntax(),
            "get" => g.Get(),
            "methods" => g.Methods(),
            "ids-and-cursors" => g.IdsAndCursors(),
            "filters" => g.Filters(),
            "corrections" => g.Corrections(),
            "wide-where" => g.WideWhere(),
            _ => g.Documents(),
        };
    }

    private sealed class Generator(Random random, int index, string kind)
    {
        private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

        private bool Chance(double p) => random.NextDouble() < p;

        private FuzzRequest Post(string body, string? contentType = "application/json", string? accept = null) =>
            new(index, kind, "POST", "/graphql", Encoding.UTF8.GetBytes(body), contentType, accept ?? RandomAccept());

        private FuzzRequest PostBytes(byte[] body, string? contentType = "application/json") =>
            new(index, kind, "POST", "/graphql", body, contentType, RandomAccept());

        private static string Json(object? value) => JsonSerializer.Serialize(value);

        private static string Request(string query, object? variables = null, string? operationName = null) =>
            Json(new Dictionary<string, object?> { ["query"] = query, ["variables"] = variables, ["operationName"] = operationName });

        private string? RandomAccept() => random.Next(8) switch
        {
            0 => null,
            1 => "application/graphql-response+json",
            2 => "application/json",
            3 => "*/*",
            4 => "application/graphql-response+json, application/json;q=0.9",
            5 => Pick(["text/html", "application/xml", "image/png;q=1", "application/json;q=0", "*/*;q=0"]),
            6 => Pick(["garbage", ";;;", "application/json; charset=klingon", "application/*", "text/*, application/graphql-response+json;q=0.1"]),
            _ => "application/json",
        };

        private string RandomString(int length)
        {
            const string Alphabet = "abcdefghijklmnopqrstuvwxyz ABC0123456789\"\\{}[]():,.$@#!?*~^/-+&|'`\t\n\u00e9\u4e2d\ud83d\ude00\u0000\u202e";
            var builder = new StringBuilder(length);
            for (var i = 0; i < length; i++)
            {
                builder.Append(Alphabet[random.Next(Alphabet.Length)]);
            }
            return builder.ToString();
        }

        public FuzzRequest BrokenJson()
        {
            var valid = Request(Pick(ValidQueries), Chance(0.5) ? new { n = 3 } : null);
            return random.Next(12) switch
            {
                0 => Post(valid[..random.Next(valid.Length)]),
                1 => Post(valid + Pick(["}", "]", ",", "garbage", "{}", "\u0000"])),
                2 => PostBytes([.. Enumerable.Range(0, random.Next(1, 400)).Select(_ => (byte)random.Next(256))]),
                3 => PostBytes([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(valid)]),
                4 => PostBytes([.. Encoding.UTF8.GetBytes("{\"query\":\""), 0xC3, 0x28, 0xFF, 0xFE, .. Encoding.UTF8.GetBytes("\"}")]),
                5 => Post("{\"query\":\"{ weeks { totalCount } }\",\"query\":\"{ nope }\"}"),
                6 => Post("{\"query\": \"\\ud800\\udc00\\ud800 { weeks { totalCount } }\"}"),
                7 => Post("{\"query\": \"{ __typename }\", \"variables\": {\"x\": NaN, \"y\": Infinity}}"),
                8 => Post("// comment\n" + valid),
                9 => Post(Pick(["", " ", "null", "true", "\"{ weeks { totalCount } }\"", "1e999", "{", "[", "[[]]", "{\"query\"}", "{'query':'{ __typename }'}"])),
                10 => Post("{\"query\":\"" + Pick(["\\u0000", "\\uDFFF", "\\ud83d", "\\x41", "\\"]) + "\"}"),
                _ => Post(valid.Replace(":", Pick(["::", ";", " : : "]), StringComparison.Ordinal)),
            };
        }

        public FuzzRequest WrongTypes()
        {
            object?[] wrong = [42, -1, 3.5, true, false, new[] { 1, 2 }, new { a = 1 }, "", "text", new object?[] { null }, long.MaxValue, new[] { "{ weeks { totalCount } }" }];
            var member = Pick(["query", "variables", "operationName", "extensions", "documentId"]);
            var request = new Dictionary<string, object?> { ["query"] = Pick(ValidQueries) };
            request[member] = Pick(wrong);
            if (Chance(0.3))
            {
                request[RandomString(random.Next(1, 10))] = Pick(wrong);
            }
            return Post(Json(request));
        }

        public FuzzRequest HugeStrings()
        {
            var size = Pick([10_000, 100_000, 250_000, 262_144, 300_000, 1_000_000]);
            var big = new string(Pick(['a', ' ', '{', '"', '\u00e9', '#']), size);
            var digits = new string(Pick(['9', '1']), Math.Min(size, 250_000));
            return random.Next(10) switch
            {
                0 => Post(Request("{ searchCharges(query: \"" + big.Replace("\"", "", StringComparison.Ordinal).Replace("{", "", StringComparison.Ordinal) + "\") { totalCount } }")),
                1 => Post(Request("query($q: String!) { searchCharges(query: $q) { totalCount } }", new { q = big })),
                2 => Post(Request("{ weeks { totalCount } } " + new string('#', Math.Min(size, 250_000)))),
                3 => Post(Request("query($s: String) { detainers(where: { citizenship: { eq: $s } }) { totalCount } }", new { s = big })),
                4 => Post(Request("{ weeks { totalCount } }", operationName: big)),
                5 => Post(Request("{ " + new string(' ', Math.Min(size, 250_000)) + "weeks { totalCount } }")),
                // A number of many digits: GraphQL.NET formatted one given for a String in quadratic time (35 s at 250,000).
                7 => Post("{\"query\": \"" + Pick(["query($v: String) { detainers(where: { citizenship: { eq: $v } }) { totalCount } }", "query($v: Date!) { week(start: $v) { start } }"])
                    + "\", \"variables\": {\"v\": " + digits + "}}"),
                8 => Post(Request("{ node(id: " + digits + ") { id } }")),
                // An escaped lone surrogate in a literal, which SQLite would store as U+FFFD.
                9 => Post(Request("{ detainers(where: { citizenship: { eq: \"x" + Pick(["\\ud800", "\\udfff", "\\udc00\\ud800"]) + "\" } }) { totalCount } }")),
                _ => Post(Request("{ detainer(id: \"" + new string('A', Math.Min(size, 200_000)) + "\") { id } }")),
            };
        }

        public FuzzRequest DeepNesting()
        {
            var depth = Pick([20, 64, 100, 500, 2_000, 10_000, 50_000]);
            return random.Next(7) switch
            {
                0 => Post(Request(string.Concat(Enumerable.Repeat("{ a ", depth)) + new string('}', depth))),
                1 => Post(Request("{ weeks " + string.Concat(Enumerable.Repeat("{ nodes { detainers { nodes { week ", Math.Min(depth, 2_000))) + "{ start " + new string('}', Math.Min(depth, 2_000) * 5 + 2) + " }")),
                2 => Post("{\"query\":\"{ __typename }\",\"variables\":{\"v\":" + new string('[', depth) + new string(']', depth) + "}}"),
                3 => Post("{\"query\":\"{ __typename }\",\"extensions\":" + string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth) + "}"),
                4 => Post(Request("{ detainers(where: " + string.Concat(Enumerable.Repeat("{ and: [", depth)) + "{ outcome: { eq: OPEN } }" + string.Concat(Enumerable.Repeat("] }", depth)) + ") { totalCount } }")),
                5 => Post(Request("query($w: DetainerFilterInput) { detainers(where: $w) { totalCount } }", NestedFilter(Math.Min(depth, 25)))),
                _ => Post(Request("{ nodes(ids: " + new string('[', depth) + "\"x\"" + new string(']', depth) + ") { id } }")),
            };
        }

        private static Dictionary<string, object?> NestedFilter(int depth)
        {
            var filter = new Dictionary<string, object?> { ["outcome"] = new { eq = "OPEN" } };
            for (var i = 0; i < depth; i++)
            {
                filter = new Dictionary<string, object?> { [i % 2 == 0 ? "and" : "or"] = new object[] { filter } };
            }
            return new Dictionary<string, object?> { ["w"] = filter };
        }

        public FuzzRequest Aliases()
        {
            var count = Pick([100, 1_000, 5_000, 10_000]);
            var field = Pick(["weeks { totalCount }", "__typename", "detainers(first: 100) { totalCount nodes { id } }", "searchCharges(query: \"assault\") { totalCount }", "detainerStats(groupBy: [STATE]) { count }", "week(start: \"2017-01-28\") { start }"]);
            return random.Next(5) switch
            {
                0 => Post(Request("{ " + string.Join(' ', Enumerable.Range(0, count).Select(i => $"a{i}: {field}")) + " }")),
                // The same field, unaliased, thousands of times: field merging must not go quadratic.
                1 => Post(Request("{ " + string.Join(' ', Enumerable.Repeat(field, count)) + " }")),
                2 => Post(Request("{ __typename " + string.Concat(Enumerable.Repeat("@skip(if: false) ", count)) + "}")),
                3 => Post(Request("query(" + string.Join(", ", Enumerable.Range(0, count).Select(i => $"$v{i}: Int")) + ") { __typename }")),
                _ => Post(Request(string.Join("\n", Enumerable.Range(0, Math.Min(count, 2_000)).Select(i => $"query Q{i} {{ weeks {{ totalCount }} }}")), operationName: "Q" + random.Next(count))),
            };
        }

        public FuzzRequest Fragments()
        {
            return random.Next(6) switch
            {
                0 => Post(Request("{ ...A } fragment A on Query { ...A }")),
                1 => Post(Request("{ weeks { nodes { ...A } } } fragment A on Week { ...B } fragment B on Week { detainers { nodes { week { ...A } } } }")),
                2 => Post(Request("{ ...Missing }")),
                3 => Post(Request(InlineFragments(Pick([10, 500, 3_000])))),
                4 => Post(Request(FragmentBomb(Pick([3, 6, 10, 20]), Pick([2, 10, 30])))),
                _ => Post(Request("{ ...A } " + string.Join(' ', Enumerable.Range(0, Pick([100, 2_000])).Select(i => $"fragment A{i} on Query {{ __typename }}")) + " fragment A on Query { weeks { totalCount } }")),
            };
        }

        private static string InlineFragments(int depth) =>
            "{ " + string.Concat(Enumerable.Repeat("... on Query { ", depth)) + "__typename" + string.Concat(Enumerable.Repeat(" }", depth)) + " }";

        /// <summary>Each level spreads the level below <paramref name="width"/> times: width^levels fields from a short text.</summary>
        private static string FragmentBomb(int levels, int width)
        {
            var text = new StringBuilder("{ ...F" + levels + " }\nfragment F0 on Query { detainers(first: 100) { nodes { id charges { description } } } }\n");
            for (var level = 1; level <= levels; level++)
            {
                text.Append(CultureInfo.InvariantCulture, $"fragment F{level} on Query {{ ");
                for (var i = 0; i < width; i++)
                {
                    text.Append(CultureInfo.InvariantCulture, $"...F{level - 1} ");
                }
                text.Append("}\n");
            }
            return text.ToString();
        }

        public FuzzRequest AbsurdVariables()
        {
            object?[] values =
            [
                -1, 0, 101, int.MaxValue, int.MinValue, long.MaxValue, 1e308, -1e308, 0.5, "NaN", "1", "", null, true,
                new[] { 1 }, new { first = 1 }, new string('9', 400), "\u0000", "2017-02-30", "9999-99-99", "0001-01-01",
            ];
            var (query, name) = random.Next(7) switch
            {
                0 => ("query($n: Int) { detainers(first: $n) { totalCount } }", "n"),
                1 => ("query($n: Int) { weeks(last: $n) { totalCount } }", "n"),
                2 => ("query($d: Date!) { weeklyReport(start: $d) { __typename } }", "d"),
                3 => ("query($o: DetainerOutcome) { detainers(where: { outcome: { eq: $o } }) { totalCount } }", "o"),
                4 => ("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", "ids"),
                5 => ("query($g: [DetainerStatsDimension!]!) { detainerStats(groupBy: $g) { count } }", "g"),
                _ => ("query($a: String) { detainers(first: 2, after: $a) { totalCount } }", "a"),
            };
            var variables = new Dictionary<string, object?> { [name] = Pick(values) };
            if (Chance(0.3))
            {
                variables["unused" + random.Next(1000)] = Pick(values);
            }
            if (Chance(0.1))
            {
                variables = [];
            }
            if (name == "ids" && Chance(0.5))
            {
                variables[name] = Enumerable.Range(0, Pick([51, 1_000, 20_000])).Select(i => "RGV0YWluZXI6" + i).ToArray();
            }
            if (name == "g" && Chance(0.5))
            {
                variables[name] = Enumerable.Repeat("STATE", Pick([8, 9, 100, 5_000])).ToArray();
            }
            return Post(Request(query, variables));
        }

        public FuzzRequest ContentTypes()
        {
            var body = Request(Pick(ValidQueries));
            var contentType = Pick<string?>(
            [
                null, "", "text/plain", "application/graphql", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                "application/json; charset=utf-32", "application/json; charset=iso-8859-1", "application/json; charset=\"utf-8\"",
                "application/json;charset=UTF-16LE", "APPLICATION/JSON", "application/json, text/html", "application/graphql-response+json",
                "application/graphql+json", "application/json; boundary=x; charset=utf-8; q=0", "application/", "/", ";", "application/json; charset",
                "application/jsonx", "image/png", "application/xml",
            ]);
            var bytes = contentType is not null && contentType.Contains("utf-16", StringComparison.OrdinalIgnoreCase) && Chance(0.5)
                ? Encoding.Unicode.GetBytes(body)
                : Encoding.UTF8.GetBytes(body);
            return new FuzzRequest(index, kind, "POST", "/graphql", bytes, contentType, RandomAccept());
        }

        public FuzzRequest Batches()
        {
            var count = Pick([0, 1, 2, 10, 11, 50, 1_000]);
            var items = Enumerable.Range(0, count).Select(_ => random.Next(6) switch
            {
                0 => Request(Pick(ValidQueries), new { n = random.Next(-5, 200) }),
                1 => Pick(["1", "null", "\"{ weeks { totalCount } }\"", "[]", "{}", "true"]),
                2 => Json(new { query = 7 }),
                3 => Request("{ a: detainers(first: 100) { nodes { charges { description } } } b: detainers(first: 100) { nodes { charges { description } } } }"),
                4 => Request("mutation { nope }"),
                _ => Request("{ " + RandomString(random.Next(1, 40)) + " }"),
            });
            var body = "[" + string.Join(",", items) + "]";
            return Chance(0.1) ? Post("[" + body + "]") : Post(body);
        }

        public FuzzRequest SearchSyntax()
        {
            string[] pieces =
            [
                "*", "?", "~", "~2", "^", "^10", ":", "\\", "/", "\"", "(", ")", "[", "]", "{", "}", "AND", "OR", "NOT", "&&", "||", "+", "-", "!",
                "description:dui", "*:*", "_exists_:x", "/.*/", "/[a-z]+{1000}/", "[a TO z]", "{1 TO 2}", "a~0.5", "\"quoted phrase\"~3",
                "dui", "assault", "ASLT", "5404", "\u0000", "\u202e", "\ud83d\ude00", "\u00e9t\u00e9", "'; DROP TABLE Charges; --", "%", "_",
                "\\*", "\"unclosed", "((((", "))))", "a*b*c*d*", "?????", "\t", "\n", "null", "undefined", "$where", "<script>",
            ];
            var words = Enumerable.Range(0, Pick([1, 3, 8, 32, 33, 100])).Select(_ => Pick(pieces));
            var query = string.Join(Chance(0.7) ? " " : "", words);
            if (Chance(0.15))
            {
                query = new string(Pick(['a', '*', '"', '(']), Pick([499, 500, 501, 5_000]));
            }
            var variables = new Dictionary<string, object?> { ["q"] = query };
            var where = random.Next(4) switch
            {
                0 => "",
                1 => ", where: $w",
                2 => ", first: $n",
                _ => ", after: $a, first: $n",
            };
            if (where.Contains("$w", StringComparison.Ordinal))
            {
                // searchCharges' where is the lists' DetainerFilterInput, translated into engine filters; what it
                // cannot translate (conditions on the other charges) is refused with a code.
                var filter = new Dictionary<string, object?>
                {
                    ["jurisdiction"] = new { state = Chance(0.5) ? (object)new { eq = Pick(["TX", "PA", "*", "", "XX", "tx"]) } : new { @in = Enumerable.Repeat("TX", Pick([2, 500])).ToArray() } },
                    ["week"] = new { start = new { gte = Pick<string?>(["2017-01-28", "2017-01-29", "1900-01-01", null]), lte = Pick<string?>(["2017-02-11", "9999-12-31", null]) } },
                };
                if (Chance(0.3))
                {
                    filter[Pick(["outcome", "detainerType", "citizenship", "charges", "issuedOn", "or"])] = Pick<object>([
                        new { eq = "DECLINED" }, new { neq = "OPEN" }, new { @in = LiftedOrUnknown }, new { eq = Pick(pieces) },
                        new { some = new { status = new { eq = "CONVICTION" } } }, new { gte = "2017-01-01" }, Array.Empty<object>(),
                    ]);
                }
                variables["w"] = filter;
                variables["s"] = Pick<object?>([null, .. Statuses]);
                variables["c"] = Pick<object?>([null, TrafficOffense, new[] { Pick(pieces) }, Enumerable.Repeat("Assault", Pick([2, 500])).ToArray()]);
                where += ", chargeStatus: $s, chargeCategory: $c";
            }
            variables["n"] = Pick<object?>([0, 1, 100, 101, -1, 10_000, null]);
            variables["a"] = Pick<object?>(["", "MTA=", "bm9wZQ==", "OTk5OTk5OQ==", "LTE=", RandomString(12), null]);
            var declared = "$q: String!" + (where.Contains("$w", StringComparison.Ordinal) ? ", $w: DetainerFilterInput, $s: [ChargeStatus!], $c: [String!]" : "")
                + (where.Contains("$n", StringComparison.Ordinal) ? ", $n: Int" : "") + (where.Contains("$a", StringComparison.Ordinal) ? ", $a: String" : "");
            var selection = Pick(["totalCount", "totalCount suggestion nodes { score highlight charge { description } detainer { outcome } }", "facets(fields: [OUTCOME, CHARGE_CATEGORY]) { field buckets { value count } }", "pageInfo { hasNextPage endCursor } edges { cursor }"]);
            if (Chance(0.2))
            {
                // The query as a literal in the document, escaped for GraphQL's string syntax.
                var literal = query.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
                return Post(Request("{ searchCharges(query: \"" + literal + "\") { " + selection + " } }"));
            }
            return Post(Request($"query({declared}) {{ searchCharges(query: $q{where}) {{ {selection} }} }}", variables));
        }

        public FuzzRequest Get()
        {
            string Q(string s) => Uri.EscapeDataString(s);
            var path = random.Next(10) switch
            {
                0 => "/graphql?query=" + Q(Pick(ValidQueries)),
                1 => "/graphql?query=" + Q("query($n: Int) { weeks(first: $n) { totalCount } }") + "&variables=" + Q(Pick(["{\"n\":1}", "[1]", "nope", "{", "\"s\"", "null", "{\"n\":\"x\"}"])),
                2 => "/graphql?query=" + Q("mutation { a }") + Pick(["", "&operationName=x"]),
                3 => "/graphql?" + Pick(["", "query=", "query", "variables={}", "sdl", "sdl=1&query=x", "documentId=sha256:00", "documentId=md5:abc", "documentId=" + new string('f', 64)]),
                4 => "/graphql?query=" + Q(Pick(ValidQueries)) + "&query=" + Q("{ nope }"),
                5 => "/graphql?query=" + Q("{ a: weeks { totalCount } } query B { weeks { totalCount } } mutation C { x }") + "&operationName=" + Pick(["B", "C", "D", ""]),
                6 => "/graphql?query=" + new string('a', Pick([1_000, 60_000])),
                7 => "/graphql?query=" + Pick(["%", "%zz", "%00", "%ff%fe", "%c3%28", "%ed%a0%80"]),
                8 => "/graphql?extensions=" + Q(Pick(["{\"persistedQuery\":{\"version\":1,\"sha256Hash\":\"x\"}}", "[]", "1"])) + "&query=" + Q("{ __typename }"),
                _ => "/graphql/" + Pick(["", "index.html", "bcp-config.json", "LICENSE", "../appsettings.json", "%2e%2e/appsettings.json", "nope.js"]),
            };
            return new FuzzRequest(index, kind, "GET", path, null, null, RandomAccept());
        }

        public FuzzRequest Methods()
        {
            var method = Pick(["PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "CONNECT", "PROPFIND", "FOO"]);
            var body = Chance(0.5) ? Encoding.UTF8.GetBytes(Request(Pick(ValidQueries))) : null;
            return new FuzzRequest(index, kind, method, "/graphql" + Pick(["", "?query=" + Uri.EscapeDataString("{ __typename }")]), body, body is null ? null : "application/json", RandomAccept());
        }

        public FuzzRequest IdsAndCursors()
        {
            string[] ids =
            [
                "", "x", "RGV0YWluZXI6MQ==", "RGV0YWluZXI6LTE=", "RGV0YWluZXI6OTk5OTk5OTk5OTk5OTk5OTk5OQ==", "V2VlazoyMDE3LTAxLTI4",
                "V2VlazoyMDE3LTAyLTMw", "SnVyaXNkaWN0aW9uOmFiYw==", "Tm9wZTox", "////", "====", "RGV0YWluZXI6", "OjE=", "RGV0YWluZXI6MTox",
                DetainerGraph.Api.Paging.EncodeCursor(int.MaxValue), DetainerGraph.Api.Paging.EncodeCursor(int.MaxValue - 1),
                Convert.ToBase64String(Encoding.UTF8.GetBytes("Detainer:" + RandomString(8))), Convert.ToBase64String(Enumerable.Range(0, 30).Select(_ => (byte)random.Next(256)).ToArray()),
            ];
            var id = Pick(ids);
            return random.Next(5) switch
            {
                0 => Post(Request("query($id: ID!) { node(id: $id) { id __typename } }", new { id })),
                1 => Post(Request("query($id: ID!) { detainer(id: $id) { id charges { description } } }", new { id })),
                2 => Post(Request("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", new { ids = Enumerable.Range(0, random.Next(1, 60)).Select(_ => Pick(ids)).ToArray() })),
                3 => Post(Request("query($c: String) { detainers(first: 3, after: $c) { nodes { id } } weeks(last: 2, before: $c) { totalCount } }", new { c = id })),
                _ => Post(Request("query($c: String, $n: Int, $m: Int) { jurisdictions(first: $n, last: $m, after: $c, before: $c) { totalCount } }", new { c = id, n = random.Next(-3, 130), m = random.Next(-3, 130) })),
            };
        }

        /// <summary>
        /// A wide or deep <c>where</c> on every field that takes one (root lists, nested connections, the weekly report,
        /// stats, search): thousands of empty or real and/or items, long and many lists, deep nesting. Each must be
        /// answered (mostly FILTER_TOO_COMPLEX), never crash the process or come back as SEARCH_UNAVAILABLE.
        /// </summary>
        public FuzzRequest WideWhere()
        {
            var (filterType, selection) = Pick<(string, string)>(
            [
                ("DetainerFilterInput", "detainers(first: 1, where: $w) { totalCount }"),
                ("DetainerFilterInput", "detainerStats(where: $w, groupBy: [OUTCOME]) { count }"),
                ("DetainerFilterInput", "searchCharges(query: \"dui\", where: $w) { totalCount }"),
                ("DetainerFilterInput", "jurisdictions(first: 2) { nodes { detainers(first: 1, where: $w) { totalCount } } }"),
                ("DetainerFilterInput", "weeks(first: 2) { nodes { detainers(first: 1, where: $w) { totalCount } } }"),
                ("JurisdictionFilterInput", "jurisdictions(first: 1, where: $w) { totalCount }"),
                ("WeekFilterInput", "weeks(first: 1, where: $w) { totalCount }"),
            ]);
            var count = Pick([2, 99, 101, 1_000, 1_001, 5_000, 30_000]);
            var detainers = filterType == "DetainerFilterInput";
            object Leaf(int i) => filterType switch
            {
                "JurisdictionFilterInput" => new { name = new { eq = "n" + i } },
                "WeekFilterInput" => new { start = new { eq = "2017-01-28" } },
                _ => new { citizenship = new { eq = "c" + i } },
            };
            object Field(object inner) => detainers && Chance(0.5) ? new Dictionary<string, object> { [Pick(["jurisdiction", "week"])] = inner } : inner;
            object where = random.Next(6) switch
            {
                0 => Field(new { or = Enumerable.Range(0, count).Select(_ => new Dictionary<string, object>()).ToArray() }),
                1 => Field(new { and = Enumerable.Range(0, count).Select(_ => new Dictionary<string, object>()).ToArray() }),
                2 => new { or = Enumerable.Range(0, Math.Min(count, 5_000)).Select(Leaf).ToArray() },
                3 => new { and = Enumerable.Range(0, Math.Min(count, 5_000)).Select(Leaf).ToArray() },
                4 => detainers
                    ? new { and = Enumerable.Range(0, Math.Min(count, 60)).Select(i => new { citizenship = new { @in = Enumerable.Range(0, 600).Select(j => $"c{i}-{j}").ToArray() } }).ToArray() }
                    : new { or = Enumerable.Range(0, 3).Select(Leaf).ToArray() },
                _ => Nest(Math.Min(count, 20)),
            };
            return Post(Request($"query($w: {filterType}) {{ {selection} }}", new { w = where }));
        }

        private static object Nest(int depth) => depth == 0 ? new Dictionary<string, object>() : new { and = new[] { Nest(depth - 1) } };

        public FuzzRequest Filters()
        {
            var count = Pick([1, 10, 100, 1_000, 10_000]);
            return random.Next(6) switch
            {
                0 => Post(Request("query($s: [String!]) { detainers(where: { citizenship: { in: $s } }) { totalCount } }", new { s = Enumerable.Range(0, count).Select(i => "c" + i).ToArray() })),
                1 => Post(Request("query($w: [DetainerFilterInput!]) { detainers(where: { or: $w }) { totalCount } }", new { w = Enumerable.Range(0, count).Select(i => new { citizenship = new { eq = "c" + i } }).ToArray() })),
                2 => Post(Request("{ detainers(where: { citizenship: { " + Pick(["contains", "startsWith", "endsWith", "containsIgnoreCase", "eqIgnoreCase", "nin"]) + ": " + Json(Pick<object>(["%", "_", "\\", "%%_\\%", "'", "\u0000", "[a-z]", PercentList])) + " } }) { totalCount } }")),
                3 => Post(Request("{ detainers(order: [" + string.Join(", ", Enumerable.Repeat("{ issuedOn: DESC }, { jurisdiction: { name: ASC } }", Math.Min(count, 2_000))) + "]) { totalCount nodes { id } } }")),
                4 => Post(Request("query($d: Date) { detainers(where: { issuedOn: { gte: $d }, charges: { some: { description: { contains: \"a\" } } } }) { totalCount } }", new { d = Pick(["2017-01-01", "0001-01-01", "9999-12-31", "2017-13-01", "x", "2017-1-1"]) })),
                _ => Post(Request("{ detainerStats(first: " + Pick([-1, 0, 1, 100, 10_000, int.MaxValue]) + ", groupBy: [" + string.Join(", ", Enumerable.Range(0, random.Next(0, 9)).Select(_ => Pick(["STATE", "JURISDICTION", "FIELD_OFFICE", "WEEK", "OUTCOME", "DETAINER_TYPE", "CITIZENSHIP", "CHARGE_CATEGORY"]))) + "]) { count keys { outcome } } }")),
            };
        }

        /// <summary>
        /// The six mutations with hostile inputs, without a token, with broken ones, and with a valid editor's token.
        /// Every request to an existing record also carries one input the server must refuse (an empty or
        /// oversized reason, source or key), so the fuzz run changes no data and the reads after it can be
        /// compared with the reads before it.
        /// </summary>
        public FuzzRequest Corrections()
        {
            static string Id(string type, string key) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"{type}:{key}")).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            var existing = Chance(0.5);
            var (type, mutation, input, fields) = random.Next(6) switch
            {
                0 => ("Detainer", "correctDetainer", "CorrectDetainerInput", (string[])["OUTCOME", "ISSUED_ON", "OUTCOME_RECORDED_ON", "JURISDICTION", "FACILITY", "CITIZENSHIP", "CHARGE_DESCRIPTION", "CHARGE_STATUS", "NOPE"]),
                1 => ("Detainer", "retractDetainer", "RetractDetainerInput", []),
                2 => ("Detainer", "restoreDetainer", "RestoreDetainerInput", []),
                3 => ("SectionOneEntry", "correctSectionOneEntry", "CorrectSectionOneEntryInput", ["RANK", "DETAINERS_ISSUED", "JURISDICTION", "NOPE"]),
                4 => ("SectionOneEntry", "restoreSectionOneEntry", "RestoreSectionOneEntryInput", []),
                _ => ("SectionOneEntry", "retractSectionOneEntry", "RetractSectionOneEntryInput", []),
            };
            var id = existing
                ? Id(type, random.Next(1, 4).ToString(System.Globalization.CultureInfo.InvariantCulture))
                : Pick([Id(type, "999999999"), Id(type, "-1"), Id(type, "abc"), Id("Week", "2017-01-28"), Id(type, RandomString(8)), "", "x", new string('A', 5_000), "\u0000"]);
            var hostile = new object?[] { null, "", " ", "\t\n", new string('x', 5_000), "\u202e\ud83d\ude00", "'; DROP TABLE Detainers; --", "2017-02-30", "-1", "99999999999", "DECLINED", "LIFTED", "TX", RandomString(20) };
            var values = new Dictionary<string, object?>
            {
                ["id"] = id,
                ["reason"] = Pick<object?>(["why", .. hostile]),
                ["source"] = Pick<object?>(["ICE FOIA", .. hostile]),
                ["idempotencyKey"] = Pick<object?>([null, "k-" + random.Next(10), .. hostile]),
            };
            if (fields.Length > 0)
            {
                values["field"] = Pick(fields);
                values["newValue"] = Pick(hostile);
                if (type == "Detainer" && Chance(0.5))
                {
                    values["chargeId"] = Pick([Id("Charge", "1"), Id("Charge", "999999"), Id("Detainer", "1"), "", new string('B', 300)]);
                }
            }
            if (existing)
            {
                // Something every existing-record request gets wrong: the run must not change the store.
                values[Pick(["reason", "source", "idempotencyKey"])] = Pick(["", "   ", new string('r', 6_000)]);
            }
            var authorization = random.Next(10) switch
            {
                < 3 => null,
                3 => "Bearer",
                4 => "Bearer " + Pick(["x.y.z", "eyJhbGciOiJub25lIn0.eyJuYW1lIjoibWFsbG9yeSIsInJvbGUiOiJlZGl0b3IifQ.", RandomString(40), new string('a', 9_000)]),
                5 => Pick(["Basic YWxpY2U6c2VjcmV0", "bearer " + EditorToken + "x", "Bearer " + EditorToken + " " + EditorToken, "Token " + EditorToken]),
                _ => "Bearer " + EditorToken,
            };
            // As variables, or with the input written into the document.
            var body = Chance(0.8)
                ? Request($"mutation($input: {input}!) {{ {mutation}(input: $input) {{ correction {{ id field newValue }} }} }}", new { input = values })
                : Request($"mutation {{ {mutation}(input: {{ id: {Json(id)}, reason: {Json(values["reason"])}, source: {Json(values["source"])}, idempotencyKey: {Json(values["idempotencyKey"])} }}) {{ correction {{ id }} }} }}");
            return Post(body) with { Authorization = authorization };
        }

        public FuzzRequest Documents()
        {
            string[] documents =
            [
                "", " ", "#", "{", "}", "{}", "{ }", "query", "query {", "mutation { x }", "subscription { x }", "{ weeks { totalCount } } extra",
                "{ weeks(first: 1, first: 2) { totalCount } }", "{ weeks { totalCount(x: 1) } }", "{ weeks @include { totalCount } }", "{ weeks @nope { totalCount } }",
                "query Q { __typename } query Q { __typename }", "query { __typename } query B { __typename }", "{ __schema { types { name fields { name } } } }",
                "{ __type(name: \"Nope\") { name } }", "{ detainers(first: \"1\") { totalCount } }", "{ detainers(first: 1.5) { totalCount } }",
                "{ weeklyReport(start: \"2017-01-29\") { __typename } }", "{ weeklyReport(start: \"1700-01-01\") { __typename } }", "{ week(start: 20170128) { start } }",
                "query($x: Nope) { __typename }", "query($x: Int = \"s\") { __typename }", "query($x: Int!) { __typename }", "{ detainers { nodes { __typename id } } }",
                "{ a: __typename a: weeks { totalCount } }", "{ node(id: null) { id } }", "fragment F on Nope { x } { ...F }", "{ ... on Week { start } }",
                "{ weeks { totalCount } }\u0000", "\ufeff{ __typename }", "{ \"weeks\" }", "{ weeks { totalCount } } # " + new string('x', 1000),
                "{ detainerStats(groupBy: []) { count } }", "{ searchCharges(query: \"\") { totalCount } }", "{ searchCharges { totalCount } }",
            ];
            var document = Pick(documents);
            if (Chance(0.3))
            {
                // Random mutations of a valid document: a character dropped, doubled or swapped.
                var chars = Pick(ValidQueries).ToCharArray().ToList();
                for (var i = random.Next(1, 5); i > 0 && chars.Count > 1; i--)
                {
                    var at = random.Next(chars.Count);
                    switch (random.Next(3))
                    {
                        case 0: chars.RemoveAt(at); break;
                        case 1: chars.Insert(at, chars[at]); break;
                        default: chars[at] = "{}()[]:$@!\"#,.=|&"[random.Next(17)]; break;
                    }
                }
                document = new string([.. chars]);
            }
            return Post(Request(document));
        }
    }
}
