using System.Text.Json;
using DetainerGraph.Tests.Infrastructure;
using Snapshooter.Xunit;

namespace DetainerGraph.Tests.Api;

/// <summary>Global IDs, detainerStats and the weekly report, over the fixture plus the 2017 report files.</summary>
public sealed class NodeAndReportTests : IAsyncLifetime, IDisposable
{
    private readonly TestApp _app = new();

    public async Task InitializeAsync()
    {
        await _app.ImportSampleFileAsync("ddor_reports.csv");
        await _app.ImportSampleFileAsync("ddor_2017w05_section1_top10.csv");
        await _app.ImportSampleFileAsync("ddor_2017_corrections.csv");
        await _app.ImportSampleFileAsync("ddor_2017w05_section3_policies.csv");
        await _app.ImportAsync("fixture.csv", FilterFixture.Detainers);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Every_id_fetches_its_object_again_through_node()
    {
        var data = await _app.DataAsync("""
            {
              detainers(first: 1) { nodes { id charges { id } jurisdiction { id policies { id } } facility { id } week { id report { id } } } }
              weeklyReport(start: "2017-01-28") { sectionOne { id corrections { id } } }
            }
            """);
        var detainer = data.GetProperty("detainers").GetProperty("nodes")[0];
        var entry = data.GetProperty("weeklyReport").GetProperty("sectionOne")[3];
        var ids = new Dictionary<string, string>
        {
            ["Detainer"] = detainer.GetProperty("id").GetString()!,
            ["Charge"] = detainer.GetProperty("charges")[0].GetProperty("id").GetString()!,
            ["Jurisdiction"] = detainer.GetProperty("jurisdiction").GetProperty("id").GetString()!,
            ["Policy"] = detainer.GetProperty("jurisdiction").GetProperty("policies")[0].GetProperty("id").GetString()!,
            ["Facility"] = detainer.GetProperty("facility").GetProperty("id").GetString()!,
            ["Week"] = detainer.GetProperty("week").GetProperty("id").GetString()!,
            ["Report"] = detainer.GetProperty("week").GetProperty("report").GetProperty("id").GetString()!,
            ["SectionOneEntry"] = entry.GetProperty("id").GetString()!,
            ["Correction"] = entry.GetProperty("corrections")[0].GetProperty("id").GetString()!,
        };

        foreach (var (type, id) in ids)
        {
            var node = (await _app.DataAsync("query($id: ID!) { node(id: $id) { __typename id } }", new { id })).GetProperty("node");
            Assert.Equal(type, node.GetProperty("__typename").GetString());
            Assert.Equal(id, node.GetProperty("id").GetString());
        }
        var nodes = (await _app.DataAsync("query($ids: [ID!]!) { nodes(ids: $ids) { __typename } }", new { ids = ids.Values.Reverse().ToArray() })).GetProperty("nodes");
        Assert.Equal(ids.Keys.Reverse(), nodes.EnumerateArray().Select(n => n.GetProperty("__typename").GetString()));
    }

    [Fact]
    public async Task Nodes_keeps_order_gives_null_for_missing_and_refuses_garbage_and_floods()
    {
        var detainer = (await _app.DataAsync("{ detainers(first: 1) { nodes { id } } }")).GetProperty("detainers").GetProperty("nodes")[0].GetProperty("id").GetString();
        var missing = DetainerGraph.Api.GlobalId.Encode("Detainer", 999_999);

        var nodes = (await _app.DataAsync("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", new { ids = new[] { missing, detainer } })).GetProperty("nodes");
        Assert.Equal(JsonValueKind.Null, nodes[0].ValueKind);
        Assert.Equal(detainer, nodes[1].GetProperty("id").GetString());

        var garbage = await _app.QueryAsync("{ node(id: \"%%%\") { id } }");
        Assert.Equal("INVALID_ID", garbage.FirstErrorCode());
        var flood = await _app.QueryAsync("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", new { ids = Enumerable.Repeat(detainer, 51).ToArray() });
        Assert.Equal("TOO_MANY_IDS", flood.FirstErrorCode());
    }

    [Fact]
    public async Task The_weekly_report_returns_section_one_as_published_with_ice_corrections()
    {
        var data = await _app.DataAsync("""
            {
              weeklyReport(start: "2017-01-28") {
                week { start end }
                report { number publishedOn detainersIssuedNationwide }
                totals { detainersRecorded declined decliningJurisdictions detainersIssuedNationwide }
                sectionOne {
                  rank detainersIssued isCorrected
                  jurisdiction { name state fieldOffice }
                  corrections { field oldValue newValue correctedOn reason authority source { fileName line } }
                }
                sectionTwo { totalCount nodes { issuedOn outcomeRecordedOn jurisdiction { name } charges { description status } } }
                sectionThree { name dateEnacted source { line } }
              }
            }
            """);

        Snapshot.Match(Newtonsoft.Json.Linq.JToken.Parse(data.GetRawText()));
    }

    [Theory]
    [InlineData("groupBy: [OUTCOME]", "DECLINED_BY_LEA=2;BOOKED_INTO_DETENTION=1;LIFTED=1;OPEN=1;TRANSFERRED=1")]
    [InlineData("groupBy: [STATE], where: { outcome: { neq: OPEN } }", "TX=3;IL=1;WA=1")]
    [InlineData("groupBy: [FIELD_OFFICE, OUTCOME], where: { jurisdiction: { state: { eq: \"TX\" } } }", "San Antonio/DECLINED_BY_LEA=1;Houston/DECLINED_BY_LEA=1;San Antonio/BOOKED_INTO_DETENTION=1")]
    [InlineData("groupBy: [CHARGE_CATEGORY], where: { charges: { some: { status: { eq: CONVICTION } } } }", "Traffic Offense=2;Assault=1;Dangerous Drugs=1;(null)=1")]
    [InlineData("groupBy: [WEEK]", "2017-01-28=2;(null)=1;2017-02-04=2;2017-04-15=1")]
    [InlineData("groupBy: []", "=6")]
    public async Task DetainerStats_counts_groups_in_the_database(string arguments, string expected)
    {
        var groups = (await _app.DataAsync($"{{ detainerStats({arguments}) {{ count keys {{ state fieldOffice outcome chargeCategory week {{ start }} }} }} }}"))
            .GetProperty("detainerStats").EnumerateArray()
            .Select(g => $"{Label(arguments, g.GetProperty("keys"))}={g.GetProperty("count").GetInt32()}");

        // Ties in count come back in no set order, so both sides are compared as sets of "keys=count".
        Assert.Equal(expected.Split(';').Order(StringComparer.Ordinal), groups.Order(StringComparer.Ordinal));
    }

    /// <summary>The grouped keys of a stats group, joined by '/', in the order the groupBy names them.</summary>
    private static string Label(string arguments, JsonElement keys)
    {
        var dimensions = arguments[(arguments.IndexOf('[', StringComparison.Ordinal) + 1)..arguments.IndexOf(']', StringComparison.Ordinal)]
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return string.Join('/', dimensions.Select(d => d switch
        {
            "STATE" => Text(keys.GetProperty("state")),
            "FIELD_OFFICE" => Text(keys.GetProperty("fieldOffice")),
            "OUTCOME" => Text(keys.GetProperty("outcome")),
            "CHARGE_CATEGORY" => Text(keys.GetProperty("chargeCategory")),
            "WEEK" => keys.GetProperty("week").ValueKind == JsonValueKind.Null ? "(null)" : keys.GetProperty("week").GetProperty("start").GetString()!,
            _ => throw new ArgumentException(d),
        }));

        static string Text(JsonElement value) => value.ValueKind == JsonValueKind.Null ? "(null)" : value.GetString()!;
    }
}
