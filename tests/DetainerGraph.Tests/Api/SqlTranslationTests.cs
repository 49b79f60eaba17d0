using System.Globalization;
using DetainerGraph.Data;
using DetainerGraph.Import;
using DetainerGraph.Reference;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DetainerGraph.Tests.Api;

/// <summary>
/// Filtering, sorting and paging run in the database: over 20,000 detainers, a filtered, sorted page
/// reads one page of rows, and the SQL carries the WHERE, ORDER BY and LIMIT. The detainers are generated, so the query includes synthetic records.
/// </summary>
public sealed class SqlTranslationTests(SqlTranslationTests.LargeStore store) : IClassFixture<SqlTranslationTests.LargeStore>
{
    private static readonly string[] States = ["TX", "CA", "NY"];
    private readonly TestApp _app = store.App;

    /// <summary>The 20,000 generated detainers, imported once for the class (no test changes them).</summary>
    public sealed class LargeStore : IAsyncLifetime, IDisposable
    {
        public TestApp App { get; } = new();

        public async Task InitializeAsync()
        {
            using var writer = new StringWriter(CultureInfo.InvariantCulture);
            new DetainerGenerator(new ReferenceData(Path.Combine(AppContext.BaseDirectory, "data"))).Write(writer, 20_000, 11, new DateOnly(2017, 1, 28), 8);
            await App.ImportAsync("large.csv", writer.ToString());
        }

        public Task DisposeAsync() => Task.CompletedTask;

        public void Dispose() => App.Dispose();
    }

    [Fact]
    public async Task A_filtered_sorted_page_after_a_cursor_is_one_select_that_seeks_past_the_cursor_keys()
    {
        const string Query = """
            query($after: String) {
              detainers(first: 5, after: $after, includeSynthetic: true, where: {
                  jurisdiction: { state: { in: ["TX", "CA", "NY"] } },
                  charges: { some: { category: { eq: "Traffic Offense" }, status: { eq: CONVICTION } } },
                  issuedOn: { gte: "2016-06-01" } },
                order: [{ jurisdiction: { name: ASC } }, { issuedOn: DESC }]) {
                pageInfo { endCursor }
                nodes { issuedOn jurisdiction { name state } }
              }
            }
            """;
        var first = await _app.DataAsync(Query, new { after = (string?)null });
        var firstNames = first.GetProperty("detainers").GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("jurisdiction").GetProperty("name").GetString()).ToList();
        _app.Sql.Clear();

        var data = await _app.DataAsync(Query, new { after = first.GetProperty("detainers").GetProperty("pageInfo").GetProperty("endCursor").GetString() });

        var page = Assert.Single(_app.Sql.Commands, c => c.Contains("FROM \"Detainers\"", StringComparison.Ordinal));
        Assert.Contains("WHERE", page, StringComparison.Ordinal);
        Assert.Contains("EXISTS", page, StringComparison.Ordinal);
        Assert.Contains("ORDER BY \"j\".\"Name\", \"d\".\"IssuedOn\" DESC, \"d\".\"Id\"", page, StringComparison.Ordinal);
        Assert.Contains("LIMIT @", page, StringComparison.Ordinal);
        // The page seeks past the cursor's keys (first key bounded, so that an index can start there); no OFFSET.
        Assert.Contains("\"j\".\"Name\" >= @", page, StringComparison.Ordinal);
        Assert.Contains("\"d\".\"Id\" > @", page, StringComparison.Ordinal);
        Assert.DoesNotContain("OFFSET", page, StringComparison.Ordinal);
        // Filter and cursor values are parameters, never inlined into the SQL text.
        Assert.DoesNotContain("Traffic Offense", page, StringComparison.Ordinal);
        Assert.DoesNotContain(firstNames[^1]!, page, StringComparison.Ordinal);

        var nodes = data.GetProperty("detainers").GetProperty("nodes").EnumerateArray().ToList();
        Assert.Equal(5, nodes.Count);
        Assert.All(nodes, n => Assert.Contains(n.GetProperty("jurisdiction").GetProperty("state").GetString(), States));
        var names = nodes.Select(n => n.GetProperty("jurisdiction").GetProperty("name").GetString()).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
    }

    [Fact]
    public async Task After_an_import_the_planner_statistics_are_exact_and_the_Texas_page_reads_the_jurisdiction_index()
    {
        await _app.WithDbAsync(async db =>
        {
            Assert.False(await PlannerStatistics.IsStaleAsync(db));
            // Rows per outcome as SQLite computes them from every entry: (rows + distinct - 1) / distinct.
            var rows = await db.Detainers.CountAsync();
            var outcomes = await db.Detainers.Select(d => d.Outcome).Distinct().CountAsync();
            Assert.Equal($"{rows} {(rows + outcomes - 1) / outcomes}", string.Join(' ', (await StatAsync(db, "IX_Detainers_Outcome_IssuedOn_Id_Retracted_JurisdictionId")).Split(' ').Take(2)));

            var plan = await QueryPlans.OfAsync(db, Page(new()
            {
                ["jurisdiction"] = new Dictionary<string, object?> { ["state"] = new Dictionary<string, object?> { ["eq"] = "TX" } },
                ["outcome"] = new Dictionary<string, object?> { ["in"] = new List<object?> { DetainerOutcome.BookedIntoDetention, DetainerOutcome.Open } },
            }, db));
            Assert.Contains(plan, step => step.Contains("IX_Detainers_JurisdictionId_IssuedOn_Id_Retracted_Outcome", StringComparison.Ordinal));
            Assert.DoesNotContain(plan, step => step.Contains("IX_Detainers_Outcome_IssuedOn_Id_Retracted_JurisdictionId", StringComparison.Ordinal));
            return 0;
        });
    }

    [Fact]
    public async Task Statistics_recomputed_on_one_connection_reach_every_connection_the_server_reuses()
    {
        var texas = new Dictionary<string, object?>
        {
            ["jurisdiction"] = new Dictionary<string, object?> { ["state"] = new Dictionary<string, object?> { ["eq"] = "TX" } },
            ["outcome"] = new Dictionary<string, object?> { ["in"] = new List<object?> { DetainerOutcome.BookedIntoDetention, DetainerOutcome.Open } },
        };
        const string OutcomeIndex = "IX_Detainers_Outcome_IssuedOn_Id_Retracted_JurisdictionId";
        const string JurisdictionIndex = "IX_Detainers_JurisdictionId_IssuedOn_Id_Retracted_Outcome";
        await using var staleScope = _app.Started().CreateAsyncScope();
        var stale = staleScope.ServiceProvider.GetRequiredService<DetainerDbContext>();
        try
        {
            // One connection holds the wrong figures that once sent the Texas page down the outcome index (each outcome
            // as rare as a jurisdiction), loaded into its memory, and is still open when the statistics are recomputed.
            await stale.Database.OpenConnectionAsync();
            var outcome = await StatAsync(stale, OutcomeIndex);
            await stale.Database.ExecuteSqlRawAsync(
                "UPDATE sqlite_stat1 SET stat = {0} WHERE idx = {1}; ANALYZE sqlite_schema; PRAGMA user_version = 0;",
                string.Join(' ', outcome.Split(' ').Select((figure, i) => i == 0 ? figure : "1")), OutcomeIndex);
            Assert.Contains(await QueryPlans.OfAsync(stale, Page(texas, stale)), step => step.Contains(OutcomeIndex, StringComparison.Ordinal));

            Assert.True(await _app.WithDbAsync(db => PlannerStatistics.RefreshIfStaleAsync(db)));
        }
        finally
        {
            await stale.Database.CloseConnectionAsync();
        }

        // The connection that held the old figures, asked for again (the pool hands it back first), and more beside it:
        // each plans with the recomputed figures, the stale one because it was not kept.
        var scopes = Enumerable.Range(0, 8).Select(_ => _app.Started().CreateAsyncScope()).ToList();
        try
        {
            foreach (var db in scopes.Select(s => s.ServiceProvider.GetRequiredService<DetainerDbContext>()).Prepend(stale))
            {
                var plan = await QueryPlans.OfAsync(db, Page(texas, db));
                Assert.Contains(plan, step => step.Contains(JurisdictionIndex, StringComparison.Ordinal));
                Assert.DoesNotContain(plan, step => step.Contains(OutcomeIndex, StringComparison.Ordinal));
            }
        }
        finally
        {
            foreach (var scope in scopes)
            {
                await scope.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_page_of_one_outcome_or_one_jurisdiction_is_read_in_its_order_from_the_index_without_a_sort()
    {
        await _app.WithDbAsync(async db =>
        {
            // The page's order is issuedOn DESC then id, the indexes' key order: before the id was in the key (after the
            // date), SQLite sorted each run of equal dates by id ("USE TEMP B-TREE FOR RIGHT PART OF ORDER BY").
            var jurisdiction = await db.Detainers.Where(d => d.JurisdictionId != null).GroupBy(d => d.JurisdictionId)
                .OrderByDescending(g => g.Count()).Select(g => g.Key).FirstAsync();
            var declined = await QueryPlans.OfAsync(db, Page(new() { ["outcome"] = new Dictionary<string, object?> { ["eq"] = DetainerOutcome.DeclinedByLea } }, db));
            var ofJurisdiction = await QueryPlans.OfAsync(db, db.Detainers.Where(d => !d.Retracted && d.JurisdictionId == jurisdiction)
                .OrderByDescending(d => d.IssuedOn).ThenBy(d => d.Id).Take(51));

            Assert.Contains(declined, step => step.Contains("IX_Detainers_Outcome_IssuedOn_Id_Retracted_JurisdictionId", StringComparison.Ordinal));
            Assert.Contains(ofJurisdiction, step => step.Contains("IX_Detainers_JurisdictionId_IssuedOn_Id_Retracted_Outcome", StringComparison.Ordinal));
            Assert.DoesNotContain(declined, step => step.Contains("TEMP B-TREE", StringComparison.Ordinal));
            Assert.DoesNotContain(ofJurisdiction, step => step.Contains("TEMP B-TREE", StringComparison.Ordinal));
            return 0;
        });
    }

    [Fact]
    public async Task A_page_after_a_cursor_in_jurisdiction_name_order_reads_the_jurisdictions_from_that_name_on()
    {
        await _app.WithDbAsync(async db =>
        {
            // The page after a cursor deep in `order: [{ jurisdiction: { name: ASC } }]`: without an index on the
            // name, SQLite walks every jurisdiction's detainers (seconds at a million rows) to find the few after it.
            var names = await db.Jurisdictions.OrderBy(j => j.Name).Select(j => j.Name).ToListAsync();
            var cursor = await db.Detainers.Where(d => d.Jurisdiction!.Name == names[names.Count / 2])
                .OrderByDescending(d => d.IssuedOn).ThenBy(d => d.Id)
                .Select(d => new object?[] { d.Jurisdiction!.Name, (DateOnly?)d.IssuedOn, (long?)d.Id }).FirstAsync();
            var order = DetainerGraph.Api.KeysetOrder<Detainer>.Of(db.Detainers.OrderBy(d => d.Jurisdiction!.Name).ThenByDescending(d => d.IssuedOn).ThenBy(d => d.Id));
            var (after, _) = order.After(cursor, reversed: false, splitMissing: true);

            var plan = await QueryPlans.OfAsync(db, order.Order(order.Source.Where(after), reversed: false).Take(51));

            Assert.Contains(plan, step => step.Contains("IX_Jurisdictions_Name", StringComparison.Ordinal));
            return 0;
        });
    }

    [Fact]
    public async Task Sampled_statistics_from_an_earlier_version_are_stale_and_replaced_by_exact_ones()
    {
        await _app.WithDbAsync(async db =>
        {
            // What earlier versions left: the first 100 entries of each index, and no marker (replaced by exact ones below,
            // so the class's other tests see the statistics an import leaves).
            await db.Database.ExecuteSqlRawAsync("PRAGMA analysis_limit=100; ANALYZE; PRAGMA user_version=0; PRAGMA analysis_limit=0;");
            var sampled = await StatAsync(db, "IX_Detainers_Outcome_IssuedOn_Id_Retracted_JurisdictionId");
            Assert.True(await PlannerStatistics.IsStaleAsync(db));

            Assert.True(await PlannerStatistics.RefreshIfStaleAsync(db));

            Assert.False(await PlannerStatistics.IsStaleAsync(db));
            Assert.False(await PlannerStatistics.RefreshIfStaleAsync(db));
            var outcomes = await db.Detainers.Select(d => d.Outcome).Distinct().CountAsync();
            var exact = await StatAsync(db, "IX_Detainers_Outcome_IssuedOn_Id_Retracted_JurisdictionId");
            Assert.NotEqual(sampled, exact);
            Assert.Equal((20_000 + outcomes - 1) / outcomes, int.Parse(exact.Split(' ')[1], CultureInfo.InvariantCulture));
            return 0;
        });
    }

    [Fact]
    public async Task A_week_start_condition_compares_the_detainers_own_week_column_and_answers_as_the_join_did()
    {
        var from = new DateOnly(2016, 6, 4);
        var expected = await _app.WithDbAsync(async db => new
        {
            After = await db.Detainers.Where(d => !d.Retracted && d.Week != null && d.Week.Start >= from).OrderBy(d => d.Id).Select(d => d.Id).ToListAsync(),
            NotIn = await db.Detainers.Where(d => !d.Retracted && d.Week != null && d.Week.Start != from).CountAsync(),
            Ranged = await db.Detainers.Where(d => !d.Retracted && d.Week != null && d.Week.Start >= from && d.Week.End <= from.AddDays(27)).CountAsync(),
            NoWeek = await db.Detainers.Where(d => !d.Retracted && d.Week == null).CountAsync(),
        });
        // The data has detainers in no week (open ones), so that `week: null` and the null guard are put to the test.
        Assert.True(expected.NoWeek > 0);
        Assert.True(expected.After.Count > 100);

        _app.Sql.Clear();
        var data = await _app.DataAsync("""
            query($from: Date!, $to: Date!) {
              after: detainers(first: 100, includeSynthetic: true, where: { week: { start: { gte: $from } } }) { totalCount nodes { id } }
              notIn: detainers(first: 0, includeSynthetic: true, where: { week: { start: { nin: [$from] } } }) { totalCount }
              ranged: detainers(first: 0, includeSynthetic: true, where: { week: { start: { gte: $from }, end: { lte: $to } } }) { totalCount }
              noWeek: detainers(first: 0, includeSynthetic: true, where: { week: null }) { totalCount }
            }
            """, new { from = "2016-06-04", to = from.AddDays(27).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) });

        Assert.Equal(expected.After.Count, data.GetProperty("after").GetProperty("totalCount").GetInt32());
        Assert.Equal(expected.After.Take(100).Select(id => GlobalIdOf(id)),
            data.GetProperty("after").GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("id").GetString()));
        Assert.Equal(expected.NotIn, data.GetProperty("notIn").GetProperty("totalCount").GetInt32());
        Assert.Equal(expected.Ranged, data.GetProperty("ranged").GetProperty("totalCount").GetInt32());
        Assert.Equal(expected.NoWeek, data.GetProperty("noWeek").GetProperty("totalCount").GetInt32());
        // The page of `after` reads the detainers alone: no join to Weeks for a condition on the week's start.
        var page = Assert.Single(_app.Sql.Commands, c => c.Contains("FROM \"Detainers\"", StringComparison.Ordinal) && c.Contains("LIMIT", StringComparison.Ordinal));
        Assert.DoesNotContain("\"Weeks\"", page, StringComparison.Ordinal);
        Assert.Contains("\"d\".\"WeekStart\" >= @", page, StringComparison.Ordinal);
    }

    private static string GlobalIdOf(long id) => DetainerGraph.Api.GlobalId.Encode("Detainer", id);

    private static IQueryable<Detainer> Page(Dictionary<string, object?> where, DetainerDbContext db) =>
        db.Detainers.Where(d => !d.Retracted).Where(DetainerGraph.Detainers.DetainerFilterInputGraphType.ToPredicate(where))
            .OrderByDescending(d => d.IssuedOn).ThenBy(d => d.Id).Skip(0).Take(51);

    private static async Task<string> StatAsync(DetainerDbContext db, string index) =>
        await db.Database.SqlQueryRaw<string>("SELECT stat AS \"Value\" FROM sqlite_stat1 WHERE idx = {0}", index).SingleAsync();
}

/// <summary>
/// The execution timeout stops SQL that is already running. The statement is held by the test (not by being slow), and
/// the budget runs out when the test advances the server's timers: the outcome does not depend on the machine's speed.
/// </summary>
public sealed class TimeoutTests
{
    private const string Marker = "timeout-marker";

    [Fact]
    public async Task Work_past_the_execution_timeout_is_cancelled_with_a_code()
    {
        var held = new HeldStatement
        {
            Matches = command => command.CommandText.Contains(Marker, StringComparison.Ordinal)
                || command.Parameters.Cast<System.Data.Common.DbParameter>().Any(p => Equals(p.Value, Marker)),
        };
        var timers = new ManualTimers();
        using var app = new TestApp(settings: new Dictionary<string, string?> { ["GraphQL:ExecutionTimeout"] = "00:00:10" }, services: services =>
        {
            services.AddSingleton<TimeProvider>(timers);
            services.ConfigureDbContext<SqliteDetainerDbContext>(o => o.AddInterceptors(held));
        });
        await app.ImportAsync("detainers.csv", SampleRows.Detainers);
        held.Arm();
        try
        {
            var sent = app.QueryAsync("{ detainers(first: 5, where: { citizenship: { neq: \"" + Marker + "\" } }) { nodes { id } } }");
            await held.Entered.WithinAsync("the query to reach its SQL statement");
            timers.Advance(TimeSpan.FromSeconds(11));

            // The running statement's token is cancelled (SQLite is interrupted), and the client gets a code.
            Assert.True(await held.Ended.WithinAsync("the held statement to see the timeout"), "the statement's token was not cancelled by the timeout");
            var result = await sent.WithinAsync("the answer");
            Assert.True(result.TryGetProperty("errors", out var errors), result.ToString());
            Assert.Equal("TIMEOUT", errors[0].GetProperty("extensions").GetProperty("code").GetString());
        }
        finally
        {
            held.Release();
        }
    }
}
