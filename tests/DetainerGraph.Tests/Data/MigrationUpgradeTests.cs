using DetainerGraph.Data;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace DetainerGraph.Tests.Data;

/// <summary>
/// A migration applied to a store that already holds data, as a server that starts on an upgraded build applies it:
/// the store is taken back to the migration before, with its rows, and a new app starts on it.
/// </summary>
public sealed class MigrationUpgradeTests
{
    private const string Bookings = """
        state,county,booking,booked_on,place_of_birth,detainer_disposition,detainer_disposition_date,charge_code,charge
        TX,Travis County,1,2014-03-02,Mexico,RELEASED TO ICE,2014-03-20,54040009,DRIVING WHILE INTOXICATED
        TX,Travis County,2,2015-06-01,Honduras,WARRANT WITHDRAWN,2015-06-03,13990031,ASSLT CAUSES BODILY INJ:FAMILY MEMBER (MA)
        TX,Travis County,3,2014-03-02,Mexico,,,,BURGLARY
        TX,Harris County,4,2016-01-09,Guatemala,RELEASED TO ICE,2016-01-20,,THEFT

        """;

    private const string Foia = """
        date,lift_reason,det_facility,city,state,detainer_type
        2013-05-14 00:00:00,Detainer Declined by LEA,"CHESTER CNTY JAIL, PA",WEST CHESTER,PENNSYLVANIA,I247 - Immigration Detainer - Notice of Action (as of March 2013)
        2012-01-05 00:00:00,Lifted,POTTER COUNTY PRISON,WELLSBORO,PENNSYLVANIA,

        """;

    private static readonly string[] IssuedOnOrAfterIndexes =
        ["IX_Detainers_IssuedOnOrAfter", "IX_Detainers_JurisdictionId_Id_Retracted_Outcome_IssuedOnOrAfterMissing",
            "IX_Detainers_JurisdictionId_IssuedOnOrAfter_Id_Retracted_Outcome"];

    [Fact]
    public async Task The_issued_on_or_after_indexes_are_built_on_a_store_that_holds_detainers_with_their_planner_statistics()
    {
        var directory = TestApp.NewStorageDirectory();
        using (var before = new TestApp(storageDirectory: directory) { KeepsStorage = true })
        {
            await before.ImportAsync("bookings.csv", Bookings);
            await before.ImportAsync("foia.csv", Foia);
            await before.WithDbAsync(async db =>
            {
                var migrations = db.Database.GetMigrations().ToList();
                var added = migrations.FindIndex(m => m.EndsWith("_IssuedOnOrAfterIndexes", StringComparison.Ordinal));
                Assert.True(added > 0, "no IssuedOnOrAfterIndexes migration");
                await db.GetService<IMigrator>().MigrateAsync(migrations[added - 1]);
                Assert.Empty(await IndexesAsync(db));
                return 0;
            });
        }

        using var after = new TestApp(storageDirectory: directory);
        await after.WithDbAsync(async db =>
        {
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            Assert.Equal(6, await db.Detainers.CountAsync());
            Assert.Equal(IssuedOnOrAfterIndexes, await IndexesAsync(db));
            // Statistics for the new indexes from every entry: the four rows with a date in the date index (three dates) and
            // in the jurisdiction one (two per jurisdiction), both filtered to them since IssuedOnOrAfterRuns, and the two
            // without one (Pennsylvania's, each in its own jurisdiction) in the index of those.
            var stats = await db.Database.SqlQueryRaw<string>(
                "SELECT idx || ': ' || stat AS \"Value\" FROM sqlite_stat1 WHERE idx LIKE '%IssuedOnOrAfter%' ORDER BY idx").ToListAsync();
            Assert.Equal(["IX_Detainers_IssuedOnOrAfter: 4 2", "IX_Detainers_JurisdictionId_Id_Retracted_Outcome_IssuedOnOrAfterMissing: 2 1 1 1 1",
                "IX_Detainers_JurisdictionId_IssuedOnOrAfter_Id_Retracted_Outcome: 4 2 2 1 1 1"], stats);
            return 0;
        });

        // The new sort over the upgraded store: booking dates newest first, the rows without one last, ties by ID.
        var data = await after.DataAsync("{ detainers(first: 10, order: [{ issuedOnOrAfter: DESC }]) { nodes { issuedOnOrAfter } } }");
        var dates = data.GetProperty("detainers").GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("issuedOnOrAfter").GetString()).ToList();
        Assert.Equal(["2016-01-09", "2015-06-01", "2014-03-02", "2014-03-02", null, null], dates);
    }

    private static Task<List<string>> IndexesAsync(DetainerDbContext db) =>
        db.Database.SqlQueryRaw<string>(
            "SELECT name AS \"Value\" FROM sqlite_master WHERE type = 'index' AND tbl_name = 'Detainers' AND name LIKE '%IssuedOnOrAfter%' ORDER BY name").ToListAsync();
}
