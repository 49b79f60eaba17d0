using System.Globalization;
using DetainerGraph.Data;
using DetainerGraph.Operability;
using Spectre.Console;

namespace DetainerGraph.Cli;

/// <summary><c>stats</c>: row counts per table and how the published detainers were placed in jurisdictions.</summary>
public static partial class Commands
{
    private static async Task<int> StatsAsync(IServiceProvider services, CancellationToken ct)
    {
        await services.PrepareStoreAsync(loadSampleData: false, ct);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DetainerDbContext>();
        var counts = await StoreStatistics.CountAsync(db, ct);
        var table = new Table().AddColumn("table").AddColumn(new TableColumn("rows").RightAligned());
        foreach (var (name, count) in counts)
        {
            table.AddRow(name, count.ToString("N0", CultureInfo.InvariantCulture));
        }
        if (Console.IsOutputRedirected)
        {
            foreach (var (name, count) in counts)
            {
                Console.WriteLine($"{name}\t{count}");
            }
        }
        else
        {
            AnsiConsole.Write(table);
        }
        // How the published detainers were placed in their jurisdictions, and the facility names nothing placed.
        var placements = await StoreStatistics.PlacementsAsync(db, ct);
        var unresolved = await StoreStatistics.UnresolvedFacilitiesAsync(db, ct);
        var total = placements.Sum(p => p.Detainers);
        var placed = placements.Where(p => p.Resolution != JurisdictionResolution.Unresolved).Sum(p => p.Detainers);
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"published detainers placed in a jurisdiction: {placed:N0} of {total:N0} ({(total == 0 ? 100 : 100.0 * placed / total):F2}%)"));
        foreach (var (resolution, rule, detainers) in placements)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {resolution}\t{LogText.Escape(rule ?? "-")}\t{detainers}"));
        }
        Console.WriteLine(unresolved.Count == 0 ? "no facility name left unresolved" : "facility names still unresolved (state, name, detainers):");
        foreach (var (state, name, detainers) in unresolved)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {LogText.Escape(state)}\t{LogText.Escape(name)}\t{detainers}"));
        }
        return 0;
    }
}
