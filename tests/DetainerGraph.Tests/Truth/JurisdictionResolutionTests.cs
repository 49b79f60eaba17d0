using System.Text.Json;
using DetainerGraph.Data;
using DetainerGraph.Import;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Tests.Truth;

/// <summary>
/// Every real detainer placed: the shipped real detainers (Pennsylvania's FOIA release and Travis County's jail
/// bookings) resolve to a jurisdiction at least 99% of the time, each with how it was placed, rule by rule.
/// </summary>
public sealed class JurisdictionResolutionTests(SampleDataApp sample) : IClassFixture<SampleDataApp>
{
    private TestApp App => sample.App;

    [Fact]
    public async Task At_least_99_percent_of_the_shipped_real_detainers_are_placed_and_each_rule_places_exactly_its_count()
    {
        var placements = await App.WithDbAsync(db => StoreStatistics.PlacementsAsync(db));
        var byRule = placements.ToDictionary(p => $"{p.Resolution}: {p.Rule ?? "-"}", p => p.Detainers);

        Assert.Equal(new Dictionary<string, int>
        {
            ["ExactName: -"] = 10_657,
            ["Named: -"] = 9_533,
            ["Alias: Moshannon Valley → Federal Bureau of Prisons"] = 7_948,
            ["Rule: Federal prison → Federal Bureau of Prisons"] = 6_918,
            ["Alias: Philadelphia city jails → Philadelphia County"] = 3_831,
            ["Rule: SCI → Pennsylvania Department of Corrections"] = 2_250,
            ["SpellingFold: LACKAWANA → Lackawanna County"] = 579,
            ["Rule: US Marshals → U.S. Marshals Service"] = 353,
            ["Unresolved: -"] = 189,
            ["Rule: SRCF → Pennsylvania Department of Corrections"] = 29,
            ["Alias: Allenwood → Federal Bureau of Prisons"] = 3,
        }, byRule);
        var total = placements.Sum(p => p.Detainers);
        Assert.Equal(32_757 + 9_533, total);
        var placed = placements.Where(p => p.Resolution != JurisdictionResolution.Unresolved).Sum(p => p.Detainers);
        Assert.True(placed >= 0.99 * total, $"{placed} of {total} placed");
    }

    [Fact]
    public async Task The_facility_names_still_unplaced_are_listed_with_their_counts()
    {
        var unresolved = await App.WithDbAsync(db => StoreStatistics.UnresolvedFacilitiesAsync(db));

        Assert.Equal([("PA", "PHI DISTRICT OFFICE", 188), ("PA", "BETHANY CHILDRENS' HOME", 1)], unresolved);
    }

    [Fact]
    public async Task State_prisons_federal_facilities_and_misspelled_counties_land_in_their_jurisdictions_with_the_right_kinds()
    {
        var data = await App.DataAsync("""
            {
              camphill: detainers(first: 1, where: { facility: { name: { eq: "CAMPHILL SCI, PA" } } }) { totalCount nodes { jurisdictionResolution jurisdictionRule jurisdiction { name state kind fips } } }
              sci: detainers(first: 1, where: { facility: { name: { eq: "S.C.I. FOREST" } } }) { totalCount nodes { jurisdiction { name kind } } }
              lackawanna: detainers(first: 1, where: { facility: { name: { eq: "LACKAWANA CNTY JAIL, PA" } } }) { totalCount nodes { jurisdictionResolution jurisdiction { name kind fips } } }
              moshannon: detainers(first: 1, where: { facility: { name: { startsWith: "MOSHANNON" } } }) { totalCount nodes { jurisdictionResolution jurisdiction { name kind } } }
              mckean: detainers(first: 1, where: { facility: { name: { eq: "MCKEAN COUNTY JAIL" } } }) { nodes { jurisdictionResolution jurisdiction { name fips } } }
              unplaced: detainers(first: 0, where: { jurisdictionResolution: { eq: UNRESOLVED } }) { totalCount }
              missing: detainers(first: 0, where: { jurisdiction: null }) { totalCount }
              byResolution: detainerStats(groupBy: [JURISDICTION_RESOLUTION]) { count keys { jurisdictionResolution } }
            }
            """);

        var camphill = data.GetProperty("camphill");
        Assert.Equal(1_299, camphill.GetProperty("totalCount").GetInt32());
        var node = camphill.GetProperty("nodes")[0];
        Assert.Equal("RULE", node.GetProperty("jurisdictionResolution").GetString());
        Assert.Equal("SCI → Pennsylvania Department of Corrections", node.GetProperty("jurisdictionRule").GetString());
        Assert.Equal(("Pennsylvania Department of Corrections", "PA", "STATE_AGENCY"),
            (node.GetProperty("jurisdiction").GetProperty("name").GetString(), node.GetProperty("jurisdiction").GetProperty("state").GetString(), node.GetProperty("jurisdiction").GetProperty("kind").GetString()));
        Assert.Equal("Pennsylvania Department of Corrections", data.GetProperty("sci").GetProperty("nodes")[0].GetProperty("jurisdiction").GetProperty("name").GetString());
        var lackawanna = data.GetProperty("lackawanna");
        Assert.Equal(579, lackawanna.GetProperty("totalCount").GetInt32());
        Assert.Equal("SPELLING_FOLD", lackawanna.GetProperty("nodes")[0].GetProperty("jurisdictionResolution").GetString());
        Assert.Equal(("Lackawanna County", "COUNTY", "42069"), Jurisdiction(lackawanna));
        Assert.Equal("FEDERAL", data.GetProperty("moshannon").GetProperty("nodes")[0].GetProperty("jurisdiction").GetProperty("kind").GetString());
        Assert.Equal("Federal Bureau of Prisons", data.GetProperty("moshannon").GetProperty("nodes")[0].GetProperty("jurisdiction").GetProperty("name").GetString());
        // The FIPS table's spelling, not the facility name's capitals.
        Assert.Equal("McKean County", data.GetProperty("mckean").GetProperty("nodes")[0].GetProperty("jurisdiction").GetProperty("name").GetString());
        // `jurisdiction: null` and the UNRESOLVED resolution ask the same question.
        Assert.Equal(189, data.GetProperty("unplaced").GetProperty("totalCount").GetInt32());
        Assert.Equal(189, data.GetProperty("missing").GetProperty("totalCount").GetInt32());
        var unresolved = data.GetProperty("byResolution").EnumerateArray().Single(g => g.GetProperty("keys").GetProperty("jurisdictionResolution").GetString() == "UNRESOLVED");
        Assert.Equal(189, unresolved.GetProperty("count").GetInt32());
    }

    private static (string?, string?, string?) Jurisdiction(JsonElement connection)
    {
        var j = connection.GetProperty("nodes")[0].GetProperty("jurisdiction");
        return (j.GetProperty("name").GetString(), j.GetProperty("kind").GetString(), j.GetProperty("fips").GetString());
    }

    [Fact]
    public async Task Travis_county_bookings_import_as_published_detainers_with_their_real_charges_and_mapped_outcomes()
    {
        var travis = await App.WithDbAsync(db => db.Detainers.Where(d => d.Source.FileName == "travis_county_ice_detainers.csv")
            .GroupBy(d => d.Outcome).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count));
        var charges = await App.WithDbAsync(db => db.Charges.CountAsync(c => c.Detainer.Source.FileName == "travis_county_ice_detainers.csv"));
        var sample = await App.WithDbAsync(db => db.Detainers.Include(d => d.Charges).Include(d => d.Jurisdiction)
            .Where(d => d.Source.FileName == "travis_county_ice_detainers.csv").OrderBy(d => d.SourceLine).FirstAsync());

        Assert.Equal(new Dictionary<DetainerOutcome, int>
        {
            [DetainerOutcome.BookedIntoDetention] = 7_903,
            [DetainerOutcome.Transferred] = 809,
            [DetainerOutcome.Lifted] = 561,
            [DetainerOutcome.Open] = 184,
            [DetainerOutcome.Other] = 76,
        }, travis);
        Assert.Equal(15_237, charges);
        // Line 2 of the file: booked 1991-08-17, released to ICE 2014-08-27, one DWI charge (Texas code 54040009 → NCIC 5404).
        Assert.Null(sample.IssuedOn);
        Assert.Equal(new DateOnly(1991, 8, 17), sample.IssuedOnOrAfter);
        Assert.Equal(("RELEASED TO ICE", new DateOnly(2014, 8, 27)), (sample.OutcomeAsPublished, sample.OutcomeRecordedOn));
        Assert.Null(sample.Citizenship);
        Assert.Equal("Mexico (Use only when state is unknown)", sample.PlaceOfBirth);
        Assert.Equal(("Travis County", "TX", "48453"), (sample.Jurisdiction!.Name, sample.Jurisdiction.State, sample.Jurisdiction.Fips));
        var charge = Assert.Single(sample.Charges);
        Assert.Equal(("DRIVING WHILE INTOXICATED", "5404"), (charge.Description, charge.NcicCode));
        Assert.False(sample.IsSynthetic);
    }
}
