namespace DetainerGraph.Operability;

/// <summary>
/// The thread pool's floor of worker threads while serving (<c>Hosting:MinWorkerThreads</c>, 64). SQLite
/// (Microsoft.Data.Sqlite) has no asynchronous I/O: an awaited statement runs on a pool thread and holds it until the
/// statement ends, and so does a Lucene search. The runtime's floor is one thread per core; past it the pool adds about
/// two threads a second. Twenty slow requests within the limits, from twenty clients at once (a 4 × 8-condition
/// <c>charges.some.containsIgnoreCase</c> count on the 100k store, each stopped by the 30 s timeout), took every thread
/// of a 2-core server: a cheap query from another client then waited 11.8 s for a thread, and the timed-out requests
/// were answered up to 11 s past the timeout. With a floor of 64 the cheap query took 1.75 s at worst and every
/// timeout was answered at 30.2 s. The floor only lets the pool start that many threads without waiting; idle ones
/// are retired as usual.
/// </summary>
public static class ThreadPoolFloor
{
    public const int DefaultMinWorkerThreads = 64;

    /// <summary>The floor the configuration asks for (at least one per core).</summary>
    public static int MinWorkerThreads(IConfiguration configuration) =>
        Math.Max(Environment.ProcessorCount, configuration.GetValue("Hosting:MinWorkerThreads", DefaultMinWorkerThreads));

    /// <summary>
    /// Raises the pool's floor of worker threads to <see cref="MinWorkerThreads"/>; a higher floor (set by the operator
    /// through <c>DOTNET_ThreadPool_ForceMinWorkerThreads</c> or the runtime configuration) is left alone. Call before
    /// the server starts.
    /// </summary>
    public static void Apply(IConfiguration configuration)
    {
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        var floor = MinWorkerThreads(configuration);
        if (floor > workers)
        {
            ThreadPool.SetMinThreads(floor, completionPorts);
        }
    }
}
