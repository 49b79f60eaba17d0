namespace DetainerGraph.Import;

/// <summary>
/// A value made once per distinct key and reused, for the import's many rows that name the same few thousand things
/// (jurisdictions, facilities, their keys, a search document's labels and facet bytes). Keeps at most
/// <c>capacity</c> keys: past that, a new key's value is made and returned each time without being kept, so a file
/// of endless distinct values costs time, never unbounded memory. Not thread-safe (one per reader or writer).
/// </summary>
internal sealed class BoundedCache<TKey, TValue>(int capacity, IEqualityComparer<TKey>? comparer = null)
    where TKey : notnull
{
    private readonly Dictionary<TKey, TValue> _values = new(comparer);

    /// <summary>How many keys are kept (never more than the capacity).</summary>
    public int Count => _values.Count;

    /// <summary>
    /// The value kept for <paramref name="key"/>, else <paramref name="make"/>'s (kept while there is room).
    /// <paramref name="state"/> is passed to <paramref name="make"/> so that a static lambda serves without a closure.
    /// </summary>
    public TValue GetOrAdd<TState>(TKey key, TState state, Func<TKey, TState, TValue> make)
    {
        if (_values.TryGetValue(key, out var known))
        {
            return known;
        }
        var value = make(key, state);
        if (_values.Count < capacity)
        {
            _values[key] = value;
        }
        return value;
    }
}
