using System.Text.Json;
using DetainerGraph.Tests.Infrastructure;
using Snapshooter.Xunit;

namespace DetainerGraph.Tests.Api;

/// <summary>The HotChocolate.Data conventions: where, order and cursor paging, over a fixed dataset.</summary>
public sealed class FilterSortPagingTests : IAsyncLifetime, IDisposable
{
    private readonly TestApp _app = new();

    public async Task InitializeAsync() => await _app.ImportAsync("fixture.csv", FilterFixture.Detainers);

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _app.Dispose();

    /// <summary>The fixture keys (d1..d6) of the detainers a where/order returns, in order.</summary>
    private async Task<List<string>> KeysAsync(string arguments)
    {
        var data = await _app.DataAsync($"{{ detainers({arguments}) {{ nodes {{ source {{ line }} }} }} }}");
        var lines = data.GetProperty("detainers").GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("source").GetProperty("line").GetInt32());
        return [.. lines.Select(line => FixtureKeyAt(line))];
    }

    private static string FixtureKeyAt(int line) =>
        FilterFixture.Detainers.Split('\n')[line - 1].Split(',')[0];

    [Theory]
    [InlineData("where: { citizenship: { eq: \"Mexico\" } }", "d1 d3")]
    [InlineData("where: { citizenship: { eq: null } }", "d4")]
    [InlineData("where: { citizenship: { neq: \"Mexico\" } }", "d2 d4 d5 d6")]
    [InlineData("where: { citizenship: { in: [\"Poland\", \"Guatemala\"] } }", "d5 d6")]
    [InlineData("where: { citizenship: { nin: [\"Mexico\", \"Honduras\"] } }", "d4 d5 d6")]
    [InlineData("where: { citizenship: { startsWith: \"Hon\" } }", "d2")]
    [InlineData("where: { citizenship: { contains: \"exic\" } }", "d1 d3")]
    [InlineData("where: { citizenship: { contains: \"MEXIC\" } }", "")]
    [InlineData("where: { citizenship: { containsIgnoreCase: \"MEXIC\" } }", "d1 d3")]
    [InlineData("where: { citizenship: { eqIgnoreCase: \"poland\" } }", "d6")]
    [InlineData("where: { citizenship: { ncontains: \"a\" } }", "d1 d3 d4")]
    [InlineData("where: { citizenship: { endsWith: \"o\" } }", "d1 d3")]
    [InlineData("where: { issuedOn: { gte: \"2017-01-20\", lt: \"2017-02-08\" } }", "d1 d2")]
    [InlineData("where: { outcomeRecordedOn: { eq: null } }", "d4")]
    [InlineData("where: { issuedOn: { in: [\"2017-01-02\", \"2017-04-10\"] } }", "d4 d6")]
    [InlineData("where: { outcome: { eq: DECLINED_BY_LEA } }", "d1 d3")]
    [InlineData("where: { outcome: { nin: [DECLINED_BY_LEA, OPEN] } }", "d2 d5 d6")]
    [InlineData("where: { detainerType: { in: [I247N, I247X] } }", "d3 d5")]
    [InlineData("where: { jurisdiction: { state: { eq: \"TX\" } } }", "d1 d2 d3")]
    [InlineData("where: { jurisdiction: { fieldOffice: { eq: \"San Antonio\" } } }", "d1 d2")]
    [InlineData("where: { facility: { city: { eq: \"Chicago\" } } }", "d6")]
    [InlineData("where: { week: { start: { eq: \"2017-01-28\" } } }", "d1 d2")]
    [InlineData("where: { charges: { some: { status: { eq: CONVICTION } } } }", "d1 d3 d5")]
    [InlineData("where: { charges: { all: { status: { eq: CONVICTION } } } }", "d3 d5")]
    [InlineData("where: { charges: { none: { category: { eq: \"Assault\" } } } }", "d1 d4 d5 d6")]
    [InlineData("where: { charges: { some: { ncicCode: { eq: \"5404\" } } } }", "d1")]
    [InlineData("where: { charges: { any: true } }", "d1 d2 d3 d4 d5 d6")]
    [InlineData("where: { or: [{ citizenship: { eq: \"Poland\" } }, { outcome: { eq: LIFTED } }] }", "d5 d6")]
    [InlineData("where: { and: [{ jurisdiction: { state: { eq: \"TX\" } } }, { outcome: { neq: BOOKED_INTO_DETENTION } }] }", "d1 d3")]
    [InlineData("where: { citizenship: { or: [{ eq: \"Poland\" }, { eq: \"Honduras\" }] } }", "d2 d6")]
    public async Task Where_filters_match_exactly_the_expected_detainers(string arguments, string expected) =>
        Assert.Equal(expected.Split(' ', StringSplitOptions.RemoveEmptyEntries), await KeysAsync(arguments));

    [Theory]
    [InlineData("order: [{ issuedOn: DESC }]", "d6 d5 d2 d1 d4 d3")]
    [InlineData("order: [{ jurisdiction: { state: ASC } }, { issuedOn: DESC }]", "d6 d4 d2 d1 d3 d5")]
    [InlineData("order: [{ citizenship: ASC }]", "d4 d5 d2 d1 d3 d6")]
    [InlineData("order: [{ outcome: ASC }], where: { jurisdiction: { state: { eq: \"TX\" } } }", "d2 d1 d3")]
    public async Task Order_sorts_by_several_keys_and_breaks_ties_by_id(string arguments, string expected) =>
        Assert.Equal(expected.Split(' '), await KeysAsync(arguments));

    [Fact]
    public async Task Forward_and_backward_pages_cover_the_list_once_each_way()
    {
        const string Page = """
            query($first: Int, $after: String, $last: Int, $before: String) {
              detainers(first: $first, after: $after, last: $last, before: $before, order: [{ issuedOn: ASC }]) {
                pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
                nodes { issuedOn }
              }
            }
            """;
        async Task<JsonElement> PageAsync(object variables) => (await _app.DataAsync(Page, variables)).GetProperty("detainers");
        static List<string> Dates(JsonElement page) => [.. page.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("issuedOn").GetString()!)];

        var forward = new List<string>();
        var page = await PageAsync(new { first = 4 });
        forward.AddRange(Dates(page));
        Assert.True(page.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());
        page = await PageAsync(new { first = 4, after = page.GetProperty("pageInfo").GetProperty("endCursor").GetString() });
        forward.AddRange(Dates(page));
        Assert.False(page.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());
        Assert.True(page.GetProperty("pageInfo").GetProperty("hasPreviousPage").GetBoolean());

        var backward = new List<string>();
        page = await PageAsync(new { last = 4 });
        backward.InsertRange(0, Dates(page));
        Assert.True(page.GetProperty("pageInfo").GetProperty("hasPreviousPage").GetBoolean());
        Assert.False(page.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());
        page = await PageAsync(new { last = 4, before = page.GetProperty("pageInfo").GetProperty("startCursor").GetString() });
        backward.InsertRange(0, Dates(page));
        Assert.False(page.GetProperty("pageInfo").GetProperty("hasPreviousPage").GetBoolean());
        Assert.True(page.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());

        Assert.Equal(["2016-12-01", "2017-01-02", "2017-01-20", "2017-01-25", "2017-02-08", "2017-04-10"], forward);
        Assert.Equal(forward, backward);
    }

    [Theory]
    [InlineData("first: 101", "PAGE_SIZE_OUT_OF_RANGE")]
    [InlineData("last: -5", "PAGE_SIZE_OUT_OF_RANGE")]
    [InlineData("first: 2, last: 2", "INVALID_PAGING_ARGUMENTS")]
    [InlineData("before: \"bm9wZQ\"", "INVALID_CURSOR")]
    [InlineData("where: { citizenship: { contains: null } }", "INVALID_FILTER")]
    [InlineData("where: { issuedOn: { gt: null } }", "INVALID_FILTER")]
    public async Task Bad_paging_and_filter_arguments_are_clear_errors(string arguments, string code)
    {
        var result = await _app.QueryAsync($"{{ detainers({arguments}) {{ totalCount }} }}");

        Assert.Equal(code, result.FirstErrorCode());
        // Connections are nullable, as in HotChocolate: one bad field leaves the rest of the response intact.
        Assert.Equal(JsonValueKind.Null, result.GetProperty("data").GetProperty("detainers").ValueKind);
    }

    [Fact]
    public async Task Nested_connections_filter_too()
    {
        var data = await _app.DataAsync("""
            {
              jurisdictions(where: { state: { eq: "TX" } }, order: [{ name: DESC }]) {
                nodes { name detainers(where: { outcome: { eq: DECLINED_BY_LEA } }) { totalCount } }
              }
            }
            """);

        Snapshot.Match(Newtonsoft.Json.Linq.JToken.Parse(data.GetRawText()));
    }

    [Fact]
    public async Task A_page_of_detainers_costs_the_same_statements_whatever_its_size()
    {
        const string Query = """
            query($n: Int) {
              detainers(first: $n, order: [{ issuedOn: DESC }]) {
                totalCount
                nodes {
                  id issuedOn outcome
                  jurisdiction { name policies { name } corrections { reason } }
                  facility { name jurisdiction { name } }
                  week { start report { number } }
                  charges { description category detainer { id } }
                  source { fileName line }
                  corrections { reason }
                }
              }
            }
            """;

        var one = TestApp.SqlStatements(await _app.QueryAsync(Query, new { n = 1 }));
        var all = TestApp.SqlStatements(await _app.QueryAsync(Query, new { n = 100 }));

        // Page, count, then one batch per loader: jurisdictions, their policies and corrections, facilities,
        // facility jurisdictions, reports, charges, charge detainers, sources, detainer corrections.
        Assert.Equal(one, all);
        Assert.InRange(all, 2, 12);
    }
}
