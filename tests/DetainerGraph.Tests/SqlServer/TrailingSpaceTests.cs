using System.Text.Json;
using DetainerGraph.Tests.Infrastructure;

namespace DetainerGraph.Tests.SqlServer;

/// <summary>
/// SQL Server compares text with <c>=</c> and <c>IN</c> as if the shorter side were padded with spaces, whatever the
/// collation (<c>N'Mexico ' = N'Mexico'</c> is true there), where SQLite compares exactly. A filter value that ends in a
/// space must therefore never reach SQL Server as an <c>=</c> or <c>IN</c> operand, and must answer on SQLite as before.
/// </summary>
public sealed class TrailingSpaceTests(SampleDataApp sample) : IClassFixture<SampleDataApp>
{
    private const string Filters = """
        {
          eq: detainers(includeSynthetic: true, where: { citizenship: { eq: "Mexico " } }) { totalCount }
          neq: detainers(includeSynthetic: true, where: { citizenship: { neq: "Mexico " } }) { totalCount }
          in: detainers(includeSynthetic: true, where: { citizenship: { in: ["Mexico ", "Honduras"] } }) { totalCount }
          nin: detainers(includeSynthetic: true, where: { citizenship: { nin: ["Mexico ", "Honduras  "] } }) { totalCount }
          ignoringCase: detainers(includeSynthetic: true, where: { citizenship: { eqIgnoreCase: "MEXICO " } }) { totalCount }
          jurisdiction: detainers(includeSynthetic: true, where: { jurisdiction: { name: { in: ["Travis County "] } } }) { totalCount }
          travis: detainers(includeSynthetic: true, where: { jurisdiction: { name: { in: ["Travis County"] } } }) { totalCount }
          stats: detainerStats(includeSynthetic: true, groupBy: [CITIZENSHIP], where: { citizenship: { eq: "Mexico " } }) { count }
          places: jurisdictions(where: { name: { eq: "Travis County " } }) { totalCount }
          mexico: detainers(includeSynthetic: true, where: { citizenship: { eq: "Mexico" } }) { totalCount }
          honduras: detainers(includeSynthetic: true, where: { citizenship: { eq: "Honduras" } }) { totalCount }
          all: detainers(includeSynthetic: true) { totalCount }
        }
        """;

    [Fact]
    public async Task No_statement_compares_a_value_ending_in_a_space_with_equals_or_in()
    {
        var capture = new SqlServerCapture(CaptureRows.One);
        await capture.ExecuteAsync(sample.App.Started(), Filters);

        var padded = capture.Statements.SelectMany(s => s.Parameters).Where(p => p.Value is { } v && v.EndsWith(' ')).ToList();
        Assert.Empty(padded);
        // The value reaches the statement as a parameter with the end marker after its spaces, never as a literal.
        Assert.Contains(capture.Statements, s => s.Parameters.Any(p => p.Value == "Mexico |") && s.Text.Contains("N'|'", StringComparison.Ordinal));
        Assert.DoesNotContain(capture.Statements, s => s.Text.Contains("Mexico", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("eq: \"Mexico \"", "eq: \"Honduras   \"")]
    [InlineData("in: [\"Mexico \", \"Honduras\"]", "in: [\"Poland  \", \"Guatemala \"]")]
    public async Task Values_ending_in_a_space_share_one_statement_whatever_they_are(string one, string other)
    {
        // As literals, each distinct value compiled and cached a query of its own: a client could fill the cache with them.
        async Task<List<string>> StatementsOf(string condition)
        {
            var capture = new SqlServerCapture(CaptureRows.One);
            await capture.ExecuteAsync(sample.App.Started(), $"{{ detainers(includeSynthetic: true, where: {{ citizenship: {{ {condition} }} }}) {{ totalCount }} }}");
            return [.. capture.Statements.Select(s => s.Normalized)];
        }

        var first = await StatementsOf(one);
        Assert.NotEmpty(first);
        Assert.Equal(first, await StatementsOf(other));
    }

    [Fact]
    public async Task A_value_ending_in_a_space_matches_only_text_ending_in_it_on_sqlite()
    {
        var data = await sample.App.DataAsync(Filters);
        int Count(string name) => data.GetProperty(name).ValueKind == JsonValueKind.Array
            ? data.GetProperty(name).EnumerateArray().Sum(g => g.GetProperty("count").GetInt32())
            : data.GetProperty(name).GetProperty("totalCount").GetInt32();

        Assert.True(Count("mexico") > 0 && Count("honduras") > 0 && Count("travis") > 0);
        Assert.Equal(0, Count("eq"));
        Assert.Equal(Count("all"), Count("neq"));
        Assert.Equal(Count("honduras"), Count("in"));
        Assert.Equal(Count("all"), Count("nin"));
        Assert.Equal(0, Count("ignoringCase"));
        Assert.Equal(0, Count("jurisdiction"));
        Assert.Equal(0, Count("stats"));
        Assert.Equal(0, Count("places"));
    }
}
