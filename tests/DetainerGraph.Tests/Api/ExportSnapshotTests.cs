using System.Globalization;
using System.Net;
using System.Text;
using DetainerGraph.Api;
using DetainerGraph.Corrections;
using DetainerGraph.Data;
using DetainerGraph.Export;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DetainerGraph.Tests.Api;

/// <summary>
/// An export is one snapshot of the store: a correction, a retraction and an import committed while it streams (the
/// export held inside one of its reads by <see cref="HeldStatement"/>) are in none of its rows, and the file is byte
/// for byte the one an export taken just before them gives.
/// </summary>
public sealed class ExportSnapshotTests : IDisposable
{
    /// <summary>Three chunks of detainers (500 a chunk), so the change lands after the first chunk has been sent.</summary>
    private const int Detainers = 1_200;

    private readonly HeldStatement _held = new();
    private readonly TestApp _app;

    public ExportSnapshotTests()
    {
        _app = new TestApp(services: services => services.ConfigureDbContext<SqliteDetainerDbContext>(o => o.AddInterceptors(_held)));
    }

    public void Dispose()
    {
        _held.Release();
        _app.Dispose();
    }

    /// <summary>Detainers in three counties, every one with one or two charges, in the detainers import format.</summary>
    private static string Rows(string prefix, int count, string county = "Travis County", string state = "TX")
    {
        var text = new StringBuilder("detainer_key,state,county,facility,facility_city,citizenship,detainer_type,issued_date,outcome,outcome_date,report_week,charge,charge_status\n");
        for (var i = 0; i < count; i++)
        {
            var place = i % 3 == 0 ? $"{state},{county}" : i % 3 == 1 ? "NV,Clark County" : "WA,Snohomish County";
            var issued = new DateOnly(2017, 1, 2).AddDays(i % 90).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            var row = $"{prefix}{i},{place},,,Mexico,I-247D,{issued},Lifted,2017-04-01,,";
            text.Append(row).Append("Burglary,Charge\n");
            if (i % 2 == 0)
            {
                text.Append(row).Append("Assault,Conviction\n");
            }
        }
        return text.ToString();
    }

    private async Task<(HttpStatusCode Status, string Body)> GetAsync(string url)
    {
        using var client = _app.CreateClient();
        using var response = await client.GetAsync(new Uri(url, UriKind.Relative));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A correction of a detainer and of a charge, a retraction and an import, each committed on its own.</summary>
    private async Task ChangeBothSidesAsync(long correctedId, long retractedId)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DetainerDbContext>();
        var writer = scope.ServiceProvider.GetRequiredService<CorrectionWriter>();
        var charge = await db.Charges.Where(c => c.DetainerId == correctedId).OrderBy(c => c.Id).Select(c => c.Id).FirstAsync();
        CorrectionRequest Request(string? value) => new(value, "A correction committed while an export streams", "ExportSnapshotTests", null);
        await writer.CorrectDetainerAsync(correctedId, DetainerField.Outcome, null, Request("DECLINED_BY_LEA"), "tester", CancellationToken.None);
        await writer.CorrectDetainerAsync(correctedId, DetainerField.ChargeDescription, charge, Request("Corrected while exporting"), "tester", CancellationToken.None);
        await writer.RetractDetainerAsync(retractedId, Request(null), "tester", CancellationToken.None);
        await _app.ImportAsync("later.csv", Rows("later", 30, "Cook County", "IL"));
    }

    [Fact]
    public async Task A_detainers_export_is_the_store_as_it_was_when_it_began_whatever_is_committed_midway()
    {
        await _app.ImportAsync("many.csv", Rows("m", Detainers));
        const string Url = "/export/detainers.csv";
        var (_, before) = await GetAsync(Url);
        var ids = await _app.WithDbAsync(db => db.Detainers.OrderBy(d => d.Id).Select(d => d.Id).ToListAsync());
        // The second chunk's charges: the first 500 rows have been written when the export is held.
        var chargeReads = 0;
        _held.Matches = command => command.CommandText.Contains("FROM \"Charges\"", StringComparison.Ordinal) && Interlocked.Increment(ref chargeReads) == 2;
        _held.Arm();

        var export = GetAsync(Url);
        await _held.Entered.WithinAsync("the export to read its second chunk's charges");
        // Both sides of rows still to come (the third chunk), and rows the export never read. The export's read
        // transaction must not hold the writers up: they commit while it is held.
        await ChangeBothSidesAsync(correctedId: ids[1_100], retractedId: ids[1_150]).WithinAsync("the writes to commit beside the held export");
        _held.Release();
        var (status, during) = await export.WithinAsync("the held export to finish");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, _held.Holds);
        Assert.Equal(Detainers + 1, before.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(before, during);
        // The changes are real: an export begun after them has every one.
        var (_, after) = await GetAsync(Url);
        Assert.Contains("Corrected while exporting", after, StringComparison.Ordinal);
        Assert.Contains(",later.csv,", after, StringComparison.Ordinal);
        Assert.DoesNotContain(GlobalId.Encode("Detainer", ids[1_150]) + ",", after, StringComparison.Ordinal);
        Assert.Contains(GlobalId.Encode("Detainer", ids[1_150]) + ",", before, StringComparison.Ordinal);
        Assert.Equal(Detainers - 1 + 30 + 1, after.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.NotEqual(before, after);
    }

    [Fact]
    public async Task A_stats_export_counts_and_names_one_state_of_the_store()
    {
        await _app.ImportAsync("many.csv", Rows("m", 60));
        const string Url = "/export/detainer-stats.csv?groupBy=JURISDICTION,OUTCOME&order=KEY_ASC";
        var (_, before) = await GetAsync(Url);
        var ids = await _app.WithDbAsync(db => db.Detainers.OrderBy(d => d.Id).Select(d => d.Id).ToListAsync());
        // The names of the jurisdictions are read first; the groups after them.
        _held.Matches = command => command.CommandText.Contains("FROM \"Jurisdictions\"", StringComparison.Ordinal);
        _held.Arm();

        var export = GetAsync(Url);
        await _held.Entered.WithinAsync("the stats export to read the jurisdictions' names");
        await ChangeBothSidesAsync(correctedId: ids[3], retractedId: ids[6]).WithinAsync("the writes to commit beside the held export");
        _held.Release();
        var (status, during) = await export.WithinAsync("the held export to finish");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, _held.Holds);
        Assert.Equal(before, during);
        var (_, after) = await GetAsync(Url);
        Assert.Contains("Cook County", after, StringComparison.Ordinal);
        Assert.NotEqual(before, after);
    }
}
