using System.Text.Json;
using DetainerGraph.Data;
using DetainerGraph.Import;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Tests.Truth;

/// <summary>
/// Over the shipped sample data: every field that lists or counts detainers or charges answers from published
/// sources unless asked, says how many synthetic records it left out, and includes them when asked.
/// </summary>
public sealed class PublishedByDefaultTests(SampleDataApp sample) : IClassFixture<SampleDataApp>
{
    private TestApp App => sample.App;

    private Task<int> PublishedDetainersAsync() => App.WithDbAsync(db => db.Detainers.CountAsync(d => !d.IsSynthetic && !d.Retracted));

    private Task<int> SyntheticDetainersAsync() => App.WithDbAsync(db => db.Detainers.CountAsync(d => d.IsSynthetic && !d.Retracted));

    private static IEnumerable<bool> Flags(JsonElement connection) =>
        connection.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("isSynthetic").GetBoolean());

    [Fact]
    public async Task The_detainer_list_answers_from_published_sources_and_counts_the_synthetic_ones_it_left_out()
    {
        var data = await App.DataAsync("""
            {
              published: detainers(first: 100) { totalCount syntheticExcluded nodes { isSynthetic source { kind } } }
              all: detainers(first: 100, includeSynthetic: true, where: { week: { start: { gte: "2017-01-01" } } }) { totalCount syntheticExcluded nodes { isSynthetic } }
              demo: detainers(first: 100, where: { sourceKind: { eq: SYNTHETIC } }) { totalCount syntheticExcluded nodes { isSynthetic } }
            }
            """);

        var published = data.GetProperty("published");
        Assert.Equal(await PublishedDetainersAsync(), published.GetProperty("totalCount").GetInt32());
        Assert.Equal(SampleData.DemoDetainers, published.GetProperty("syntheticExcluded").GetInt32());
        Assert.All(published.GetProperty("nodes").EnumerateArray(), n =>
        {
            Assert.False(n.GetProperty("isSynthetic").GetBoolean());
            Assert.Equal("FILE", n.GetProperty("source").GetProperty("kind").GetString());
        });
        // Asked for, the demo is there, and nothing is said to be left out.
        Assert.Contains(true, Flags(data.GetProperty("all")));
        Assert.Equal(JsonValueKind.Null, data.GetProperty("all").GetProperty("syntheticExcluded").ValueKind);
        Assert.Equal(SampleData.DemoDetainers, data.GetProperty("demo").GetProperty("totalCount").GetInt32());
        Assert.All(Flags(data.GetProperty("demo")), Assert.True);
        Assert.Equal(JsonValueKind.Null, data.GetProperty("demo").GetProperty("syntheticExcluded").ValueKind);
    }

    [Fact]
    public async Task The_readme_pennsylvania_example_no_longer_starts_with_synthetic_rows()
    {
        var data = await App.DataAsync("""
            { detainers(first: 10, where: { jurisdiction: { state: { eq: "PA" } }, outcome: { in: [DECLINED_BY_LEA, LIFTED] } }, order: [{ issuedOn: DESC }]) {
                syntheticExcluded nodes { isSynthetic source { fileName } } } }
            """);

        var detainers = data.GetProperty("detainers");
        Assert.Equal(10, detainers.GetProperty("nodes").GetArrayLength());
        Assert.All(detainers.GetProperty("nodes").EnumerateArray(), n => Assert.Equal("pa_detainers_2007_2015.csv", n.GetProperty("source").GetProperty("fileName").GetString()));
        var syntheticInPa = await App.WithDbAsync(db => db.Detainers.CountAsync(d => d.IsSynthetic && d.Jurisdiction!.State == "PA"
            && (d.Outcome == DetainerOutcome.DeclinedByLea || d.Outcome == DetainerOutcome.Lifted)));
        Assert.True(syntheticInPa > 0, "the demo has Pennsylvania declines to leave out");
        Assert.Equal(syntheticInPa, detainers.GetProperty("syntheticExcluded").GetInt32());
    }

    [Fact]
    public async Task Nested_connections_of_weeks_and_jurisdictions_leave_the_demo_out()
    {
        var jurisdictionId = await App.WithDbAsync(db => db.Detainers.Where(d => d.IsSynthetic && d.JurisdictionId != null)
            .GroupBy(d => d.JurisdictionId!.Value).OrderByDescending(g => g.Count()).Select(g => g.Key).FirstAsync());
        var inJurisdiction = await App.WithDbAsync(db => db.Detainers.Where(d => d.JurisdictionId == jurisdictionId && !d.Retracted)
            .GroupBy(d => d.IsSynthetic).ToDictionaryAsync(g => g.Key, g => g.Count()));
        var inWeek = await App.WithDbAsync(db => db.Detainers.CountAsync(d => d.WeekStart == new DateOnly(2017, 1, 28) && d.IsSynthetic));

        var data = await App.DataAsync("""
            query($id: ID!) {
              node(id: $id) { ... on Jurisdiction { detainers(first: 100) { totalCount syntheticExcluded nodes { isSynthetic } } } }
              weeks(first: 10) { nodes { start detainers(first: 100) { totalCount syntheticExcluded nodes { isSynthetic } } } }
            }
            """, new { id = DetainerGraph.Api.GlobalId.Encode("Jurisdiction", jurisdictionId) });

        var nested = data.GetProperty("node").GetProperty("detainers");
        Assert.Equal(inJurisdiction.GetValueOrDefault(false), nested.GetProperty("totalCount").GetInt32());
        Assert.Equal(inJurisdiction[true], nested.GetProperty("syntheticExcluded").GetInt32());
        Assert.All(Flags(nested), Assert.False);
        var week = data.GetProperty("weeks").GetProperty("nodes").EnumerateArray().Single(w => w.GetProperty("start").GetString() == "2017-01-28");
        Assert.Equal(0, week.GetProperty("detainers").GetProperty("totalCount").GetInt32());
        Assert.Equal(inWeek, week.GetProperty("detainers").GetProperty("syntheticExcluded").GetInt32());
    }

    [Fact]
    public async Task Stats_count_published_detainers_say_how_many_synthetic_ones_were_left_out_and_break_down_by_source_kind()
    {
        var data = await App.DataAsync("""
            {
              total: detainerStats(groupBy: []) { count syntheticExcluded }
              byKind: detainerStats(groupBy: [SOURCE_KIND], includeSynthetic: true) { count syntheticExcluded keys { sourceKind } }
              byWeek: detainerStats(groupBy: [WEEK]) { count syntheticExcluded keys { week { start } } }
            }
            """);

        var total = Assert.Single(data.GetProperty("total").EnumerateArray());
        Assert.Equal(await PublishedDetainersAsync(), total.GetProperty("count").GetInt32());
        Assert.Equal(await SyntheticDetainersAsync(), total.GetProperty("syntheticExcluded").GetInt32());
        var byKind = data.GetProperty("byKind").EnumerateArray().ToDictionary(g => g.GetProperty("keys").GetProperty("sourceKind").GetString()!, g => g.GetProperty("count").GetInt32());
        Assert.Equal(new Dictionary<string, int> { ["FILE"] = await PublishedDetainersAsync(), ["SYNTHETIC"] = await SyntheticDetainersAsync() }, byKind);
        // Only the demo has reporting weeks: by default no group is a week, and the week groups' detainers are all left out.
        var byWeek = Assert.Single(data.GetProperty("byWeek").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, byWeek.GetProperty("keys").GetProperty("week").ValueKind);
        Assert.Equal(await App.WithDbAsync(db => db.Detainers.CountAsync(d => d.IsSynthetic && d.WeekStart == null)), byWeek.GetProperty("syntheticExcluded").GetInt32());
    }

    [Fact]
    public async Task Section_two_and_the_totals_of_a_report_week_hold_no_synthetic_row_unless_asked()
    {
        var data = await App.DataAsync("""
            {
              published: weeklyReport(start: "2017-01-28") { sectionTwo(first: 100) { totalCount syntheticExcluded nodes { isSynthetic } } totals { declined detainersRecorded syntheticExcluded } }
              demo: weeklyReport(start: "2017-01-28", includeSynthetic: true) { sectionTwo(first: 100) { totalCount syntheticExcluded nodes { isSynthetic } } totals { declined syntheticExcluded } }
            }
            """);
        var declined = await App.WithDbAsync(db => db.Detainers.CountAsync(d => d.IsSynthetic && d.WeekStart == new DateOnly(2017, 1, 28) && d.Outcome == DetainerOutcome.DeclinedByLea));
        var recorded = await App.WithDbAsync(db => db.Detainers.CountAsync(d => d.IsSynthetic && d.WeekStart == new DateOnly(2017, 1, 28)));

        var published = data.GetProperty("published");
        Assert.Equal(0, published.GetProperty("sectionTwo").GetProperty("totalCount").GetInt32());
        Assert.Equal(declined, published.GetProperty("sectionTwo").GetProperty("syntheticExcluded").GetInt32());
        Assert.Equal(0, published.GetProperty("totals").GetProperty("declined").GetInt32());
        Assert.Equal(recorded, published.GetProperty("totals").GetProperty("syntheticExcluded").GetInt32());
        var demo = data.GetProperty("demo");
        Assert.Equal(declined, demo.GetProperty("sectionTwo").GetProperty("totalCount").GetInt32());
        Assert.All(Flags(demo.GetProperty("sectionTwo")), Assert.True);
        Assert.Equal(declined, demo.GetProperty("totals").GetProperty("declined").GetInt32());
        Assert.Equal(JsonValueKind.Null, demo.GetProperty("totals").GetProperty("syntheticExcluded").ValueKind);
    }

    [Fact]
    public async Task Charge_search_answers_from_published_charges_with_exact_totals_facets_and_left_out_count()
    {
        var data = await App.DataAsync("""
            {
              published: searchCharges(query: "", first: 100) { totalCount syntheticExcluded nodes { charge { isSynthetic } detainer { isSynthetic } }
                facets(fields: [SOURCE_KIND]) { buckets { value count } } }
              all: searchCharges(query: "", includeSynthetic: true) { totalCount syntheticExcluded facets(fields: [SOURCE_KIND]) { buckets { value count } } }
              demo: searchCharges(query: "", sourceKind: [SYNTHETIC]) { totalCount syntheticExcluded }
            }
            """);
        var publishedCharges = await App.WithDbAsync(db => db.Charges.CountAsync(c => !c.Detainer.IsSynthetic && !c.Detainer.Retracted));
        var syntheticCharges = await App.WithDbAsync(db => db.Charges.CountAsync(c => c.Detainer.IsSynthetic && !c.Detainer.Retracted));

        var published = data.GetProperty("published");
        Assert.Equal(publishedCharges, published.GetProperty("totalCount").GetInt32());
        Assert.Equal(syntheticCharges, published.GetProperty("syntheticExcluded").GetInt32());
        Assert.All(published.GetProperty("nodes").EnumerateArray(), n =>
        {
            Assert.False(n.GetProperty("charge").GetProperty("isSynthetic").GetBoolean());
            Assert.False(n.GetProperty("detainer").GetProperty("isSynthetic").GetBoolean());
        });
        var bucket = Assert.Single(published.GetProperty("facets")[0].GetProperty("buckets").EnumerateArray());
        Assert.Equal(("FILE", publishedCharges), (bucket.GetProperty("value").GetString(), bucket.GetProperty("count").GetInt32()));
        var all = data.GetProperty("all");
        Assert.Equal(publishedCharges + syntheticCharges, all.GetProperty("totalCount").GetInt32());
        Assert.Equal(JsonValueKind.Null, all.GetProperty("syntheticExcluded").ValueKind);
        Assert.Equal(new Dictionary<string, int> { ["FILE"] = publishedCharges, ["SYNTHETIC"] = syntheticCharges },
            all.GetProperty("facets")[0].GetProperty("buckets").EnumerateArray().ToDictionary(b => b.GetProperty("value").GetString()!, b => b.GetProperty("count").GetInt32()));
        Assert.Equal(syntheticCharges, data.GetProperty("demo").GetProperty("totalCount").GetInt32());
    }

    [Theory]
    [InlineData("assault", "ASSAULT BY CONTACT")]
    [InlineData("drunk driving", "DRIVING WHILE INTOXICATED")]
    public async Task A_default_search_in_plain_words_answers_from_travis_county_jail_charges(string query, string expected)
    {
        var data = await App.DataAsync("""
            query($q: String!) { searchCharges(query: $q, first: 20) { totalCount syntheticExcluded
              nodes { charge { description isSynthetic } detainer { jurisdiction { name state } source { fileName } } }
              facets(fields: [STATE, OUTCOME]) { field buckets { value count } } }
              }
            """, new { q = query });

        var result = data.GetProperty("searchCharges");
        Assert.True(result.GetProperty("totalCount").GetInt32() > 100, $"'{query}' finds Travis County's charges");
        Assert.True(result.GetProperty("syntheticExcluded").GetInt32() > 0, "the demo's matches are counted as left out");
        // Texts that say the words outright rank first (the jail's abbreviations, ASSLT, rank below them: RelevanceTests).
        Assert.Contains(result.GetProperty("nodes").EnumerateArray(), n => n.GetProperty("charge").GetProperty("description").GetString()!.Contains(expected, StringComparison.Ordinal));
        Assert.All(result.GetProperty("nodes").EnumerateArray(), n =>
        {
            Assert.Equal("travis_county_ice_detainers.csv", n.GetProperty("detainer").GetProperty("source").GetProperty("fileName").GetString());
            Assert.Equal("Travis County", n.GetProperty("detainer").GetProperty("jurisdiction").GetProperty("name").GetString());
        });
        var states = result.GetProperty("facets")[0].GetProperty("buckets").EnumerateArray().Select(b => b.GetProperty("value").GetString()).ToList();
        Assert.Equal(["TX"], states);
    }

    [Fact]
    public async Task Detainer_by_id_still_returns_a_synthetic_record_marked_as_such()
    {
        var id = await App.WithDbAsync(db => db.Detainers.Where(d => d.IsSynthetic).Select(d => d.Id).FirstAsync());

        var data = await App.DataAsync("query($id: ID!) { detainer(id: $id) { isSynthetic source { kind syntheticSeed } charges { isSynthetic } } }",
            new { id = DetainerGraph.Api.GlobalId.Encode("Detainer", id) });

        var detainer = data.GetProperty("detainer");
        Assert.True(detainer.GetProperty("isSynthetic").GetBoolean());
        Assert.Equal("SYNTHETIC", detainer.GetProperty("source").GetProperty("kind").GetString());
        Assert.All(detainer.GetProperty("charges").EnumerateArray(), c => Assert.True(c.GetProperty("isSynthetic").GetBoolean()));
    }
}
