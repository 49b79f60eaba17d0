using System.Diagnostics;
using DetainerGraph.Data;
using DetainerGraph.Search;

namespace DetainerGraph.Cli;

/// <summary><c>reindex</c>: rebuilds the search index from the database.</summary>
public static partial class Commands
{
    /// <summary>
    /// Rebuild-and-swap: the new index is built in its own folder and named live only when complete, so a
    /// search never sees a half-built index; then the folders no longer in use are deleted. The embedded index is
    /// one process's at a time: beside a running server (which holds it) the command changes nothing and says so,
    /// exit 3, and the server answers from its index as before. On Elasticsearch the servers follow the alias.
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
        catch (SearchIndexInUseException)
        {
            Console.Error.WriteLine("error: the search index is held by another process (a running server, or another command); nothing was changed. Run reindex once it has stopped (a server: stop it, run reindex, start it again).");
            return 3;
        }
        var count = await scope.ServiceProvider.GetRequiredService<IChargeSearch>().CountAsync(CancellationToken.None);
        Console.WriteLine($"search index rebuilt: {count} charges in {watch.Elapsed.TotalSeconds:F1} s");
        return 0;
    }
}
