using System.Text.Json;
using DetainerGraph.Tests.Infrastructure;
using Snapshooter.Xunit;

namespace DetainerGraph.Tests.Api;

public sealed class QueryTests : IAsyncLifetime, IDisposable
{
    private readonly TestApp _app = new();

    public async Task InitializeAsync()
    {
        await _app.ImportAsync("reports.csv", SampleRows.Reports);
        await _app.ImportAsync("section2.csv", SampleRows.SectionTwo);
        await _app.ImportAsync("section3.csv", SampleRows.SectionThree);
        await _app.ImportAsync("pa.csv", SampleRows.Foia);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task A_detainer_page_carries_its_jurisdiction_facility_week_charges_and_provenance()
    {
        var data = await _app.DataAsync("""
            {
              detainers(first: 2) {
                totalCount
                pageInfo { hasNextPage hasPreviousPage }
                nodes {
                  issuedOn outcome outcomeAsPublished outcomeRecordedOn detainerType citizenship
                  jurisdiction { name state kind fips fieldOffice policies { name dateEnacted enactedOn } }
                  facility { name city state }
                  week { start end report { number publishedOn detainersIssuedNationwide } }
                  charges { description ncicCode category status }
                  source { line url fileName format kind section syntheticSeed }
                }
              }
            }
            """);

        Snapshot.Match(Newtonsoft.Json.Linq.JToken.Parse(data.GetRawText()));
    }

    [Fact]
    public async Task Pages_follow_each_other_without_gaps_or_repeats()
    {
        const string Page = "query($after: String) { detainers(first: 3, after: $after) { totalCount pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { id } } } }";

        var first = (await _app.DataAsync(Page)).GetProperty("detainers");
        var second = (await _app.DataAsync(Page, new { after = first.GetProperty("pageInfo").GetProperty("endCursor").GetString() })).GetProperty("detainers");

        Assert.Equal(8, first.GetProperty("totalCount").GetInt32());
        Assert.True(first.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());
        Assert.False(first.GetProperty("pageInfo").GetProperty("hasPreviousPage").GetBoolean());
        Assert.True(second.GetProperty("pageInfo").GetProperty("hasPreviousPage").GetBoolean());
        var ids = Ids(first).Concat(Ids(second)).ToList();
        Assert.Equal(6, ids.Distinct().Count());

        var rest = (await _app.DataAsync(Page, new { after = second.GetProperty("pageInfo").GetProperty("endCursor").GetString() })).GetProperty("detainers");
        Assert.Equal(2, Ids(rest).Count());
        Assert.False(rest.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());

        static IEnumerable<string> Ids(JsonElement connection) =>
            connection.GetProperty("edges").EnumerateArray().Select(e => e.GetProperty("node").GetProperty("id").GetString()!);
    }

    [Theory]
    [InlineData("{ detainers(first: 101) { totalCount } }", "PAGE_SIZE_OUT_OF_RANGE")]
    [InlineData("{ detainers(first: -1) { totalCount } }", "PAGE_SIZE_OUT_OF_RANGE")]
    [InlineData("{ detainers(after: \"not-a-cursor\") { totalCount } }", "INVALID_CURSOR")]
    [InlineData("{ detainer(id: \"garbage!\") { id } }", "INVALID_ID")]
    [InlineData("{ week(start: \"2017-01-29\") { start } }", "NOT_A_WEEK_START")]
    public async Task Bad_arguments_get_a_clear_error_code(string query, string code)
    {
        var result = await _app.QueryAsync(query);

        var error = Assert.Single(result.GetProperty("errors").EnumerateArray());
        Assert.Equal(code, error.Code());
    }

    // The right type with a key the server never writes ("Detainer:abc", "Jurisdiction:1x", "Facility:-1",
    // "Week:2017-02-30"): not an ID, the same INVALID_ID from an ID argument, from node and nodes, as from a mutation.
    [Theory]
    [InlineData("{ detainer(id: \"RGV0YWluZXI6YWJj\") { id } }")]
    [InlineData("{ node(id: \"RGV0YWluZXI6YWJj\") { id } }")]
    [InlineData("{ nodes(ids: [\"RGV0YWluZXI6YWJj\"]) { id } }")]
    [InlineData("{ jurisdiction(id: \"SnVyaXNkaWN0aW9uOjF4\") { id } }")]
    [InlineData("{ facility(id: \"RmFjaWxpdHk6LTE\") { id } }")]
    [InlineData("{ node(id: \"V2VlazoyMDE3LTAyLTMw\") { id } }")]
    public async Task An_id_whose_key_cannot_exist_is_invalid_from_queries_as_from_mutations(string query)
    {
        var result = await _app.QueryAsync(query);

        var error = Assert.Single(result.GetProperty("errors").EnumerateArray());
        Assert.Equal("INVALID_ID", error.Code());
    }

    [Theory]
    [InlineData("detainer")]
    [InlineData("node")]
    public async Task The_well_formed_id_of_nothing_is_null_without_an_error(string field)
    {
        var result = await _app.QueryAsync($"{{ {field}(id: \"RGV0YWluZXI6OTk5OTk5OTk5\") {{ id }} }}");

        Assert.False(result.TryGetProperty("errors", out _));
        Assert.Equal(JsonValueKind.Null, result.GetProperty("data").GetProperty(field).ValueKind);
    }

    [Fact]
    public async Task An_id_of_one_type_is_refused_where_another_is_expected()
    {
        var week = (await _app.DataAsync("{ weeks(first: 1) { nodes { id } } }")).GetProperty("weeks").GetProperty("nodes")[0].GetProperty("id").GetString();

        var result = await _app.QueryAsync("query($id: ID!) { detainer(id: $id) { id } }", new { id = week });

        var error = Assert.Single(result.GetProperty("errors").EnumerateArray());
        Assert.Equal("ID_TYPE_MISMATCH", error.Code());
        Assert.Contains("Week", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Root_lookups_round_trip_their_ids()
    {
        var node = (await _app.DataAsync("{ detainers(first: 1) { nodes { id jurisdiction { id name } } } }")).GetProperty("detainers").GetProperty("nodes")[0];

        var detainer = (await _app.DataAsync("query($id: ID!) { detainer(id: $id) { id } }", new { id = node.GetProperty("id").GetString() })).GetProperty("detainer");
        var jurisdiction = (await _app.DataAsync("query($id: ID!) { jurisdiction(id: $id) { name detainers { totalCount } } }",
            new { id = node.GetProperty("jurisdiction").GetProperty("id").GetString() })).GetProperty("jurisdiction");
        var week = (await _app.DataAsync("{ week(start: \"2017-01-28\") { end report { number } detainers { totalCount } } }")).GetProperty("week");

        Assert.Equal(node.GetProperty("id").GetString(), detainer.GetProperty("id").GetString());
        Assert.Equal("Travis County", jurisdiction.GetProperty("name").GetString());
        Assert.Equal(3, jurisdiction.GetProperty("detainers").GetProperty("totalCount").GetInt32());
        Assert.Equal("2017-02-03", week.GetProperty("end").GetString());
        Assert.Equal(1, week.GetProperty("report").GetProperty("number").GetInt32());
        Assert.Equal(3, week.GetProperty("detainers").GetProperty("totalCount").GetInt32());
    }

    [Fact]
    public async Task Every_object_of_a_list_gets_the_fields_its_selection_collects_with_fragments_merges_and_directives()
    {
        // Fields are collected once per type and selection in a request (SerialFieldCollectionCache), then shared by
        // every row: the answer must be the plain query's, row for row, with merged selections, fragments, @skip and
        // @include from variables, and an interface list whose items are of different types.
        var plain = await _app.DataAsync("""
            {
              detainers(first: 20) { nodes { id outcome facility { name city } issuedOn detainerType jurisdiction { name } } }
            }
            """);
        var shaped = await _app.DataAsync("""
            query($yes: Boolean!, $no: Boolean!) {
              detainers(first: 20) {
                nodes {
                  id
                  ...Outcome
                  facility { name }
                  placeOfBirth @include(if: $no)
                  facility { city }
                  issuedOn @skip(if: $no)
                  citizenship @skip(if: $yes)
                  ... on Detainer { detainerType jurisdiction { ...Name } }
                }
              }
            }
            fragment Outcome on Detainer { outcome @include(if: $yes) }
            fragment Name on Jurisdiction { name }
            """, new { yes = true, no = false });
        Assert.Equal(plain.GetRawText(), shaped.GetRawText());
        Assert.True(plain.GetProperty("detainers").GetProperty("nodes").GetArrayLength() > 2);

        var first = plain.GetProperty("detainers").GetProperty("nodes")[0];
        var detainerId = first.GetProperty("id").GetString();
        var jurisdictionId = (await _app.DataAsync("{ jurisdictions(first: 1) { nodes { id } } }")).GetProperty("jurisdictions").GetProperty("nodes")[0].GetProperty("id").GetString();
        var mixed = await _app.DataAsync("""
            query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Detainer { outcome } ... on Jurisdiction { name } } }
            """, new { ids = new[] { detainerId, jurisdictionId, detainerId } });
        var items = mixed.GetProperty("nodes").EnumerateArray().ToList();
        Assert.Equal(["id", "outcome"], items[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(["id", "name"], items[1].EnumerateObject().Select(p => p.Name));
        Assert.Equal(items[0].GetRawText(), items[2].GetRawText());
        Assert.Equal(first.GetProperty("outcome").GetString(), items[0].GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task The_same_document_asked_again_with_other_directive_values_collects_its_fields_anew()
    {
        // The document is parsed once and cached, so its selection sets are the same objects in every request; the
        // fields collected for a selection may be shared within one request only, never carried into the next.
        const string query = """
            query($show: Boolean!) { detainers(first: 3) { nodes { id outcome @include(if: $show) issuedOn @skip(if: $show) } } }
            """;
        foreach (var show in new[] { true, false, true, false })
        {
            var nodes = (await _app.DataAsync(query, new { show })).GetProperty("detainers").GetProperty("nodes");
            Assert.Equal(3, nodes.GetArrayLength());
            foreach (var node in nodes.EnumerateArray())
            {
                Assert.Equal(show ? ["id", "outcome"] : ["id", "issuedOn"], node.EnumerateObject().Select(p => p.Name));
            }
        }
    }
}
