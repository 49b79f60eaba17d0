using System.Globalization;
using DetainerGraph.Import;
using DetainerGraph.Reference;
using DetainerGraph.Tests.Infrastructure;

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

public sealed class TimeoutTests : IDisposable
{
    private readonly TestApp _app = new(settings: new Dictionary<string, string?> { ["GraphQL:ExecutionTimeout"] = "00:00:00.001" });

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Work_past_the_execution_timeout_is_cancelled_with_a_code()
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        new DetainerGenerator(new ReferenceData(Path.Combine(AppContext.BaseDirectory, "data"))).Write(writer, 5_000, 3, new DateOnly(2017, 1, 28), 4);
        await _app.ImportAsync("many.csv", writer.ToString());

        // Twenty grouped counts over 5,000 detainers (within the cost limit: each dimension is priced) take far longer than the 1 ms allowed.
        // The generated detainers are synthetic, so the counts must ask for them: published-only counts of nothing finish at once.
        var stats = string.Join(' ', Enumerable.Range(0, 20).Select(i => $"s{i}: detainerStats(groupBy: [CHARGE_CATEGORY, CITIZENSHIP, WEEK, STATE], includeSynthetic: true) {{ count }}"));
        var result = await _app.QueryAsync("{ " + stats + " }");

        Assert.True(result.TryGetProperty("errors", out _), result.ToString()[..Math.Min(400, result.ToString().Length)]);
        Assert.Equal("TIMEOUT", result.FirstErrorCode());
    }
}
