using System.Text.RegularExpressions;
using DetainerGraph.Tests.Infrastructure;
using Snapshooter.Xunit;

namespace DetainerGraph.Tests.SqlServer;

/// <summary>
/// The SQL Server statements behind the API's key operations, proven without a server and committed as
/// snapshots for review: each filter, sort, page window and grouping is in the SQL (keyset paging with TOP, WHERE,
/// EXISTS, GROUP BY), and values are parameters. See <see cref="SqlServerCapture"/> for how they are recorded.
/// </summary>
public sealed class SqlServerQueryTests : IDisposable
{
    private static readonly Regex Top = new(@"^SELECT TOP\(@p\d*\) ", RegexOptions.Multiline);
    private readonly TestApp _app = new();

    public void Dispose() => _app.Dispose();

    private Task<IReadOnlyList<string>> RunAsync(string query) => SqlServerCapture.RunAsync(_app.Started(), query);

    private static string Joined(IReadOnlyList<string> statements) => string.Join("\n\n-- next statement\n", statements) + "\n";

    [Fact]
    public async Task A_filtered_sorted_detainers_page_after_a_cursor_seeks_by_its_keys_and_counts_once()
    {
        var after = DetainerGraph.Tests.Api.KeysetCursors.Detainer(q => q.OrderByDescending(d => d.IssuedOn).ThenBy(d => d.Jurisdiction!.Name).ThenBy(d => d.Id),
            new DateOnly(2017, 3, 1), "Harris County", 40L);
        var statements = await RunAsync($$"""
            {
              detainers(first: 20, after: "{{after}}",
                where: { outcome: { in: [DECLINED_BY_LEA, LIFTED] }, issuedOn: { gte: "2017-01-01" }, citizenship: { containsIgnoreCase: "hond" } },
                order: [{ issuedOn: DESC }, { jurisdiction: { name: ASC } }]) {
                totalCount
                pageInfo { hasNextPage endCursor }
                nodes { id issuedOn outcome }
              }
            }
            """);

        // The page, the detainers without an issue date (which follow every dated one in a descending order; read
        // because the capture returns no rows, so the page is short), and the count.
        Assert.Equal(3, statements.Count);
        var page = statements[0];
        Assert.Contains("ORDER BY [d].[IssuedOn] DESC, [j].[Name], [d].[Id]", page, StringComparison.Ordinal);
        // The keyset: bounded on the first key (the index seek), then strictly after (issuedOn, name, id); one row past the page of 20.
        Assert.Contains("[d].[IssuedOn] <= @", page, StringComparison.Ordinal);
        Assert.Contains("[d].[IssuedOn] < @", page, StringComparison.Ordinal);
        Assert.Contains("[j].[Name] > @", page, StringComparison.Ordinal);
        Assert.Contains("[d].[Id] > @", page, StringComparison.Ordinal);
        Assert.DoesNotContain("OFFSET", page, StringComparison.Ordinal);
        Assert.Matches(Top, page);
        Assert.Matches(@"-- @p\d* Int32 = 21", page);
        Assert.DoesNotContain("hond", page.Split('\n').Where(l => !l.StartsWith("--", StringComparison.Ordinal)).Aggregate("", string.Concat), StringComparison.Ordinal);
        Assert.DoesNotContain("Harris", page.Split('\n').Where(l => !l.StartsWith("--", StringComparison.Ordinal)).Aggregate("", string.Concat), StringComparison.Ordinal);
        Assert.Contains("[d].[IssuedOn] IS NULL", statements[1], StringComparison.Ordinal);
        // The filter only touches rollup dimensions: the count reads the indexed view, not Detainers.
        Assert.Contains("[DetainerCounts] WITH (NOEXPAND)", statements[2], StringComparison.Ordinal);
        Snapshot.Match(Joined(statements));
    }

    [Fact]
    public async Task The_nested_jurisdiction_filter_is_a_join_in_the_same_statement()
    {
        var statements = await RunAsync("""
            {
              detainers(first: 10, where: {
                  jurisdiction: { state: { eq: "PA" }, fieldOffice: { eq: "Philadelphia" } },
                  charges: { some: { category: { eq: "Traffic Offense" } } } }) {
                nodes { id }
              }
            }
            """);

        var page = Assert.Single(statements);
        Assert.Contains("LEFT JOIN [Jurisdictions] AS [j]", page, StringComparison.Ordinal);
        Assert.Contains("EXISTS", page, StringComparison.Ordinal);
        Assert.Matches(Top, page);
        Snapshot.Match(Joined(statements));
    }

    [Fact]
    public async Task Detainer_stats_are_one_group_by_each()
    {
        var statements = await RunAsync("""
            {
              byStateAndOutcome: detainerStats(groupBy: [STATE, OUTCOME], where: { issuedOn: { gte: "2017-01-01" } }) { count }
              byCategory: detainerStats(groupBy: [CHARGE_CATEGORY, WEEK], first: 50) { count }
            }
            """);

        // Each field is one GROUP BY. The rehearsal answers every statement with no rows, so each empty list is then
        // followed by the one count of the synthetic records it left out (the SYNTHETIC_EXCLUDED warning's), a sum over a
        // rollup for these filters, which a store with published matches never runs (StatsSyntheticExcludedTests).
        var groups = statements.Where(s => s.Contains("GROUP BY", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, groups.Count);
        Assert.Contains("COUNT(DISTINCT", groups[1], StringComparison.Ordinal);
        var counts = statements.Except(groups).ToList();
        Assert.Equal(2, counts.Count);
        Assert.All(counts, s => Assert.Contains("SUM([d].[Count])", s, StringComparison.Ordinal));
        Assert.All(counts, s => Assert.DoesNotContain("FROM [Detainers]", s, StringComparison.Ordinal));
        Snapshot.Match(Joined(statements));
    }

    [Fact]
    public async Task The_weekly_report_is_a_fixed_handful_of_statements()
    {
        var statements = await RunAsync("""
            {
              weeklyReport(start: "2017-01-28") {
                report { number }
                sectionOne { rank }
                sectionTwo(first: 50) { totalCount nodes { id } }
                sectionThree { name }
                totals { detainersRecorded declined decliningJurisdictions detainersIssuedNationwide }
              }
            }
            """);

        Assert.Equal(9, statements.Count);
        Assert.Contains(statements, s => s.Contains("ORDER BY [j].[State], [j].[Name], [d].[Id]", StringComparison.Ordinal) && Top.IsMatch(s));
        Snapshot.Match(Joined(statements));
    }
}
