using System.Text.Json;
using DetainerGraph.Api;
using DetainerGraph.Search;
using DetainerGraph.Tests.Infrastructure;

namespace DetainerGraph.Tests.Search;

/// <summary>
/// Paging search hits up to <see cref="ChargeSearchRequest.MaxResultWindow"/> with a page size that does not divide it: the
/// page that reaches past the window ends at it, and says no page follows. Before, <c>first: 30</c> after position 9,989
/// was refused whole (<c>SEARCH_WINDOW_TOO_LARGE</c>) although its first ten hits were in the window, and the page
/// before it said <c>hasNextPage: true</c>. An engine that holds 15,000 hits answers (no index of that size is built).
/// </summary>
public sealed class SearchWindowEdgeTests : IDisposable
{
    private readonly TestApp _app = new(services: s => s.UseSearchEngine(new ManyHits(15_000)));

    public void Dispose() => _app.Dispose();

    private async Task<JsonElement> PageAsync(int first, int afterPosition) =>
        await _app.QueryAsync("query($f: Int, $a: String) { searchCharges(query: \"theft\", first: $f, after: $a) { totalCount edges { cursor } pageInfo { hasNextPage endCursor } } }",
            new { f = first, a = Paging.EncodeCursor(afterPosition) });

    [Fact]
    public async Task A_page_reaching_past_the_window_ends_at_it_and_no_page_follows()
    {
        var before = (await PageAsync(30, 9_959)).GetProperty("data").GetProperty("searchCharges");
        Assert.Equal(30, before.GetProperty("edges").GetArrayLength());
        Assert.True(before.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());

        var last = (await PageAsync(30, 9_989)).GetProperty("data").GetProperty("searchCharges");
        Assert.Equal(15_000, last.GetProperty("totalCount").GetInt32());
        Assert.Equal(10, last.GetProperty("edges").GetArrayLength());
        Assert.Equal(Paging.EncodeCursor(ChargeSearchRequest.MaxResultWindow - 1), last.GetProperty("pageInfo").GetProperty("endCursor").GetString());
        Assert.False(last.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());

        // A page of a size that divides the window ends there too, and says so.
        var exact = (await PageAsync(100, 9_899)).GetProperty("data").GetProperty("searchCharges");
        Assert.Equal(100, exact.GetProperty("edges").GetArrayLength());
        Assert.False(exact.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());

        // A page that starts past the window is refused, as before.
        Assert.Equal("SEARCH_WINDOW_TOO_LARGE", (await PageAsync(30, 9_999)).FirstErrorCode());
    }

    /// <summary>An engine holding <paramref name="total"/> hits: any page of them, by position (no charge is loaded).</summary>
    private sealed class ManyHits(int total) : IChargeSearch
    {
        public Task IndexAsync(IReadOnlyCollection<ChargeDocument> documents, CancellationToken ct) => Task.CompletedTask;

        public Task DeleteAsync(IReadOnlyCollection<long> chargeIds, CancellationToken ct) => Task.CompletedTask;

        public async Task RebuildAsync(IAsyncEnumerable<ChargeDocument> documents, CancellationToken ct)
        {
            await foreach (var _ in documents.WithCancellation(ct))
            {
            }
        }

        public Task<ChargeSearchResult> SearchAsync(ChargeSearchRequest request, CancellationToken ct)
        {
            var hits = Enumerable.Range(request.Offset, Math.Max(0, Math.Min(request.Limit, total - request.Offset)))
                .Select(i => new ChargeSearchHit(i + 1, i + 1, 1f, "")).ToList();
            return Task.FromResult(new ChargeSearchResult(total, hits, [], null));
        }

        public Task<long> CountAsync(CancellationToken ct) => Task.FromResult(0L);

        public Task<bool> IsAnalysisCurrentAsync(CancellationToken ct) => Task.FromResult(true);
    }
}
