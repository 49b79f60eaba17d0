using System.Text.Json;
using DetainerGraph.Tests.Infrastructure;

namespace DetainerGraph.Tests.Truth;

/// <summary>
/// A jail's bookings have no issue date and no citizenship: ISSUED_YEAR and CITIZENSHIP put every Travis County record in
/// their unknown group. The booking's year (ISSUED_ON_OR_AFTER_YEAR) and the place of birth (PLACE_OF_BIRTH) are what
/// those records do say; their counts are checked here against the shipped file read directly, one booking per number
/// (Travis County is the only Texas jurisdiction of the published sample).
/// </summary>
public sealed class BookingYearAndPlaceOfBirthStatsTests(SampleDataApp sample) : IClassFixture<SampleDataApp>
{
    private const string Travis = """{ jurisdiction: { state: { eq: "TX" } } }""";

    private TestApp App => sample.App;

    /// <summary>Each booking's first row in the shipped file: (booked_on, place_of_birth).</summary>
    private static readonly IReadOnlyList<(string BookedOn, string PlaceOfBirth)> Bookings = ReadBookings();

    private static List<(string, string)> ReadBookings()
    {
        var rows = DetainerGraph.Import.CsvReader.ReadFile(Path.Combine(RepositoryFiles.Root, "data", "travis_county_ice_detainers.csv"))
            .Select(r => r.Fields).ToList();
        var header = rows[0].ToList();
        int Column(string name) => header.IndexOf(name);
        return [.. rows.Skip(1).DistinctBy(f => f[Column("booking")]).Select(f => (f[Column("booked_on")], f[Column("place_of_birth")]))];
    }

    [Fact]
    public async Task Travis_county_bookings_count_by_booking_year_as_the_file_says()
    {
        var data = await App.DataAsync($$"""
            {
              byYear: detainerStats(groupBy: [ISSUED_ON_OR_AFTER_YEAR], order: KEY_ASC, first: 100, where: {{Travis}}) { count keys { issuedOnOrAfterYear { label start } } }
              byIssuedYear: detainerStats(groupBy: [ISSUED_YEAR], where: {{Travis}}) { count keys { issuedYear { label } } }
            }
            """);

        var expected = Bookings.GroupBy(b => b.BookedOn[..4]).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}").ToList();
        var byYear = data.GetProperty("byYear").EnumerateArray().ToList();
        Assert.Equal(expected, byYear.Select(g => $"{g.GetProperty("keys").GetProperty("issuedOnOrAfterYear").GetProperty("label").GetString()} {g.GetProperty("count").GetInt32()}"));
        Assert.Equal(9_533, byYear.Sum(g => g.GetProperty("count").GetInt32()));
        // The issue date is unknown for every booking: one unknown group.
        var issued = Assert.Single(data.GetProperty("byIssuedYear").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, issued.GetProperty("keys").GetProperty("issuedYear").ValueKind);
    }

    [Fact]
    public async Task Travis_county_bookings_count_by_place_of_birth_as_the_file_says()
    {
        var data = await App.DataAsync($$"""
            {
              byPlace: detainerStats(groupBy: [PLACE_OF_BIRTH], first: 1000, where: {{Travis}}) { count keys { placeOfBirth citizenship } }
            }
            """);

        var expected = Bookings.GroupBy(b => b.PlaceOfBirth.Length == 0 ? null : b.PlaceOfBirth).ToDictionary(g => g.Key ?? "(unknown)", g => g.Count());
        var byPlace = data.GetProperty("byPlace").EnumerateArray()
            .ToDictionary(g => g.GetProperty("keys").GetProperty("placeOfBirth").GetString() ?? "(unknown)", g => g.GetProperty("count").GetInt32());
        Assert.Equal(expected.OrderBy(p => p.Key, StringComparer.Ordinal), byPlace.OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.True(byPlace["Texas"] > 100, "Texas is a common place of birth in the file");
        // Citizenship is not asked for, so it is not set: place of birth is never read as citizenship.
        Assert.All(data.GetProperty("byPlace").EnumerateArray(), g => Assert.Equal(JsonValueKind.Null, g.GetProperty("keys").GetProperty("citizenship").ValueKind));
    }
}
