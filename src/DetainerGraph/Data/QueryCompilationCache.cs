using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Primitives;

namespace DetainerGraph.Data;

/// <summary>
/// The memory cache EF Core keeps its compiled queries in (<c>UseMemoryCache</c>), bounded by
/// <c>Database:CompiledQueryCacheSize</c> entries, and admitting a compiled query or SQL command template only when its
/// shape is compiled for the second time (<see cref="SecondSighting"/>). A compiled query holds its expression tree, its
/// SQL generator and compiled shaper delegates: a client sending thousands of shapes it never repeats (distinct filters,
/// sorts and groupings) filled EF Core's own cache of about 1,000 with a few hundred MB, and now fills nothing. A front end
/// repeating a few hundred shapes keeps them: a bound of 256 with every shape admitted made it compile most of them again
/// on every request, which cost latency and more memory than caching them (BENCHMARKS.md, "Distinct query shapes").
/// Past the bound the cache compacts (expired entries, then the lowest priority, then the least recently used); a shape
/// compiled again costs a few milliseconds.
/// </summary>
public sealed class QueryCompilationCache
{
    /// <summary>The size EF Core gives each compiled query and each SQL command template it caches.</summary>
    public const int EntrySize = 10;

    /// <summary>The default of <c>Database:CompiledQueryCacheSize</c>, EF Core's own.</summary>
    public const int DefaultCapacity = 1024;

    /// <summary>The sizes EF Core gives the two models it caches in this cache (150 and 100).</summary>
    public const int ModelSize = 250;

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
        // Room for the two models EF Core caches here too (ModelSize) besides the queries.
        Admitting = new SecondSighting(new MemoryCache(new MemoryCacheOptions { SizeLimit = ((long)capacity * EntrySize) + ModelSize }),
            (int)Math.Min((long)capacity * SightingsPerEntry, MaxSightings));
    }

    /// <summary>How many shapes seen once are remembered per cache entry, before the memory of them starts again.</summary>
    private const int SightingsPerEntry = 4;

    /// <summary>The most shapes seen once that are remembered (4 MB of hash codes), whatever the capacity.</summary>
    private const int MaxSightings = 1 << 20;

    private SecondSighting Admitting { get; }

    /// <summary>At most this many compiled queries and SQL command templates are kept.</summary>
    public int Capacity { get; }

    /// <summary>The cache EF Core is given.</summary>
    public IMemoryCache Cache => Admitting;

    /// <summary>The entries cached now (compiled queries, command templates and the model).</summary>
    public int Count => Admitting.Entries.Count;

    /// <summary>
    /// Admits a compiled query or command template (an entry of <see cref="EntrySize"/>) to the bounded cache the second
    /// time its key is compiled, remembering only the hash codes of keys seen once (at most <c>limit</c>, then forgotten
    /// all at once); anything else (the model) goes straight in. A shape asked once is compiled and used, not kept, so a
    /// stream of shapes that never come back neither fills the cache nor evicts the shapes that do; a repeated one costs
    /// one compilation more. A hash collision only admits a shape early.
    /// </summary>
    private sealed class SecondSighting(MemoryCache entries, int limit) : IMemoryCache
    {
        private readonly HashSet<int> _seenOnce = [];
        private readonly Lock _lock = new();

        public MemoryCache Entries => entries;

        public bool TryGetValue(object key, out object? value) => entries.TryGetValue(key, out value);

        public ICacheEntry CreateEntry(object key) => new Pending(this, key);

        public void Remove(object key) => entries.Remove(key);

        public MemoryCacheStatistics? GetCurrentStatistics() => entries.GetCurrentStatistics();

        /// <summary>The cache lives as long as the process (EF Core never disposes a cache it was given).</summary>
        public void Dispose()
        {
        }

        private bool Admits(object key)
        {
            var hash = key.GetHashCode();
            lock (_lock)
            {
                if (_seenOnce.Remove(hash))
                {
                    return true;
                }
                if (_seenOnce.Count >= limit)
                {
                    _seenOnce.Clear();
                }
                _seenOnce.Add(hash);
                return false;
            }
        }

        /// <summary>An entry as EF Core fills it (<c>Set</c>: options, then the value), committed when it is disposed if admitted.</summary>
        private sealed class Pending(SecondSighting owner, object key) : ICacheEntry
        {
            private List<IChangeToken>? _tokens;
            private List<PostEvictionCallbackRegistration>? _callbacks;
            private bool _disposed;

            public object Key => key;

            public object? Value { get; set; }

            public DateTimeOffset? AbsoluteExpiration { get; set; }

            public TimeSpan? AbsoluteExpirationRelativeToNow { get; set; }

            public TimeSpan? SlidingExpiration { get; set; }

            public IList<IChangeToken> ExpirationTokens => _tokens ??= [];

            public IList<PostEvictionCallbackRegistration> PostEvictionCallbacks => _callbacks ??= [];

            public CacheItemPriority Priority { get; set; } = CacheItemPriority.Normal;

            public long? Size { get; set; }

            public void Dispose()
            {
                if (_disposed)
                {
                    return;
                }
                _disposed = true;
                if (Size == EntrySize && !owner.Admits(key))
                {
                    return;
                }
                using var entry = owner.Entries.CreateEntry(key);
                entry.Value = Value;
                entry.AbsoluteExpiration = AbsoluteExpiration;
                entry.AbsoluteExpirationRelativeToNow = AbsoluteExpirationRelativeToNow;
                entry.SlidingExpiration = SlidingExpiration;
                entry.Priority = Priority;
                entry.Size = Size;
                foreach (var token in _tokens ?? [])
                {
                    entry.ExpirationTokens.Add(token);
                }
                foreach (var callback in _callbacks ?? [])
                {
                    entry.PostEvictionCallbacks.Add(callback);
                }
            }
        }
    }
}
