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

/// <summary>The request's batch loaders, one per name. Registered scoped: one set per HTTP request.</summary>
public sealed class BatchLoaders
{
    private readonly Dictionary<string, object> _loaders = new(StringComparer.Ordinal);

    public BatchLoader<TKey, TValue> GetOrAdd<TKey, TValue>(
        string name, Func<IReadOnlyCollection<TKey>, CancellationToken, Task<IDictionary<TKey, TValue>>> fetch)
        where TKey : notnull
    {
        if (!_loaders.TryGetValue(name, out var loader))
        {
            loader = new BatchLoader<TKey, TValue>(fetch);
            _loaders[name] = loader;
        }
        return (BatchLoader<TKey, TValue>)loader;
    }
}

public static class DataLoaderResultExtensions
{
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
