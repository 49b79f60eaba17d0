using DetainerGraph.Search;

namespace DetainerGraph.Operability;

/// <summary>
/// Wraps whichever engine <c>Search:Provider</c> chose, so every call is timed and traced the same way for
/// Lucene.NET and Elasticsearch, without touching either engine.
/// </summary>
internal sealed class InstrumentedChargeSearch(IChargeSearch inner, DetainerGraphTelemetry telemetry, bool ownsInner)
    : IChargeSearch, IDisposable, IAsyncDisposable
{
    public IChargeSearch Inner => inner;

    /// <summary>The engine itself, for code (tests) that needs its concrete type.</summary>
    public static IChargeSearch Unwrap(IChargeSearch search) => search is InstrumentedChargeSearch instrumented ? instrumented.Inner : search;

    public Task IndexAsync(IReadOnlyCollection<ChargeDocument> documents, CancellationToken ct) =>
        telemetry.ObserveSearchAsync("index", async () =>
        {
            await inner.IndexAsync(documents, ct);
            return true;
        });

    public Task DeleteAsync(IReadOnlyCollection<long> chargeIds, CancellationToken ct) =>
        telemetry.ObserveSearchAsync("delete", async () =>
        {
            await inner.DeleteAsync(chargeIds, ct);
            return true;
        });

    public Task RebuildAsync(IAsyncEnumerable<ChargeDocument> documents, CancellationToken ct) =>
        telemetry.ObserveSearchAsync("rebuild", async () =>
        {
            await inner.RebuildAsync(documents, ct);
            return true;
        });

    public Task<ChargeSearchResult> SearchAsync(ChargeSearchRequest request, CancellationToken ct) =>
        telemetry.ObserveSearchAsync("search", () => inner.SearchAsync(request, ct));

    public Task<long> CountAsync(CancellationToken ct) =>
        telemetry.ObserveSearchAsync("count", () => inner.CountAsync(ct));

    // The container disposes what it created, which is now this wrapper: the engine it built for us (holding the
    // index or a connection open) is released through it.
    public void Dispose()
    {
        if (ownsInner)
        {
            (inner as IDisposable)?.Dispose();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!ownsInner)
        {
            return;
        }
        if (inner is IAsyncDisposable asyncDisposable)
        {
            await asyncDisposable.DisposeAsync();
        }
        else
        {
            (inner as IDisposable)?.Dispose();
        }
    }
}
