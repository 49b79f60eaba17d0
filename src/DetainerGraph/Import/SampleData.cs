using System.Diagnostics;
using DetainerGraph.Data;
using DetainerGraph.Reference;

namespace DetainerGraph.Import;

/// <summary>
/// The data a fresh server starts with: the real files in <c>data/</c> (among them Pennsylvania's FOIA detainers
/// and Travis County's jail bookings with their charges) and a synthetic demo of the three 2017 report weeks,
/// which answers only when a query asks for synthetic records. Every file goes through the importer, so loading twice changes nothing.
/// </summary>
public sealed partial class SampleData(Importer importer, ReferenceData reference, StorageOptions storage, ILogger<SampleData> logger)
{
    public const int DemoSeed = 2017;
    public const int DemoDetainers = 3_000;
    public static readonly DateOnly DemoFirstWeek = new(2017, 1, 28);
    public const int DemoWeeks = 3;

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
        var path = Path.Combine(storage.Directory, $"synthetic_demo_seed{DemoSeed}.csv");
        using var writer = new StreamWriter(path, append: false, new System.Text.UTF8Encoding(false));
        new DetainerGenerator(reference).Write(writer, DemoDetainers, DemoSeed, DemoFirstWeek, DemoWeeks);
        return path;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sample data ready in {Seconds:F1} s")]
    private partial void LogReady(double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Imported {File}: {Records} records in {Milliseconds} ms")]
    private partial void LogImported(string file, int records, long milliseconds);
}
