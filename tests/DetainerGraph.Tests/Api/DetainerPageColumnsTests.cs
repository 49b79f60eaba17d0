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

    // Each page with its node's selection left open: the test closes it, once as it is and once with WideFields added.
    public static TheoryData<string, string> NarrowPages => new()
    {
        { "detainers(first: 50, order: [{ issuedOn: DESC }]) { nodes { id issuedOn outcome detainerType facility { name city state } ", "} }" },
        { "detainers(first: 50, order: [{ issuedOn: DESC }], where: { outcome: { eq: DECLINED_BY_LEA } }) { totalCount nodes { id issuedOn outcome facility { name city } ", "} }" },
        { "detainers(last: 3, order: [{ issuedOn: ASC }]) { pageInfo { hasNextPage endCursor } totalCount syntheticExcluded nodes { __typename id isSynthetic retracted outcome ", "} }" },
        { $"detainers(first: 2, after: \"{KeysetCursors.Detainer(q => q.OrderBy(d => d.Id), 1L)}\") {{ edges {{ cursor node {{ id issuedOn detainerType ", "} } }" },
        { "detainers(first: 5, order: [{ issuedOnOrAfter: DESC }]) { edges { cursor node { id issuedOnOrAfter outcome ", "} } }" },
    };

    [Theory]
    [MemberData(nameof(NarrowPages))]
    public async Task A_narrow_page_reads_only_its_columns_and_answers_as_the_whole_row_does(string page, string close)
    {
        await ImportAsync();
        _app.Sql.Clear();
        var narrow = await _app.QueryAsync("{ " + page + close + " }");
        var narrowSql = PageQuery(_app.Sql.Commands);
        _app.Sql.Clear();
        var wide = await _app.QueryAsync("{ " + page + WideFields + " " + close + " }");
        var wideSql = PageQuery(_app.Sql.Commands);

        Assert.False(narrow.TryGetProperty("errors", out _), narrow.GetRawText());
        Assert.DoesNotContain("\"OutcomeAsPublished\"", narrowSql, StringComparison.Ordinal);
        Assert.Contains("\"OutcomeAsPublished\"", wideSql, StringComparison.Ordinal);
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
        Assert.Contains("\"OutcomeAsPublished\"", PageQuery(_app.Sql.Commands), StringComparison.Ordinal);
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

    /// <summary>The page's own query: the one statement that reads detainer rows in order.</summary>
    private static string PageQuery(IReadOnlyList<string> commands)
    {
        var pages = commands.Where(c => c.Contains("FROM \"Detainers\"", StringComparison.Ordinal) && c.Contains("ORDER BY", StringComparison.Ordinal)).ToList();
        Assert.True(pages.Count == 1, "The SQL: " + string.Join("\n---\n", commands));
        return pages[0];
    }

    private static IEnumerable<JsonObject> Nodes(JsonNode data)
    {
        var connection = data["detainers"]!.AsObject();
        return connection["nodes"] is JsonArray list
            ? list.Select(x => x!.AsObject())
            : connection["edges"]!.AsArray().Select(e => e!["node"]!.AsObject());
    }
}
