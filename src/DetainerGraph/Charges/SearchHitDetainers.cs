using DetainerGraph.Data;
using DetainerGraph.Search;

namespace DetainerGraph.Charges;

/// <summary>
/// The narrow detainer rows a search page read for its hits (<c>ChargeSearchQueries.ReadHitRowsAsync</c>), by hit; one
/// set per request (scoped). Kept apart from the detainer loader, so no other field ever reads a partial row, and keyed
/// by the hit object (each search makes its own hits), so a page whose selection needs whole rows never reads another
/// page's narrow ones. Not thread-safe, which the serial execution strategy guarantees it need not be.
/// </summary>
public sealed class SearchHitDetainers
{
    private readonly Dictionary<ChargeSearchHit, Detainer> _rows = new(ReferenceEqualityComparer.Instance);

    public void Keep(ChargeSearchHit hit, Detainer detainer) => _rows[hit] = detainer;

    /// <summary>The narrow row read for <paramref name="hit"/>, or null: then its detainer loads whole, as always.</summary>
    public Detainer? Of(ChargeSearchHit hit) => _rows.GetValueOrDefault(hit);
}
