using System.Text.Json;
using DetainerGraph.Tests.Infrastructure;

namespace DetainerGraph.Tests.Api;

/// <summary>Facility pages, stats on places, Policy.jurisdiction, id filters and negated comparisons, through HTTP.</summary>
public sealed class UiPagesTests : IAsyncLifetime, IDisposable
{
    private readonly TestApp _app = new();

    public async Task InitializeAsync()
    {
        await _app.ImportSampleFileAsync("ddor_reports.csv");
        await _app.ImportSampleFileAsync("ddor_2017w05_section3_policies.csv");
        await _app.ImportAsync("fixture.csv", FilterFixture.Detainers);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _app.Dispose();

    private async Task<JsonElement> TravisAsync() =>
        (await _app.DataAsync("{ jurisdictions(where: { name: { eq: \"Travis County\" } }) { nodes { id facilities { id } } } }"))
            .GetProperty("jurisdictions").GetProperty("nodes")[0];

    [Fact]
    public async Task Facilities_are_a_connection_and_a_facility_lists_its_detainers_and_stats()
    {
        var page = (await _app.DataAsync("{ facilities(where: { state: { eq: \"TX\" } }, order: [{ name: ASC }]) { totalCount nodes { id name } } }")).GetProperty("facilities");
        Assert.Equal(2, page.GetProperty("totalCount").GetInt32());
        Assert.Equal(["Harris County Jail", "Travis County Jail"], page.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("name").GetString()));

        var id = page.GetProperty("nodes")[1].GetProperty("id").GetString();
        var facility = (await _app.DataAsync($"{{ facility(id: \"{id}\") {{ name detainers {{ totalCount nodes {{ issuedOn }} }} stats(groupBy: [OUTCOME], order: KEY_ASC) {{ count keys {{ outcome }} }} }} }}")).GetProperty("facility");
        Assert.Equal(2, facility.GetProperty("detainers").GetProperty("totalCount").GetInt32());
        Assert.Equal(["2017-01-20", "2017-01-25"], facility.GetProperty("detainers").GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("issuedOn").GetString()));
        Assert.Equal(["BOOKED_INTO_DETENTION=1", "DECLINED_BY_LEA=1"],
            facility.GetProperty("stats").EnumerateArray().Select(g => $"{g.GetProperty("keys").GetProperty("outcome").GetString()}={g.GetProperty("count").GetInt32()}"));
    }

    [Fact]
    public async Task A_jurisdiction_counts_its_detainers_by_year_with_outcomes()
    {
        var travis = await TravisAsync();
        var stats = (await _app.DataAsync($"{{ jurisdiction(id: \"{travis.GetProperty("id").GetString()}\") {{ stats(groupBy: [ISSUED_YEAR]) {{ count keys {{ issuedYear {{ label }} }} outcomes {{ outcome count }} }} }} }}"))
            .GetProperty("jurisdiction").GetProperty("stats");
        var year = Assert.Single(stats.EnumerateArray());
        Assert.Equal("2017", year.GetProperty("keys").GetProperty("issuedYear").GetProperty("label").GetString());
        Assert.Equal(2, year.GetProperty("count").GetInt32());
        Assert.Equal(2, year.GetProperty("outcomes").GetArrayLength());
    }

    [Fact]
    public async Task A_policy_says_whose_policy_it_is()
    {
        var policies = (await _app.DataAsync("{ jurisdictions(first: 100) { nodes { id policies { jurisdiction { id } } } } }"))
            .GetProperty("jurisdictions").GetProperty("nodes").EnumerateArray()
            .SelectMany(j => j.GetProperty("policies").EnumerateArray().Select(p => (Owner: j.GetProperty("id").GetString(), Said: p.GetProperty("jurisdiction").GetProperty("id").GetString())))
            .ToList();
        Assert.NotEmpty(policies);
        Assert.All(policies, p => Assert.Equal(p.Owner, p.Said));
    }

    [Fact]
    public async Task An_id_filter_takes_the_global_ids_a_client_holds()
    {
        var travis = await TravisAsync();
        var id = travis.GetProperty("id").GetString();
        var data = await _app.DataAsync($$"""
            {
              eq: detainers(where: { jurisdiction: { id: { eq: "{{id}}" } } }) { totalCount }
              nin: detainers(where: { jurisdiction: { id: { nin: ["{{id}}"] } } }) { totalCount }
              facility: facilities(where: { id: { in: ["{{travis.GetProperty("facilities")[0].GetProperty("id").GetString()}}"] } }) { nodes { name } }
            }
            """);
        Assert.Equal(2, data.GetProperty("eq").GetProperty("totalCount").GetInt32());
        Assert.Equal(4, data.GetProperty("nin").GetProperty("totalCount").GetInt32());
        Assert.Equal("Travis County Jail", data.GetProperty("facility").GetProperty("nodes")[0].GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("RmFjaWxpdHk6MQ", "ID_TYPE_MISMATCH")]
    [InlineData("not-an-id", "INVALID_ID")]
    public async Task An_id_of_the_wrong_type_is_a_coded_error(string id, string code)
    {
        var result = await _app.QueryAsync($"{{ detainers(where: {{ jurisdiction: {{ id: {{ eq: \"{id}\" }} }} }}) {{ totalCount }} }}");
        Assert.Equal(code, result.FirstErrorCode());
    }

    [Theory]
    [InlineData("ngt: \"2017-01-20\"", "d1,d3,d4")]
    [InlineData("ngte: \"2017-01-20\"", "d3,d4")]
    [InlineData("nlt: \"2017-01-25\"", "d2,d5,d6")]
    [InlineData("nlte: \"2017-01-25\"", "d5,d6")]
    public async Task Negated_comparisons_hold_where_the_comparison_does_not(string condition, string expected)
    {
        var data = await _app.DataAsync($"{{ detainers(where: {{ issuedOn: {{ {condition} }} }}, order: [{{ issuedOn: ASC }}]) {{ nodes {{ issuedOn }} }} }}");
        var issued = new Dictionary<string, string> { ["2017-01-20"] = "d1", ["2017-01-25"] = "d2", ["2016-12-01"] = "d3", ["2017-01-02"] = "d4", ["2017-02-08"] = "d5", ["2017-04-10"] = "d6" };
        Assert.Equal(expected, string.Join(",", data.GetProperty("detainers").GetProperty("nodes").EnumerateArray().Select(n => issued[n.GetProperty("issuedOn").GetString()!]).Order(StringComparer.Ordinal)));
    }
}
