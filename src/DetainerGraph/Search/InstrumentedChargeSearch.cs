using DetainerGraph.Operability;

namespace DetainerGraph.Search;

/// <summary>
/// Wraps whichever engine <c>Search:Provider</c> chose, so every call is timed and traced the same way for
/// Lucene.NET and Elasticsearch, without touching either engine (composed in <see cref="SearchServiceExtensions.AddChargeSearch"/>;
/// the telemetry itself is Operability's). The container owns the engine, so this owns nothing.
/// </summary>
internal sealed class InstrumentedChargeSearch(IChargeSearch inner, DetainerGraphTelemetry telemetry) : IChargeSearch
{
    public IChargeSearch Inner => inner;

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

    public Task<bool> IsAnalysisCurrentAsync(CancellationToken ct) =>
        telemetry.ObserveSearchAsync("analysis", () => inner.IsAnalysisCurrentAsync(ct));
}
