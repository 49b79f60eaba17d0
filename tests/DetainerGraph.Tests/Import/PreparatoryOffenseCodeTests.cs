using DetainerGraph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Tests.Import;

/// <summary>
/// A jail's code for an attempt, conspiracy or solicitation is the offense's eight-digit Texas code with A, C or S after
/// it. The importer once read only eight-digit codes as offense codes, so these charges went by their abbreviated text
/// alone: Travis County's <c>ATTM/AGG SEX ASLT CHILD</c> (11990004A) was counted under Assault instead of Sex Assault,
/// and none of the 180 had an NCIC code (found by scripts/reporter-audit.py).
/// </summary>
public sealed class PreparatoryOffenseCodeTests : IDisposable
{
    private const string JailHeader = "state,county,booking,booked_on,place_of_birth,detainer_disposition,detainer_disposition_date,charge_code,charge\n";

    private readonly TestApp _app = new();

    public void Dispose() => _app.Dispose();

    [Theory]
    [InlineData("11990004A", "ATTM/AGG SEX ASLT CHILD", "1199", "Sex Assault")]
    [InlineData("70990140A", "ATTM/HARASS PUBLIC SERV(FS)", "7099", "Crimes Against Person")]
    [InlineData("28990009A", "ATTM/LABEL UNAUTH RECORDING>7 W/I 180D", "2899", "Stolen Property")]
    [InlineData("16020004C", "CONSP/TERRORIST THREAT IMP PUB/GOV SERV(FS", "1602", "Threat")]
    [InlineData("09990020S", "SOLIC/COMM CAPITAL MURDER", "0999", "Homicide")]
    public async Task A_preparatory_offense_takes_the_NCIC_code_and_block_of_its_offense(string code, string text, string ncic, string category)
    {
        await _app.ImportAsync("preparatory.csv", JailHeader + $"TX,Travis County,1,2015-03-02,Mexico,RELEASED TO ICE,2015-03-09,{code},{text}\n");

        var charge = await _app.WithDbAsync(db => db.Charges.Select(c => new { c.NcicCode, c.Category }).SingleAsync());

        Assert.Equal(ncic, charge.NcicCode);
        Assert.Equal(category, charge.Category);
    }

    [Theory]
    [InlineData("11990004X")]
    [InlineData("1199004A")]
    [InlineData("11990004AA")]
    public async Task Any_other_letter_or_length_is_a_local_code_and_the_text_decides(string code)
    {
        // A text the NCIC list spells out, so that the text's own classification is known: 5404 Traffic Offense.
        await _app.ImportAsync("local.csv", JailHeader + $"TX,Travis County,1,2015-03-02,Mexico,RELEASED TO ICE,2015-03-09,{code},DRIVING UNDER INFLUENCE ALCOHOL\n");

        var charge = await _app.WithDbAsync(db => db.Charges.Select(c => new { c.NcicCode, c.Category }).SingleAsync());

        Assert.Equal("5404", charge.NcicCode);
        Assert.Equal("Traffic Offense", charge.Category);
    }
}
