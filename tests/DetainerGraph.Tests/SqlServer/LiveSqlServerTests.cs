using System.Globalization;
using System.Text.Json;
using DetainerGraph.Api.Filtering;
using DetainerGraph.Corrections;
using DetainerGraph.Data;
using DetainerGraph.Import;
using DetainerGraph.Reference;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.Data.SqlClient;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DetainerGraph.Tests.SqlServer;

/// <summary>
/// A fresh database on a real SQL Server (named by <c>DETAINERGRAPH_SQLSERVER</c>), migrated, loaded with the
/// same files as an embedded SQLite app beside it, and dropped at the end. Without the variable it does nothing
/// and the tests report themselves skipped.
/// </summary>
public sealed class LiveSqlServer : IAsyncLifetime
{
    public const string Variable = "DETAINERGRAPH_SQLSERVER";
    public const string SkipReason = $"{Variable} is not set: no SQL Server to test against. Set it to a connection string " +
        "(e.g. Server=localhost,1433;User Id=sa;Password=...;TrustServerCertificate=True) whose login may create databases, or to \"rehearsal\" to run the suite on two SQLite stores.";

    public static string? ServerConnectionString { get; } = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } s ? s : null;

    /// <summary>The variable's value for a rehearsal: see <see cref="IsRehearsal"/>.</summary>
    public const string RehearsalValue = "rehearsal";

    /// <summary>
    /// With <c>DETAINERGRAPH_SQLSERVER=rehearsal</c> the "SQL Server" app is a second embedded SQLite store loaded the
    /// same way: every test runs its own queries and checks on the fixture's data without a server (those whose subject
    /// is SQL Server itself skip). A test that asks for data the fixture lacks then fails here, not first on a real server.
    /// </summary>
    public static bool IsRehearsal => ServerConnectionString == RehearsalValue;

    public string ConnectionString { get; private set; } = "";
    public TestApp SqlServer { get; private set; } = null!;
    public TestApp Sqlite { get; private set; } = null!;

    public static SqlServerDetainerDbContext Context(string connectionString) =>
        new(new DbContextOptionsBuilder<SqlServerDetainerDbContext>().UseSqlServer(connectionString).Options);

    public async Task InitializeAsync()
    {
        if (ServerConnectionString is null)
        {
            return;
        }
        if (IsRehearsal)
        {
            SqlServer = new TestApp();
        }
        else
        {
            ConnectionString = new SqlConnectionStringBuilder(ServerConnectionString)
            {
                InitialCatalog = "DetainerGraphTest_" + Guid.NewGuid().ToString("N")[..12],
            }.ConnectionString;
            // What the migrate command does: SQL Server is never migrated by the server itself.
            await using (var db = Context(ConnectionString))
            {
                await db.Database.MigrateAsync();
            }
            SqlServer = new TestApp(settings: new Dictionary<string, string?>
            {
                ["Database:Provider"] = "SqlServer",
                ["ConnectionStrings:Detainers"] = ConnectionString,
            });
        }
        Sqlite = new TestApp();
        // The published files (the PA file's 32,757 detainers give the lists and counts real text and missing values),
        // then small files of each other format and a generated one (synthetic: read with includeSynthetic).
        foreach (var app in (TestApp[])[SqlServer, Sqlite])
        {
            foreach (var file in (string[])["ddor_reports.csv", "ddor_2017w05_section1_top10.csv", "ddor_2017_corrections.csv", "ddor_2017w05_section3_policies.csv", "pa_detainers_2007_2015.csv"])
            {
                await app.ImportSampleFileAsync(file);
            }
            await app.ImportAsync("foia.csv", SampleRows.Foia);
            await app.ImportAsync("section2.csv", SampleRows.SectionTwo);
            await app.ImportAsync("generated.csv", Generated.Value);
        }
    }

    private static readonly Lazy<string> Generated = new(() =>
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        new DetainerGenerator(new ReferenceData(Path.Combine(AppContext.BaseDirectory, "data"))).Write(writer, 1_500, 29, new DateOnly(2017, 1, 28), 3);
        return writer.ToString();
    });

    public async Task DisposeAsync()
    {
        if (ServerConnectionString is null)
        {
            return;
        }
        SqlServer.Dispose();
        Sqlite.Dispose();
        if (IsRehearsal)
        {
            return;
        }
        SqlConnection.ClearAllPools();
        await using var db = Context(ConnectionString);
        await db.Database.EnsureDeletedAsync();
    }
}

/// <summary>
/// The API's behaviours on a live SQL Server, checked against the embedded SQLite store holding the same data:
/// both must answer the same. Skipped, with the reason, when <c>DETAINERGRAPH_SQLSERVER</c> is not set.
/// Identity values may be assigned in another order on SQL Server, so IDs are not compared, and where a sort
/// leaves ties, the sort keys are compared rather than the rows.
/// </summary>
public sealed class LiveSqlServerTests(LiveSqlServer live) : IClassFixture<LiveSqlServer>
{
    private static void SkipWithoutServer() => Skip.If(LiveSqlServer.ServerConnectionString is null, LiveSqlServer.SkipReason);

    /// <summary>For a test whose subject is SQL Server itself (its migrations, its database options): skipped in a rehearsal too.</summary>
    private static void SkipWithoutRealServer()
    {
        SkipWithoutServer();
        Skip.If(LiveSqlServer.IsRehearsal, "A rehearsal has no SQL Server: this test checks the server itself.");
    }

    private async Task<(JsonElement SqlServer, JsonElement Sqlite)> BothAsync(string query)
    {
        var sqlServer = await live.SqlServer.DataAsync(query);
        var sqlite = await live.Sqlite.DataAsync(query);
        return (sqlServer, sqlite);
    }

    /// <summary>Arrays whose order does not matter, compared sorted by their JSON text.</summary>
    private static List<string> AsSet(JsonElement array) =>
        [.. array.EnumerateArray().Select(e => e.GetRawText()).Order(StringComparer.Ordinal)];

    [SkippableFact]
    public async Task The_migrated_database_has_nothing_pending_and_the_server_starts_on_it()
    {
        SkipWithoutRealServer();
        await using var db = LiveSqlServer.Context(live.ConnectionString);

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        using var client = live.SqlServer.CreateClient();
        using var ready = await client.GetAsync("/health/ready");
        var body = await ready.Content.ReadAsStringAsync();
        Assert.True(ready.IsSuccessStatusCode, body);
        Assert.Contains("\"provider\":\"SqlServer\"", body, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Importing_the_same_file_again_changes_nothing()
    {
        SkipWithoutServer();
        var before = await live.SqlServer.CountsAsync();

        var again = await live.SqlServer.ImportAsync("renamed.csv", SampleRows.SectionTwo);

        Assert.Equal(ImportOutcome.AlreadyImported, again.Outcome);
        Assert.Equal(before, await live.SqlServer.CountsAsync());
        Assert.Equal(await live.Sqlite.CountsAsync(), before);
    }

    [SkippableFact]
    public async Task A_filtered_sorted_page_matches_sqlite()
    {
        SkipWithoutServer();
        var (sqlServer, sqlite) = await BothAsync("""
            {
              detainers(first: 40, after: "b2Zmc2V0OjQ", includeSynthetic: true,
                where: { outcome: { in: [DECLINED_BY_LEA, LIFTED, BOOKED_INTO_DETENTION] }, issuedOn: { gte: "2016-01-01" } },
                order: [{ issuedOn: DESC }]) {
                totalCount
                pageInfo { hasNextPage hasPreviousPage }
                nodes { issuedOn }
              }
            }
            """);

        Assert.True(sqlite.GetProperty("detainers").GetProperty("totalCount").GetInt32() > 40);
        Assert.Equal(sqlite.GetRawText(), sqlServer.GetRawText());
    }

    [SkippableFact]
    public async Task The_nested_jurisdiction_and_charge_filters_match_sqlite()
    {
        SkipWithoutServer();
        var (sqlServer, sqlite) = await BothAsync("""
            {
              detainers(first: 100, includeSynthetic: true, where: {
                  jurisdiction: { state: { in: ["TX", "PA", "CA"] } },
                  charges: { some: { status: { eq: CONVICTION } } } }) {
                totalCount
                nodes { issuedOn outcome citizenship jurisdiction { name state } charges { description status } }
              }
            }
            """);

        var expected = sqlite.GetProperty("detainers");
        var actual = sqlServer.GetProperty("detainers");
        Assert.True(expected.GetProperty("totalCount").GetInt32() > 0);
        Assert.Equal(expected.GetProperty("totalCount").GetInt32(), actual.GetProperty("totalCount").GetInt32());
        if (expected.GetProperty("totalCount").GetInt32() <= 100)
        {
            Assert.Equal(AsSet(expected.GetProperty("nodes")), AsSet(actual.GetProperty("nodes")));
        }
    }

    [SkippableFact]
    public async Task Detainer_stats_match_sqlite()
    {
        SkipWithoutServer();
        var (sqlServer, sqlite) = await BothAsync("""
            {
              byStateAndOutcome: detainerStats(groupBy: [STATE, OUTCOME]) { keys { state outcome } count }
              byCategory: detainerStats(groupBy: [CHARGE_CATEGORY, WEEK], where: { issuedOn: { gte: "2016-06-01" } }) { keys { chargeCategory week { start } } count }
              all: detainerStats(groupBy: []) { count }
            }
            """);

        foreach (var name in (string[])["byStateAndOutcome", "byCategory", "all"])
        {
            Assert.NotEmpty(AsSet(sqlite.GetProperty(name)));
            Assert.Equal(AsSet(sqlite.GetProperty(name)), AsSet(sqlServer.GetProperty(name)));
        }
    }

    [SkippableFact]
    public async Task The_weekly_report_matches_sqlite()
    {
        SkipWithoutServer();
        var (sqlServer, sqlite) = await BothAsync("""
            {
              weeklyReport(start: "2017-01-28") {
                week { start end }
                report { number publishedOn detainersIssuedNationwide }
                sectionOne { rank detainersIssued jurisdiction { name state } isCorrected corrections { field oldValue newValue } }
                sectionTwo(first: 100) { totalCount nodes { issuedOn jurisdiction { state name } } }
                sectionThree { name dateEnacted }
                totals { detainersRecorded declined decliningJurisdictions detainersIssuedNationwide }
              }
            }
            """);

        var expected = sqlite.GetProperty("weeklyReport");
        var actual = sqlServer.GetProperty("weeklyReport");
        foreach (var part in (string[])["week", "report", "sectionOne", "sectionThree", "totals"])
        {
            Assert.Equal(expected.GetProperty(part).GetRawText(), actual.GetProperty(part).GetRawText());
        }
        Assert.Equal(expected.GetProperty("sectionTwo").GetProperty("totalCount").GetInt32(), actual.GetProperty("sectionTwo").GetProperty("totalCount").GetInt32());
        Assert.Equal(AsSet(expected.GetProperty("sectionTwo").GetProperty("nodes")), AsSet(actual.GetProperty("sectionTwo").GetProperty("nodes")));
    }

    [SkippableFact]
    public async Task Charge_search_indexes_the_sql_server_data_like_the_sqlite_data()
    {
        SkipWithoutServer();
        var (sqlServer, sqlite) = await BothAsync("""
            { searchCharges(query: "assault", first: 5, includeSynthetic: true) { totalCount facets(fields: [OUTCOME]) { field buckets { value count } } } }
            """);

        Assert.True(sqlite.GetProperty("searchCharges").GetProperty("totalCount").GetInt32() > 0);
        Assert.Equal(sqlite.GetRawText(), sqlServer.GetRawText());
    }

    [SkippableFact]
    public async Task Every_catalogued_operation_runs_on_the_server_without_errors()
    {
        SkipWithoutServer();

        foreach (var (name, query) in SqlServerStatementTests.Operations)
        {
            var result = await live.SqlServer.QueryAsync(query);
            Assert.False(result.TryGetProperty("errors", out var errors), $"{name}: {errors}");
        }
    }

    /// <summary>
    /// The migrations allow snapshot isolation, and every catalogued export streams from SQL Server, in its SNAPSHOT
    /// transaction on a MARS connection, the same file as from SQLite.
    /// </summary>
    [SkippableFact]
    public async Task Every_catalogued_export_runs_on_the_server_and_gives_the_sqlite_file()
    {
        SkipWithoutServer();
        if (!LiveSqlServer.IsRehearsal)
        {
            await using var db = LiveSqlServer.Context(live.ConnectionString);
            var state = await db.Database.SqlQueryRaw<string>("SELECT snapshot_isolation_state_desc AS [Value] FROM sys.databases WHERE database_id = DB_ID()").SingleAsync();
            Assert.Equal("ON", state);
        }
        using var sqlServer = live.SqlServer.CreateClient();
        using var sqlite = live.Sqlite.CreateClient();

        foreach (var (name, export, format, query) in SqlServerStatementTests.Exports)
        {
            var url = new Uri($"/export/{export}.{format}{(query.Length > 0 ? "?" + query : "")}", UriKind.Relative);
            using var fromSqlServer = await sqlServer.GetAsync(url);
            using var fromSqlite = await sqlite.GetAsync(url);
            var body = await fromSqlServer.Content.ReadAsStringAsync();
            Assert.True(fromSqlServer.IsSuccessStatusCode, $"{name}: {(int)fromSqlServer.StatusCode} {body}");
            Assert.Equal(await fromSqlite.Content.ReadAsStringAsync(), body);
        }
    }

    [SkippableFact]
    public async Task Text_comparisons_and_sorting_are_case_sensitive_as_on_sqlite()
    {
        SkipWithoutServer();
        var (sqlServer, sqlite) = await BothAsync("""
            {
              exact: detainers(where: { citizenship: { eq: "mexico" } }) { totalCount }
              ignoringCase: detainers(where: { citizenship: { eqIgnoreCase: "mexico" } }) { totalCount }
              contains: detainers(where: { citizenship: { contains: "EXICO" } }) { totalCount }
              sorted: detainers(first: 100, order: [{ citizenship: DESC }]) { nodes { citizenship } }
              padded: detainers(includeSynthetic: true, where: { citizenship: { in: ["Mexico ", "Honduras"] } }) { totalCount }
              paddedName: jurisdictions(where: { name: { eq: "Travis County " } }) { totalCount }
            }
            """);

        Assert.Equal(0, sqlite.GetProperty("exact").GetProperty("totalCount").GetInt32());
        Assert.True(sqlite.GetProperty("ignoringCase").GetProperty("totalCount").GetInt32() > 0);
        Assert.Equal(sqlite.GetRawText(), sqlServer.GetRawText());
    }

    /// <summary>
    /// The longest list the limits accept (<see cref="FilterLimits.MaxListValues"/>, each value a parameter), counted from
    /// a rollup and read as a page, then the same list in each of two conditions (the filter's parameters twice over).
    /// </summary>
    [SkippableFact]
    public async Task The_longest_list_the_limits_accept_runs_on_the_server()
    {
        SkipWithoutServer();
        var list = string.Join(",", Enumerable.Range(0, FilterLimits.MaxListValues - 1).Select(i => $"\"c{i}\"").Append("\"Mexico\""));
        var half = string.Join(",", Enumerable.Range(0, (FilterLimits.MaxTotalListValues / 2) - 1).Select(i => $"\"c{i}\"").Append("\"Mexico\""));

        var (sqlServer, sqlite) = await BothAsync($$"""
            {
              one: detainers(first: 5, where: { citizenship: { in: [{{list}}] } }) { totalCount nodes { citizenship } }
              two: detainers(first: 5, where: { citizenship: { in: [{{half}}] }, or: [{ citizenship: { nin: [{{half}}] } }, { outcome: { eq: LIFTED } }] }) { totalCount nodes { citizenship } }
            }
            """);

        Assert.True(sqlite.GetProperty("one").GetProperty("totalCount").GetInt32() > 0);
        Assert.Equal(sqlite.GetRawText(), sqlServer.GetRawText());
    }

    /// <summary>
    /// Every list's keyset pages in every order (<see cref="KeysetPageOperations"/>, with cursors the server itself
    /// made) run on it; the statement tests check their text, this that SQL Server takes them.
    /// </summary>
    [SkippableFact]
    public async Task Every_keyset_page_runs_on_the_server_without_errors()
    {
        SkipWithoutServer();

        var operations = await KeysetPageOperations.BuildAsync(live.SqlServer);

        Assert.NotEmpty(operations);
        foreach (var (name, query) in operations)
        {
            var result = await live.SqlServer.QueryAsync(query);
            Assert.False(result.TryGetProperty("errors", out var errors), $"{name}: {errors}");
        }
    }

    /// <summary>
    /// Walking a list page by page after each page's end cursor gives, on SQL Server, the sort keys in SQLite's order:
    /// text by code point, missing values first ascending and last descending (the rows missing a descending first key
    /// are read by a second statement), and no row twice. IDs differ between the stores, so only the keys are compared.
    /// </summary>
    [SkippableTheory]
    [InlineData("detainers", "order: [{ citizenship: DESC }]", "citizenship")]
    [InlineData("detainers", "order: [{ outcomeRecordedOn: DESC }, { jurisdiction: { name: ASC } }]", "outcomeRecordedOn")]
    [InlineData("jurisdictions", "order: [{ name: DESC }]", "name")]
    [InlineData("facilities", "order: [{ city: ASC }]", "city")]
    public async Task Walking_a_list_by_its_cursors_gives_the_sqlite_order(string list, string order, string key)
    {
        SkipWithoutServer();

        async Task<List<string>> WalkAsync(TestApp app)
        {
            var keys = new List<string>();
            var ids = new HashSet<string>();
            string? after = null;
            for (var page = 0; page < 40; page++)
            {
                var data = (await app.DataAsync($$"""{ {{list}}(first: 25, {{order}}{{(after is null ? "" : $", after: \"{after}\"")}}) { pageInfo { hasNextPage endCursor } nodes { id {{key}} } } }""")).GetProperty(list);
                foreach (var node in data.GetProperty("nodes").EnumerateArray())
                {
                    Assert.True(ids.Add(node.GetProperty("id").GetString()!), $"{list} {order}: a row came twice");
                    keys.Add(node.GetProperty(key).GetRawText());
                }
                if (!data.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean())
                {
                    break;
                }
                after = data.GetProperty("pageInfo").GetProperty("endCursor").GetString();
            }
            return keys;
        }

        var expected = await WalkAsync(live.Sqlite);

        Assert.True(expected.Count > 25, $"{list}: {expected.Count} rows, one page");
        Assert.Equal(expected, await WalkAsync(live.SqlServer));
    }

    /// <summary>
    /// Corrections, a retraction, its undoing and a replayed request, made alike on both stores, leave every count the
    /// same on both: on SQL Server the rollups are indexed views the database maintains in the write's transaction, on
    /// SQLite tables its triggers maintain, and totalCount and detainerStats read them.
    /// </summary>
    [SkippableFact]
    public async Task Corrections_retractions_and_restores_keep_the_counts_as_on_sqlite()
    {
        SkipWithoutServer();
        const string Counts = """
            {
              total: detainers { totalCount }
              withRetracted: detainers(includeRetracted: true) { totalCount }
              outcomes: detainerStats(groupBy: [OUTCOME]) { keys { outcome } count }
              citizenshipWeeks: detainerStats(groupBy: [CITIZENSHIP, WEEK]) { keys { citizenship week { start } } count }
              stateWeeks: detainerStats(groupBy: [STATE, WEEK], includeRetracted: true) { keys { state week { start } } count }
              regionMonths: detainerStats(groupBy: [FIELD_OFFICE, ISSUED_MONTH]) { keys { fieldOffice issuedMonth { label } } count outcomes { outcome count } }
              hondurans: detainers(where: { citizenship: { eq: "Honduras" }, outcome: { eq: LIFTED } }) { totalCount }
            }
            """;
        var before = await live.Sqlite.DataAsync(Counts);

        foreach (var app in (TestApp[])[live.SqlServer, live.Sqlite])
        {
            await using var scope = app.Started().CreateAsyncScope();
            var services = scope.ServiceProvider;
            var db = services.GetRequiredService<DetainerDbContext>();
            // The same records on both stores: their place in the file they came from (IDs may differ).
            var ids = await db.Detainers.Where(d => d.Source.FileName == "section2.csv" && !d.Retracted).OrderBy(d => d.SourceLine).Select(d => d.Id).Take(2).ToListAsync();
            Assert.Equal(2, ids.Count);
            var request = new CorrectionRequest(null, "ICE's corrected record", "U.S. Immigration and Customs Enforcement", null);
            CorrectionWriter Writer() => ActivatorUtilities.CreateInstance<CorrectionWriter>(services);
            await Writer().CorrectDetainerAsync(ids[0], DetainerField.Outcome, null, request with { NewValue = "LIFTED" }, "alice", default);
            await Writer().CorrectDetainerAsync(ids[0], DetainerField.Citizenship, null, request with { NewValue = "Honduras", IdempotencyKey = "live-1" }, "alice", default);
            await Writer().CorrectDetainerAsync(ids[0], DetainerField.Citizenship, null, request with { NewValue = "Honduras", IdempotencyKey = "live-1" }, "alice", default);
            await Writer().RetractDetainerAsync(ids[1], request, "alice", default);
            await Writer().RestoreDetainerAsync(ids[1], request, "alice", default);
            await Writer().RetractDetainerAsync(ids[1], request with { IdempotencyKey = "live-2" }, "alice", default);
        }

        var (sqlServer, sqlite) = await BothAsync(Counts);
        Assert.NotEqual(before.GetRawText(), sqlite.GetRawText());
        Assert.Equal(1, sqlite.GetProperty("hondurans").GetProperty("totalCount").GetInt32() - before.GetProperty("hondurans").GetProperty("totalCount").GetInt32());
        foreach (var property in sqlite.EnumerateObject())
        {
            var actual = sqlServer.GetProperty(property.Name);
            Assert.Equal(
                property.Value.ValueKind == JsonValueKind.Array ? AsSet(property.Value) : [property.Value.GetRawText()],
                actual.ValueKind == JsonValueKind.Array ? AsSet(actual) : [actual.GetRawText()]);
        }
        Assert.Equal(await live.Sqlite.CountsAsync(), await live.SqlServer.CountsAsync());
    }

    [SkippableFact]
    public async Task A_bulk_import_cancelled_after_its_first_chunk_leaves_nothing_behind()
    {
        SkipWithoutServer();
        var before = await live.SqlServer.CountsAsync();
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        new DetainerGenerator(new ReferenceData(Path.Combine(AppContext.BaseDirectory, "data"))).Write(writer, 12_000, 31, new DateOnly(2017, 1, 28), 3);
        using var cancel = new CancellationTokenSource();

        await using (var scope = live.SqlServer.Started().CreateAsyncScope())
        {
            var importer = scope.ServiceProvider.GetRequiredService<Importer>();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => importer.ImportAsync("cancelled.csv",
                System.Text.Encoding.UTF8.GetBytes(writer.ToString()), new Progress(cancel), cancel.Token));
        }

        Assert.Equal(before, await live.SqlServer.CountsAsync());
    }

    [SkippableFact]
    public async Task A_value_longer_than_its_column_is_refused_the_same_way_on_both()
    {
        SkipWithoutServer();
        var file = "detainer_key,state,county,facility,citizenship,detainer_type,issued_date,outcome,outcome_date,charge,charge_status\n" +
            $"a,TX,Travis County,,Mexico,,2017-01-30,,,\"{new string('x', 401)}\",Charge\n";

        var onSqlServer = await Assert.ThrowsAsync<ImportRejectedException>(() => live.SqlServer.ImportAsync("long.csv", file));
        var onSqlite = await Assert.ThrowsAsync<ImportRejectedException>(() => live.Sqlite.ImportAsync("long.csv", file));

        Assert.Equal(onSqlite.Errors, onSqlServer.Errors);
    }

    /// <summary>Cancels the import when it reports its first written chunk.</summary>
    private sealed class Progress(CancellationTokenSource cancel) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => cancel.Cancel();
    }
}
