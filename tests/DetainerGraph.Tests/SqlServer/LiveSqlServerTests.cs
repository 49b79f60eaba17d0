using System.Globalization;
using System.Text.Json;
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
        "(e.g. Server=localhost,1433;User Id=sa;Password=...;TrustServerCertificate=True) whose login may create databases.";

    public static string? ServerConnectionString { get; } = Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } s ? s : null;

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
        Sqlite = new TestApp();
        foreach (var app in (TestApp[])[SqlServer, Sqlite])
        {
            foreach (var file in (string[])["ddor_reports.csv", "ddor_2017w05_section1_top10.csv", "ddor_2017_corrections.csv", "ddor_2017w05_section3_policies.csv"])
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
        SkipWithoutServer();
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
              detainers(first: 40, after: "b2Zmc2V0OjQ",
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
              detainers(first: 100, where: {
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
            { searchCharges(query: "assault", first: 5) { totalCount facets(fields: [OUTCOME]) { field buckets { value count } } } }
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
        await using (var db = LiveSqlServer.Context(live.ConnectionString))
        {
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

    [SkippableFact]
    public async Task The_longest_list_the_limits_accept_runs_on_the_server()
    {
        SkipWithoutServer();

        for (var values = 4_096; values >= 1; values /= 2)
        {
            var list = string.Join(",", Enumerable.Range(0, values).Select(i => $"\"c{i}\""));
            var result = await live.SqlServer.QueryAsync($"{{ detainers(where: {{ citizenship: {{ in: [{list}, \"Mexico\"] }} }}) {{ totalCount }} }}");
            if (result.TryGetProperty("errors", out var errors) && errors.GetRawText().Contains("FILTER_TOO_COMPLEX", StringComparison.Ordinal))
            {
                continue;
            }
            Assert.False(result.TryGetProperty("errors", out errors), $"{values} values: {errors}");
            Assert.True(result.GetProperty("data").GetProperty("detainers").GetProperty("totalCount").GetInt32() > 0);
            return;
        }
        Assert.Fail("The limits accept no list at all.");
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
