using System.Net.Http.Json;
using System.Text.Json;
using DetainerGraph.Api;
using DetainerGraph.Api.Filtering;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace DetainerGraph.Tests.Api;

/// <summary>
/// Filters no index serves are priced by the store's size, and the server runs a bounded number of them at once
/// (<see cref="CostModel.ScanScale"/>, <see cref="ScanGate"/>; README "Limits"). At 1,000,000 generated detainers a count
/// filtered by a charge's description held a core 3.8 s priced 1,827, and 64 such counts held every pool thread: a
/// one-rollup count waited up to 18 s.
/// </summary>
public sealed class ScanAdmissionTests
{
    private const string ChargeCount = """{ detainers(first: 0, where: { charges: { some: { description: { contains: "zzq" } } } }) { totalCount } }""";
    private const string AnyChargeCount = "{ detainers(first: 0, where: { charges: { any: true } }) { totalCount } }";
    private const string IndexedCount = """{ detainers(first: 0, where: { outcome: { eq: LIFTED } }) { totalCount } }""";
    private const string PlaceSearch = """{ jurisdictions(where: { name: { containsIgnoreCase: "county" } }) { totalCount } }""";
    private const string ThreeChargeBranches = """
        { detainers(first: 0, where: { or: [
            { charges: { some: { description: { containsIgnoreCase: "a" } } } },
            { charges: { some: { description: { containsIgnoreCase: "b" } } } },
            { charges: { some: { description: { containsIgnoreCase: "c" } } } } ] }) { totalCount } }
        """;

    private static async Task<(int Status, string? RetryAfter, JsonElement Body)> PostAsync(TestApp app, string query, string? costMode = "report")
    {
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = JsonContent.Create(new { query }) };
        if (costMode is not null)
        {
            request.Headers.Add(RequestCost.Header, costMode);
        }
        using var response = await client.SendAsync(request);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        return ((int)response.StatusCode, response.Headers.RetryAfter?.ToString(), body);
    }

    private static double Requested(JsonElement body) => body.GetProperty("extensions").GetProperty("cost").GetProperty("requested").GetDouble();

    [Fact]
    public async Task A_filter_no_index_serves_costs_in_proportion_to_the_store_and_an_indexed_one_does_not()
    {
        using var app = new TestApp();
        var size = app.Started().GetRequiredService<StoreSize>();
        size.Pin(1_000);
        var (_, _, smallScan) = await PostAsync(app, ChargeCount, "validate");
        var (_, _, smallIndexed) = await PostAsync(app, IndexedCount, "validate");
        var (_, _, smallThree) = await PostAsync(app, ThreeChargeBranches, "validate");
        var (_, _, smallPlaces) = await PostAsync(app, PlaceSearch, "validate");

        size.Pin(1_000_000);
        var (_, _, largeScan) = await PostAsync(app, ChargeCount, "validate");
        var (_, _, largeIndexed) = await PostAsync(app, IndexedCount, "validate");
        var (status, _, largeThree) = await PostAsync(app, ThreeChargeBranches);
        var (_, _, largePlaces) = await PostAsync(app, PlaceSearch, "validate");

        // The filter's own price (300 + 2 × 150 per statement, two statements) times 20 at a million detainers.
        Assert.Equal(Requested(smallScan) + (2 * 600 * 19), Requested(largeScan));
        Assert.Equal(Requested(smallIndexed), Requested(largeIndexed));
        // A filter of places reads the places, whatever the number of detainers.
        Assert.Equal(Requested(smallPlaces), Requested(largePlaces));
        // Three charge conditions fit the limit on a small store and not on a million detainers (13.5 s of one core for ten).
        Assert.True(Requested(smallThree) < 50_000, smallThree.ToString());
        Assert.Equal("COMPLEXITY", largeThree.FirstErrorCode());
        Assert.True(Requested(largeThree) > 50_000, largeThree.ToString());
        Assert.False(largeThree.TryGetProperty("data", out var data) && data.ValueKind != JsonValueKind.Null, largeThree.ToString());
        Assert.Equal(200, status);
    }

    [Fact]
    public async Task Any_on_a_collection_is_priced_as_the_subquery_it_is()
    {
        using var app = new TestApp();
        app.Started().GetRequiredService<StoreSize>().Pin(1_000);
        var (_, _, any) = await PostAsync(app, AnyChargeCount, "validate");
        var (_, _, indexed) = await PostAsync(app, IndexedCount, "validate");

        // EXISTS per detainer (1.6 s at a million detainers), not a comparison: 2 statements × (300 − 20) more.
        Assert.Equal(Requested(indexed) + (2 * (FilterCost.Subquery - FilterCost.Comparison)), Requested(any));
    }

    [Fact]
    public async Task Past_the_scans_allowed_at_once_and_the_queue_a_scan_is_503_with_retry_after_and_other_queries_run()
    {
        using var app = new TestApp(settings: new Dictionary<string, string?> { ["GraphQL:MaxConcurrentScans"] = "1", ["GraphQL:MaxQueuedScans"] = "0" });
        var gate = app.Started().GetRequiredService<ScanGate>();
        Assert.Equal(1, gate.Permits);

        // Another client's scan holds the only slot.
        using (var held = gate.TryEnter())
        {
            Assert.NotNull(held);
            var (status, retryAfter, body) = await PostAsync(app, ChargeCount, costMode: null);
            Assert.Equal(503, status);
            Assert.Equal("1", retryAfter);
            Assert.Equal(ScanGate.BusyCode, body.FirstErrorCode());
            Assert.False(body.TryGetProperty("data", out var data) && data.ValueKind != JsonValueKind.Null, body.ToString());

            // A count grouped by a dimension no rollup holds reads the table too.
            var (statsStatus, _, stats) = await PostAsync(app, "{ detainerStats(groupBy: [CHARGE_CATEGORY]) { count } }", costMode: null);
            Assert.Equal(503, statsStatus);
            Assert.Equal(ScanGate.BusyCode, stats.FirstErrorCode());

            // Pricing one without running it takes no slot.
            var (validateStatus, _, validated) = await PostAsync(app, ChargeCount, "validate");
            Assert.Equal(200, validateStatus);
            Assert.False(validated.TryGetProperty("errors", out _), validated.ToString());

            // What an index or a rollup answers never waits for the gate.
            var (indexedStatus, _, indexed) = await PostAsync(app, IndexedCount, costMode: null);
            Assert.Equal(200, indexedStatus);
            Assert.Equal(0, indexed.GetProperty("data").GetProperty("detainers").GetProperty("totalCount").GetInt32());
        }

        // The slot is free again, and every scan that ran gave its slot back: two in a row both run.
        for (var i = 0; i < 2; i++)
        {
            var (status, _, body) = await PostAsync(app, ChargeCount, costMode: null);
            Assert.Equal(200, status);
            Assert.Equal(0, body.GetProperty("data").GetProperty("detainers").GetProperty("totalCount").GetInt32());
        }
        using var free = gate.TryEnter();
        Assert.NotNull(free);
    }

    [Fact]
    public async Task On_a_large_store_a_root_count_that_reads_the_table_or_the_finest_rollup_waits_for_the_gate_and_the_rest_do_not()
    {
        using var app = new TestApp(settings: new Dictionary<string, string?> { ["GraphQL:MaxConcurrentScans"] = "1", ["GraphQL:MaxQueuedScans"] = "0" });
        var services = app.Started();
        var gate = services.GetRequiredService<ScanGate>();
        var size = services.GetRequiredService<StoreSize>();
        const string Indexed = "lifted: detainers(first: 0, where: { outcome: { eq: LIFTED } }) { totalCount }";
        // A day-level date bound: no rollup holds it, so the table is read; the cost model sees only an indexed comparison.
        const string TableStats = """detainerStats(groupBy: [STATE], where: { issuedOn: { gte: "2017-03-15" } }) { count }""";
        const string TableCount = """detainers(first: 0, where: { issuedOn: { gte: "2017-03-15" } }) { totalCount }""";
        // By jurisdiction: only the finest rollup holds it.
        const string FinestStats = "detainerGroups(groupBy: [JURISDICTION], first: 5) { totalCount nodes { count } }";
        // By state and week: a coarse rollup; a place's own stats reach its rows by index.
        const string CoarseStats = "detainerStats(groupBy: [STATE, WEEK]) { count }";
        const string PlaceStats = "jurisdictions(first: 1) { nodes { stats(groupBy: [WEEK]) { count } } }";

        size.Pin(1_000_000);
        using (var held = gate.TryEnter())
        {
            Assert.NotNull(held);
            foreach (var (query, field) in new[] { (TableStats, "detainerStats"), (TableCount, "detainers"), (FinestStats, "detainerGroups") })
            {
                var (status, _, body) = await PostAsync(app, $"{{ {query} {Indexed} }}", costMode: null);
                // Only that field fails: the answer keeps the other's data, so it is a 200.
                Assert.Equal(200, status);
                Assert.True(body.TryGetProperty("errors", out _), $"{field}: {body}");
                Assert.Equal(ScanGate.BusyCode, body.FirstErrorCode());
                Assert.Equal(field, body.GetProperty("errors")[0].GetProperty("path")[0].GetString());
                Assert.Equal(JsonValueKind.Number, body.GetProperty("data").GetProperty("lifted").GetProperty("totalCount").ValueKind);
            }
            foreach (var query in new[] { CoarseStats, PlaceStats, Indexed })
            {
                var (status, _, body) = await PostAsync(app, $"{{ {query} }}", costMode: null);
                Assert.Equal(200, status);
                Assert.False(body.TryGetProperty("errors", out _), body.ToString());
            }

            // On a store no larger than the sample data the same reads never wait.
            size.Pin(1_000);
            var (smallStatus, _, small) = await PostAsync(app, $"{{ {TableStats} {FinestStats} }}", costMode: null);
            Assert.Equal(200, smallStatus);
            Assert.False(small.TryGetProperty("errors", out _), small.ToString());
            size.Pin(1_000_000);
        }

        // Free again: each runs, two such fields of one operation on its one slot, and every slot is given back.
        var (freeStatus, _, free) = await PostAsync(app, $"{{ {TableStats} {TableCount} {FinestStats} }}", costMode: null);
        Assert.Equal(200, freeStatus);
        Assert.False(free.TryGetProperty("errors", out _), free.ToString());
        Assert.Equal(JsonValueKind.Array, free.GetProperty("data").GetProperty("detainerStats").ValueKind);
        Assert.Equal(JsonValueKind.Number, free.GetProperty("data").GetProperty("detainers").GetProperty("totalCount").ValueKind);
        using var again = gate.TryEnter();
        Assert.NotNull(again);
    }

    [Fact]
    public async Task A_scan_past_the_slots_waits_in_the_queue_and_runs_when_one_is_free()
    {
        using var app = new TestApp(settings: new Dictionary<string, string?> { ["GraphQL:MaxConcurrentScans"] = "1" });
        var gate = app.Started().GetRequiredService<ScanGate>();
        Assert.True(gate.QueueLimit > 0);

        Task<(int Status, string? RetryAfter, JsonElement Body)> waiting;
        using (var held = gate.TryEnter())
        {
            Assert.NotNull(held);
            waiting = PostAsync(app, ChargeCount, costMode: null);
            // Until the request is in the queue (or answered: refused, it would never be queued).
            for (var i = 0; i < 200 && gate.Queued == 0 && !waiting.IsCompleted; i++)
            {
                await Task.Delay(50);
            }
            Assert.Equal(1, gate.Queued);
        }

        var (status, _, body) = await waiting;
        Assert.Equal(200, status);
        Assert.Equal(0, body.GetProperty("data").GetProperty("detainers").GetProperty("totalCount").GetInt32());
    }

    [Fact]
    public async Task A_sort_no_index_serves_costs_in_proportion_to_the_store()
    {
        using var app = new TestApp();
        var size = app.Started().GetRequiredService<StoreSize>();
        const string ByName = "{ detainers(first: 1, order: [{ jurisdiction: { name: ASC } }]) { nodes { id } } }";
        const string ByDate = "{ detainers(first: 1, order: [{ issuedOn: DESC }, { week: { start: ASC } }]) { nodes { id } } }";
        const string ByBooking = "{ detainers(first: 1, order: [{ issuedOnOrAfter: ASC }, { outcome: DESC }]) { nodes { id } } }";
        size.Pin(1_000);
        var (_, _, smallName) = await PostAsync(app, ByName, "validate");
        var (_, _, smallDate) = await PostAsync(app, ByDate, "validate");
        var (_, _, smallBooking) = await PostAsync(app, ByBooking, "validate");
        size.Pin(1_000_000);
        var (_, _, largeName) = await PostAsync(app, ByName, "validate");
        var (_, _, largeDate) = await PostAsync(app, ByDate, "validate");
        var (_, _, largeBooking) = await PostAsync(app, ByBooking, "validate");

        Assert.Equal(Requested(smallName) + (FilterCost.Substring * 19), Requested(largeName));
        Assert.Equal(Requested(smallDate), Requested(largeDate));
        Assert.Equal(Requested(smallBooking), Requested(largeBooking));
    }
}
