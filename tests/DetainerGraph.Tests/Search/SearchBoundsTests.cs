using System.Text.Json;
using DetainerGraph.Api;
using DetainerGraph.Operability;
using DetainerGraph.Search;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace DetainerGraph.Tests.Search;

/// <summary>
/// What one search may cost the server (security review 2026-11-29, findings 2, 17 and 18): caches bounded by their
/// estimated bytes, no typo automata for long or exotic words, and Lucene searches that stop at the search timeout
/// or when the request is cancelled.
/// </summary>
public sealed class SearchBoundsTests : IDisposable
{
    private readonly List<IDisposable> _apps = [];

    public void Dispose()
    {
        foreach (var app in _apps)
        {
            app.Dispose();
        }
    }

    private async Task<TestApp> AppAsync(Dictionary<string, string?>? settings = null)
    {
        var app = new TestApp(settings: settings);
        _apps.Add(app);
        await app.ImportAsync("detainers.csv", SampleRows.Detainers);
        await app.ImportAsync("filter.csv", FilterFixture.Detainers);
        return app;
    }

    private static LuceneChargeSearch Lucene(TestApp app) =>
        (LuceneChargeSearch)app.Services.SearchEngine();

    /// <summary>Letters of Latin Extended-A, Greek, Cyrillic, Armenian and Georgian, the review's mixed-script alphabet.</summary>
    private static readonly char[] MixedScripts =
        [.. Enumerable.Range(0x100, 0x7f).Concat(Enumerable.Range(0x391, 0x18)).Concat(Enumerable.Range(0x3b1, 0x18))
            .Concat(Enumerable.Range(0x410, 0x3f)).Concat(Enumerable.Range(0x531, 0x25)).Concat(Enumerable.Range(0x10d0, 0x20)).Select(c => (char)c)];

    private static string Word(Random random, int length) => new([.. Enumerable.Range(0, length).Select(_ => MixedScripts[random.Next(MixedScripts.Length)])]);

    /// <summary>Live managed bytes after a full, compacting collection.</summary>
    private static long LiveHeap()
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    [Fact]
    public async Task Unique_long_mixed_script_words_leave_the_live_heap_where_it_was()
    {
        var app = await AppAsync();
        var random = new Random(11);
        const int Aliases = 5;
        var query = "query(" + string.Join(", ", Enumerable.Range(0, Aliases).Select(i => $"$q{i}: String!")) + ") { "
            + string.Join(' ', Enumerable.Range(0, Aliases).Select(i => $"a{i}: searchCharges(query: $q{i}, first: 0) {{ totalCount suggestion }}")) + " }";
        await app.QueryAsync(query, Enumerable.Range(0, Aliases).ToDictionary(i => $"q{i}", _ => "warm up"));
        var before = LiveHeap();

        // The review's attack: 13 requests of 5 searches of 16 unique 30-letter mixed-script words (2.3 GB before the fix).
        for (var request = 0; request < 13; request++)
        {
            var variables = Enumerable.Range(0, Aliases).ToDictionary(i => $"q{i}", _ => string.Join(' ', Enumerable.Range(0, 16).Select(_ => Word(random, 30))));
            var result = await app.QueryAsync(query, variables);
            Assert.False(result.TryGetProperty("errors", out var errors), errors.ToString());
        }
        var growth = LiveHeap() - before;

        // Tests of other classes run beside this one in the same process: the bound leaves them room.
        Assert.True(growth < 150L * 1024 * 1024, $"The live heap grew by {growth / (1024 * 1024)} MB.");
        Assert.True(Lucene(app).TypoCacheBytes <= LuceneChargeSearch.DefaultTypoCacheBytes);
    }

    [Fact]
    public async Task The_typo_cache_holds_no_more_than_its_byte_budget_however_many_words_it_sees()
    {
        const long Budget = 4 * 1024 * 1024;
        var app = await AppAsync(new() { ["Search:TypoCacheBytes"] = Budget.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var random = new Random(5);
        var peak = 0L;
        for (var request = 0; request < 12; request++)
        {
            // Words that do get typo tolerance: 8 to 12 letters, one outside ASCII.
            var words = Enumerable.Range(0, 30).Select(_ =>
            {
                var letters = Enumerable.Range(0, random.Next(8, 13)).Select(_ => (char)('a' + random.Next(26))).ToArray();
                letters[random.Next(letters.Length)] = MixedScripts[random.Next(MixedScripts.Length)];
                return new string(letters);
            });
            await app.DataAsync("query($q: String!) { searchCharges(query: $q, first: 1) { totalCount suggestion } }", new { q = string.Join(' ', words.Take(ChargeQueryMaxWords)) });
            peak = Math.Max(peak, Lucene(app).TypoCacheBytes);
        }

        Assert.InRange(peak, 1, Budget);
    }

    private const int ChargeQueryMaxWords = 30;

    [Theory]
    [InlineData("assault", 2)]
    [InlineData("asault", 2)]
    [InlineData("dui", 0)]
    [InlineData("thft", 1)]
    [InlineData("abcdefghijklmnopqrstu", 0)]
    [InlineData("ασαυλτ", 0)]
    [InlineData("assаult", 2)]
    [InlineData("αssαult", 2)]
    [InlineData("αssααlt", 0)]
    public void Typo_tolerance_is_bounded_by_length_and_script(string word, int edits) =>
        Assert.Equal(edits, ChargeQuery.TypoEdits(word));

    private const string Typos = "asault burglry";

    [Fact]
    public async Task A_search_past_its_time_limit_stops_its_Lucene_work_and_answers_SEARCH_TIMEOUT_while_other_fields_answer()
    {
        var slow = (FakeSearchEngine?)null;
        var timers = new ManualTimers();
        var app = new TestApp(settings: new Dictionary<string, string?> { ["Search:RequestTimeout"] = "00:00:00.100" },
            services: services =>
            {
                services.AddSingleton<TimeProvider>(timers);
                services.PutInFrontOfSearchEngine(engine => slow = new FakeSearchEngine(engine));
            });
        _apps.Add(app);
        await app.ImportAsync("filter.csv", FilterFixture.Detainers);
        // Searches start late (ignoring cancellation while they wait), then run the real engine: the test holds the
        // search at the engine's door, lets the time limit fall due, and only then lets it in.
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var door = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // Only the request's search: the outbox's count check at start passes the same engine, and must not be held
        // or counted (it once reached the door first, and its answer was counted as the request's).
        slow!.Watches = request => request.Query.Text == Typos;
        slow.BeforeSearch = () =>
        {
            reached.TrySetResult();
            return door.Task;
        };

        var sent = app.QueryAsync("{ detainers(first: 1) { totalCount } searchCharges(query: \"" + Typos + "\") { totalCount } }");
        await reached.Task.WithinAsync("the search to reach the engine");
        // The time limit's wait is armed just after the search reaches the door, on the request's thread. On a loaded
        // machine this thread can advance the timers first, and a wait armed after that falls due only at the next step:
        // time moves on in steps until the answer comes, far short of the 30 s execution timeout.
        for (var step = 0; step < 40 && !sent.IsCompleted; step++)
        {
            timers.Advance(TimeSpan.FromMilliseconds(150));
            await Task.WhenAny(sent, Task.Delay(50));
        }
        var result = await sent.WithinAsync("the answer");
        door.SetResult();

        Assert.True(result.GetProperty("data").GetProperty("detainers").GetProperty("totalCount").GetInt32() > 0);
        Assert.Equal(JsonValueKind.Null, result.GetProperty("data").GetProperty("searchCharges").ValueKind);
        Assert.Equal("SEARCH_TIMEOUT", result.FirstErrorCode());
        // The engine, reached after the timeout, stopped rather than computing an answer no one waits for. Only a search
        // given a cancelled token is judged: once (CI, under load) a second search of the same text was counted as
        // completed beside this one, its origin unknown, and a search nobody cancelled may answer.
        using var bound = new CancellationTokenSource(Bounded.Limit);
        while (slow.Stopped == 0 && !bound.IsCancellationRequested)
        {
            await Task.WhenAny(Task.Delay(20, bound.Token));
        }
        Assert.True(slow.Stopped >= 1 && slow.CompletedAfterCancellation == 0,
            $"stopped {slow.Stopped}, completed {slow.Completed} ({slow.CompletedAfterCancellation} of them with a cancelled token), of {slow.Searches} searches");
    }

    [Fact]
    public async Task A_cancelled_Lucene_search_does_no_work_and_reports_the_cancellation()
    {
        var app = await AppAsync();
        var engine = Lucene(app);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        var search = engine.SearchAsync(new ChargeSearchRequest(ChargeQuery.Parse("asault"), new ChargeSearchFilter(), 0, 10, [], Highlight: true), cancelled.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => search);
    }

    [Fact]
    public async Task The_document_cache_is_bounded_by_the_estimated_memory_of_its_syntax_trees()
    {
        const long Budget = 4 * 1024 * 1024;
        var app = await AppAsync(new() { ["GraphQL:DocumentCacheBytes"] = Budget.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var cache = app.Services.GetRequiredService<DocumentCache>();
        for (var i = 0; i < 40; i++)
        {
            var query = "{ " + string.Join(' ', Enumerable.Range(0, 300).Select(a => $"d{i}x{a}: __typename")) + " }";
            await app.DataAsync(query);
            Assert.InRange(cache.EstimatedBytes, 0, Budget);
        }
        var small = "{ " + string.Join(' ', Enumerable.Range(0, 1500).Select(a => $"a{a}: __typename")) + " }";
        var estimate = await DocumentCache.EstimateBytesAsync(small, GraphQLParser.Parser.Parse(small));

        // About 25 bytes of memory per character of such a document, as measured: far more than its text.
        Assert.True(estimate > 10L * small.Length, $"{estimate} bytes estimated for {small.Length} characters");
        Assert.True(cache.Count < 40);
    }
}
