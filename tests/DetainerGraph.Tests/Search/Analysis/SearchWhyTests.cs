using System.Text;
using DetainerGraph.Tests.Infrastructure;

namespace DetainerGraph.Tests.Search.Analysis;

/// <summary>
/// Real Pierce County texts imported through the <c>detainers</c> format: plain words find their abbreviations,
/// the import gives them NCIC categories, and each hit's <c>why</c> says how every query word matched.
/// </summary>
public sealed class SearchWhyTests : IAsyncLifetime, IDisposable
{
    private static readonly string[] Texts = ["CCW", "UNL POSS FIREARM 2", "CRIM TRSP 1 /DV", "VIO REST OR /DV", "POSS MARIJUANA - 40 GRAMS OR LESS", "CARRYDANGWPNKNIFE"];

    private readonly TestApp _app = new();

    public async Task InitializeAsync()
    {
        var csv = new StringBuilder("detainer_key,state,county,facility,facility_city,citizenship,detainer_type,issued_date,outcome,outcome_date,report_week,charge,charge_status\n");
        for (var i = 0; i < Texts.Length; i++)
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture,
                $"w{i},WA,Pierce County,Pierce County Jail,Tacoma,Mexico,I-247D,2017-01-20,Detainer Declined by LEA,2017-01-31,,\"{Texts[i]}\",Charge\n");
        }
        await _app.ImportAsync("why.csv", csv.ToString());
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _app.Dispose();

    private async Task<List<(string Description, string? Category, List<(string Word, string Kind, string From)> Why)>> HitsAsync(string q)
    {
        var data = await _app.DataAsync("query($q: String!) { searchCharges(query: $q, first: 50) { nodes { why { word kind from detail } charge { description category } } } }", new { q });
        return [.. data.GetProperty("searchCharges").GetProperty("nodes").EnumerateArray().Select(n => (
            n.GetProperty("charge").GetProperty("description").GetString()!,
            n.GetProperty("charge").GetProperty("category").GetString(),
            n.GetProperty("why").EnumerateArray().Select(w => (w.GetProperty("word").GetString()!, w.GetProperty("kind").GetString()!, w.GetProperty("from").GetString()!)).ToList()))];
    }

    [Fact]
    public async Task Firearm_finds_concealed_carry_and_a_run_together_weapon_charge_and_says_why_after_the_text_that_says_it()
    {
        var hits = await HitsAsync("firearm");
        Assert.Equal("UNL POSS FIREARM 2", hits[0].Description);
        Assert.Equal(("firearm", "TEXT", "firearm"), Assert.Single(hits[0].Why));
        var ccw = Assert.Single(hits, h => h.Description == "CCW");
        Assert.Equal("Weapon Offense", ccw.Category);
        var reason = Assert.Single(ccw.Why);
        Assert.Equal("CONCEPT", reason.Kind);
        Assert.Contains(hits, h => h.Description == "CARRYDANGWPNKNIFE");
    }

    [Fact]
    public async Task An_abbreviation_answers_its_word_and_says_so()
    {
        var hit = Assert.Single(await HitsAsync("criminal trespass"));
        Assert.Equal("CRIM TRSP 1 /DV", hit.Description);
        Assert.Equal("Invade Privacy", hit.Category);
        Assert.Contains(("trespass", "ABBREVIATION", "TRSP"), hit.Why);
        Assert.Contains(("criminal", "ABBREVIATION", "CRIM"), hit.Why);
    }

    [Fact]
    public async Task Order_finds_the_abbreviation_OR_after_REST_but_not_the_English_or()
    {
        var hits = await HitsAsync("order");
        var hit = Assert.Single(hits);
        Assert.Equal("VIO REST OR /DV", hit.Description);
        Assert.Contains(("order", "ABBREVIATION", "OR"), hit.Why);
    }
}
