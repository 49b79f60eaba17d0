using System.Diagnostics;
using DetainerGraph.Data;
using DetainerGraph.Reference;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Import;

/// <summary>
/// The data a fresh server starts with: the real files in <c>data/</c> (among them Pennsylvania's FOIA detainers
/// and Travis County's jail bookings with their charges) and a synthetic demo of the three 2017 report weeks,
/// which answers only when a query asks for synthetic records. Every file goes through the importer, so loading twice changes nothing.
/// A shipped file that changed since the store loaded it (a later release's correction, a new demo generator) is not
/// imported beside the earlier version, which would count every record both hold twice: the store keeps what it has,
/// and the log says so.
/// </summary>
public sealed partial class SampleData(Importer importer, DetainerDbContext db, ReferenceData reference, StorageOptions storage, ILogger<SampleData> logger)
{
    public const int DemoSeed = 2017;
    public const int DemoDetainers = 3_000;
    public static readonly DateOnly DemoFirstWeek = new(2017, 1, 28);
    public const int DemoWeeks = 3;
    private static readonly string DemoFileName = $"synthetic_demo_seed{DemoSeed}.csv";

    /// <summary>In import order: a report before its sections, Section I before its corrections.</summary>
    public static readonly string[] Files =
    [
        "ddor_reports.csv",
        "ddor_2017w05_section1_top10.csv",
        "ddor_2017_corrections.csv",
        "ddor_2017w05_section3_policies.csv",
        "pa_detainers_2007_2015.csv",
        "travis_county_ice_detainers.csv",
    ];

    /// <summary>
    /// The demo as releases before the twenty-second wave wrote it, with LF and with CRLF line ends. It differs from
    /// today's only in the citizenship cells of a detainer's second and third rows, which the import never read (it kept
    /// the first row's, as the generator now writes on every row): a store that holds it holds today's demo, record for record.
    /// </summary>
    internal static readonly string[] EarlierDemoSha256 =
    [
        "45588c527f51e2250d0e2f153e400174c2273e7b2c0f9413d52b132e711a472a",
        "1b004ce7bf5266b44f90191b8c8cc9849b790b9dfe28842526f5f9e6e123c5ae",
    ];

    public async Task EnsureLoadedAsync(CancellationToken ct)
    {
        var total = Stopwatch.StartNew();
        foreach (var file in Files)
        {
            await ImportAsync(Path.Combine(reference.DataDirectory, file), ct);
        }
        await ImportAsync(WriteDemo(), ct);
        LogReady(total.Elapsed.TotalSeconds);
    }

    private async Task ImportAsync(string path, CancellationToken ct)
    {
        var name = Path.GetFileName(path);
        var earlier = await db.Sources.AsNoTracking().Where(s => s.FileName == name).OrderBy(s => s.Id)
            .Select(s => new { s.Id, s.ContentSha256, s.ImportedAt }).FirstOrDefaultAsync(ct);
        if (earlier is not null)
        {
            // Loaded before: unchanged (in any of its spellings, as the importer looks it up) it needs nothing.
            var bytes = await File.ReadAllBytesAsync(path, ct);
            if (!ContentIdentity.Spellings(bytes, ContentIdentity.Of(bytes)).Contains(earlier.ContentSha256, StringComparer.Ordinal)
                && !(name == DemoFileName && EarlierDemoSha256.Contains(earlier.ContentSha256, StringComparer.Ordinal)))
            {
                LogShippedFileChanged(name, earlier.Id, earlier.ImportedAt);
            }
            return;
        }
        var watch = Stopwatch.StartNew();
        var result = await importer.ImportAsync(path, null, ct);
        if (result.Outcome == ImportOutcome.Imported)
        {
            LogImported(result.File, result.Source.RowCount, watch.ElapsedMilliseconds);
        }
    }

    /// <summary>The demo file is generated into the storage folder; the same seed writes the same bytes.</summary>
    private string WriteDemo()
    {
        var path = Path.Combine(storage.Directory, DemoFileName);
        using var writer = new StreamWriter(path, append: false, new System.Text.UTF8Encoding(false));
        new DetainerGenerator(reference).Write(writer, DemoDetainers, DemoSeed, DemoFirstWeek, DemoWeeks);
        return path;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The shipped {File} differs from the version this store loaded as source #{SourceId} on {ImportedAt:yyyy-MM-dd}; "
        + "the store keeps that version, since importing this one beside it would count the records both hold twice. For the shipped version, start on a fresh store")]
    private partial void LogShippedFileChanged(string file, int sourceId, DateTimeOffset importedAt);

    [LoggerMessage(Level = LogLevel.Information, Message = "Sample data ready in {Seconds:F1} s")]
    private partial void LogReady(double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Imported {File}: {Records} records in {Milliseconds} ms")]
    private partial void LogImported(string file, int records, long milliseconds);
}
