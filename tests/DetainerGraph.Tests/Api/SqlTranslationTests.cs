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
public sealed class SqlTranslationTests : IAsyncLifetime, IDisposable
{
    private static readonly string[] States = ["TX", "CA", "NY"];
    private readonly TestApp _app = new();

    public async Task InitializeAsync()
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        new DetainerGenerator(new ReferenceData(Path.Combine(AppContext.BaseDirectory, "data"))).Write(writer, 20_000, 11, new DateOnly(2017, 1, 28), 8);
        await _app.ImportAsync("large.csv", writer.ToString());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task A_filtered_sorted_page_is_one_select_with_where_order_and_limit()
    {
        _app.Sql.Clear();

        var data = await _app.DataAsync("""
            {
              detainers(first: 5, after: "b2Zmc2V0OjQ", includeSynthetic: true, where: {
                  jurisdiction: { state: { in: ["TX", "CA", "NY"] } },
                  charges: { some: { category: { eq: "Traffic Offense" }, status: { eq: CONVICTION } } },
                  issuedOn: { gte: "2016-06-01" } },
                order: [{ jurisdiction: { name: ASC } }, { issuedOn: DESC }]) {
                nodes { issuedOn jurisdiction { name state } }
              }
            }
            """);

        var page = Assert.Single(_app.Sql.Commands, c => c.Contains("FROM \"Detainers\"", StringComparison.Ordinal));
        Assert.Contains("WHERE", page, StringComparison.Ordinal);
        Assert.Contains("EXISTS", page, StringComparison.Ordinal);
        Assert.Contains("ORDER BY \"j\".\"Name\", \"d\".\"IssuedOn\" DESC, \"d\".\"Id\"", page, StringComparison.Ordinal);
        Assert.Contains("LIMIT @", page, StringComparison.Ordinal);
        Assert.Contains("OFFSET @", page, StringComparison.Ordinal);
        // Filter values are parameters, never inlined into the SQL text.
        Assert.DoesNotContain("Traffic Offense", page, StringComparison.Ordinal);

        var nodes = data.GetProperty("detainers").GetProperty("nodes").EnumerateArray().ToList();
        Assert.Equal(5, nodes.Count);
        Assert.All(nodes, n => Assert.Contains(n.GetProperty("jurisdiction").GetProperty("state").GetString(), States));
        var names = nodes.Select(n => n.GetProperty("jurisdiction").GetProperty("name").GetString()).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
    }
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
