using System.Text.Json;
using DetainerGraph.Tests.Infrastructure;

namespace DetainerGraph.Tests.Truth;

/// <summary>
/// <c>detainerStats</c> whose groups are empty only because the synthetic (demo) records were left out says so: a
/// <c>SYNTHETIC_EXCLUDED</c> warning for its path whose <c>syntheticExcluded</c> is the number of synthetic detainers that
/// matched, the same number a plain count of the same filter gives with <c>includeSynthetic</c> less without it. Over
/// the shipped sample data, where only the demo has reporting weeks.
/// </summary>
public sealed class StatsSyntheticExcludedTests(SampleDataApp sample) : IClassFixture<SampleDataApp>
{
    private TestApp App => sample.App;

    private const string Stats = """
        query($where: DetainerFilterInput, $groupBy: [DetainerStatsDimension!]!, $synthetic: Boolean) {
          detainerStats(where: $where, groupBy: $groupBy, includeSynthetic: $synthetic) { count keys { outcome } }
          published: detainers(first: 0, where: $where) { totalCount }
          all: detainers(first: 0, where: $where, includeSynthetic: true) { totalCount }
        }
        """;

    private static readonly string[] ByOutcome = ["OUTCOME"];

    private static JsonElement Where(string json) => JsonSerializer.Deserialize<JsonElement>(json);

    private static int Total(JsonElement response, string field) =>
        response.GetProperty("data").GetProperty(field).GetProperty("totalCount").GetInt32();

    private static List<JsonElement> Warnings(JsonElement response) =>
        response.TryGetProperty("extensions", out var extensions) && extensions.TryGetProperty("warnings", out var warnings)
            ? [.. warnings.EnumerateArray().Where(w => w.GetProperty("code").GetString() == "SYNTHETIC_EXCLUDED")]
            : [];

    public static TheoryData<string, string> DemoOnly => new()
    {
        // A reporting week (read from the count rollups), a week range with an outcome, and a day-level date bound with a
        // charge condition (no rollup holds them: the table is counted).
        { """{ "week": { "start": { "eq": "2017-01-28" } } }""", "OUTCOME" },
        { """{ "week": { "start": { "gte": "2017-02-01" } }, "outcome": { "eq": "DECLINED_BY_LEA" } }""", "OUTCOME" },
        { """{ "week": { "start": { "gte": "2017-01-01" } }, "issuedOn": { "gte": "2017-01-03" }, "charges": { "some": { "status": { "eq": "CONVICTION" } } } }""", "STATE" },
        // Grouped by nothing, the answer is one group of zero.
        { """{ "week": { "start": { "eq": "2017-01-28" } } }""", "" },
    };

    [Theory]
    [MemberData(nameof(DemoOnly))]
    public async Task Stats_empty_only_because_the_demo_was_left_out_say_how_many_detainers_were_left_out(string where, string groupBy)
    {
        string[] dimensions = groupBy.Length == 0 ? [] : [groupBy];
        var response = await App.QueryAsync(Stats, new { where = Where(where), groupBy = dimensions });

        Assert.False(response.TryGetProperty("errors", out _), response.GetRawText());
        var groups = response.GetProperty("data").GetProperty("detainerStats").EnumerateArray().ToList();
        Assert.All(groups, g => Assert.Equal(0, g.GetProperty("count").GetInt32()));
        Assert.Equal(0, Total(response, "published"));
        var left = Total(response, "all") - Total(response, "published");
        Assert.True(left > 0, "the demo matches the filter");
        var warning = Assert.Single(Warnings(response));
        Assert.Equal(left, warning.GetProperty("syntheticExcluded").GetInt32());
        Assert.Equal(["detainerStats"], warning.GetProperty("path").EnumerateArray().Select(p => p.GetString()));
        Assert.Contains("includeSynthetic", warning.GetProperty("message").GetString(), StringComparison.Ordinal);

        // Asked for, the same detainers are counted, as many as were said to be left out, and nothing is said.
        var included = await App.QueryAsync(Stats, new { where = Where(where), groupBy = dimensions, synthetic = true });
        Assert.Equal(left, included.GetProperty("data").GetProperty("detainerStats").EnumerateArray().Sum(g => g.GetProperty("count").GetInt32()));
        Assert.Empty(Warnings(included));
    }

    [Theory]
    // Published records match: the groups speak for themselves (each group's syntheticExcluded when selected).
    [InlineData("""{ "jurisdiction": { "state": { "eq": "PA" } } }""")]
    // Nothing matches at all: nothing was left out.
    [InlineData("""{ "week": { "start": { "eq": "2017-01-28" } }, "citizenship": { "eq": "No such country" } }""")]
    // The filter names sourceKind: it decides, nothing is left out.
    [InlineData("""{ "week": { "start": { "eq": "2017-01-28" } }, "sourceKind": { "eq": "FILE" } }""")]
    public async Task Stats_say_nothing_when_published_detainers_match_or_nothing_was_left_out(string where)
    {
        var response = await App.QueryAsync(Stats, new { where = Where(where), groupBy = ByOutcome });

        Assert.False(response.TryGetProperty("errors", out _), response.GetRawText());
        Assert.Empty(Warnings(response));
    }

    [Fact]
    public async Task The_count_left_out_is_read_from_the_count_rollups_when_the_filter_allows()
    {
        App.Sql.Clear();
        var response = await App.QueryAsync(
            """{ detainerStats(where: { week: { start: { eq: "2017-01-28" } } }, groupBy: [OUTCOME]) { count } }""");

        Assert.Single(Warnings(response));
        // The grouped count and the count left out: two statements, neither reading the detainer table.
        Assert.Equal(2, TestApp.SqlStatements(response));
        Assert.All(App.Sql.Commands, sql => Assert.DoesNotContain("FROM \"Detainers\"", sql, StringComparison.Ordinal));
    }

    private const string List = """
        query($where: DetainerFilterInput, $after: String, $synthetic: Boolean) {
          detainers(first: 5, where: $where, after: $after, includeSynthetic: $synthetic) { nodes { id } pageInfo { endCursor } }
          all: detainers(first: 0, where: $where, includeSynthetic: true) { totalCount }
        }
        """;

    [Fact]
    public async Task A_list_empty_only_because_the_demo_was_left_out_says_how_many_detainers_were_left_out()
    {
        var where = Where("""{ "week": { "start": { "eq": "2017-01-28" } } }""");
        var response = await App.QueryAsync(List, new { where });

        Assert.False(response.TryGetProperty("errors", out _), response.GetRawText());
        Assert.Equal(0, response.GetProperty("data").GetProperty("detainers").GetProperty("nodes").GetArrayLength());
        var left = Total(response, "all");
        Assert.True(left > 0, "the demo matches the filter");
        var warning = Assert.Single(Warnings(response));
        Assert.Equal(left, warning.GetProperty("syntheticExcluded").GetInt32());
        Assert.Equal(["detainers"], warning.GetProperty("path").EnumerateArray().Select(p => p.GetString()));
        Assert.Contains("includeSynthetic", warning.GetProperty("message").GetString(), StringComparison.Ordinal);

        // Asked for, the demo's rows are listed and nothing is said; a later page past the published rows says nothing either.
        var included = await App.QueryAsync(List, new { where, synthetic = true });
        Assert.Equal(5, included.GetProperty("data").GetProperty("detainers").GetProperty("nodes").GetArrayLength());
        Assert.Empty(Warnings(included));
        var published = await App.QueryAsync(List, new { where = Where("""{ "jurisdiction": { "state": { "eq": "PA" } } }""") });
        Assert.Equal(5, published.GetProperty("data").GetProperty("detainers").GetProperty("nodes").GetArrayLength());
        Assert.Empty(Warnings(published));
        var cursor = published.GetProperty("data").GetProperty("detainers").GetProperty("pageInfo").GetProperty("endCursor").GetString();
        var later = await App.QueryAsync(List, new { where, after = cursor });
        Assert.False(later.TryGetProperty("errors", out _), later.GetRawText());
        Assert.Empty(Warnings(later));

        // A nested list says nothing (each empty one would cost a count): the root list is where a reader asks.
        var nested = await App.QueryAsync(Nested);
        Assert.False(nested.TryGetProperty("errors", out _), nested.GetRawText());
        var week = nested.GetProperty("data").GetProperty("week").GetProperty("detainers");
        Assert.Equal(0, week.GetProperty("nodes").GetArrayLength());
        Assert.True(week.GetProperty("syntheticExcluded").GetInt32() > 0, "the week's list leaves the demo out");
        Assert.Empty(Warnings(nested));
    }

    private const string Nested = """
        { week(start: "2017-01-28") { detainers(first: 5) { nodes { id } syntheticExcluded } } }
        """;
}
