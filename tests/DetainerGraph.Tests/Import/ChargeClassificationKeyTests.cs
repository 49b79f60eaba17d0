using DetainerGraph.Reference;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DetainerGraph.Tests.Import;

/// <summary>
/// The import classifies each charge by its own file code and text. Its per-import cache once keyed a charge by its code
/// or, without one, by its text: a booking whose charge text reads "5404" then took the offense of the booking coded
/// 5404 (Traffic Offense), or, met first, left the coded booking with no code at all.
/// </summary>
public sealed class ChargeClassificationKeyTests : IDisposable
{
    private const string JailHeader = "state,county,booking,booked_on,place_of_birth,detainer_disposition,detainer_disposition_date,charge_code,charge\n";
    private const string Coded = "TX,Travis County,1,2017-01-03,Mexico,RELEASED TO ICE,2017-01-09,54040009,DRIVING WHILE INTOXICATED\n";
    private const string TextOnly = "TX,Travis County,2,2017-01-04,Mexico,RELEASED TO ICE,2017-01-10,,5404\n";

    private readonly TestApp _app = new();

    public void Dispose() => _app.Dispose();

    [Theory]
    [InlineData("coded first")]
    [InlineData("text first")]
    public async Task A_charge_text_that_reads_as_a_code_is_not_classified_as_that_code(string order)
    {
        var content = JailHeader + (order == "coded first" ? Coded + TextOnly : TextOnly + Coded);
        await _app.ImportAsync($"{order.Replace(' ', '-')}.csv", content);
        var reference = _app.Started().GetRequiredService<ReferenceData>();

        var charges = await _app.WithDbAsync(db => db.Charges.OrderBy(c => c.Description)
            .Select(c => new { c.Description, c.NcicCode, c.Category }).ToListAsync());

        Assert.Equal(2, charges.Count);
        var text = Assert.Single(charges, c => c.Description == "5404");
        var coded = Assert.Single(charges, c => c.Description == "DRIVING WHILE INTOXICATED");
        Assert.Equal("5404", coded.NcicCode);
        Assert.Equal("Traffic Offense", coded.Category);
        // What the shared rule gives the text on its own, which the re-derivation at start and a correction also give it.
        Assert.Null(reference.MatchOffense("5404"));
        Assert.Equal(reference.ClassifyStoredCharge("5404", fileCode: null), (text.NcicCode, text.Category));
        Assert.Null(text.NcicCode);
    }
}
