using System.Net;
using System.Text.Json;
using DetainerGraph.Api;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Tests.Truth;

/// <summary>
/// Over the shipped sample data: the fields the frontend API added (a facility's detainers, the stats of a
/// jurisdiction or facility, <c>detainerGroups</c> and the exports) answer from published sources like every other
/// detainer field, say how many synthetic records they left out, and include them when asked.
/// </summary>
public sealed class PlacesStatsAndExportsPublishedByDefaultTests(SampleDataApp sample) : IClassFixture<SampleDataApp>
{
    private TestApp App => sample.App;

    private Task<int> CountAsync(bool synthetic) => App.WithDbAsync(db => db.Detainers.CountAsync(d => d.IsSynthetic == synthetic && !d.Retracted));

    private static IEnumerable<bool> Flags(JsonElement connection) =>
        connection.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("isSynthetic").GetBoolean());

    private static Dictionary<string, int> ByKind(JsonElement groups) =>
        groups.EnumerateArray().ToDictionary(g => g.GetProperty("keys").GetProperty("sourceKind").GetString()!, g => g.GetProperty("count").GetInt32());

    [Fact]
    public async Task A_facilitys_detainers_and_stats_leave_the_demo_out_unless_asked()
    {
        var facilityId = await App.WithDbAsync(db => db.Detainers.Where(d => d.IsSynthetic && d.FacilityId != null && !d.Retracted)
            .GroupBy(d => d.FacilityId!.Value).OrderByDescending(g => g.Count()).Select(g => g.Key).FirstAsync());
        var counts = await App.WithDbAsync(db => db.Detainers.Where(d => d.FacilityId == facilityId && !d.Retracted)
            .GroupBy(d => d.IsSynthetic).ToDictionaryAsync(g => g.Key, g => g.Count()));
        var published = counts.GetValueOrDefault(false);
        var synthetic = counts[true];

        var data = await App.DataAsync("""
            query($id: ID!) { facility(id: $id) {
              shown: detainers(first: 100) { totalCount syntheticExcluded nodes { isSynthetic } }
              all: detainers(first: 100, includeSynthetic: true) { totalCount syntheticExcluded nodes { isSynthetic } }
              total: stats(groupBy: []) { count syntheticExcluded }
              byKind: stats(groupBy: [SOURCE_KIND], includeSynthetic: true) { count syntheticExcluded keys { sourceKind } }
            } }
            """, new { id = GlobalId.Encode("Facility", facilityId) });

        var facility = data.GetProperty("facility");
        Assert.Equal(published, facility.GetProperty("shown").GetProperty("totalCount").GetInt32());
        Assert.Equal(synthetic, facility.GetProperty("shown").GetProperty("syntheticExcluded").GetInt32());
        Assert.All(Flags(facility.GetProperty("shown")), Assert.False);
        Assert.Equal(published + synthetic, facility.GetProperty("all").GetProperty("totalCount").GetInt32());
        Assert.Equal(JsonValueKind.Null, facility.GetProperty("all").GetProperty("syntheticExcluded").ValueKind);
        Assert.Contains(true, Flags(facility.GetProperty("all")));
        var total = Assert.Single(facility.GetProperty("total").EnumerateArray());
        Assert.Equal(published, total.GetProperty("count").GetInt32());
        Assert.Equal(synthetic, total.GetProperty("syntheticExcluded").GetInt32());
        var expected = new Dictionary<string, int> { ["SYNTHETIC"] = synthetic };
        if (published > 0)
        {
            expected["FILE"] = published;
        }
        Assert.Equal(expected, ByKind(facility.GetProperty("byKind")));
        Assert.All(facility.GetProperty("byKind").EnumerateArray(), g => Assert.Equal(JsonValueKind.Null, g.GetProperty("syntheticExcluded").ValueKind));
    }

    [Fact]
    public async Task A_jurisdictions_stats_count_published_detainers_and_the_demo_only_when_asked()
    {
        var jurisdictionId = await App.WithDbAsync(db => db.Detainers.Where(d => d.IsSynthetic && d.JurisdictionId != null && !d.Retracted)
            .GroupBy(d => d.JurisdictionId!.Value).OrderByDescending(g => g.Count()).Select(g => g.Key).FirstAsync());
        var counts = await App.WithDbAsync(db => db.Detainers.Where(d => d.JurisdictionId == jurisdictionId && !d.Retracted)
            .GroupBy(d => d.IsSynthetic).ToDictionaryAsync(g => g.Key, g => g.Count()));
        var synthetic = counts[true];
        var published = counts.GetValueOrDefault(false);

        var data = await App.DataAsync("""
            query($id: ID!) { jurisdiction(id: $id) {
              total: stats(groupBy: []) { count syntheticExcluded outcomes { outcome count } }
              all: stats(groupBy: [], includeSynthetic: true) { count syntheticExcluded }
              demo: stats(groupBy: [SOURCE_KIND], where: { sourceKind: { eq: SYNTHETIC } }) { count keys { sourceKind } }
            } }
            """, new { id = GlobalId.Encode("Jurisdiction", jurisdictionId) });

        var jurisdiction = data.GetProperty("jurisdiction");
        var total = Assert.Single(jurisdiction.GetProperty("total").EnumerateArray());
        Assert.Equal(published, total.GetProperty("count").GetInt32());
        Assert.Equal(synthetic, total.GetProperty("syntheticExcluded").GetInt32());
        Assert.Equal(published, total.GetProperty("outcomes").EnumerateArray().Sum(o => o.GetProperty("count").GetInt32()));
        var all = Assert.Single(jurisdiction.GetProperty("all").EnumerateArray());
        Assert.Equal(published + synthetic, all.GetProperty("count").GetInt32());
        Assert.Equal(JsonValueKind.Null, all.GetProperty("syntheticExcluded").ValueKind);
        Assert.Equal(new Dictionary<string, int> { ["SYNTHETIC"] = synthetic }, ByKind(jurisdiction.GetProperty("demo")));
    }

    [Fact]
    public async Task Detainer_groups_page_published_groups_and_count_the_synthetic_detainers_left_out()
    {
        var published = await CountAsync(false);
        var synthetic = await CountAsync(true);

        var data = await App.DataAsync("""
            {
              shown: detainerGroups(groupBy: [SOURCE_KIND]) { totalCount syntheticExcluded nodes { count syntheticExcluded keys { sourceKind } } }
              everything: detainerGroups(groupBy: []) { totalCount syntheticExcluded nodes { count syntheticExcluded } }
              all: detainerGroups(groupBy: [SOURCE_KIND], includeSynthetic: true) { totalCount syntheticExcluded nodes { count syntheticExcluded keys { sourceKind } } }
            }
            """);

        var shown = data.GetProperty("shown");
        Assert.Equal(1, shown.GetProperty("totalCount").GetInt32());
        Assert.Equal(synthetic, shown.GetProperty("syntheticExcluded").GetInt32());
        var file = Assert.Single(shown.GetProperty("nodes").EnumerateArray());
        Assert.Equal(("FILE", published, 0), (file.GetProperty("keys").GetProperty("sourceKind").GetString(), file.GetProperty("count").GetInt32(), file.GetProperty("syntheticExcluded").GetInt32()));
        var everything = Assert.Single(data.GetProperty("everything").GetProperty("nodes").EnumerateArray());
        Assert.Equal((published, synthetic), (everything.GetProperty("count").GetInt32(), everything.GetProperty("syntheticExcluded").GetInt32()));
        var all = data.GetProperty("all");
        Assert.Equal(2, all.GetProperty("totalCount").GetInt32());
        Assert.Equal(JsonValueKind.Null, all.GetProperty("syntheticExcluded").ValueKind);
        Assert.Equal(new Dictionary<string, int> { ["FILE"] = published, ["SYNTHETIC"] = synthetic }, ByKind(all.GetProperty("nodes")));
    }

    [Fact]
    public async Task The_detainer_export_holds_published_rows_unless_the_url_asks_for_synthetic_ones()
    {
        var jurisdictionId = await App.WithDbAsync(db => db.Detainers.Where(d => d.IsSynthetic && d.JurisdictionId != null && !d.Retracted)
            .GroupBy(d => d.JurisdictionId!.Value).OrderByDescending(g => g.Count()).Select(g => g.Key).FirstAsync());
        var counts = await App.WithDbAsync(db => db.Detainers.Where(d => d.JurisdictionId == jurisdictionId && !d.Retracted)
            .GroupBy(d => d.IsSynthetic).ToDictionaryAsync(g => g.Key, g => g.Count()));
        var where = Uri.EscapeDataString("{\"jurisdiction\":{\"id\":{\"eq\":\"" + GlobalId.Encode("Jurisdiction", jurisdictionId) + "\"}}}");

        var shown = await RowsAsync($"/export/detainers.ndjson?where={where}");
        var all = await RowsAsync($"/export/detainers.ndjson?where={where}&includeSynthetic=true");

        Assert.Equal(counts.GetValueOrDefault(false), shown.Count);
        Assert.All(shown, r => Assert.Equal("FILE", r.GetProperty("sourceKind").GetString()));
        Assert.Equal(counts.GetValueOrDefault(false) + counts[true], all.Count);
        Assert.Equal(counts[true], all.Count(r => r.GetProperty("sourceKind").GetString() == "SYNTHETIC"));
    }

    [Fact]
    public async Task The_stats_export_counts_published_detainers_unless_the_url_asks_for_synthetic_ones()
    {
        var published = await CountAsync(false);
        var synthetic = await CountAsync(true);

        var shown = await RowsAsync("/export/detainer-stats.ndjson?groupBy=SOURCE_KIND");
        var all = await RowsAsync("/export/detainer-stats.ndjson?groupBy=SOURCE_KIND&includeSynthetic=true");

        var row = Assert.Single(shown);
        Assert.Equal(("FILE", published), (row.GetProperty("sourceKind").GetString(), row.GetProperty("count").GetInt32()));
        Assert.Equal(new Dictionary<string, int> { ["FILE"] = published, ["SYNTHETIC"] = synthetic },
            all.ToDictionary(r => r.GetProperty("sourceKind").GetString()!, r => r.GetProperty("count").GetInt32()));
    }

    private async Task<List<JsonElement>> RowsAsync(string url)
    {
        using var client = App.CreateClient();
        using var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return [.. body.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone())];
    }
}
