using DetainerGraph.Api;
using DetainerGraph.Data;

namespace DetainerGraph.Tests.Api;

/// <summary>Keyset cursors made the way the API makes them, for tests that need one without reading a page first.</summary>
internal static class KeysetCursors
{
    /// <summary>The cursor of the detainer whose keys in <paramref name="order"/> are <paramref name="values"/> (its ID last).</summary>
    public static string Detainer(Func<IQueryable<Detainer>, IOrderedQueryable<Detainer>> order, params object?[] values) =>
        KeysetCursor.Encode(KeysetOrder<Detainer>.Of(order(Array.Empty<Detainer>().AsQueryable())), values);
}
