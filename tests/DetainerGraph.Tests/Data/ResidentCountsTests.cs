using System.Text.Json;
using DetainerGraph.Detainers;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DetainerGraph.Tests.Data;

/// <summary>
/// The finest count rollup held in memory (<see cref="ResidentDetainerCounts"/>) against the database: two stores with the
/// same data and the same random corrections, one answering from memory and one from SQL, must give byte-for-byte the same
/// answers (counts, groups in order, pages of groups, synthetic records left out) to random questions; the questions the
/// in-memory path accepts must not read the rollup from the database, those it refuses must, and a commit by anyone makes
/// the next answer the database's until the copy is loaded again.
/// </summary>
public sealed class ResidentCountsTests : IAsyncLifetime, IDisposable
{
    private readonly TestApp _memory = new(settings: ResidentStores.InMemory);
    private readonly TestApp _database = new();

    public async Task InitializeAsync()
    {
        await DetainerCountRollupTests.FillAsync(_memory);
        await DetainerCountRollupTests.FillAsync(_database);
        await LoadAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose()
    {
        _memory.Dispose();
        _database.Dispose();
    }

    private async Task LoadAsync() =>
        Assert.NotNull(await _memory.Services.GetRequiredService<ResidentDetainerCounts>().LoadAsync(CancellationToken.None));

    private const string Question = """
        query($w: DetainerFilterInput, $r: Boolean, $s: Boolean, $g: [DetainerStatsDimension!]!, $o: DetainerStatsOrder) {
          detainers(where: $w, includeRetracted: $r, includeSynthetic: $s, first: 2) { totalCount syntheticExcluded nodes { id } }
          detainerStats(where: $w, includeRetracted: $r, includeSynthetic: $s, groupBy: $g, order: $o) {
            keys { state jurisdiction { id } fieldOffice week { start } outcome detainerType sourceKind
                   issuedYear { label } issuedQuarter { label } issuedMonth { label } outcomeMonth { label } citizenship }
            outcomes { outcome count } syntheticExcluded count
          }
          detainerGroups(where: $w, includeRetracted: $r, includeSynthetic: $s, groupBy: $g, order: $o, first: 7) {
            totalCount syntheticExcluded pageInfo { hasNextPage } nodes { count keys { state citizenship week { start } outcome } }
          }
        }
        """;

    /// <summary>A condition the in-memory path refuses (the database answers): a text method, a NOT over an ordering of a missing-able value.</summary>
    private static object Refused(Random random) => random.Next(4) switch
    {
        0 => new { citizenship = new { containsIgnoreCase = "mex" } },
        1 => new { week = new { start = new { ngte = "2017-02-11" } } },
        2 => new { outcomeRecordedOn = new { nlt = "2017-02-01" } },
        _ => new { jurisdiction = new { name = new { startsWith = "A" } } },
    };

    /// <summary>Conditions the in-memory path runs beyond the rollup tests' own: negations of equality and of lists (with missing values), a navigation's enum and text, month bounds of the outcome date.</summary>
    private static object Accepted(Random random) => random.Next(8) switch
    {
        5 => new { citizenship = new { nin = new[] { "Mexico", "Honduras" } } },
        6 => new { jurisdiction = new { kind = new { nin = new[] { "COUNTY" } } } },
        7 => new { or = new object[] { new { citizenship = new { nin = new[] { "Poland", null } } }, new { jurisdiction = new { state = new { nin = new[] { "PA" } } } } } },
        0 => new { citizenship = new { neq = DetainerCountRollupTests.Citizenships[random.Next(DetainerCountRollupTests.Citizenships.Length)] } },
        1 => new { jurisdiction = new { kind = new { eq = "COUNTY" } } },
        2 => new { facility = new { state = new { @in = new[] { "PA", "TX", "CA" } } } },
        3 => new { outcomeRecordedOn = new { lt = "2017-03-01" } },
        _ => new { citizenship = new { @in = new[] { "Mexico", null } } },
    };

    [Fact]
    public async Task Answers_from_memory_equal_the_database_s_over_random_questions_corrections_and_retractions()
    {
        var random = new Random(20261203);
        var orders = new[] { "COUNT_DESC", "COUNT_ASC", "KEY_ASC", "KEY_DESC" };
        var fromMemory = 0;
        var refusedAsked = 0;
        var asked = new List<object>();
        async Task AssertSameAsync(object variables)
        {
            var expected = await _database.DataAsync(Question, variables);
            var actual = await _memory.DataAsync(Question, variables);
            Assert.True(JsonSerializer.Serialize(expected) == JsonSerializer.Serialize(actual),
                $"{JsonSerializer.Serialize(variables)}\ndatabase: {expected}\nmemory:   {actual}");
        }
        for (var round = 0; round < 3; round++)
        {
            if (round > 0)
            {
                // The same corrections on both stores: each draws from its own copy of the dice and the same rows.
                var seed = random.Next();
                await DetainerCountRollupTests.CorrectAtRandomAsync(_memory, new Random(seed), 30);
                await DetainerCountRollupTests.CorrectAtRandomAsync(_database, new Random(seed), 30);
                await LoadAsync();
                // The last round's questions again, on the new copy: what was summed on the old one (the counts each filter
                // keeps once summed) must not answer them.
                foreach (var again in asked)
                {
                    await AssertSameAsync(again);
                }
                asked.Clear();
            }
            var rows = await DetainerCountRollupTests.LoadRowsAsync(_database);
            Assert.Equal(rows, await DetainerCountRollupTests.LoadRowsAsync(_memory));
            for (var i = 0; i < 40; i++)
            {
                var (where, _, _) = DetainerCountRollupTests.RandomFilter(random, rows);
                var kind = random.Next(5);
                object filter = kind switch
                {
                    0 => new { and = new[] { where, Accepted(random) } },
                    1 => new { or = new[] { where, Refused(random) } },
                    // The count needs the database; the page may be known empty from the part the copy can run.
                    2 => new { and = new[] { where, Refused(random) } },
                    _ => where,
                };
                var groupBy = DetainerCountRollupTests.Dimensions.Where(_ => random.Next(4) == 0).ToArray();
                var variables = new
                {
                    w = filter,
                    r = random.Next(4) == 0,
                    s = random.Next(3) == 0,
                    g = groupBy,
                    o = orders[random.Next(orders.Length)],
                };
                _memory.Sql.Clear();
                _database.Sql.Clear();
                await AssertSameAsync(variables);
                if (i % 4 == 0)
                {
                    asked.Add(variables);
                }
                var databaseReadIt = ReadsAnyRollup(_database);
                var memoryReadIt = ReadsAnyRollup(_memory);
                if (kind == 2)
                {
                    refusedAsked++;
                }
                else if (kind == 1)
                {
                    // Refused: the database answered, from the same rollup as the other store's.
                    refusedAsked++;
                    Assert.Equal(databaseReadIt, memoryReadIt);
                }
                else
                {
                    // Accepted: no rollup from the database, the finest or a coarse one.
                    Assert.False(memoryReadIt, $"{JsonSerializer.Serialize(variables)} read a rollup from the database");
                    fromMemory += databaseReadIt ? 1 : 0;
                }
            }
        }
        // Every accepted question a rollup holds was answered from memory.
        Assert.True(fromMemory >= 70, $"only {fromMemory} answers came from memory");
        Assert.True(refusedAsked >= 15, $"only {refusedAsked} refused questions were asked");
    }

    private static bool ReadsFinestRollup(TestApp app) => app.Sql.Commands.Any(c => c.Contains("\"DetainerCounts\"", StringComparison.Ordinal));

    /// <summary>Whether a statement read any count rollup: the finest, the totals or a coarse one (<c>DetainerStateWeekCounts</c>...).</summary>
    private static bool ReadsAnyRollup(TestApp app) =>
        app.Sql.Commands.Any(c => System.Text.RegularExpressions.Regex.IsMatch(c, "\"Detainer[A-Za-z]*(Counts|Totals)\""));

    [Fact]
    public async Task A_commit_by_another_connection_is_counted_at_once_and_the_copy_is_loaded_again()
    {
        const string count = """{ detainers(where: { citizenship: { eq: "Mexico" }, jurisdiction: { fieldOffice: { neq: "nowhere" } } }, includeSynthetic: true) { totalCount } }""";
        _memory.Sql.Clear();
        var before = (await _memory.DataAsync(count)).GetProperty("detainers").GetProperty("totalCount").GetInt32();
        Assert.False(ReadsFinestRollup(_memory), "the first count was not answered from memory");
        var resident = _memory.Services.GetRequiredService<ResidentDetainerCounts>();
        var loaded = resident.Current();
        Assert.NotNull(loaded);

        // As another process would (an import command): a plain connection of its own, one commit.
        var path = Path.Combine(_memory.StorageDirectory, "detainers.db");
        await using (var other = new SqliteConnection($"Data Source={path}"))
        {
            await other.OpenAsync();
            await using var command = other.CreateCommand();
            command.CommandText = """
                UPDATE "Detainers" SET "Citizenship" = 'Mexico'
                WHERE "Id" IN (SELECT "Id" FROM "Detainers" WHERE "Citizenship" IS NOT 'Mexico' AND "JurisdictionId" IS NOT NULL AND NOT "Retracted" LIMIT 5)
                """;
            Assert.Equal(5, await command.ExecuteNonQueryAsync());
        }
        // The next answer already counts the five (from the database: the copy is older than the commit).
        _memory.Sql.Clear();
        var after = (await _memory.DataAsync(count)).GetProperty("detainers").GetProperty("totalCount").GetInt32();
        Assert.Equal(before + 5, after);
        Assert.True(ReadsFinestRollup(_memory), "a count after a commit was answered from a copy older than the commit");

        // Loaded again, the copy answers, with the five.
        var reloaded = await resident.LoadAsync(CancellationToken.None);
        Assert.NotNull(reloaded);
        Assert.NotEqual(loaded!.Version, reloaded!.Version);
        _memory.Sql.Clear();
        Assert.Equal(after, (await _memory.DataAsync(count)).GetProperty("detainers").GetProperty("totalCount").GetInt32());
        Assert.False(ReadsFinestRollup(_memory), "the count after the reload was not answered from memory");
    }

    [Theory]
    [InlineData("""{ "citizenship": { "nin": ["Mexico", "Honduras"] } }""")]
    [InlineData("""{ "citizenship": { "neq": "Mexico" } }""")]
    [InlineData("""{ "citizenship": { "in": ["Mexico", "Honduras"] } }""")]
    [InlineData("""{ "citizenship": { "nin": ["Mexico", null] } }""")]
    [InlineData("""{ "jurisdiction": { "kind": { "nin": ["COUNTY"] } } }""")]
    [InlineData("""{ "or": [{ "jurisdiction": { "state": { "nin": ["PA"] } } }, { "jurisdiction": null }] }""")]
    [InlineData("""{ "citizenship": { "nin": ["Mexico"] }, "jurisdiction": { "fieldOffice": { "nin": ["Philadelphia"] } } }""")]
    public async Task A_list_or_a_negation_counts_the_missing_values_as_the_database_does(string filter)
    {
        // Detainers without a citizenship and without a jurisdiction, the values these negations must count (the same on both stores).
        foreach (var app in new[] { _memory, _database })
        {
            await app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(
                "UPDATE \"Detainers\" SET \"Citizenship\" = NULL WHERE \"Id\" % 7 = 0; UPDATE \"Detainers\" SET \"JurisdictionId\" = NULL WHERE \"Id\" % 11 = 0"));
        }
        await LoadAsync();
        const string missing = "{ a: detainers(where: { citizenship: { eq: null } }, includeSynthetic: true) { totalCount } b: detainers(where: { jurisdiction: null }, includeSynthetic: true) { totalCount } }";
        var none = await _database.DataAsync(missing);
        Assert.True(none.GetProperty("a").GetProperty("totalCount").GetInt32() > 0 && none.GetProperty("b").GetProperty("totalCount").GetInt32() > 0);
        var variables = new { w = JsonDocument.Parse(filter).RootElement, g = new[] { "CITIZENSHIP", "JURISDICTION" } };
        const string question = """
            query($w: DetainerFilterInput, $g: [DetainerStatsDimension!]!) {
              detainers(where: $w, includeSynthetic: true) { totalCount }
              detainerStats(where: $w, groupBy: $g, includeSynthetic: true) { count keys { citizenship jurisdiction { id } } }
            }
            """;
        var expected = await _database.DataAsync(question, variables);
        _memory.Sql.Clear();
        var actual = await _memory.DataAsync(question, variables);
        Assert.Equal(JsonSerializer.Serialize(expected), JsonSerializer.Serialize(actual));
        Assert.False(ReadsFinestRollup(_memory), $"{filter} was not answered from memory");
    }

    private static bool ReadsDetainers(TestApp app) => app.Sql.Commands.Any(c => c.Contains("FROM \"Detainers\"", StringComparison.Ordinal));

    private const string Pages = """
        query($w: DetainerFilterInput, $s: Boolean) {
          detainers(where: $w, includeSynthetic: $s, first: 3, order: [{ issuedOn: DESC }]) { totalCount syntheticExcluded pageInfo { hasNextPage endCursor } nodes { id } }
          withoutCount: detainers(where: $w, includeSynthetic: $s, first: 3, order: [{ outcome: ASC }]) { nodes { id } }
        }
        """;

    [Theory]
    // Nothing has this citizenship: the whole filter runs in memory.
    [InlineData("""{ "citizenship": { "eq": "Atlantis" } }""", true)]
    // A day-level bound the copy cannot run, beside a condition it can that matches nothing.
    [InlineData("""{ "citizenship": { "eq": "Atlantis" }, "issuedOn": { "gte": "2017-02-15" } }""", true)]
    [InlineData("""{ "and": [{ "jurisdiction": { "state": { "eq": "ZZ" } } }, { "citizenship": { "containsIgnoreCase": "mex" } }] }""", true)]
    // Rows match, or may: they are read, and the pages are the database's.
    [InlineData("""{ "citizenship": { "eq": "Mexico" }, "issuedOn": { "gte": "2017-02-15" } }""", false)]
    [InlineData("""{ "or": [{ "citizenship": { "eq": "Atlantis" } }, { "issuedOn": { "gte": "2017-02-15" } }] }""", false)]
    [InlineData("""{ "citizenship": { "eq": "Atlantis" }, "issuedOn": { "ngte": "2017-02-15" } }""", true)]
    public async Task A_list_the_copy_knows_to_be_empty_reads_no_row(string filter, bool empty)
    {
        var variables = new { w = JsonDocument.Parse(filter).RootElement, s = true };
        var expected = await _database.DataAsync(Pages, variables);
        _memory.Sql.Clear();
        var actual = await _memory.DataAsync(Pages, variables);
        Assert.Equal(JsonSerializer.Serialize(expected), JsonSerializer.Serialize(actual));
        Assert.Equal(empty, actual.GetProperty("detainers").GetProperty("totalCount").GetInt32() == 0);
        Assert.Equal(empty, actual.GetProperty("withoutCount").GetProperty("nodes").GetArrayLength() == 0);
        Assert.Equal(!empty, ReadsDetainers(_memory));
    }

    [Fact]
    public async Task A_published_only_list_on_a_store_of_generated_records_reads_no_row()
    {
        // The benchmark's and the peer comparison's store: a generated file and nothing else, every record synthetic.
        using var app = new TestApp(settings: ResidentStores.InMemory);
        await app.ImportAsync("generated.csv", ResidentStores.Generated(500, 5, new DateOnly(2017, 1, 28)));
        Assert.NotNull(await app.Services.GetRequiredService<ResidentDetainerCounts>().LoadAsync(CancellationToken.None));
        app.Sql.Clear();
        var published = await app.DataAsync(Pages, new { w = new { outcome = new { neq = "DECLINED_BY_LEA" } }, s = false });
        Assert.False(ReadsDetainers(app), string.Join("\n", app.Sql.Commands));
        var list = published.GetProperty("detainers");
        Assert.Equal(0, list.GetProperty("totalCount").GetInt32());
        Assert.Equal(0, list.GetProperty("nodes").GetArrayLength());
        Assert.Equal(0, published.GetProperty("withoutCount").GetProperty("nodes").GetArrayLength());
        Assert.False(list.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());
        // What was left out is still counted, and the same list with them holds them.
        var all = await app.DataAsync(Pages, new { w = new { outcome = new { neq = "DECLINED_BY_LEA" } }, s = true });
        var included = all.GetProperty("detainers").GetProperty("totalCount").GetInt32();
        Assert.True(included > 0);
        Assert.Equal(included, list.GetProperty("syntheticExcluded").GetInt32());
        Assert.Equal(3, all.GetProperty("withoutCount").GetProperty("nodes").GetArrayLength());
    }

    [Theory]
    [InlineData("a", "b", -1)]
    [InlineData("b", "a", 1)]
    [InlineData("ab", "a", 1)]
    [InlineData("Z", "a", -1)]
    // U+FFFD against U+1F600 (a surrogate pair in UTF-16): UTF-16 ordinal puts the emoji first, code point order (SQLite, BIN2) last.
    [InlineData("\uFFFD", "\U0001F600", -1)]
    [InlineData("\uE000", "\U00010000", -1)]
    [InlineData("\uD7FF", "\uE000", -1)]
    public void Text_orders_by_code_point_as_the_stores_do(string a, string b, int sign)
    {
        Assert.Equal(sign, Math.Sign(GroupOrder.CodePointOrder(a, b)));
        Assert.Equal(sign, Math.Sign(GroupOrder.Compare(a, b)));
    }
}
