using System.Text.Json;
using System.Text.Json.Nodes;
using DetainerGraph.Tests.Infrastructure;

namespace DetainerGraph.Tests.Api;

/// <summary>
/// A page of detainers whose selection names only a few common fields reads only their columns
/// (<see cref="DetainerGraph.Detainers.DetainerPageColumns"/>); its answer is the one the whole row gives, and any
/// other selection still reads the whole row.
/// </summary>
public sealed class DetainerPageColumnsTests : IDisposable
{
    // Fields the narrow row does not hold: asking for one of them must read the whole row.
    private const string WideFields = "citizenship outcomeAsPublished detainerTypeAsPublished jurisdictionResolution";

    private readonly TestApp _app = new();

    public void Dispose() => _app.Dispose();

    private Task ImportAsync() => _app.ImportAsync("pa_detainers_2007_2015.csv", SampleRows.Foia);

    // Each page with its node's selection left open: the test closes it, once as it is and once with WideFields added;
    // then the number of statements that read the page's rows.
    public static TheoryData<string, string, int> NarrowPages => new()
    {
        { "detainers(first: 50, order: [{ issuedOn: DESC }]) { nodes { id issuedOn outcome detainerType facility { name city state } ", "} }", 1 },
        { "detainers(first: 50, order: [{ issuedOn: DESC }], where: { outcome: { eq: DECLINED_BY_LEA } }) { totalCount nodes { id issuedOn outcome facility { name city } ", "} }", 1 },
        { "detainers(last: 3, order: [{ issuedOn: ASC }]) { pageInfo { hasNextPage endCursor } totalCount syntheticExcluded nodes { __typename id isSynthetic retracted outcome ", "} }", 1 },
        { $"detainers(first: 2, after: \"{KeysetCursors.Detainer(q => q.OrderBy(d => d.Id), 1L)}\") {{ edges {{ cursor node {{ id issuedOn detainerType ", "} } }", 1 },
        // A page by issuedOnOrAfter reads the rows with the date, then those without it (KeysetOrder.SplitsMissing): no
        // Pennsylvania row has the date, so the first read finds none and the page is the second's. Each must be narrow.
        { "detainers(first: 5, order: [{ issuedOnOrAfter: DESC }]) { edges { cursor node { id issuedOnOrAfter outcome ", "} } }", 2 },
    };

    [Theory]
    [MemberData(nameof(NarrowPages))]
    public async Task A_narrow_page_reads_only_its_columns_and_answers_as_the_whole_row_does(string page, string close, int statements)
    {
        await ImportAsync();
        _app.Sql.Clear();
        var narrow = await _app.QueryAsync("{ " + page + close + " }");
        var narrowSql = PageQueries(_app.Sql.Commands, statements);
        _app.Sql.Clear();
        var wide = await _app.QueryAsync("{ " + page + WideFields + " " + close + " }");
        var wideSql = PageQueries(_app.Sql.Commands, statements);

        Assert.False(narrow.TryGetProperty("errors", out _), narrow.GetRawText());
        Assert.All(narrowSql, sql => Assert.DoesNotContain("\"OutcomeAsPublished\"", sql, StringComparison.Ordinal));
        Assert.All(wideSql, sql => Assert.Contains("\"OutcomeAsPublished\"", sql, StringComparison.Ordinal));
        var expected = JsonNode.Parse(wide.GetProperty("data").GetRawText())!;
        foreach (var node in Nodes(expected))
        {
            foreach (var field in WideFields.Split(' '))
            {
                node.Remove(field);
            }
        }
        Assert.NotEmpty(Nodes(expected));
        Assert.Equal(expected.ToJsonString(), JsonNode.Parse(narrow.GetProperty("data").GetRawText())!.ToJsonString());
    }

    [Theory]
    [InlineData("{ detainers(first: 5) { nodes { id ...Wide } } } fragment Wide on Detainer { outcomeAsPublished }")]
    [InlineData("{ detainers(first: 5) { nodes { id ... on Detainer { outcomeAsPublished } } } }")]
    [InlineData("{ detainers(first: 5) { nodes { id } edges { node { outcomeAsPublished } } } }")]
    [InlineData("{ detainers(first: 5) { ... on DetainerConnection { nodes { outcomeAsPublished } } } }")]
    [InlineData("{ detainers(first: 5) { nodes { id } nodes { outcomeAsPublished } } }")]
    public async Task A_selection_with_a_fragment_or_another_field_reads_the_whole_row(string query)
    {
        await ImportAsync();
        _app.Sql.Clear();
        var response = await _app.QueryAsync(query);

        Assert.False(response.TryGetProperty("errors", out _), response.GetRawText());
        Assert.Contains("\"OutcomeAsPublished\"", PageQueries(_app.Sql.Commands, 1)[0], StringComparison.Ordinal);
        // The source gave an outcome in words for four of the five rows (the third has none); a narrow row would have none at all.
        var words = response.GetProperty("data").GetProperty("detainers").EnumerateObject()
            .SelectMany(list => list.Value.EnumerateArray())
            .Select(item => item.TryGetProperty("node", out var node) ? node : item)
            .Where(node => node.TryGetProperty("outcomeAsPublished", out _))
            .Select(node => node.GetProperty("outcomeAsPublished").GetString())
            .ToList();
        Assert.Equal(5, words.Count);
        Assert.Equal(4, words.Count(w => !string.IsNullOrEmpty(w)));
    }

    /// <summary>The page's own queries: the <paramref name="count"/> statements that read detainer rows in order.</summary>
    private static List<string> PageQueries(IReadOnlyList<string> commands, int count)
    {
        var pages = commands.Where(c => c.Contains("FROM \"Detainers\"", StringComparison.Ordinal) && c.Contains("ORDER BY", StringComparison.Ordinal)).ToList();
        Assert.True(pages.Count == count, "The SQL: " + string.Join("\n---\n", commands));
        return pages;
    }

    private static IEnumerable<JsonObject> Nodes(JsonNode data)
    {
        var connection = data["detainers"]!.AsObject();
        return connection["nodes"] is JsonArray list
            ? list.Select(x => x!.AsObject())
            : connection["edges"]!.AsArray().Select(e => e!["node"]!.AsObject());
    }
}
