using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

// Mixed reads at saturation with corrections alongside, against a running server (scripts/load.sh starts
// one). Prints figures and checks the issue's three conditions: no 5xx, memory flat, every correction
// present exactly once. Exit code 0 only when all three hold. Only loopback URLs are accepted.

var options = LoadOptions.Parse(args);
if (!options.Url.IsLoopback)
{
    Console.Error.WriteLine($"refusing {options.Url}: the load run targets this machine only (127.0.0.1, localhost)");
    return 2;
}
var runId = DateTime.UtcNow.ToString("HHmmss", CultureInfo.InvariantCulture) + "-" + options.Seed.ToString(CultureInfo.InvariantCulture);
using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = options.Readers + options.Writers + 4 })
{
    BaseAddress = options.Url,
    Timeout = TimeSpan.FromSeconds(60),
};
var stats = new Stats();

var pool = await DetainerPoolAsync(http, 600);
Console.WriteLine($"run {runId}: {options.Readers} readers and {options.Writers} correction writers for {options.Duration.TotalMinutes:0.##} min against {options.Url} (server pid {options.Pid}); {pool.Count} detainers in the pool");

var watch = Stopwatch.StartNew();
var deadline = options.Duration;
var memory = new List<(double Minutes, long RssKb)>();
using var stop = new CancellationTokenSource();
var sampler = Task.Run(async () =>
{
    while (!stop.IsCancellationRequested)
    {
        if (ReadRssKb(options.Pid) is { } rss)
        {
            lock (memory)
            {
                memory.Add((watch.Elapsed.TotalMinutes, rss));
            }
        }
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(5), stop.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }
});

// RSS alone cannot tell a leak from the server GC keeping freed memory committed, so when dotnet-gcdump is
// installed the live managed heap is also measured (the tool forces a full collection first): once when
// warm-up is over, once after the load.
var warmHeap = Task.Run(async () =>
{
    await Task.Delay(deadline / 5);
    return await LiveHeapBytesAsync(options.Pid);
});

var corrections = new ConcurrentBag<(int N, string DetainerId, string CorrectionId)>();
var sequence = 0;
var readers = Enumerable.Range(0, options.Readers).Select(i => Task.Run(async () =>
{
    var random = new Random(options.Seed * 1000 + i);
    while (watch.Elapsed < deadline)
    {
        var (kind, query, variables) = Reads.Next(random, pool);
        await stats.SendAsync(http, kind, query, variables, null);
    }
}));
var writers = Enumerable.Range(0, options.Writers).Select(i => Task.Run(async () =>
{
    var random = new Random(options.Seed * 1000 + 500 + i);
    while (watch.Elapsed < deadline)
    {
        var n = Interlocked.Increment(ref sequence);
        var id = pool[random.Next(pool.Count)];
        var variables = new
        {
            input = new
            {
                id,
                field = "CITIZENSHIP",
                newValue = $"Load {runId} #{n}",
                reason = $"load {runId} #{n}",
                source = "scripts/load.sh",
                idempotencyKey = $"load-{runId}-{n}",
            },
        };
        var answer = await stats.SendAsync(http, "correctDetainer", Reads.Correct, variables, options.Token);
        if (answer?.GetProperty("data").GetProperty("correctDetainer").GetProperty("correction").GetProperty("id").GetString() is not { } correctionId)
        {
            continue;
        }
        corrections.Add((n, id, correctionId));
        // Every 20th write is sent again, as a client retrying after a lost answer would: it must get the same correction back.
        if (n % 20 == 0)
        {
            var retry = await stats.SendAsync(http, "correctDetainer (retry)", Reads.Correct, variables, options.Token);
            var again = retry?.GetProperty("data").GetProperty("correctDetainer").GetProperty("correction").GetProperty("id").GetString();
            stats.Retry(again == correctionId);
        }
    }
}));
await Task.WhenAll(readers.Concat(writers));
var elapsed = watch.Elapsed;
await stop.CancelAsync();
await sampler;

var endHeap = await LiveHeapBytesAsync(options.Pid);

stats.Print(elapsed);
var exactlyOnce = await CheckCorrectionsAsync(http, runId, corrections.ToList());
var flat = PrintMemory(memory) & PrintLiveHeap(await warmHeap, endHeap);
var no5xx = stats.ServerErrors == 0;
Console.WriteLine();
Console.WriteLine($"check zero 5xx: {(no5xx ? "PASS" : "FAIL")} ({stats.ServerErrors} responses >= 500)");
Console.WriteLine($"check memory flat: {(flat ? "PASS" : "FAIL")}");
Console.WriteLine($"check every correction present exactly once: {(exactlyOnce ? "PASS" : "FAIL")}");
return no5xx && flat && exactlyOnce ? 0 : 1;

static async Task<List<string>> DetainerPoolAsync(HttpClient http, int size)
{
    var ids = new List<string>();
    string? after = null;
    while (ids.Count < size)
    {
        using var response = await http.PostAsJsonAsync("/graphql", new
        {
            query = "query($after: String) { detainers(first: 100, after: $after, where: { charges: { any: true } }) { pageInfo { hasNextPage endCursor } nodes { id } } }",
            variables = new { after },
        });
        var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("data").GetProperty("detainers");
        ids.AddRange(page.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("id").GetString()!));
        if (!page.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean())
        {
            break;
        }
        after = page.GetProperty("pageInfo").GetProperty("endCursor").GetString();
    }
    return ids;
}

// Reads every touched detainer back through the API and counts this run's corrections on it.
static async Task<bool> CheckCorrectionsAsync(HttpClient http, string runId, List<(int N, string DetainerId, string CorrectionId)> made)
{
    var expected = made.Select(m => $"load {runId} #{m.N}").ToHashSet(StringComparer.Ordinal);
    var found = new Dictionary<string, int>(StringComparer.Ordinal);
    foreach (var chunk in made.Select(m => m.DetainerId).Distinct().Chunk(50))
    {
        using var response = await http.PostAsJsonAsync("/graphql", new
        {
            query = "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Detainer { id corrections { reason } } } }",
            variables = new { ids = chunk },
        });
        var nodes = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("data").GetProperty("nodes");
        foreach (var reason in nodes.EnumerateArray().SelectMany(n => n.GetProperty("corrections").EnumerateArray()).Select(c => c.GetProperty("reason").GetString()!))
        {
            if (reason.StartsWith($"load {runId} #", StringComparison.Ordinal))
            {
                found[reason] = found.GetValueOrDefault(reason) + 1;
            }
        }
    }
    var missing = expected.Count(r => !found.ContainsKey(r));
    var duplicated = found.Count(f => f.Value > 1);
    var unanswered = found.Keys.Count(r => !expected.Contains(r));
    Console.WriteLine();
    Console.WriteLine($"corrections answered: {made.Count}; found in the store: {found.Count} on {made.Select(m => m.DetainerId).Distinct().Count()} detainers; missing {missing}; present more than once {duplicated}; committed without an answer {unanswered}");
    return missing == 0 && duplicated == 0;
}

static long? ReadRssKb(int pid)
{
    try
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    }
    catch (IOException)
    {
        return null;
    }
}

// Flat: the median resident size of the last fifth of the run is within 15% (or 40 MB) of the median of
// the second fifth, i.e. after warm-up (caches, JIT, connection pools) has settled.
static bool PrintMemory(List<(double Minutes, long RssKb)> samples)
{
    Console.WriteLine();
    if (samples.Count < 10)
    {
        Console.WriteLine($"memory: only {samples.Count} samples (give --pid and run at least a minute)");
        return false;
    }
    static double Median(IEnumerable<long> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted[sorted.Count / 2] / 1024.0;
    }
    var fifth = samples.Count / 5;
    var settled = Median(samples.Skip(fifth).Take(fifth).Select(s => s.RssKb));
    var end = Median(samples.Skip(samples.Count - fifth).Select(s => s.RssKb));
    var max = samples.Max(s => s.RssKb) / 1024.0;
    var secondHalf = samples.Skip(samples.Count / 2).ToList();
    var meanX = secondHalf.Average(s => s.Minutes);
    var meanY = secondHalf.Average(s => s.RssKb / 1024.0);
    var slope = secondHalf.Sum(s => (s.Minutes - meanX) * (s.RssKb / 1024.0 - meanY)) / secondHalf.Sum(s => (s.Minutes - meanX) * (s.Minutes - meanX));
    Console.WriteLine($"server RSS (MB), {samples.Count} samples every 5 s: first {samples[0].RssKb / 1024.0:F0}, settled (2nd fifth, median) {settled:F0}, end (last fifth, median) {end:F0}, max {max:F0}; second-half slope {slope:+0.0;-0.0} MB/min");
    Console.WriteLine("RSS by minute (MB): " + string.Join(" ", samples.GroupBy(s => (int)s.Minutes).Select(g => $"{g.Key}:{g.Max(s => s.RssKb) / 1024.0:F0}")));
    return end <= Math.Max(settled * 1.15, settled + 40);
}

// Flat: the live heap after the load is within 25% (or 8 MB) of the live heap after warm-up. Without the
// tool there is nothing to compare, and the RSS check stands alone.
static bool PrintLiveHeap(long? warm, long? end)
{
    if (warm is null || end is null)
    {
        Console.WriteLine("live managed heap: not measured (install dotnet-gcdump: dotnet tool install -g dotnet-gcdump)");
        return true;
    }
    var (warmMb, endMb) = (warm.Value / 1048576.0, end.Value / 1048576.0);
    Console.WriteLine($"live managed heap after a full GC (dotnet-gcdump): after warm-up {warmMb:F1} MB, after the load {endMb:F1} MB");
    return endMb <= Math.Max(warmMb * 1.25, warmMb + 8);
}

// "GC Heap bytes" from `dotnet-gcdump report -p PID`; null when the tool is missing or fails.
static async Task<long?> LiveHeapBytesAsync(int pid)
{
    if (pid <= 0)
    {
        return null;
    }
    try
    {
        var start = new ProcessStartInfo("dotnet-gcdump") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "report", "-p", pid.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        var line = output.Split('\n').FirstOrDefault(l => l.Contains("GC Heap bytes", StringComparison.Ordinal));
        return line is not null && long.TryParse(line.Trim().Split(' ')[0], NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var bytes)
            ? bytes
            : null;
    }
    catch (System.ComponentModel.Win32Exception)
    {
        return null;
    }
}

internal sealed class LoadOptions
{
    public required Uri Url { get; init; }
    public string? Token { get; init; }
    public TimeSpan Duration { get; init; }
    public int Readers { get; init; }
    public int Writers { get; init; }
    public int Pid { get; init; }
    public int Seed { get; init; }

    public static LoadOptions Parse(string[] args)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            map[args[i].TrimStart('-')] = args[i + 1];
        }
        string Get(string name, string fallback) => map.GetValueOrDefault(name, fallback);
        return new LoadOptions
        {
            Url = new Uri(Get("url", "http://127.0.0.1:5099")),
            Token = map.GetValueOrDefault("token"),
            Duration = TimeSpan.FromMinutes(double.Parse(Get("minutes", "10"), CultureInfo.InvariantCulture)),
            Readers = int.Parse(Get("readers", "24"), CultureInfo.InvariantCulture),
            Writers = int.Parse(Get("writers", "2"), CultureInfo.InvariantCulture),
            Pid = int.Parse(Get("pid", "0"), CultureInfo.InvariantCulture),
            Seed = int.Parse(Get("seed", "7"), CultureInfo.InvariantCulture),
        };
    }
}

/// <summary>The read mix: pages with nested objects, stats, the weekly report, search, node lookups, jurisdictions.</summary>
internal static class Reads
{
    public const string Correct = """
        mutation($input: CorrectDetainerInput!) { correctDetainer(input: $input) { correction { id } detainer { citizenship corrections { field } } } }
        """;

    private static readonly string[] States = ["PA", "TX", "CA", "NY", "IL", "WA", "FL"];
    private static readonly string[] Outcomes = ["DECLINED_BY_LEA", "LIFTED", "BOOKED_INTO_DETENTION", "CASE_CLOSED", "OPEN"];
    private static readonly string[] Searches = ["dui", "assault", "cocaine sell", "burglary", "drunk driving", "larceny", "weapon", "\"aggravated assault\"", "assa*", "asault"];

    public static (string Kind, string Query, object? Variables) Next(Random random, List<string> pool) => random.Next(10) switch
    {
        0 or 1 => ("detainers page", """
            query($state: String!, $outcome: DetainerOutcome!) {
              detainers(first: 50, where: { or: [{ jurisdiction: { state: { eq: $state } } }, { outcome: { eq: $outcome } }] }, order: [{ issuedOn: DESC }]) {
                totalCount
                nodes { id outcome issuedOn citizenship retracted jurisdiction { name state } facility { name } week { start }
                        charges { description ncicCode status } corrections { field newValue } published { outcome citizenship } source { line } }
              }
            }
            """, new { state = States[random.Next(States.Length)], outcome = Outcomes[random.Next(Outcomes.Length)] }),
        2 => ("detainerStats", """
            { detainerStats(groupBy: [STATE, OUTCOME]) { keys { state outcome } count } }
            """, null),
        3 => ("weeklyReport", """
            { weeklyReport(start: "2017-01-28") { sectionOne { rank jurisdiction { name } published { rank } corrections { field } }
                sectionTwo(first: 20) { totalCount nodes { id citizenship charges { description } } } totals { declined detainersRecorded } } }
            """, null),
        4 or 5 => ("searchCharges", """
            query($q: String!) { searchCharges(query: $q, first: 20) { totalCount nodes { score highlight charge { description } detainer { outcome citizenship } }
              facets(fields: [OUTCOME, STATE]) { field buckets { value count } } } }
            """, new { q = Searches[random.Next(Searches.Length)] }),
        6 or 7 => ("nodes", """
            query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Detainer { outcome citizenship corrections { field newValue editor } published { citizenship } } } }
            """, new { ids = Enumerable.Range(0, 20).Select(_ => pool[random.Next(pool.Count)]).ToArray() }),
        _ => ("jurisdictions", """
            query($state: String!) { jurisdictions(first: 20, where: { state: { eq: $state } }) { totalCount nodes { name fieldOffice detainers(first: 5) { totalCount nodes { issuedOn outcome } } } } }
            """, new { state = States[random.Next(States.Length)] }),
    };
}

internal sealed class Stats
{
    private readonly ConcurrentDictionary<string, ConcurrentBag<double>> _latencies = new();
    private readonly ConcurrentDictionary<int, int> _statuses = new();
    private readonly ConcurrentDictionary<string, int> _errorCodes = new();
    private int _transportErrors;
    private int _retriesSame;
    private int _retriesDifferent;

    public int ServerErrors => _statuses.Where(s => s.Key >= 500).Sum(s => s.Value);

    public void Retry(bool same) => Interlocked.Increment(ref same ? ref _retriesSame : ref _retriesDifferent);

    /// <summary>Sends one request; returns the body when it is a 200 without errors, else null (counted).</summary>
    public async Task<JsonElement?> SendAsync(HttpClient http, string kind, string query, object? variables, string? token)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = JsonContent.Create(new { query, variables }) };
            if (token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }
            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            _latencies.GetOrAdd(kind, _ => []).Add(watch.Elapsed.TotalMilliseconds);
            _statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
            if ((int)response.StatusCode >= 500)
            {
                Console.Error.WriteLine($"{(int)response.StatusCode} on {kind}: {body[..Math.Min(body.Length, 300)]}");
                return null;
            }
            var root = JsonDocument.Parse(body).RootElement.Clone();
            if (root.TryGetProperty("errors", out var errors))
            {
                foreach (var error in errors.EnumerateArray())
                {
                    var code = error.TryGetProperty("extensions", out var ext) && ext.TryGetProperty("code", out var c) ? c.GetString() ?? "?" : "(no code)";
                    _errorCodes.AddOrUpdate($"{kind}: {code}", 1, (_, n) => n + 1);
                }
                return null;
            }
            return root;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            Interlocked.Increment(ref _transportErrors);
            _errorCodes.AddOrUpdate($"{kind}: {e.GetType().Name}", 1, (_, n) => n + 1);
            return null;
        }
    }

    public void Print(TimeSpan elapsed)
    {
        var total = _latencies.Values.Sum(b => b.Count);
        Console.WriteLine();
        Console.WriteLine($"{total} requests in {elapsed.TotalSeconds:F0} s: {total / elapsed.TotalSeconds:F1} req/s; statuses {string.Join(", ", _statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}"))}; transport errors {_transportErrors}");
        Console.WriteLine($"{"kind",-26} {"count",8} {"p50 ms",8} {"p95 ms",8} {"p99 ms",8} {"max ms",8}");
        foreach (var (kind, bag) in _latencies.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            var sorted = bag.OrderBy(x => x).ToArray();
            double P(double q) => sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
            Console.WriteLine($"{kind,-26} {sorted.Length,8} {P(0.5),8:F0} {P(0.95),8:F0} {P(0.99),8:F0} {sorted[^1],8:F0}");
        }
        Console.WriteLine($"retried corrections answered with the same correction: {_retriesSame}, with another: {_retriesDifferent}");
        Console.WriteLine(_errorCodes.IsEmpty
            ? "GraphQL errors: none"
            : "GraphQL errors: " + string.Join(", ", _errorCodes.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key} x{e.Value}")));
    }
}
