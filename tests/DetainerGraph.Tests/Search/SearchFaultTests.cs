using System.Text.Json;
using DetainerGraph.Data;
using DetainerGraph.Import;
using DetainerGraph.Search;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DetainerGraph.Tests.Search;

/// <summary>
/// The search engine down or slow: only <c>searchCharges</c> fails (SEARCH_UNAVAILABLE, fast, no engine text),
/// every other field of the same query answers, imports still commit, and when the engine is back the
/// outbox drains until index and database agree.
/// </summary>
public sealed class SearchFaultTests : IDisposable
{
    // The search time limit runs on these timers: it falls due only when the test advances them, so a slow (cold)
    // real search on a loaded machine never times out, and the hanging engine times out when the test says.
    private readonly ManualTimers _timers = new();
    private readonly TestApp _app;

    public SearchFaultTests() =>
        _app = new(
            settings: new Dictionary<string, string?>
            {
                ["Search:RequestTimeout"] = "00:00:02",
                // The worker stays out of the way; the test drains explicitly.
                ["Search:OutboxPollSeconds"] = "3600",
            },
            // The real engine behind a switch: up, down (every call fails as an engine would), or hanging.
            services: services =>
            {
                services.AddSingleton<TimeProvider>(_timers);
                services.PutInFrontOfSearchEngine(engine => new FakeSearchEngine(engine));
            });

    private const string Mixed = """
        { detainers(first: 2) { totalCount nodes { outcome } }
          searchCharges(query: "assault", first: 5) { totalCount nodes { highlight } } }
        """;

    public void Dispose() => _app.Dispose();

    private FakeSearchEngine Engine => (FakeSearchEngine)_app.Started().SearchEngine();

    private static void AssertOnlySearchFailed(JsonElement response, string code = "SEARCH_UNAVAILABLE")
    {
        var data = response.GetProperty("data");
        Assert.True(data.GetProperty("detainers").GetProperty("totalCount").GetInt32() > 0);
        Assert.Equal(JsonValueKind.Null, data.GetProperty("searchCharges").ValueKind);
        var error = Assert.Single(response.GetProperty("errors").EnumerateArray());
        Assert.Equal(code, error.GetProperty("extensions").GetProperty("code").GetString());
        Assert.EndsWith("other fields keep working.", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("searchCharges", error.GetProperty("path")[0].GetString());
    }

    [Fact]
    public async Task An_engine_that_is_down_fails_only_search()
    {
        await _app.ImportAsync("filter.csv", FilterFixture.Detainers);
        Engine.Mode = FakeSearchEngine.Fault.Down;
        AssertOnlySearchFailed(await _app.QueryAsync(Mixed));
        // Facets asked of a page that did load fail the same way.
        Engine.Mode = FakeSearchEngine.Fault.None;
        Assert.True((await _app.DataAsync(Mixed)).GetProperty("searchCharges").GetProperty("totalCount").GetInt32() > 0);
    }

    [Fact]
    public async Task An_engine_that_hangs_fails_search_at_the_configured_timeout()
    {
        await _app.ImportAsync("filter.csv", FilterFixture.Detainers);
        Engine.Mode = FakeSearchEngine.Fault.Hangs;
        var sent = _app.QueryAsync(Mixed);
        await Engine.Entered.WithinAsync("the search to hang in the engine");
        _timers.Advance(TimeSpan.FromSeconds(2));
        AssertOnlySearchFailed(await sent.WithinAsync("the answer"), "SEARCH_TIMEOUT");
        Assert.Equal(1, Engine.Hung);
        await Engine.Cancelled.WithinAsync("the hanging engine call to be cancelled");
    }

    [Fact]
    public async Task An_import_while_the_engine_is_down_commits_and_the_outbox_catches_up_when_it_returns()
    {
        _ = Engine;
        Engine.Mode = FakeSearchEngine.Fault.Down;
        var result = await _app.ImportAsync("filter.csv", FilterFixture.Detainers);
        Assert.Equal(ImportOutcome.Imported, result.Outcome);
        var charges = await _app.WithDbAsync(db => db.Charges.CountAsync());
        Assert.True(charges > 0);
        Assert.Equal(1, await _app.WithDbAsync(db => SearchOutbox.LagAsync(db, default)));
        var owed = await _app.WithDbAsync(db => db.SearchOutbox.SingleAsync());
        Assert.Null(owed.ProcessedAt);
        // The import tried once and woke the worker, which may have retried: each failure is recorded on the row.
        Assert.True(owed.Attempts >= 1);
        Assert.Equal(FakeSearchEngine.DownMessage, owed.LastError);

        Engine.Mode = FakeSearchEngine.Fault.None;
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var drained = await scope.ServiceProvider.GetRequiredService<SearchOutbox>()
                .DrainAsync(scope.ServiceProvider.GetRequiredService<DetainerDbContext>(), default);
            // The outbox worker, woken by the failed import, may have drained the row first: either way it is drained once.
            Assert.InRange(drained, 0, 1);
        }
        Assert.Equal(0, await _app.WithDbAsync(db => SearchOutbox.LagAsync(db, default)));
        Assert.Equal(charges, await Engine.CountAsync(default));
        Assert.Equal(charges, (await _app.DataAsync("{ searchCharges(query: \"\") { totalCount } }")).GetProperty("searchCharges").GetProperty("totalCount").GetInt32());
    }
}

/// <summary>Lucene's own failures take the same typed path as Elasticsearch's.</summary>
public sealed class LuceneFaultTests
{
    [Fact]
    public async Task A_closed_lucene_index_is_search_unavailable()
    {
        var folder = Path.Combine(Path.GetTempPath(), "detainergraph-tests", Guid.NewGuid().ToString("N"));
        var storage = new StorageOptions { Directory = folder, ConnectionString = "" };
        var engine = new LuceneChargeSearch(storage, Path.Combine(AppContext.BaseDirectory, "data", ChargeAnalysis.SynonymFileName),
            Microsoft.Extensions.Logging.Abstractions.NullLogger<LuceneChargeSearch>.Instance);
        Assert.Equal(0, await engine.CountAsync(default));
        engine.Dispose();
        await Assert.ThrowsAsync<SearchUnavailableException>(() =>
            engine.SearchAsync(new ChargeSearchRequest(ChargeQuery.Parse("assault"), new ChargeSearchFilter(), 0, 5, []), default));
        await Assert.ThrowsAsync<SearchUnavailableException>(() => engine.CountAsync(default));
        Directory.Delete(folder, recursive: true);
    }
}
