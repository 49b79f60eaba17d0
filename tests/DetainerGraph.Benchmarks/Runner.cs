using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace DetainerGraph.Benchmarks;

public sealed record WorkloadFigures(
    string Name,
    double EndpointP50,
    double EndpointP99,
    double RawP50,
    double RawP99,
    double EndpointRps,
    double RawRps,
    double SqlPerRequest,
    double EndpointAllocBytes,
    double RawAllocBytes,
    long RssAfter,
    long RssPeakDuringLoad,
    int Samples,
    double ExecutionP50,
    double Overhead,
    IReadOnlyList<(double Endpoint, double Raw)> VariantMedians,
    int EndpointPeakInFlight,
    int RawPeakInFlight,
    double FloorP50);

/// <summary>
/// Measures one workload on both sides, interleaved: each latency round runs a block of endpoint requests
/// and a block of raw calls (the order alternating by round), and the throughput runs alternate
/// endpoint, raw, raw, endpoint, so a burst of noise from the other jobs on this machine lands on both.
/// </summary>
public sealed class Runner(HttpClient http, ServerProcess server, BenchmarkOptions options)
{
    private static readonly MediaTypeHeaderValue JsonType = new("application/json");

    /// <summary>
    /// The floor under every endpoint figure: a request with nothing to resolve, through the same client, connection and
    /// server pipeline (HTTP on loopback, both processes' socket and pool threads, the body read, the document cache,
    /// validation, the answer written).
    /// </summary>
    private static readonly byte[] FloorBody = Encoding.UTF8.GetBytes("""{"query":"{ __typename }"}""");

    public async Task<WorkloadFigures> RunAsync(Workload workload)
    {
        // Warm-up, unmeasured: each variant --warmup times on each side (tiered JIT to optimized code, caches, the
        // document cache, SQLite's page cache), so the figures are the steady state of a long-running server.
        for (var i = 0; i < workload.Variants * options.Warmup; i++)
        {
            Check(workload, i, await PostAsync(workload.EndpointBody(i)));
            await workload.RawAsync(i);
        }
        await SettleAsync(workload);

        var endpoint = new List<double>();
        var raw = new List<double>();
        var endpointByVariant = Enumerable.Range(0, workload.Variants).Select(_ => new List<double>()).ToArray();
        var rawByVariant = Enumerable.Range(0, workload.Variants).Select(_ => new List<double>()).ToArray();
        var execution = new List<double>();
        var floor = new List<double>();
        long sql = 0, sqlCount = 0;
        double endpointAlloc = 0, rawAlloc = 0;
        long endpointAllocCount = 0, rawAllocCount = 0;
        for (var round = 0; round < options.LatencyRounds; round++)
        {
            var first = round * options.LatencyBlock;
            for (var side = 0; side < 2; side++)
            {
                if ((side + round) % 2 == 0)
                {
                    long? previous = null;
                    for (var j = 0; j < options.LatencyBlock; j++)
                    {
                        var watch = Stopwatch.StartNew();
                        var response = await PostAsync(workload.EndpointBody(first + j));
                        endpoint.Add(watch.Elapsed.TotalMilliseconds);
                        endpointByVariant[(first + j) % workload.Variants].Add(endpoint[^1]);
                        var metrics = Check(workload, first + j, response);
                        sql += metrics.Sql;
                        execution.Add(metrics.Milliseconds);
                        sqlCount++;
                        // The server's allocation counter is process-wide: between two consecutive responses
                        // of a one-at-a-time run it grew by one request's allocations (and any background work).
                        if (previous is { } before && metrics.ProcessAllocated >= before)
                        {
                            endpointAlloc += metrics.ProcessAllocated - before;
                            endpointAllocCount++;
                        }
                        previous = metrics.ProcessAllocated;
                    }
                    // The floor in the same block, after the workload's requests: the same conditions, and the
                    // allocation differences above are not disturbed.
                    for (var j = 0; j < options.LatencyBlock; j++)
                    {
                        var watch = Stopwatch.StartNew();
                        await PostAsync(FloorBody);
                        floor.Add(watch.Elapsed.TotalMilliseconds);
                    }
                }
                else
                {
                    var allocated = GC.GetTotalAllocatedBytes(precise: true);
                    for (var j = 0; j < options.LatencyBlock; j++)
                    {
                        var watch = Stopwatch.StartNew();
                        await workload.RawAsync(first + j);
                        raw.Add(watch.Elapsed.TotalMilliseconds);
                        rawByVariant[(first + j) % workload.Variants].Add(raw[^1]);
                    }
                    // The counter has been seen to step back under server GC; such a block is left out.
                    var delta = GC.GetTotalAllocatedBytes(precise: true) - allocated;
                    if (delta >= 0)
                    {
                        rawAlloc += delta;
                        rawAllocCount += options.LatencyBlock;
                    }
                }
            }
        }

        double endpointRps = 0, rawRps = 0;
        int endpointInFlight = 0, rawInFlight = 0;
        long rssPeak = 0;
        foreach (var side in new[] { 0, 1, 1, 0 })
        {
            if (side == 0)
            {
                using var sampling = new CancellationTokenSource();
                var sampler = SampleRssAsync(sampling.Token);
                var (rps, inFlight) = await ThroughputAsync(i => PostAsync(workload.EndpointBody(i)));
                endpointRps += rps / 2;
                endpointInFlight = Math.Max(endpointInFlight, inFlight);
                await sampling.CancelAsync();
                rssPeak = Math.Max(rssPeak, await sampler);
            }
            else
            {
                var (rps, inFlight) = await ThroughputAsync(workload.RawAsync);
                rawRps += rps / 2;
                rawInFlight = Math.Max(rawInFlight, inFlight);
            }
        }

        return new WorkloadFigures(
            workload.Name,
            Percentile(endpoint, 50), Percentile(endpoint, 99), Percentile(raw, 50), Percentile(raw, 99),
            endpointRps, rawRps,
            (double)sql / Math.Max(1, sqlCount),
            endpointAlloc / Math.Max(1, endpointAllocCount), rawAlloc / Math.Max(1, rawAllocCount),
            server.Memory().Current, rssPeak, endpoint.Count, Percentile(execution, 50),
            Overhead(endpointByVariant, rawByVariant),
            [.. endpointByVariant.Zip(rawByVariant, (e, r) => (Percentile(e, 50), Percentile(r, 50)))],
            endpointInFlight, rawInFlight, Percentile(floor, 50));
    }

    /// <summary>
    /// Goes on warming up until the tiered JIT has settled on both sides: rounds of every variant, each at least half a
    /// second, until two rounds in a row compiled almost nothing (the server's count from extensions.metrics, the raw
    /// side's from this process), or <c>--settle</c> seconds. A fixed number of calls was not enough: on 2 busy cores
    /// the server (ASP.NET Core, GraphQL, EF Core and Lucene, thousands of methods, each compiled up to three times
    /// with dynamic PGO) was still promoting methods 20 s after it started, so a variant's median depended on
    /// whether its hot loops (the phrase's positions, a conjunction) had reached optimized code before the
    /// measured rounds began: the phrase at 100k measured 4-5 ms in some runs and 19-22 ms in others, through the
    /// endpoint only (a trace showed ExactPhraseScorer still in instrumented tier-0 code during the measured rounds).
    /// </summary>
    private async Task SettleAsync(Workload workload)
    {
        var limit = TimeSpan.FromSeconds(options.SettleSeconds);
        var watch = Stopwatch.StartNew();
        long? server = null, raw = null;
        var quiet = 0;
        var i = 0;
        while (quiet < 2 && watch.Elapsed < limit)
        {
            var round = Stopwatch.StartNew();
            long serverNow = 0;
            while (round.Elapsed < TimeSpan.FromMilliseconds(500) || i % workload.Variants != 0)
            {
                serverNow = Check(workload, i, await PostAsync(workload.EndpointBody(i))).ProcessJitted;
                await workload.RawAsync(i);
                i++;
            }
            var rawNow = System.Runtime.JitInfo.GetCompiledMethodCount();
            // A few compilations a round are background work (timers, the outbox worker), not the workload's code.
            quiet = server is { } s && raw is { } r && serverNow - s <= 3 && rawNow - r <= 3 ? quiet + 1 : 0;
            (server, raw) = (serverNow, rawNow);
        }
        Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"# {workload.Name}: JIT {(quiet >= 2 ? "settled" : "not settled")} after {watch.Elapsed.TotalSeconds:F1} s more warm-up ({i} calls per side; methods compiled: server {server}, raw {raw})"));
    }

    private async Task<long> SampleRssAsync(CancellationToken ct)
    {
        long peak = 0;
        while (!ct.IsCancellationRequested)
        {
            peak = Math.Max(peak, server.Memory().Current);
            try
            {
                await Task.Delay(50, ct);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        return Math.Max(peak, server.Memory().Current);
    }

    /// <summary>Requests per second of <c>--concurrency</c> clients calling in a loop, and the most calls that were in flight at once.</summary>
    private async Task<(double Rps, int PeakInFlight)> ThroughputAsync(Func<int, Task> call)
    {
        var duration = TimeSpan.FromSeconds(options.ThroughputSeconds);
        var completed = 0;
        int inFlight = 0, peak = 0;
        var watch = Stopwatch.StartNew();
        // Each client on its own pool thread. Started inline, a client whose calls complete synchronously (every raw call
        // over SQLite: Microsoft.Data.Sqlite's async methods run synchronously, and so does Lucene.NET) ran its whole
        // loop before the next client was even created, so the raw side's "4 clients" were one client after another:
        // at 1M the list's raw side measured its serial rate (59-67 rps) against the endpoint's 4 real clients (114-125).
        var workers = Enumerable.Range(0, options.Concurrency).Select(worker => Task.Run(async () =>
        {
            for (var i = worker; watch.Elapsed < duration; i += options.Concurrency)
            {
                var now = Interlocked.Increment(ref inFlight);
                for (var seen = Volatile.Read(ref peak); now > seen; seen = Volatile.Read(ref peak))
                {
                    Interlocked.CompareExchange(ref peak, now, seen);
                }
                await call(i);
                Interlocked.Decrement(ref inFlight);
                Interlocked.Increment(ref completed);
            }
        })).ToList();
        await Task.WhenAll(workers);
        return (completed / watch.Elapsed.TotalSeconds, peak);
    }

    private async Task<byte[]> PostAsync(byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = JsonType;
        using var response = await http.PostAsync(server.Endpoint, content);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"HTTP {(int)response.StatusCode}: {Encoding.UTF8.GetString(bytes)}");
        }
        return bytes;
    }

    private static (int Sql, long ProcessAllocated, double Milliseconds, long ProcessJitted) Check(Workload workload, int i, byte[] response)
    {
        using var document = JsonDocument.Parse(response);
        var root = document.RootElement;
        if (root.TryGetProperty("errors", out var errors) || !root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidOperationException($"{workload.Name} request {i} failed: {(root.TryGetProperty("errors", out errors) ? errors.ToString() : Encoding.UTF8.GetString(response))}");
        }
        if (!root.TryGetProperty("extensions", out var extensions) || !extensions.TryGetProperty("metrics", out var metrics))
        {
            throw new InvalidOperationException("the server did not return extensions.metrics (GraphQL:ExposeMetrics)");
        }
        return (metrics.GetProperty("sqlStatements").GetInt32(),
            metrics.TryGetProperty("processAllocatedBytes", out var allocated) ? allocated.GetInt64() : 0,
            metrics.GetProperty("milliseconds").GetDouble(),
            metrics.TryGetProperty("processJittedMethods", out var jitted) ? jitted.GetInt64() : 0);
    }

    /// <summary>
    /// Endpoint over raw: the ratio of medians for each variant of the workload (the same question on both
    /// sides), then their geometric mean. The median of a mixed run would land on whichever variant sits in
    /// the middle (a fast filtered stats query on one side, a slow full one on the other).
    /// </summary>
    private static double Overhead(List<double>[] endpoint, List<double>[] raw)
    {
        var ratios = endpoint.Zip(raw).Where(p => p.First.Count > 0 && p.Second.Count > 0)
            .Select(p => Percentile(p.First, 50) / Percentile(p.Second, 50)).ToList();
        return ratios.Count == 0 ? double.NaN : Math.Exp(ratios.Average(Math.Log));
    }

    public static double Percentile(List<double> values, double percentile)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }
        var sorted = values.Order().ToList();
        // Nearest rank: the smallest value with at least this share of the samples at or below it.
        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}
