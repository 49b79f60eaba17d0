using System.Collections.Concurrent;

namespace DetainerGraph.Search;

/// <summary>
/// A cache shared by concurrent searches and bounded by the estimated bytes of its values, not their count. An entry
/// larger than an eighth of the budget is not kept (it is used once and collected); when an entry would take the
/// total past the budget, the cache starts over rather than tracking use, which costs nothing per hit.
/// </summary>
public sealed class ByteBoundedCache<TKey, TValue>(long budgetBytes)
    where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, (TValue Value, long Bytes)> _entries = new();
    private readonly System.Threading.Lock _resize = new();
    private long _bytes;

    public long BudgetBytes => budgetBytes;

    /// <summary>The estimated bytes of the values held now.</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    public int Count => _entries.Count;

    public bool TryGet(TKey key, out TValue value)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            value = entry.Value;
            return true;
        }
        value = default!;
        return false;
    }

    public void Add(TKey key, TValue value, long bytes)
    {
        if (bytes > budgetBytes / 8)
        {
            return;
        }
        lock (_resize)
        {
            if (_bytes + bytes > budgetBytes)
            {
                _entries.Clear();
                _bytes = 0;
            }
            if (_entries.TryAdd(key, (value, bytes)))
            {
                _bytes += bytes;
            }
        }
    }
}
