namespace DetainerGraph.Search;

/// <summary>
/// Searches bounded by <c>Search:RequestTimeout</c>, whatever the engine, and the one place a page window is checked:
/// a page past <see cref="ChargeSearchRequest.MaxResultWindow"/> is refused before any engine work. The engine gets a
/// token cancelled at the timeout (and with the request), so its work stops rather than running on unobserved (Lucene
/// checks it while it expands and collects; Elasticsearch's client cancels the HTTP call); the caller stops waiting at
/// the same moment. Past the timeout the answer is <see cref="SearchTimeoutException"/> (SEARCH_TIMEOUT); a cancelled
/// request stays cancelled. Writes, rebuilds and counts pass straight through. The timeout runs on the registered
/// <see cref="TimeProvider"/>, so a test can make it fall due when it chooses.
/// </summary>
internal sealed class TimeLimitedChargeSearch(IChargeSearch inner, ChargeSearchOptions options, TimeProvider time) : IChargeSearch
{
    public IChargeSearch Inner => inner;

    public async Task<ChargeSearchResult> SearchAsync(ChargeSearchRequest request, CancellationToken ct)
    {
        // Queries the client can fix are refused before any engine work.
        request.CheckWindow();
        var timeout = options.RequestTimeout;
        using var timer = new CancellationTokenSource(timeout, time);
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(ct, timer.Token);
        try
        {
            return await inner.SearchAsync(request, budget.Token).WaitAsync(timeout, time, ct);
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException)
        {
            // Whoever ended the wait (the request's cancellation, or this timeout a moment before the budget's own
            // timer), the engine's work stops now: disposing the budget first would unlink it from the request
            // before the request's cancellation reached it, and leave the engine running unobserved.
            await budget.CancelAsync();
            if (ct.IsCancellationRequested)
            {
                throw;
            }
            throw new SearchTimeoutException(timeout, e);
        }
    }

    public Task IndexAsync(IReadOnlyCollection<ChargeDocument> documents, CancellationToken ct) => inner.IndexAsync(documents, ct);

    public Task DeleteAsync(IReadOnlyCollection<long> chargeIds, CancellationToken ct) => inner.DeleteAsync(chargeIds, ct);

    public Task RebuildAsync(IAsyncEnumerable<ChargeDocument> documents, CancellationToken ct) => inner.RebuildAsync(documents, ct);

    public Task<long> CountAsync(CancellationToken ct) => inner.CountAsync(ct);

    public Task<bool> IsAnalysisCurrentAsync(CancellationToken ct) => inner.IsAnalysisCurrentAsync(ct);
}

/// <summary>A search stopped at <c>Search:RequestTimeout</c> (SEARCH_TIMEOUT).</summary>
public sealed class SearchTimeoutException(TimeSpan timeout, Exception inner) : Exception("The search ran past Search:RequestTimeout.", inner)
{
    public TimeSpan Timeout { get; } = timeout;
}
