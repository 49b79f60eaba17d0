using DetainerGraph.Data;
using GraphQL;
using GraphQL.DataLoader;

namespace DetainerGraph.Api;

/// <summary>
/// Collects the keys that resolvers ask for while GraphQL.NET walks one level of the query, and fetches
/// them in one call when the first result is awaited. Both execution strategies park an
/// <see cref="IDataLoaderResult"/> until the level is done, so a page of N items costs one fetch, not N.
/// One instance lives for one request (see <see cref="BatchLoaders"/>); it is not thread-safe, which the
/// serial execution strategy guarantees it need not be.
/// </summary>
public sealed class BatchLoader<TKey, TValue>(Func<IReadOnlyCollection<TKey>, CancellationToken, Task<IDictionary<TKey, TValue>>> fetch)
    where TKey : notnull
{
    private readonly Dictionary<TKey, TValue?> _loaded = [];
    private HashSet<TKey> _pending = [];

    /// <summary>How many fetches this loader has made (tests assert batching with it).</summary>
    public int FetchCount { get; private set; }

    public IDataLoaderResult<TValue?> Load(TKey key)
    {
        if (_loaded.TryGetValue(key, out var value))
        {
            return new Ready(value);
        }
        _pending.Add(key);
        return new Pending(this, key);
    }

    /// <summary>
    /// Records a value read by another query (one that read it together with something else), so that
    /// <see cref="Load"/> answers it without a fetch. A key already loaded keeps its value.
    /// </summary>
    public void Prime(TKey key, TValue value) => _loaded.TryAdd(key, value);

    private async Task<TValue?> GetAsync(TKey key, CancellationToken ct)
    {
        if (!_loaded.ContainsKey(key) && _pending.Count > 0)
        {
            var keys = _pending;
            _pending = [];
            FetchCount++;
            var fetched = await fetch(keys, ct).ConfigureAwait(false);
            foreach (var k in keys)
            {
                _loaded[k] = fetched.TryGetValue(k, out var v) ? v : default;
            }
        }
        return _loaded.GetValueOrDefault(key);
    }

    private sealed class Ready(TValue? value) : IDataLoaderResult<TValue?>
    {
        public Task<TValue?> GetResultAsync(CancellationToken cancellationToken = default) => Task.FromResult(value);

        Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken) => Task.FromResult<object?>(value);
    }

    private sealed class Pending(BatchLoader<TKey, TValue> loader, TKey key) : IDataLoaderResult<TValue?>
    {
        public Task<TValue?> GetResultAsync(CancellationToken cancellationToken = default) => loader.GetAsync(key, cancellationToken);

        async Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken) =>
            await GetResultAsync(cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>
/// A batch loader, declared once as a static field in its feature's <c>…DataLoaders.cs</c>: the object is its identity
/// (no name to collide, no first-wins fetch), and its fetch reads the request's database.
/// </summary>
public sealed class Loader<TKey, TValue>(Func<DetainerDbContext, IReadOnlyCollection<TKey>, CancellationToken, Task<IDictionary<TKey, TValue>>> fetch)
    where TKey : notnull
{
    /// <summary>Loads <paramref name="key"/> through this loader's instance for the request.</summary>
    public IDataLoaderResult<TValue?> Load(IResolveFieldContext context, TKey key)
    {
        var services = context.RequestServices!;
        return services.GetRequiredService<BatchLoaders>().For(this, services).Load(key);
    }

    /// <summary>Gives this loader's instance for the request a value read elsewhere (see <see cref="BatchLoader{TKey,TValue}.Prime"/>).</summary>
    public void Prime(IResolveFieldContext context, TKey key, TValue value)
    {
        var services = context.RequestServices!;
        services.GetRequiredService<BatchLoaders>().For(this, services).Prime(key, value);
    }

    internal BatchLoader<TKey, TValue> Create(IServiceProvider services) =>
        new((keys, ct) => fetch(services.GetRequiredService<DetainerDbContext>(), keys, ct));
}

/// <summary>The request's batch loaders, one per <see cref="Loader{TKey,TValue}"/>. Registered scoped: one set per HTTP request.</summary>
public sealed class BatchLoaders
{
    private readonly Dictionary<object, object> _loaders = new(ReferenceEqualityComparer.Instance);

    public BatchLoader<TKey, TValue> For<TKey, TValue>(Loader<TKey, TValue> loader, IServiceProvider services)
        where TKey : notnull
    {
        if (!_loaders.TryGetValue(loader, out var batch))
        {
            batch = loader.Create(services);
            _loaders[loader] = batch;
        }
        return (BatchLoader<TKey, TValue>)batch;
    }
}

public static class DataLoaderResultExtensions
{
    /// <summary>A result already known (a cache hit), for a resolver that otherwise loads through a batch loader.</summary>
    public static IDataLoaderResult<T> Known<T>(T value) => new Completed<T>(value);

    private sealed class Completed<T>(T value) : IDataLoaderResult<T>
    {
        public Task<T> GetResultAsync(CancellationToken cancellationToken = default) => Task.FromResult(value);

        Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken) => Task.FromResult<object?>(value);
    }

    /// <summary>Maps a loader's result when it arrives, keeping the batch.</summary>
    public static IDataLoaderResult<TResult> Then<T, TResult>(this IDataLoaderResult<T> result, Func<T, TResult> map) =>
        new Mapped<T, TResult>(result, map);

    private sealed class Mapped<T, TResult>(IDataLoaderResult<T> inner, Func<T, TResult> map) : IDataLoaderResult<TResult>
    {
        public async Task<TResult> GetResultAsync(CancellationToken cancellationToken = default) =>
            map(await inner.GetResultAsync(cancellationToken).ConfigureAwait(false));

        async Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken) =>
            await GetResultAsync(cancellationToken).ConfigureAwait(false);
    }
}
