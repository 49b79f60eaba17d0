using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using DetainerGraph.Detainers;
using DetainerGraph.Import;
using DetainerGraph.Reference;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DetainerGraph.Tests.Data;

/// <summary>
/// A published-only page whose rows are few among synthetic ones, narrowed to the ids of their sources by the in-memory counts
/// (<see cref="PublishedIdSpans"/>): on a store where the published records are older than most generated ones (so that a
/// page newest first walked every generated row before the published), two stores with the same data, one narrowing and
/// one reading as before, give the same pages, cursors and counts in every order and direction, and the narrowed read is a
/// rowid range in SQLite's plan. A store without synthetic records is never narrowed.
/// </summary>
public sealed partial class PublishedSpanTests : IAsyncLifetime, IDisposable
{
    private readonly TestApp _memory = new(settings: ResidentStores.InMemory);
    private readonly TestApp _database = new();

    public async Task InitializeAsync()
    {
        foreach (var app in new[] { _memory, _database })
        {
            // Generated records of 2017 on both sides of a published file of 2015 in the id order: the published ids are one
            // run in the middle of the table.
            await app.ImportAsync("generated.csv", ResidentStores.Generated(1_500, 31, new DateOnly(2017, 1, 28)));
            await app.ImportAsync("published.csv", DetainerCountRollupTests.AsPublished(ResidentStores.Generated(120, 37, new DateOnly(2015, 6, 6))));
            await app.ImportAsync("generated-more.csv", ResidentStores.Generated(400, 41, new DateOnly(2017, 3, 4)));
        }
        Assert.NotNull(await _memory.Services.GetRequiredService<ResidentDetainerCounts>().LoadAsync(CancellationToken.None));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _memory.Dispose();
        _database.Dispose();
    }

    private const string Page = """
        query($w: DetainerFilterInput, $o: [DetainerSortInput!], $f: Int, $l: Int, $a: String, $b: String) {
          detainers(where: $w, order: $o, first: $f, last: $l, after: $a, before: $b) {
            totalCount syntheticExcluded pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
            nodes { id issuedOn issuedOnOrAfter outcome isSynthetic }
          }
        }
        """;

    private static readonly string?[] Orders =
    [
        null,
        """[{ "issuedOn": "DESC" }]""",
        """[{ "issuedOn": "ASC" }]""",
        """[{ "issuedOnOrAfter": "DESC" }]""",
        """[{ "outcomeRecordedOn": "ASC" }]""",
        """[{ "outcome": "DESC" }, { "issuedOn": "ASC" }]""",
        """[{ "detainerType": "ASC" }]""",
        """[{ "citizenship": "DESC" }]""",
        """[{ "week": { "start": "DESC" } }]""",
        """[{ "jurisdiction": { "name": "ASC" } }]""",
        """[{ "jurisdiction": { "state": "DESC" } }]""",
        """[{ "facility": { "city": "ASC" } }]""",
    ];

    private static readonly string?[] Filters =
    [
        null,
        """{ "outcome": { "neq": "DECLINED_BY_LEA" } }""",
        """{ "citizenship": { "in": ["Mexico", "Guatemala", null] } }""",
        """{ "issuedOn": { "gte": "2015-06-10" } }""",
    ];

    private static JsonElement? Json(string? text) => text is null ? null : JsonDocument.Parse(text).RootElement;

    [Fact]
    public async Task Published_only_pages_equal_the_database_s_in_every_order_forward_and_back()
    {
        var narrowed = 0;
        foreach (var order in Orders)
        {
            foreach (var filter in Filters)
            {
                string? after = null;
                string? secondEnd = null;
                for (var page = 0; page < 4; page++)
                {
                    var variables = new { w = Json(filter), o = Json(order), f = (int?)9, l = (int?)null, a = after, b = (string?)null };
                    var data = await SameAsync(variables);
                    narrowed += Narrowed(_memory) ? 1 : 0;
                    var info = data.GetProperty("detainers").GetProperty("pageInfo");
                    after = info.GetProperty("endCursor").GetString();
                    secondEnd = page == 1 ? after : secondEnd;
                    if (!info.GetProperty("hasNextPage").GetBoolean())
                    {
                        break;
                    }
                }
                if (secondEnd is not null)
                {
                    // Backward from the second page's end: the same rows, read in the reversed order.
                    await SameAsync(new { w = Json(filter), o = Json(order), f = (int?)null, l = (int?)7, a = (string?)null, b = secondEnd });
                    narrowed += Narrowed(_memory) ? 1 : 0;
                }
            }
        }
        // Most of these lists leave out far more synthetic rows than they show: most pages were narrowed.
        Assert.True(narrowed >= 100, $"only {narrowed} pages were narrowed");
    }

    /// <summary>The answers of both stores to one question, which must be the same; the memory store's.</summary>
    private async Task<JsonElement> SameAsync(object variables)
    {
        _memory.Sql.Clear();
        _database.Sql.Clear();
        var expected = await _database.DataAsync(Page, variables);
        var actual = await _memory.DataAsync(Page, variables);
        Assert.True(JsonSerializer.Serialize(expected) == JsonSerializer.Serialize(actual),
            $"{JsonSerializer.Serialize(variables)}\ndatabase: {expected}\nmemory:   {actual}");
        Assert.False(Narrowed(_database), "the store without the in-memory counts narrowed a read: " + string.Join("\n", _database.Sql.Commands));
        var nodes = actual.GetProperty("detainers").GetProperty("nodes");
        Assert.All(nodes.EnumerateArray(), n => Assert.False(n.GetProperty("isSynthetic").GetBoolean()));
        return actual;
    }

    /// <summary>
    /// Whether a page's read of the last request was narrowed to a run of ids (both ends of it, one after the other: a keyset
    /// bound on the id has one end and a strict comparison after it).
    /// </summary>
    private static bool Narrowed(TestApp app) => app.Sql.Commands.Any(c => PageRead(c) && Run().IsMatch(c));

    [GeneratedRegex("""
        "d"\."Id" >= @\w+ AND "d"\."Id" <= @\w+
        """)]
    private static partial Regex Run();

    private static bool PageRead(string command) => command.Contains("FROM \"Detainers\" AS \"d\"", StringComparison.Ordinal) && command.Contains("LIMIT @", StringComparison.Ordinal);

    [Fact]
    public async Task The_newest_published_page_reads_a_rowid_range_not_the_order_s_index()
    {
        const string newest = "{ detainers(first: 20, order: [{ issuedOn: DESC }]) { totalCount nodes { id issuedOn } } }";
        _memory.Sql.Clear();
        var actual = await _memory.DataAsync(newest);
        Assert.Equal(JsonSerializer.Serialize(await _database.DataAsync(newest)), JsonSerializer.Serialize(actual));
        Assert.Equal(120, actual.GetProperty("detainers").GetProperty("totalCount").GetInt32());
        var read = Assert.Single(_memory.Sql.Commands, PageRead);
        var plan = await _memory.WithDbAsync(db => QueryPlans.OfLoggedAsync(db, read, 1L));
        Assert.Contains(plan, step => step.Contains("INTEGER PRIMARY KEY (rowid>? AND rowid<?)", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.Contains("IX_Detainers_IssuedOn", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_list_with_synthetic_records_or_a_store_without_them_is_read_as_before()
    {
        const string list = "query($s: Boolean) { detainers(first: 20, order: [{ issuedOn: DESC }], includeSynthetic: $s) { totalCount nodes { id } } }";
        _memory.Sql.Clear();
        await _memory.DataAsync(list, new { s = true });
        Assert.False(Narrowed(_memory), "a list with synthetic records was narrowed");

        // A store of published records only (every real store): nothing is left out, and nothing is loaded for it.
        using var published = new TestApp(settings: ResidentStores.InMemory);
        await published.ImportAsync("published.csv", DetainerCountRollupTests.AsPublished(ResidentStores.Generated(300, 43, new DateOnly(2015, 6, 6))));
        Assert.NotNull(await published.Services.GetRequiredService<ResidentDetainerCounts>().LoadAsync(CancellationToken.None));
        published.Sql.Clear();
        Assert.Equal(300, (await published.DataAsync(list, new { s = false })).GetProperty("detainers").GetProperty("totalCount").GetInt32());
        Assert.False(Narrowed(published), "a list on a store without synthetic records was narrowed");
    }
}
