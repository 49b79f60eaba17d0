using System.Text.Json;
using DetainerGraph.Detainers;
using DetainerGraph.Export;
using DetainerGraph.Tests.Infrastructure;
using DetainerGraph.Tests.SqlServer;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Tests.Api;

/// <summary>
/// detainerStats and detainerGroups over time buckets, facilities and outcome counts, and answers that keep the
/// rest of the response when one root fails. Fixture: d3 issued 2016-12, d1 d2 d4 in 2017-01, d5 2017-02, d6 2017-04.
/// </summary>
public sealed class TimeStatsTests : IAsyncLifetime, IDisposable
{
    private readonly TestApp _app = new();

    public async Task InitializeAsync() => await _app.ImportAsync("fixture.csv", FilterFixture.Detainers);

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _app.Dispose();

    private async Task<string> GroupsAsync(string groupBy, string key, string order = "KEY_ASC")
    {
        var data = await _app.DataAsync($"{{ detainerStats(groupBy: [{groupBy}], order: {order}) {{ count keys {{ {key} {{ label }} }} }} }}");
        return string.Join(";", data.GetProperty("detainerStats").EnumerateArray().Select(g =>
            (g.GetProperty("keys").GetProperty(key) is { ValueKind: JsonValueKind.Object } k ? k.GetProperty("label").GetString() : "(null)") + "=" + g.GetProperty("count").GetInt32()));
    }

    [Theory]
    [InlineData("ISSUED_YEAR", "issuedYear", "2016=1;2017=5")]
    [InlineData("ISSUED_QUARTER", "issuedQuarter", "2016-Q4=1;2017-Q1=4;2017-Q2=1")]
    [InlineData("ISSUED_MONTH", "issuedMonth", "2016-12=1;2017-01=3;2017-02=1;2017-04=1")]
    [InlineData("OUTCOME_MONTH", "outcomeMonth", "(null)=1;2017-01=1;2017-02=3;2017-04=1")]
    [InlineData("OUTCOME_YEAR", "outcomeYear", "(null)=1;2017=5")]
    public async Task Stats_group_by_calendar_periods_of_issue_and_outcome_in_time_order(string groupBy, string key, string expected) =>
        Assert.Equal(expected, await GroupsAsync(groupBy, key));

    [Fact]
    public async Task Key_order_descending_reverses_the_time_series()
    {
        Assert.Equal("2017=5;2016=1", await GroupsAsync("ISSUED_YEAR", "issuedYear", "KEY_DESC"));
    }

    [Fact]
    public async Task A_period_key_carries_its_first_and_last_day_for_a_filter()
    {
        var data = await _app.DataAsync("{ detainerStats(groupBy: [ISSUED_QUARTER], order: KEY_ASC, where: { issuedOn: { gte: \"2017-01-01\" } }) { keys { issuedQuarter { start end label } } } }");
        var first = data.GetProperty("detainerStats")[0].GetProperty("keys").GetProperty("issuedQuarter");
        Assert.Equal("2017-01-01", first.GetProperty("start").GetString());
        Assert.Equal("2017-03-31", first.GetProperty("end").GetString());
    }

    [Fact]
    public async Task Each_group_counts_its_outcomes_beside_its_total()
    {
        var data = await _app.DataAsync("{ detainerStats(groupBy: [STATE], order: KEY_ASC) { count keys { state } outcomes { outcome count } } }");
        var texas = data.GetProperty("detainerStats").EnumerateArray().Single(g => g.GetProperty("keys").GetProperty("state").GetString() == "TX");
        Assert.Equal(3, texas.GetProperty("count").GetInt32());
        var outcomes = texas.GetProperty("outcomes").EnumerateArray().ToDictionary(o => o.GetProperty("outcome").GetString()!, o => o.GetProperty("count").GetInt32());
        Assert.Equal(new Dictionary<string, int> { ["BOOKED_INTO_DETENTION"] = 1, ["DECLINED_BY_LEA"] = 2 }, outcomes);
    }

    [Fact]
    public async Task Outcome_counts_by_charge_category_count_each_detainer_once()
    {
        var data = await _app.DataAsync("{ detainerStats(groupBy: [], where: { jurisdiction: { state: { eq: \"WA\" } } }) { count outcomes { outcome count } } }");
        var all = Assert.Single(data.GetProperty("detainerStats").EnumerateArray());
        Assert.Equal(1, all.GetProperty("count").GetInt32());
        var byCategory = await _app.DataAsync("{ detainerStats(groupBy: [CHARGE_CATEGORY]) { count outcomes { outcome count } } }");
        Assert.All(byCategory.GetProperty("detainerStats").EnumerateArray(), g =>
            Assert.Equal(g.GetProperty("count").GetInt32(), g.GetProperty("outcomes").EnumerateArray().Sum(o => o.GetProperty("count").GetInt32())));
    }

    [Fact]
    public async Task Facility_is_a_dimension_whose_key_is_the_facility()
    {
        var data = await _app.DataAsync("{ detainerStats(groupBy: [FACILITY], order: COUNT_DESC) { count keys { facility { name } } } }");
        var groups = data.GetProperty("detainerStats").EnumerateArray().ToList();
        Assert.Equal(2, groups[0].GetProperty("count").GetInt32());
        Assert.Equal("Travis County Jail", groups[0].GetProperty("keys").GetProperty("facility").GetProperty("name").GetString());
        // d5 names no facility: its group's key is null, which means unknown.
        Assert.Contains(groups, g => g.GetProperty("keys").GetProperty("facility").ValueKind == JsonValueKind.Null);
    }

    [Fact]
    public async Task DetainerGroups_pages_through_every_group_and_says_how_many_there_are()
    {
        var page = (await _app.DataAsync("{ detainerGroups(groupBy: [ISSUED_MONTH], order: KEY_ASC, first: 3) { totalCount pageInfo { hasNextPage endCursor } nodes { count keys { issuedMonth { label } } } } }"))
            .GetProperty("detainerGroups");
        Assert.Equal(4, page.GetProperty("totalCount").GetInt32());
        Assert.True(page.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());
        var after = page.GetProperty("pageInfo").GetProperty("endCursor").GetString();
        var rest = (await _app.DataAsync($"{{ detainerGroups(groupBy: [ISSUED_MONTH], order: KEY_ASC, first: 3, after: \"{after}\") {{ pageInfo {{ hasNextPage }} nodes {{ keys {{ issuedMonth {{ label }} }} }} }} }}"))
            .GetProperty("detainerGroups");
        Assert.False(rest.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());
        Assert.Equal("2017-04", Assert.Single(rest.GetProperty("nodes").EnumerateArray()).GetProperty("keys").GetProperty("issuedMonth").GetProperty("label").GetString());
    }

    [Fact]
    public async Task DetainerStats_warns_when_it_cuts_its_answer_and_not_otherwise()
    {
        var cut = await _app.QueryAsync("{ detainerStats(groupBy: [ISSUED_MONTH], first: 2) { count } }");
        Assert.Equal(2, cut.GetProperty("data").GetProperty("detainerStats").GetArrayLength());
        var warning = Assert.Single(cut.GetProperty("extensions").GetProperty("warnings").EnumerateArray());
        Assert.Equal(DetainerStatsQueries.TruncatedCode, warning.GetProperty("code").GetString());
        Assert.Equal("detainerStats", warning.GetProperty("path")[0].GetString());

        var whole = await _app.QueryAsync("{ detainerStats(groupBy: [ISSUED_MONTH], first: 4) { count } }");
        Assert.False(whole.GetProperty("extensions").TryGetProperty("warnings", out _));
    }

    [Theory]
    [InlineData("detainerStats(groupBy: [STATE], first: 5000) { count }", "detainerStats", "PAGE_SIZE_OUT_OF_RANGE")]
    [InlineData("weeklyReport(start: \"2017-01-29\") { totals { declined } }", "weeklyReport", "NOT_A_WEEK_START")]
    [InlineData("nodes(ids: [\"bm9wZQ\"]) { id }", "nodes", "INVALID_ID")]
    public async Task A_root_that_fails_on_its_arguments_is_null_and_the_rest_of_the_response_stands(string failing, string root, string code)
    {
        var result = await _app.QueryAsync($"{{ {failing} detainers(first: 1) {{ totalCount }} }}");
        Assert.Equal(JsonValueKind.Null, result.GetProperty("data").GetProperty(root).ValueKind);
        Assert.Equal(6, result.GetProperty("data").GetProperty("detainers").GetProperty("totalCount").GetInt32());
        Assert.Equal(code, result.FirstErrorCode());
    }

    [Fact]
    public void Time_buckets_and_outcome_counts_translate_to_SQL_Server_date_parts_and_conditional_counts()
    {
        using var db = SqlServerCapture.Context(new SqlServerCapture());
        // Over every detainer the groups are summed from the rollup's indexed view (months as their first day).
        var summed = DetainerStats.Groups(db, db.Detainers, [DetainerStatsDimension.IssuedMonth, DetainerStatsDimension.OutcomeYear], DetainerStatsOrder.KeyAsc, withOutcomes: true)
            .Skip(10).Take(20).ToQueryString();
        Assert.Contains("WITH (NOEXPAND)", summed, StringComparison.Ordinal);
        Assert.Contains("DATEPART(month, [d].[IssuedMonth])", summed, StringComparison.Ordinal);
        Assert.Contains("DATEPART(year, [d].[OutcomeMonth])", summed, StringComparison.Ordinal);
        Assert.Contains("SUM(CASE", summed, StringComparison.Ordinal);
        Assert.Contains("OFFSET", summed, StringComparison.Ordinal);

        // A bound inside a month needs the detainers themselves.
        var sql = DetainerStats.Groups(db, db.Detainers.Where(d => d.IssuedOn >= new DateOnly(2017, 1, 15)), [DetainerStatsDimension.IssuedMonth, DetainerStatsDimension.OutcomeYear], DetainerStatsOrder.KeyAsc, withOutcomes: true)
            .Skip(10).Take(20).ToQueryString();
        Assert.Contains("DATEPART(year, [d].[IssuedOn])", sql, StringComparison.Ordinal);
        Assert.Contains("DATEPART(month, [d].[IssuedOn])", sql, StringComparison.Ordinal);
        Assert.Contains("DATEPART(year, [d].[OutcomeRecordedOn])", sql, StringComparison.Ordinal);
        Assert.Contains("GROUP BY", sql, StringComparison.Ordinal);
        Assert.Contains("COUNT(CASE", sql, StringComparison.Ordinal);
        Assert.Contains("OFFSET", sql, StringComparison.Ordinal);

        var byCategory = DetainerStats.Groups(db, db.Detainers, [DetainerStatsDimension.ChargeCategory, DetainerStatsDimension.IssuedQuarter], DetainerStatsOrder.CountDesc, withOutcomes: true)
            .ToQueryString();
        Assert.Contains("COUNT(DISTINCT (CASE", byCategory, StringComparison.Ordinal);
        // Plain aggregates over one join, not a correlated subquery per count.
        Assert.DoesNotContain("SELECT DISTINCT", byCategory, StringComparison.Ordinal);
    }

    [Fact]
    public void The_export_row_is_one_SQL_Server_statement_that_keeps_the_asked_order_and_one_row_per_detainer()
    {
        using var db = SqlServerCapture.Context(new SqlServerCapture());
        var sql = DetainerExportRow.Project(db.Detainers.OrderBy(d => d.IssuedOn).ThenBy(d => d.Id)).ToQueryString();
        Assert.EndsWith("ORDER BY [d].[IssuedOn], [d].[Id]", sql.TrimEnd(), StringComparison.Ordinal);
        Assert.DoesNotContain("[Charges]", sql, StringComparison.Ordinal);
    }
}
