using System.Text.Json;
using DetainerGraph.Facilities;
using DetainerGraph.Tests.Corrections;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DetainerGraph.Tests.Api;

/// <summary>
/// The server keeps facilities by ID (<see cref="FacilityCache"/>): a page of detainers stops querying the
/// facilities it already read, and still shows what imports and corrections change afterwards.
/// </summary>
public sealed class FacilityCacheTests : IDisposable
{
    private const string Page = "{ detainers(first: 50, order: [{ issuedOn: ASC }]) { nodes { id facility { id name city state } } } }";

    // Two more Pennsylvania rows: one at a facility the first file named, one at a facility no file named before.
    private const string LaterFile = """
        date,lift_reason,det_facility,city,state,detainer_type
        2015-01-05 00:00:00,Lifted,SCI GRATERFORD,GRATERFORD,PENNSYLVANIA,
        2015-01-06 00:00:00,Lifted,YORK COUNTY PRISON,YORK,PENNSYLVANIA,

        """;

    private readonly TestApp _app = EditorClient.NewApp();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task A_repeated_page_reads_its_facilities_from_the_cache_with_the_same_answer()
    {
        await _app.ImportAsync("pa_detainers_2007_2015.csv", SampleRows.Foia);

        var first = await _app.QueryAsync(Page);
        var second = await _app.QueryAsync(Page);

        Assert.Equal(first.GetProperty("data").GetRawText(), second.GetProperty("data").GetRawText());
        // The first page ran its page query and the facilities' query; the second, the page query alone.
        Assert.Equal(2, TestApp.SqlStatements(first));
        Assert.Equal(1, TestApp.SqlStatements(second));
        Assert.Equal(5, _app.Services.GetRequiredService<FacilityCache>().Count);
        await AssertFacilitiesAreTheStoresAsync(second);
    }

    [Fact]
    public async Task Facilities_an_import_adds_and_a_correction_moving_a_detainer_show_once_the_cache_is_warm()
    {
        await _app.ImportAsync("pa_detainers_2007_2015.csv", SampleRows.Foia);
        await _app.QueryAsync(Page);

        await _app.ImportAsync("pa_later.csv", LaterFile);
        var afterImport = await _app.QueryAsync(Page);
        var york = Nodes(afterImport).Single(n => n.GetProperty("facility").GetProperty("name").GetString() == "YORK COUNTY PRISON");
        Assert.Equal("YORK", york.GetProperty("facility").GetProperty("city").GetString());
        Assert.Equal(7, Nodes(afterImport).Count);
        await AssertFacilitiesAreTheStoresAsync(afterImport);

        // Move the first detainer (Montgomery County's jail) to York County's prison.
        var moved = Nodes(afterImport)[0];
        Assert.Equal("MONTGOMERY CNTY JAIL, PA", moved.GetProperty("facility").GetProperty("name").GetString());
        var yorkId = york.GetProperty("facility").GetProperty("id").GetString();
        await _app.EditAsync(
            "mutation($input: CorrectDetainerInput!) { correctDetainer(input: $input) { correction { id } } }",
            new { input = new { id = moved.GetProperty("id").GetString(), field = "FACILITY", newValue = yorkId, reason = "r", source = "s" } },
            EditorClient.Token(_app));

        var afterCorrection = await _app.QueryAsync(Page);
        Assert.Equal("YORK COUNTY PRISON", Nodes(afterCorrection)[0].GetProperty("facility").GetProperty("name").GetString());
        await AssertFacilitiesAreTheStoresAsync(afterCorrection);
    }

    private static List<JsonElement> Nodes(JsonElement response) =>
        [.. response.GetProperty("data").GetProperty("detainers").GetProperty("nodes").EnumerateArray()];

    /// <summary>Every node's facility is the one its detainer row names, as the store holds it now.</summary>
    private async Task AssertFacilitiesAreTheStoresAsync(JsonElement response)
    {
        var expected = await _app.WithDbAsync(db => db.Detainers
            .Where(d => !d.Retracted && !d.IsSynthetic)
            .OrderBy(d => d.IssuedOn).ThenBy(d => d.Id)
            .Select(d => new { d.Facility!.Name, d.Facility.City, d.Facility.State })
            .ToListAsync());
        var actual = Nodes(response).Select(n => n.GetProperty("facility")).Select(f => new
        {
            Name = f.GetProperty("name").GetString()!,
            City = f.GetProperty("city").GetString(),
            State = f.GetProperty("state").GetString()!,
        }).ToList();
        Assert.Equal(expected, actual);
    }
}
