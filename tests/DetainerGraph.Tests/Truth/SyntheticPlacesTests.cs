using System.Text.Json;
using DetainerGraph.Api;
using DetainerGraph.Data;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Tests.Truth;

/// <summary>
/// Over the shipped sample data: the lists of places (<c>jurisdictions</c>, <c>facilities</c>, <c>weeks</c>,
/// <c>Jurisdiction.facilities</c>) leave out the places only the synthetic demo created, as the detainer lists leave out its
/// detainers, say how many they left out, and list them when asked; a synthetic place is still found by its ID, marked.
/// </summary>
public sealed class SyntheticPlacesTests(SampleDataApp sample) : IClassFixture<SampleDataApp>
{
    private TestApp App => sample.App;

    /// <summary>The places a published record names or a published source created, worked out here from the rows themselves.</summary>
    private Task<(HashSet<int> Jurisdictions, HashSet<int> Facilities, int AllJurisdictions, int AllFacilities)> PublishedPlacesAsync() =>
        App.WithDbAsync(async db =>
        {
            var detainers = await db.Detainers.Where(d => !d.IsSynthetic).Select(d => new { d.JurisdictionId, d.FacilityId }).Distinct().ToListAsync();
            var facilities = await db.Facilities.Select(f => new { f.Id, f.JurisdictionId, f.Source.Kind }).ToListAsync();
            var jurisdictions = await db.Jurisdictions.Select(j => new { j.Id, j.Source.Kind }).ToListAsync();
            var publishedFacilities = facilities.Where(f => f.Kind == SourceKind.File || detainers.Any(d => d.FacilityId == f.Id)).Select(f => f.Id).ToHashSet();
            var named = detainers.Select(d => d.JurisdictionId)
                .Concat(await db.Policies.Select(p => (int?)p.JurisdictionId).ToListAsync())
                .Concat(await db.SectionOneEntries.Select(e => (int?)e.JurisdictionId).ToListAsync())
                .Concat(facilities.Where(f => publishedFacilities.Contains(f.Id)).Select(f => f.JurisdictionId))
                .OfType<int>().ToHashSet();
            var publishedJurisdictions = jurisdictions.Where(j => j.Kind == SourceKind.File || named.Contains(j.Id)).Select(j => j.Id).ToHashSet();
            return (publishedJurisdictions, publishedFacilities, jurisdictions.Count, facilities.Count);
        });

    private static HashSet<int> Ids(JsonElement connection, string type) =>
        connection.GetProperty("nodes").EnumerateArray().Select(n => GlobalId.RequireNumber<int>(n.GetProperty("id").GetString()!, type)).ToHashSet();

    private async Task<HashSet<int>> EveryPageAsync(string list, string type, string arguments = "")
    {
        var ids = new HashSet<int>();
        string? after = null;
        do
        {
            var data = await App.DataAsync($$"""
                query($after: String) { {{list}}(first: 100, after: $after{{arguments}}) { pageInfo { hasNextPage endCursor } nodes { id isSynthetic } } }
                """, new { after });
            var connection = data.GetProperty(list);
            if (arguments.Length == 0)
            {
                Assert.All(connection.GetProperty("nodes").EnumerateArray(), n => Assert.False(n.GetProperty("isSynthetic").GetBoolean()));
            }
            ids.UnionWith(Ids(connection, type));
            after = connection.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean() ? connection.GetProperty("pageInfo").GetProperty("endCursor").GetString() : null;
        }
        while (after is not null);
        return ids;
    }

    [Fact]
    public async Task The_place_lists_hold_the_published_places_only_and_say_how_many_demo_places_they_left_out()
    {
        var (jurisdictions, facilities, allJurisdictions, allFacilities) = await PublishedPlacesAsync();
        // The audit's figures for the shipped data: 73 of 410 jurisdictions and 118 of 465 facilities are real.
        Assert.Equal((73, 410, 118, 465), (jurisdictions.Count, allJurisdictions, facilities.Count, allFacilities));

        var data = await App.DataAsync("""
            {
              jurisdictions(first: 0) { totalCount syntheticExcluded }
              allJurisdictions: jurisdictions(first: 0, includeSynthetic: true) { totalCount syntheticExcluded }
              facilities(first: 0) { totalCount syntheticExcluded }
              allFacilities: facilities(first: 0, includeSynthetic: true) { totalCount syntheticExcluded }
              weeks { totalCount syntheticExcluded nodes { isSynthetic } }
            }
            """);

        Assert.Equal(73, data.GetProperty("jurisdictions").GetProperty("totalCount").GetInt32());
        Assert.Equal(410 - 73, data.GetProperty("jurisdictions").GetProperty("syntheticExcluded").GetInt32());
        Assert.Equal(410, data.GetProperty("allJurisdictions").GetProperty("totalCount").GetInt32());
        Assert.Equal(JsonValueKind.Null, data.GetProperty("allJurisdictions").GetProperty("syntheticExcluded").ValueKind);
        Assert.Equal(118, data.GetProperty("facilities").GetProperty("totalCount").GetInt32());
        Assert.Equal(465 - 118, data.GetProperty("facilities").GetProperty("syntheticExcluded").GetInt32());
        Assert.Equal(465, data.GetProperty("allFacilities").GetProperty("totalCount").GetInt32());
        // The demo's weeks are the three report weeks: all published.
        Assert.Equal(0, data.GetProperty("weeks").GetProperty("syntheticExcluded").GetInt32());
        Assert.All(data.GetProperty("weeks").GetProperty("nodes").EnumerateArray(), w => Assert.False(w.GetProperty("isSynthetic").GetBoolean()));

        Assert.Equal(jurisdictions, await EveryPageAsync("jurisdictions", "Jurisdiction"));
        Assert.Equal(facilities, await EveryPageAsync("facilities", "Facility"));
        Assert.Equal(allFacilities, (await EveryPageAsync("facilities", "Facility", ", includeSynthetic: true")).Count);
    }

    [Fact]
    public async Task A_demo_only_facility_is_left_out_of_lists_but_found_by_its_id_marked_synthetic()
    {
        var data = await App.DataAsync("""
            {
              shown: facilities(where: { name: { eq: "Fulton County Jail" }, state: { eq: "PA" } }) { totalCount syntheticExcluded nodes { id } }
              all: facilities(where: { name: { eq: "Fulton County Jail" }, state: { eq: "PA" } }, includeSynthetic: true) {
                nodes { id isSynthetic source { kind } jurisdiction { id isSynthetic } }
              }
            }
            """);
        Assert.Equal(0, data.GetProperty("shown").GetProperty("totalCount").GetInt32());
        Assert.Equal(1, data.GetProperty("shown").GetProperty("syntheticExcluded").GetInt32());
        var fulton = Assert.Single(data.GetProperty("all").GetProperty("nodes").EnumerateArray());
        Assert.True(fulton.GetProperty("isSynthetic").GetBoolean());
        Assert.Equal("SYNTHETIC", fulton.GetProperty("source").GetProperty("kind").GetString());

        var id = fulton.GetProperty("id").GetString();
        var found = await App.DataAsync("""
            query($id: ID!) {
              node(id: $id) { ... on Facility { name isSynthetic } }
              facility(id: $id) { name isSynthetic detainers(first: 0) { totalCount syntheticExcluded } }
            }
            """, new { id });
        Assert.Equal("Fulton County Jail", found.GetProperty("node").GetProperty("name").GetString());
        Assert.True(found.GetProperty("node").GetProperty("isSynthetic").GetBoolean());
        Assert.True(found.GetProperty("facility").GetProperty("isSynthetic").GetBoolean());
        Assert.Equal(0, found.GetProperty("facility").GetProperty("detainers").GetProperty("totalCount").GetInt32());
        Assert.Equal(185, found.GetProperty("facility").GetProperty("detainers").GetProperty("syntheticExcluded").GetInt32());
    }

    [Fact]
    public async Task A_jurisdictions_facilities_leave_the_demo_ones_out_unless_asked()
    {
        var (_, facilities, _, _) = await PublishedPlacesAsync();
        // A jurisdiction with both published and demo-only facilities.
        var (jurisdictionId, all, published) = await App.WithDbAsync(async db =>
        {
            var byJurisdiction = (await db.Facilities.Where(f => f.JurisdictionId != null).Select(f => new { f.Id, Jurisdiction = f.JurisdictionId!.Value }).ToListAsync())
                .GroupBy(f => f.Jurisdiction)
                .First(g => g.Any(f => facilities.Contains(f.Id)) && g.Any(f => !facilities.Contains(f.Id)));
            return (byJurisdiction.Key, byJurisdiction.Select(f => f.Id).ToHashSet(), byJurisdiction.Where(f => facilities.Contains(f.Id)).Select(f => f.Id).ToHashSet());
        });

        var data = await App.DataAsync("""
            query($id: ID!) { jurisdiction(id: $id) { isSynthetic shown: facilities { id isSynthetic } all: facilities(includeSynthetic: true) { id isSynthetic } } }
            """, new { id = GlobalId.Encode("Jurisdiction", jurisdictionId) });

        var jurisdiction = data.GetProperty("jurisdiction");
        Assert.False(jurisdiction.GetProperty("isSynthetic").GetBoolean());
        HashSet<int> IdsOf(string field) => jurisdiction.GetProperty(field).EnumerateArray().Select(f => GlobalId.RequireNumber<int>(f.GetProperty("id").GetString()!, "Facility")).ToHashSet();
        Assert.Equal(published, IdsOf("shown"));
        Assert.Equal(all, IdsOf("all"));
        Assert.All(jurisdiction.GetProperty("shown").EnumerateArray(), f => Assert.False(f.GetProperty("isSynthetic").GetBoolean()));
        Assert.Contains(jurisdiction.GetProperty("all").EnumerateArray(), f => f.GetProperty("isSynthetic").GetBoolean());
    }

    [Fact]
    public async Task Filters_and_orders_apply_to_the_published_places_as_before()
    {
        var (jurisdictions, _, _, _) = await PublishedPlacesAsync();
        var expected = await App.WithDbAsync(db => db.Jurisdictions.Where(j => j.State == "PA").OrderByDescending(j => j.Name).ThenBy(j => j.Id).Select(j => j.Id).ToListAsync());

        var data = await App.DataAsync("""
            { jurisdictions(first: 100, where: { state: { eq: "PA" } }, order: [{ name: DESC }]) { totalCount nodes { id } } }
            """);

        var ids = data.GetProperty("jurisdictions").GetProperty("nodes").EnumerateArray().Select(n => GlobalId.RequireNumber<int>(n.GetProperty("id").GetString()!, "Jurisdiction")).ToList();
        Assert.Equal(expected.Where(jurisdictions.Contains).ToList(), ids);
        Assert.Equal(ids.Count, data.GetProperty("jurisdictions").GetProperty("totalCount").GetInt32());
    }
    [Fact]
    public async Task A_place_the_demo_created_first_is_real_once_a_published_file_names_it()
    {
        using var app = new TestApp();
        await app.ImportAsync("demo.csv", """
            detainer_key,state,county,facility,facility_city,citizenship,detainer_type,issued_date,outcome,outcome_date,report_week,charge,charge_status,synthetic_seed
            a,TX,Travis County,Travis County Jail,Austin,Mexico,I-247D,2017-01-20,Detainer Declined by LEA,2017-01-31,,Assault,Charge,7
            b,OR,Lane County,Lane County Jail,Eugene,Mexico,I-247D,2017-02-20,Lifted,2017-03-01,,Assault,Charge,7
            c,WA,Snohomish County,,,Guatemala,I-247A,2017-04-05,,,,Assault,Charge,7

            """);
        await app.ImportAsync("published.csv", """
            detainer_key,state,county,facility,facility_city,citizenship,detainer_type,issued_date,outcome,outcome_date,report_week,charge,charge_status
            p,TX,Travis County,Travis County Jail,Austin,Mexico,I-247D,2017-01-21,Lifted,2017-02-01,,Theft,Charge

            """);

        var data = await app.DataAsync("""
            {
              jurisdictions { totalCount syntheticExcluded nodes { name isSynthetic source { kind } } }
              allJurisdictions: jurisdictions(includeSynthetic: true) { nodes { name isSynthetic } }
              facilities { syntheticExcluded nodes { name } }
              allFacilities: facilities(includeSynthetic: true) { nodes { name isSynthetic } }
              weeks { syntheticExcluded nodes { start isSynthetic } }
              allWeeks: weeks(includeSynthetic: true) { totalCount nodes { start isSynthetic } }
            }
            """);

        // Travis County was created by the demo (its source says so) but a published file names it: it is real.
        var travis = Assert.Single(data.GetProperty("jurisdictions").GetProperty("nodes").EnumerateArray());
        Assert.Equal(("Travis County", false, "SYNTHETIC"), (travis.GetProperty("name").GetString(), travis.GetProperty("isSynthetic").GetBoolean(), travis.GetProperty("source").GetProperty("kind").GetString()));
        Assert.Equal(2, data.GetProperty("jurisdictions").GetProperty("syntheticExcluded").GetInt32());
        Assert.Equal(
            [("Lane County", true), ("Travis County", false), ("Snohomish County", true)],
            data.GetProperty("allJurisdictions").GetProperty("nodes").EnumerateArray().Select(j => (j.GetProperty("name").GetString(), j.GetProperty("isSynthetic").GetBoolean())));
        Assert.Equal("Travis County Jail", Assert.Single(data.GetProperty("facilities").GetProperty("nodes").EnumerateArray()).GetProperty("name").GetString());
        Assert.Equal(1, data.GetProperty("facilities").GetProperty("syntheticExcluded").GetInt32());
        Assert.Equal(2, data.GetProperty("allFacilities").GetProperty("nodes").GetArrayLength());
        // The week of 2017-01-28 holds a published detainer; that of 2017-02-25 only the demo's.
        Assert.Equal("2017-01-28", Assert.Single(data.GetProperty("weeks").GetProperty("nodes").EnumerateArray()).GetProperty("start").GetString());
        Assert.Equal(1, data.GetProperty("weeks").GetProperty("syntheticExcluded").GetInt32());
        Assert.Equal(
            [("2017-01-28", false), ("2017-02-25", true)],
            data.GetProperty("allWeeks").GetProperty("nodes").EnumerateArray().Select(w => (w.GetProperty("start").GetString(), w.GetProperty("isSynthetic").GetBoolean())));
    }
}
