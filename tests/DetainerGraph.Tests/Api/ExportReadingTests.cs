using System.Net;
using System.Text.Json;
using DetainerGraph.Export;
using DetainerGraph.Tests.Corrections;
using DetainerGraph.Tests.Infrastructure;

namespace DetainerGraph.Tests.Api;

/// <summary>
/// What a reader of an export needs to read a row as the API reads it: the date bound and place of birth of a jail's
/// records (which have no issue date and no citizenship), how the jurisdiction was found, which values a correction
/// changed, and a facility's city. Without them a spreadsheet of Travis County's bookings had no date at all, a
/// corrected outcome sat beside the published text with nothing saying why, and two facilities of one name read as one
/// listed twice.
/// </summary>
public sealed class ExportReadingTests : IAsyncLifetime, IDisposable
{
    // Two bookings of one jail (the shape of travis_county_ice_detainers.csv), the second with two charges.
    private const string Bookings = """
        state,county,booking,booked_on,place_of_birth,detainer_disposition,detainer_disposition_date,charge_code,charge
        TX,Travis County,1,2014-03-02,"Guanajuato, Mexico",RELEASED TO ICE,2014-03-20,54040009,DRIVING WHILE INTOXICATED
        TX,Travis County,2,2015-06-01,Honduras,WARRANT WITHDRAWN,2015-06-03,13990031,ASSLT CAUSES BODILY INJ:FAMILY MEMBER (MA)
        TX,Travis County,2,2015-06-01,Honduras,WARRANT WITHDRAWN,2015-06-03,35990006,POSS CS PG1<1G (FS)

        """;

    // ICE's FOIA shape: a form as published, a county found in the facility name, and two facilities of one name in two cities.
    private const string Foia = """
        date,lift_reason,det_facility,city,state,detainer_type
        2013-05-14 00:00:00,Detainer Declined by LEA,"CHESTER CNTY JAIL, PA",WEST CHESTER,PENNSYLVANIA,I247 - Immigration Detainer - Notice of Action (as of March 2013)
        2012-01-03 00:00:00,,POTTER COUNTY PRISON,COUDERSPORT,PENNSYLVANIA,
        2012-01-04 00:00:00,,POTTER COUNTY PRISON,WELLSBORO,PENNSYLVANIA,
        2012-01-05 00:00:00,Lifted,POTTER COUNTY PRISON,WELLSBORO,PENNSYLVANIA,

        """;

    private readonly TestApp _app = EditorClient.NewApp();

    public async Task InitializeAsync()
    {
        await _app.ImportAsync("bookings.csv", Bookings);
        await _app.ImportAsync("foia.csv", Foia);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _app.Dispose();

    private async Task<List<Dictionary<string, string>>> CsvAsync(string url)
    {
        using var client = _app.CreateClient();
        using var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var lines = body.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var header = SplitCsv(lines[0]);
        return [.. lines.Skip(1).Select(l => header.Zip(SplitCsv(l)).ToDictionary(p => p.First, p => p.Second))];
    }

    /// <summary>One CSV line's cells (quotes doubled inside quoted cells; no line breaks in these fixtures).</summary>
    private static List<string> SplitCsv(string line)
    {
        var cells = new List<string>();
        var cell = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted && c == '"' && i + 1 < line.Length && line[i + 1] == '"')
            {
                cell.Append('"');
                i++;
            }
            else if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == ',' && !quoted)
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else
            {
                cell.Append(c);
            }
        }
        cells.Add(cell.ToString());
        return cells;
    }

    private static string Q(string json) => Uri.EscapeDataString(json);

    [Fact]
    public async Task A_jail_booking_exports_its_booking_date_and_place_of_birth_where_it_has_no_issue_date_or_citizenship()
    {
        var rows = await CsvAsync($"/export/detainers.csv?where={Q("""{"jurisdiction":{"name":{"eq":"Travis County"}}}""")}&order={Q("""[{"outcomeRecordedOn":"ASC"}]""")}");

        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Equal("", r["issuedOn"]));
        Assert.Equal(["2014-03-02", "2015-06-01"], rows.Select(r => r["issuedOnOrAfter"]));
        Assert.Equal(["Guanajuato, Mexico", "Honduras"], rows.Select(r => r["placeOfBirth"]));
        Assert.All(rows, r => Assert.Equal("", r["citizenship"]));
        Assert.All(rows, r => Assert.Equal("NAMED", r["jurisdictionResolution"]));
    }

    [Theory]
    [InlineData("DESC")]
    [InlineData("ASC")]
    public async Task The_detainers_export_sorts_by_booking_date_with_the_rows_without_one_last_descending_and_first_ascending(string direction)
    {
        var rows = await CsvAsync($"/export/detainers.csv?order={Q($$"""[{"issuedOnOrAfter":"{{direction}}"}]""")}");

        // Two bookings (2014-03-02, 2015-06-01) and four FOIA rows without a booking date, those in ID order.
        var dated = rows.Where(r => r["issuedOnOrAfter"] != "").Select(r => r["issuedOnOrAfter"]).ToList();
        var undated = rows.Where(r => r["issuedOnOrAfter"] == "").Select(r => GlobalIdNumber(r["id"])).ToList();
        Assert.Equal(6, rows.Count);
        Assert.Equal(direction == "DESC" ? ["2015-06-01", "2014-03-02"] : ["2014-03-02", "2015-06-01"], dated);
        Assert.Equal(undated.Order(), undated);
        Assert.Equal(direction == "DESC" ? dated : [.. Enumerable.Repeat("", 4), .. dated],
            direction == "DESC" ? rows.Take(2).Select(r => r["issuedOnOrAfter"]) : rows.Select(r => r["issuedOnOrAfter"]));
    }

    private static long GlobalIdNumber(string id) => DetainerGraph.Api.GlobalId.RequireNumber<long>(id, "Detainer");

    [Fact]
    public async Task A_FOIA_row_exports_its_form_as_published_and_how_its_jurisdiction_was_found()
    {
        var rows = await CsvAsync($"/export/detainers.csv?where={Q("""{"outcome":{"eq":"DECLINED_BY_LEA"}}""")}");

        var chester = Assert.Single(rows);
        Assert.Equal("I247", chester["detainerType"]);
        Assert.Equal("I247 - Immigration Detainer - Notice of Action (as of March 2013)", chester["detainerTypeAsPublished"]);
        Assert.Equal("Chester County", chester["jurisdictionName"]);
        Assert.Equal("EXACT_NAME", chester["jurisdictionResolution"]);
        Assert.Equal("2013-05-14", chester["issuedOn"]);
        Assert.Equal("", chester["issuedOnOrAfter"]);
    }

    [Fact]
    public async Task A_corrected_row_names_the_fields_its_corrections_changed_beside_the_corrected_values()
    {
        var booking = (await _app.DataAsync("""
            { detainers(where: { placeOfBirth: { eq: "Honduras" } }) { nodes { id charges { id description } } } }
            """)).GetProperty("detainers").GetProperty("nodes")[0];
        var id = booking.GetProperty("id").GetString()!;
        var chargeId = booking.GetProperty("charges")[1].GetProperty("id").GetString()!;
        var token = EditorClient.Token(_app);
        const string Correct = "mutation($input: CorrectDetainerInput!) { correctDetainer(input: $input) { correction { id } } }";
        await _app.EditAsync(Correct, new { input = new { id, field = "OUTCOME", newValue = "DECLINED_BY_LEA", reason = "the jail's later record", source = "TCSO" } }, token);
        await _app.EditAsync(Correct, new { input = new { id, field = "CHARGE_DESCRIPTION", chargeId, newValue = "POSS MARIJ <2OZ", reason = "the jail's later record", source = "TCSO" } }, token);
        await _app.EditAsync(Correct, new { input = new { id, field = "OUTCOME", newValue = "TRANSFERRED", reason = "and later still", source = "TCSO" } }, token);

        var rows = await CsvAsync($"/export/detainers.csv?where={Q("""{"jurisdiction":{"name":{"eq":"Travis County"}}}""")}&order={Q("""[{"outcomeRecordedOn":"ASC"}]""")}");

        Assert.Equal("", rows[0]["correctedFields"]);
        var corrected = rows[1];
        Assert.Equal("TRANSFERRED", corrected["outcome"]);
        Assert.Equal("WARRANT WITHDRAWN", corrected["outcomeAsPublished"]);
        Assert.Equal("ASSLT CAUSES BODILY INJ:FAMILY MEMBER (MA); POSS MARIJ <2OZ", corrected["charges"]);
        // Each field once, in the order first corrected, named as Correction.field names it.
        Assert.Equal("outcome; charge.description", corrected["correctedFields"]);

        using var client = _app.CreateClient();
        var ndjson = (await client.GetStringAsync("/export/detainers.ndjson")).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal("outcome; charge.description", ndjson.Single(r => r.GetProperty("id").GetString() == id).GetProperty("correctedFields").GetString());
        Assert.Equal(JsonValueKind.Null, ndjson.First(r => r.GetProperty("id").GetString() != id).GetProperty("correctedFields").ValueKind);
    }

    [Fact]
    public async Task A_stats_export_by_facility_tells_two_facilities_of_one_name_apart_by_city()
    {
        var rows = await CsvAsync($"/export/detainer-stats.csv?groupBy=FACILITY&order=KEY_ASC&where={Q("""{"facility":{"name":{"eq":"POTTER COUNTY PRISON"}}}""")}");

        Assert.Equal(2, rows.Count);
        Assert.Equal(["COUDERSPORT:1", "WELLSBORO:2"], rows.Select(r => $"{r["facilityCity"]}:{r["count"]}").Order(StringComparer.Ordinal));
        Assert.All(rows, r => Assert.Equal("POTTER COUNTY PRISON", r["facilityName"]));
        Assert.All(rows, r => Assert.Equal("PA", r["facilityState"]));
    }
}
