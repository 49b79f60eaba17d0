using Microsoft.Extensions.Caching.Memory;

namespace DetainerGraph.Data;

/// <summary>
/// The memory cache EF Core keeps its compiled queries in (<c>UseMemoryCache</c>), bounded by
/// <c>Database:CompiledQueryCacheSize</c> entries. EF Core's own default keeps about 1,000 (a size limit of 10,240, each
/// compiled query or SQL command template weighing <see cref="EntrySize"/>), and a compiled query holds its expression
/// tree, its SQL generator and compiled shaper delegates: with 5,000 distinct filters, sorts and groupings (each a new
/// statement shape) the server's RSS was 78-103 MB higher than with this bound (BENCHMARKS.md, "Distinct query shapes").
/// Past the bound the cache compacts (expired entries, then the lowest priority, then the least recently used); a
/// shape compiled again costs a few milliseconds.
/// </summary>
public sealed class QueryCompilationCache
{
    /// <summary>The size EF Core gives each compiled query and each SQL command template it caches.</summary>
    public const int EntrySize = 10;

    /// <summary>The default of <c>Database:CompiledQueryCacheSize</c>.</summary>
    public const int DefaultCapacity = 256;

    /// <summary>The size EF Core gives a model it caches in this cache.</summary>
    public const int ModelSize = 100;

    /// <summary>
    /// One cache per capacity for the whole process, as EF Core's own default cache is: EF Core builds its internal services
    /// once per distinct options, the cache instance included, and a host of its own cache per instance made a new set of
    /// them for every host (tests start hundreds; EF Core refuses more than twenty).
    /// </summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, QueryCompilationCache> Shared = new();

    /// <summary>The process's cache of <paramref name="capacity"/> entries; a capacity below 1 is refused.</summary>
    public static QueryCompilationCache For(int capacity) => capacity < 1
        ? throw new InvalidOperationException($"Database:CompiledQueryCacheSize is {capacity}; it must be at least 1.")
        : Shared.GetOrAdd(capacity, static c => new QueryCompilationCache(c));

    private QueryCompilationCache(int capacity)
    {
        Capacity = capacity;
        // Room for the model besides the queries, should EF Core cache it here as well (it gives it a size of 100).
        Cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = ((long)capacity * EntrySize) + ModelSize });
    }

    /// <summary>At most this many compiled queries and SQL command templates are kept.</summary>
    public int Capacity { get; }

    public MemoryCache Cache { get; }

    /// <summary>The entries cached now (compiled queries, command templates and the model).</summary>
    public int Count => Cache.Count;
}
