using System.Diagnostics;
using DetainerGraph.Data;
using DetainerGraph.Search;

namespace DetainerGraph.Cli;

/// <summary><c>reindex</c>: rebuilds the search index from the database.</summary>
public static partial class Commands
{
    /// <summary>
    /// Rebuild-and-swap: the new index is built in its own folder and named live only when complete, so a
    /// search never sees a half-built index. A server already running keeps its open index until restarted.
    /// </summary>
    private static async Task<int> ReindexAsync(IServiceProvider services, CancellationToken ct)
    {
        await services.PrepareStoreAsync(loadSampleData: false, ct);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DetainerDbContext>();
        var watch = Stopwatch.StartNew();
        try
        {
            await scope.ServiceProvider.GetRequiredService<SearchOutbox>().RebuildAsync(db, ct);
        }
        catch (Exception) when (ct.IsCancellationRequested)
        {
            // The new index is built in a folder of its own and deleted when stopped; the live one was never touched.
            Console.Error.WriteLine("reindex interrupted: the search index in use is unchanged.");
            return Interrupted;
        }
        var count = await scope.ServiceProvider.GetRequiredService<IChargeSearch>().CountAsync(CancellationToken.None);
        Console.WriteLine($"search index rebuilt: {count} charges in {watch.Elapsed.TotalSeconds:F1} s");
        return 0;
    }
}
