using DetainerGraph.Search;

namespace DetainerGraph.Tests.Operability;

/// <summary>An engine that is down (every call fails) or that claims a fixed document count.</summary>
internal sealed class FakeChargeSearch(long? count) : IChargeSearch
{
    public static FakeChargeSearch Down() => new(null);

    public static FakeChargeSearch Holding(long documents) => new(documents);

    public Task IndexAsync(IReadOnlyCollection<ChargeDocument> documents, CancellationToken ct) => Answer();

    public Task DeleteAsync(IReadOnlyCollection<long> chargeIds, CancellationToken ct) => Answer();

    public async Task RebuildAsync(IAsyncEnumerable<ChargeDocument> documents, CancellationToken ct) => await Answer();

    public async Task<ChargeSearchResult> SearchAsync(ChargeSearchRequest request, CancellationToken ct)
    {
        await Answer();
        return new ChargeSearchResult(0, [], [], null);
    }

    public async Task<long> CountAsync(CancellationToken ct)
    {
        await Answer();
        return count!.Value;
    }

    private Task Answer() => count is null
        ? Task.FromException(new SearchUnavailableException("connection refused (test engine is down)"))
        : Task.CompletedTask;
}
