using System.Globalization;
using System.Text.Json;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Tests.Search;

/// <summary>
/// <c>searchCharges(where:)</c> hands a lone state condition and a lone range of week starts to the engine as they are,
/// without asking the database which jurisdictions or weeks they select. The same condition wrapped in <c>and</c> still
/// takes the database's way: both must give the same answer, byte for byte, the first with one SQL statement fewer.
/// </summary>
public sealed class SearchWhereStatesAndWeekRangesTests(SampleDataApp fixture) : IClassFixture<SampleDataApp>
{
    private const string Search = """
        query($q: String!, $where: DetainerFilterInput) {
          searchCharges(query: $q, where: $where, first: 40, sourceKind: [FILE, SYNTHETIC]) {
            totalCount
            pageInfo { endCursor hasNextPage }
            nodes { score highlight charge { id } detainer { id weekStart: week { start } jurisdiction { state } } }
            facets(fields: [STATE, WEEK]) { field buckets { value count } }
          }
        }
        """;

    private TestApp App => fixture.App;

    [Fact]
    public async Task A_lone_state_or_week_range_answers_as_the_database_lookup_does_with_one_statement_fewer()
    {
        var starts = await App.WithDbAsync(db => db.Detainers.Where(d => d.WeekStart != null)
            .Select(d => d.WeekStart!.Value).Distinct().OrderBy(d => d).ToListAsync());
        Assert.True(starts.Count >= 3, $"the sample data spans {starts.Count} weeks");
        string Day(int i) => starts[i].ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var (first, middle, last) = (Day(0), Day(starts.Count / 2), Day(starts.Count - 1));
        // A day that is no week's start, so gt/lt and gte/lte differ only where they should.
        var between = starts[starts.Count / 2].AddDays(3).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var conditions = new (string Field, object Condition)[]
        {
            ("jurisdiction", new { state = new { eq = "TX" } }),
            ("jurisdiction", new { state = new { @in = new[] { "CA", "TX", "PA", "ZZ" } } }),
            ("jurisdiction", new { state = new { eq = "ZZ" } }),
            ("week", new { start = new { gte = middle } }),
            ("week", new { start = new { gt = middle } }),
            ("week", new { start = new { lte = middle } }),
            ("week", new { start = new { lt = middle } }),
            ("week", new { start = new { gte = first, lt = between } }),
            ("week", new { start = new { gt = between, lte = last } }),
            ("week", new { start = new { gte = last, lte = first } }),
        };
        var nonEmpty = 0;
        foreach (var q in new[] { "", "theft" })
        {
            foreach (var (field, condition) in conditions)
            {
                var direct = await App.QueryAsync(Search, new { q, where = new Dictionary<string, object> { [field] = condition } });
                var lookedUp = await App.QueryAsync(Search, new { q, where = new Dictionary<string, object> { [field] = new { and = new[] { condition } } } });

                var label = $"{q} {field} {JsonSerializer.Serialize(condition)}";
                Assert.False(direct.TryGetProperty("errors", out _), label);
                Assert.Equal(lookedUp.GetProperty("data").GetRawText(), direct.GetProperty("data").GetRawText());
                Assert.Equal(TestApp.SqlStatements(lookedUp) - 1, TestApp.SqlStatements(direct));
                nonEmpty += direct.GetProperty("data").GetProperty("searchCharges").GetProperty("totalCount").GetInt32() > 0 ? 1 : 0;
            }
        }
        // Most conditions select something: the comparison is not between two empty answers.
        Assert.True(nonEmpty >= 12, $"{nonEmpty} non-empty answers");
    }

    [Theory]
    [InlineData("tx")]
    [InlineData("T")]
    [InlineData("TX ")]
    public async Task A_state_not_written_as_two_capital_letters_still_asks_the_database(string state)
    {
        var direct = await App.QueryAsync(Search, new { q = "", where = new { jurisdiction = new { state = new { eq = state } } } });
        var lookedUp = await App.QueryAsync(Search, new { q = "", where = new { jurisdiction = new { and = new[] { new { state = new { eq = state } } } } } });

        Assert.Equal(lookedUp.GetProperty("data").GetRawText(), direct.GetProperty("data").GetRawText());
        Assert.Equal(TestApp.SqlStatements(lookedUp), TestApp.SqlStatements(direct));
    }
}
