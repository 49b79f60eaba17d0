using System.Text;
using System.Text.Json;
using DetainerGraph.Api;
using DetainerGraph.Detainers;
using DetainerGraph.Operability;
using DetainerGraph.Search;
using DetainerGraph.Tests.Corrections;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DetainerGraph.Tests.Fuzz;

/// <summary>
/// Every finding class of the 2026-11-29 security review, tried again on other fields and shapes, as a held-back
/// suite would: odd charsets, wide and deep filters on every root that takes a <c>where</c> (lists, stats, nested
/// connections, search, <c>node</c>/<c>nodes</c>), deep and wide selections, aliases in batches, huge variables,
/// <c>extensions</c> and trusted-document abuse. For each: the server answers with a coded error or data (never a
/// 5xx, never <c>INTERNAL_SERVER_ERROR</c>, never <c>SEARCH_UNAVAILABLE</c> for the client's mistake), logs nothing at
/// Error level, and answers a normal query afterwards.
/// </summary>
public sealed class HostileClassTests : IClassFixture<HostileClassTests.Server>
{
    /// <summary>One server for the class (imports once), its logs captured.</summary>
    public sealed class Server : IAsyncLifetime
    {
        public LogCapture Logs { get; } = new();

        public TestApp App { get; }

        public Server()
        {
            App = new TestApp(settings: new Dictionary<string, string?>
            {
                ["Auth:SigningKey"] = EditorClient.SigningKey,
                ["Auth:Issuer"] = "test-issuer",
                ["Auth:Audience"] = "test-audience",
                ["Search:TypoCacheBytes"] = TypoCacheBytes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            }, services: services => services.AddSingleton<ILoggerProvider>(Logs));
        }

        public async Task InitializeAsync()
        {
            await EditorClient.ImportFixtureAsync(App);
            await App.ImportAsync("filter.csv", FilterFixture.Detainers);
        }

        public Task DisposeAsync()
        {
            App.Dispose();
            return Task.CompletedTask;
        }
    }

    /// <summary>A small typo-cache budget, so the test can see it hold.</summary>
    private const long TypoCacheBytes = 256 * 1024;

    private static readonly string[] ClientMistakesThatAreNotServerFailures = [HttpProtection.InternalErrorCode, "SEARCH_UNAVAILABLE"];

    private readonly Server _server;

    public HostileClassTests(Server server) => _server = server;

    private static string Json(object value) => JsonSerializer.Serialize(value);

    private static List<object> Empties(int count) => [.. Enumerable.Range(0, count).Select(_ => (object)new Dictionary<string, object>())];

    /// <summary>The roots and nested connections that take a <c>DetainerFilterInput</c>, each with <c>$w</c>.</summary>
    private static readonly string[] WhereFields =
    [
        "detainers(first: 1, where: $w) { totalCount }",
        "detainerStats(where: $w, groupBy: [STATE]) { count }",
        "jurisdictions(first: 2) { nodes { detainers(first: 1, where: $w) { totalCount } } }",
        "weeks(first: 2) { nodes { detainers(first: 1, where: $w) { totalCount } } }",
        "searchCharges(query: \"assault\", where: $w) { totalCount }",
    ];

    /// <summary>Filter shapes of the review's classes: wide <c>or</c>/<c>and</c>, deep nesting, long lists, many lists, huge strings.</summary>
    private static readonly Dictionary<string, Func<string>> Filters = new()
    {
        ["wide-or-of-empties"] = () => Json(new { or = Empties(20_000) }),
        ["wide-and-of-empties"] = () => Json(new { and = Empties(20_000) }),
        ["wide-or-on-jurisdiction"] = () => Json(new { jurisdiction = new { or = Empties(5_000) } }),
        ["wide-or-on-charges-some"] = () => Json(new { charges = new { some = new { or = Empties(5_000) } } }),
        ["deep-and"] = () => Nest(200),
        ["long-in-list"] = () => Json(new { citizenship = new { @in = Enumerable.Range(0, 40_000).Select(i => "C" + i).ToList() } }),
        ["many-lists"] = () => Json(new { or = Enumerable.Range(0, 60).Select(i => new { citizenship = new { @in = Enumerable.Range(0, 500).Select(j => $"C{i}-{j}").ToList() } }).ToList() }),
        ["huge-string"] = () => Json(new { citizenship = new { containsIgnoreCase = new string('é', 200_000) } }),
        ["mixed-script-contains"] = () => Json(new { facility = new { name = new { containsIgnoreCase = MixedWord(new Random(3), 5_000) } } }),
    };

    /// <summary><c>{ and: [{ and: [ ... { citizenship: { eq: "Mexico" } } ] }] }</c>, <paramref name="depth"/> deep (written as text: too deep for the serializer).</summary>
    private static string Nest(int depth) =>
        string.Concat(Enumerable.Repeat("{\"and\":[", depth)) + "{\"citizenship\":{\"eq\":\"Mexico\"}}" + string.Concat(Enumerable.Repeat("]}", depth));

    public static TheoryData<string, string> WhereCases()
    {
        var data = new TheoryData<string, string>();
        foreach (var field in WhereFields)
        {
            foreach (var filter in Filters.Keys)
            {
                data.Add(field, filter);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(WhereCases))]
    public async Task A_hostile_filter_on_any_field_that_takes_a_where_is_answered_with_a_code_and_logged_below_error(string field, string filter)
    {
        var body = "{\"query\":" + Json("query($w: DetainerFilterInput) { " + field + " }") + ",\"variables\":{\"w\":" + Filters[filter]() + "}}";
        await AssertHeldAsync("application/json", body);
    }

    /// <summary>Probes of the other classes, by name (the request body's content type, then the body).</summary>
    private static readonly Dictionary<string, Func<(string ContentType, string Body)>> Probes = new()
    {
        ["charset-utf-7"] = () => ("application/json; charset=utf-7", Json(new { query = "{ __typename }" })),
        ["charset-unknown"] = () => ("application/json; charset=x-klingon", Json(new { query = "{ __typename }" })),
        ["charset-empty"] = () => ("application/json; charset=", Json(new { query = "{ __typename }" })),
        ["charset-quoted-odd"] = () => ("application/json; charset=\"utf-8\\\"\"", Json(new { query = "{ __typename }" })),
        ["charset-utf-16-with-utf-8-bytes"] = () => ("application/json; charset=utf-16", Json(new { query = "{ __typename }" })),
        ["charset-utf-32"] = () => ("application/json; charset=utf-32", Json(new { query = "{ __typename }" })),
        ["charset-latin1"] = () => ("application/json; charset=iso-8859-1", Json(new { query = "{ weeks(first: 1) { totalCount } }" })),
        ["charset-twice"] = () => ("application/json; charset=utf-8; charset=utf-7", Json(new { query = "{ __typename }" })),
        ["deep-selection"] = () => ("application/json", Json(new { query = "{ " + string.Concat(Enumerable.Repeat("jurisdictions(first: 1) { nodes { detainers(first: 1) { nodes { jurisdiction { ", 8)) + "name" + new string('}', 8 * 5) + " }" })),
        ["wide-selection"] = () => ("application/json", Json(new { query = "{ " + string.Join(' ', Enumerable.Range(0, 20_000).Select(i => $"a{i}: __typename")) + " }" })),
        ["aliases-of-costly-counts"] = () => ("application/json", Json(new { query = "query($w: DetainerFilterInput) { " + string.Join(' ', Enumerable.Range(0, 40).Select(i => $"a{i}: detainers(first: 0, where: $w) {{ totalCount }}")) + " }", variables = new { w = CostlyFilter() } })),
        ["aliases-times-batch"] = () => ("application/json", Json(Enumerable.Range(0, 10).Select(_ => new { query = "query($w: DetainerFilterInput) { " + string.Join(' ', Enumerable.Range(0, 40).Select(i => $"a{i}: detainerStats(where: $w, groupBy: [STATE, OUTCOME]) {{ count }}")) + " }", variables = new { w = CostlyFilter() } }).ToList())),
        ["aliased-fuzzy-searches"] = () => ("application/json", Json(new { query = "{ " + string.Join(' ', Enumerable.Range(0, 8).Select(i => $"s{i}: searchCharges(query: \"{MixedWords(new Random(i), 30, 30)}\") {{ totalCount }}")) + " }" })),
        ["batch-past-its-size"] = () => ("application/json", Json(Enumerable.Range(0, 500).Select(_ => new { query = "{ __typename }" }).ToList())),
        ["huge-variables"] = () => ("application/json", Json(new { query = "{ __typename }", variables = Enumerable.Range(0, 30_000).ToDictionary(i => "v" + i, i => (object)i) })),
        ["deep-variables"] = () => ("application/json", "{\"query\":\"{ __typename }\",\"variables\":" + new string('[', 5_000) + new string(']', 5_000) + "}"),
        ["extensions-deep"] = () => ("application/json", "{\"query\":\"{ __typename }\",\"extensions\":" + string.Concat(Enumerable.Repeat("{\"a\":", 3_000)) + "1" + new string('}', 3_000) + "}"),
        ["extensions-wide"] = () => ("application/json", Json(new { query = "{ __typename }", extensions = Enumerable.Range(0, 30_000).ToDictionary(i => "e" + i, i => (object)i) })),
        ["extensions-persisted-query-bad-hash"] = () => ("application/json", Json(new { extensions = new { persistedQuery = new { version = 1, sha256Hash = new string('z', 64) } } })),
        ["extensions-persisted-query-wrong-types"] = () => ("application/json", Json(new { extensions = new { persistedQuery = new { version = "one", sha256Hash = 7 } } })),
        ["extensions-persisted-query-version-2"] = () => ("application/json", Json(new { query = "{ __typename }", extensions = new { persistedQuery = new { version = 2, sha256Hash = new string('a', 64) } } })),
        ["extensions-not-an-object"] = () => ("application/json", Json(new { query = "{ __typename }", extensions = new[] { 1, 2, 3 } })),
        ["trusted-document-unknown"] = () => ("application/json", Json(new { documentId = "sha256:" + new string('0', 64) })),
        ["trusted-document-garbage"] = () => ("application/json", Json(new { documentId = "sha256:" + new string('%', 5_000) })),
        ["trusted-document-other-scheme"] = () => ("application/json", Json(new { documentId = "md5:abc", query = "{ __typename }" })),
        ["trusted-document-and-query"] = () => ("application/json", Json(new { documentId = "sha256:" + new string('1', 64), query = "mutation { __typename }" })),
        ["nodes-repeated-with-costly-filter"] = () => ("application/json", Json(new { query = "query($ids: [ID!]!, $w: DetainerFilterInput) { nodes(ids: $ids) { ... on Jurisdiction { detainers(first: 0, where: $w) { totalCount } } } }", variables = new { ids = Enumerable.Repeat(GlobalId.Encode("Jurisdiction", 1), 200).ToList(), w = CostlyFilter() } })),
        ["nodes-many-distinct-garbage"] = () => ("application/json", Json(new { query = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", variables = new { ids = Enumerable.Range(0, 5_000).Select(i => "x" + i).ToList() } })),
        ["node-with-wide-where"] = () => ("application/json", Json(new { query = "query($id: ID!, $w: DetainerFilterInput) { node(id: $id) { ... on Week { detainers(where: $w) { totalCount } } } }", variables = new { id = GlobalId.Encode("Week", 1), w = new { or = Empties(20_000) } } })),
        ["cursor-int-max"] = () => ("application/json", Json(new { query = "query($c: String) { detainers(first: 3, after: $c) { nodes { id } } weeks(first: 3, after: $c) { nodes { start } } }", variables = new { c = Paging.EncodeCursor(int.MaxValue) } })),
        ["operation-name-control-characters"] = () => ("application/json", Json(new { query = "query A { __typename }", operationName = "A\r\n\u001b[31mforged\u0000" })),
    };

    public static TheoryData<string> ProbeNames() => [.. Probes.Keys];

    [Theory]
    [MemberData(nameof(ProbeNames))]
    public async Task A_hostile_request_of_any_class_is_answered_with_a_code_and_logged_below_error(string probe)
    {
        var (contentType, body) = Probes[probe]();
        await AssertHeldAsync(contentType, body);
    }

    private static object CostlyFilter() => new
    {
        or = Enumerable.Range(0, 24).Select(i => new { charges = new { some = new { description = new { containsIgnoreCase = "zz" + i } } } }).ToList(),
    };

    /// <summary>Scripts for long words: Latin Extended, Greek, Cyrillic, Armenian, Georgian, CJK, Arabic, combining marks and astral emoji.</summary>
    private static readonly string[] Alphabets =
    [
        new([.. Enumerable.Range(0x100, 0x7f).Select(c => (char)c)]),
        new([.. Enumerable.Range(0x3b1, 0x18).Concat(Enumerable.Range(0x430, 0x20)).Select(c => (char)c)]),
        new([.. Enumerable.Range(0x531, 0x25).Concat(Enumerable.Range(0x10d0, 0x20)).Select(c => (char)c)]),
        new([.. Enumerable.Range(0x4e00, 0x200).Select(c => (char)c)]),
        new([.. Enumerable.Range(0x627, 0x1a).Concat(Enumerable.Range(0x300, 0x30)).Select(c => (char)c)]),
    ];

    private static string MixedWord(Random random, int length)
    {
        var builder = new StringBuilder(length * 2);
        while (builder.Length < length)
        {
            if (random.Next(10) == 0)
            {
                builder.Append(char.ConvertFromUtf32(0x1F600 + random.Next(0x40)));
                continue;
            }
            var alphabet = Alphabets[random.Next(Alphabets.Length)];
            builder.Append(alphabet[random.Next(alphabet.Length)]);
        }
        return builder.ToString();
    }

    private static string MixedWords(Random random, int count, int length) => string.Join(' ', Enumerable.Range(0, count).Select(_ => MixedWord(random, length)));

    [Theory]
    [InlineData(0, 30)]
    [InlineData(1, 64)]
    [InlineData(2, 200)]
    public async Task Long_unique_non_ascii_and_mixed_script_words_keep_the_typo_cache_within_its_byte_bound(int seed, int length)
    {
        var random = new Random(seed);
        var search = (LuceneChargeSearch)_server.App.Services.SearchEngine();
        for (var round = 0; round < 6; round++)
        {
            var query = "{ " + string.Join(' ', Enumerable.Range(0, 4).Select(i => $"s{i}: searchCharges(query: {Json(MixedWords(random, 12, length))}) {{ totalCount }}")) + " }";
            await AssertHeldAsync("application/json", Json(new { query }));
            Assert.True(search.TypoCacheBytes <= TypoCacheBytes, $"typo cache at {search.TypoCacheBytes} bytes, past its bound of {TypoCacheBytes}");
        }
    }

    private async Task AssertHeldAsync(string contentType, string body)
    {
        var errorsBefore = _server.Logs.Errors().Count;
        using var client = _server.App.CreateClient();
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        using var response = await client.PostAsync("/graphql", content).WithinAsync("the hostile request's answer");
        var text = await response.Content.ReadAsStringAsync();
        var shown = text.Length > 600 ? text[..600] + "..." : text;

        Assert.True((int)response.StatusCode < 500, $"HTTP {(int)response.StatusCode}: {shown}");
        var answer = JsonDocument.Parse(text).RootElement;
        foreach (var result in answer.ValueKind == JsonValueKind.Array ? [.. answer.EnumerateArray()] : new[] { answer })
        {
            if (!result.TryGetProperty("errors", out var errors))
            {
                continue;
            }
            foreach (var error in errors.EnumerateArray())
            {
                var code = error.TryGetProperty("extensions", out var extensions) && extensions.TryGetProperty("code", out var c) ? c.GetString() : null;
                Assert.False(code is null, $"an error without a code: {shown}");
                Assert.DoesNotContain(code, ClientMistakesThatAreNotServerFailures);
            }
        }
        var errorsAfter = _server.Logs.Errors();
        Assert.True(errorsAfter.Count == errorsBefore, string.Join('\n', errorsAfter.Skip(errorsBefore)));
        // The server still answers a normal query.
        var health = await _server.App.DataAsync("{ detainers(first: 1) { totalCount } }");
        Assert.True(health.GetProperty("detainers").GetProperty("totalCount").GetInt32() > 0);
    }
}
