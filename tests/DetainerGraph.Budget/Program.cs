using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

// The budget run (scripts/budget.sh starts the server): the costly shapes of the 2026-11-29 security review and
// their variants, each alone and then 8 at a time, at the server's default limits, from one attacking client,
// while another client sends a small `detainers(first: 5)` query and measures its latency. Prints, per shape: the
// worst time, the answers' codes, server RSS and live heap (dotnet-gcdump, after a full GC) after the shape; then the
// small query's p50/p99 alone (an idle baseline measured first) and during the attack, beside the server's peak RSS.
// Loopback only; bounded: every shape runs 9 requests at most, each with a 60 s client timeout.
//   dotnet DetainerGraph.Budget.dll <url> <server pid>

// The distinct-shapes memory probe of scripts/shapes-memory.sh (ShapeProbe.cs).
if (args.Length > 0 && args[0] == "shapes")
{
    return await ShapeProbe.RunAsync(args[1..]);
}

// The compiled-query cache's cost to a wide, repeated workload, two servers side by side (ShapeCycle.cs, scripts/shapes-cycle.sh).
if (args.Length > 0 && args[0] == "cycle")
{
    return await ShapeCycle.RunAsync(args[1..]);
}

if (args.Length < 2 || !Uri.TryCreate(args[0], UriKind.Absolute, out var url) || !url.IsLoopback)
{
    Console.Error.WriteLine("usage: DetainerGraph.Budget <loopback url of /graphql> <server pid>");
    return 2;
}
var pid = int.Parse(args[1], CultureInfo.InvariantCulture);
using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };

static string Json(object value) => JsonSerializer.Serialize(value);

var costlyWhere = new { or = Enumerable.Range(0, 24).Select(i => new { charges = new { some = new { description = new { containsIgnoreCase = "zz" + i } } } }).ToArray() };
string Aliased(int n, string field) => "query($w: DetainerFilterInput) { " + string.Join(' ', Enumerable.Range(0, n).Select(i => $"a{i}: {field}")) + " }";
var random = new Random(7);
var letters = Enumerable.Range(0x100, 0x7f).Concat(Enumerable.Range(0x391, 0x18)).Concat(Enumerable.Range(0x410, 0x3f)).Concat(Enumerable.Range(0x10d0, 0x20)).Select(c => (char)c).ToArray();
string Word() => new([.. Enumerable.Range(0, 30).Select(_ => letters[random.Next(letters.Length)])]);
string FuzzyQuery(int n) => "query(" + string.Join(", ", Enumerable.Range(0, n).Select(i => $"$q{i}: String!")) + ") { " +
    string.Join(' ', Enumerable.Range(0, n).Select(i => $"a{i}: searchCharges(query: $q{i}, first: 0) {{ totalCount }}")) + " }";
object FuzzyVariables(int n) => Enumerable.Range(0, n).ToDictionary(i => $"q{i}", _ => string.Join(' ', Enumerable.Range(0, 16).Select(_ => Word())));
var jurisdiction = Convert.ToBase64String(Encoding.UTF8.GetBytes("Jurisdiction:17"));

// Each shape builds a fresh body per request (fuzzy words must be new each time to defeat caches).
var shapes = new List<(string Name, Func<string> Body)>
{
    ("40 aliased filtered totalCounts", () => Json(new { query = Aliased(40, "detainers(first: 0, where: $w) { totalCount }"), variables = new { w = costlyWhere } })),
    ("1 filtered totalCount (costly where)", () => Json(new { query = Aliased(1, "detainers(first: 0, where: $w) { totalCount }"), variables = new { w = costlyWhere } })),
    ("batch of 10 x 3 aliased counts", () => "[" + string.Join(',', Enumerable.Repeat(Json(new { query = Aliased(3, "detainers(first: 0, where: $w) { totalCount }"), variables = new { w = costlyWhere } }), 10)) + "]"),
    ("batch of 10 x 1 count", () => "[" + string.Join(',', Enumerable.Repeat(Json(new { query = Aliased(1, "detainers(first: 0, where: $w) { totalCount }"), variables = new { w = costlyWhere } }), 10)) + "]"),
    ("nodes: 1 ID x 50 with a filtered count", () => Json(new { query = "query($ids: [ID!]!, $w: DetainerFilterInput) { nodes(ids: $ids) { ... on Jurisdiction { detainers(first: 0, where: $w) { totalCount } } } }", variables = new { ids = Enumerable.Repeat(jurisdiction, 50), w = costlyWhere } })),
    ("nodes: 1 ID x 50, plain", () => Json(new { query = "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Jurisdiction { detainers(first: 5) { totalCount nodes { id } } } } }", variables = new { ids = Enumerable.Repeat(jurisdiction, 50) } })),
    ("search where: week or [{} x 30000]", () => Json(new { query = "query($w: DetainerFilterInput) { searchCharges(query: \"dui\", where: $w) { totalCount } }", variables = new { w = new { week = new { or = Enumerable.Range(0, 30_000).Select(_ => new { }).ToArray() } } } })),
    ("search where: jurisdiction or [name eq x 1000]", () => Json(new { query = "query($w: DetainerFilterInput) { searchCharges(query: \"dui\", where: $w) { totalCount } }", variables = new { w = new { jurisdiction = new { or = Enumerable.Range(0, 1_000).Select(i => new { name = new { eq = "n" + i } }).ToArray() } } } })),
    ("search where: and [state eq x 100]", () => Json(new { query = "query($w: DetainerFilterInput) { searchCharges(query: \"dui\", where: $w) { totalCount } }", variables = new { w = new { and = Enumerable.Range(0, 33).Select(_ => new { jurisdiction = new { state = new { eq = "PA" } } }).ToArray() } } })),
    ("20 aliased fuzzy searches (16 unique 30-letter words)", () => Json(new { query = FuzzyQuery(20), variables = FuzzyVariables(20) })),
    ("4 aliased fuzzy searches", () => Json(new { query = FuzzyQuery(4), variables = FuzzyVariables(4) })),
    ("stats: 7 dimensions, filtered", () => Json(new { query = "{ detainerStats(where: { citizenship: { containsIgnoreCase: \"o\" } }, groupBy: [STATE, JURISDICTION, FIELD_OFFICE, WEEK, OUTCOME, DETAINER_TYPE, CITIZENSHIP]) { count } }" })),
    ("stats: 20 aliased, 3 dimensions", () => Json(new { query = "{ " + string.Join(' ', Enumerable.Range(0, 20).Select(i => $"s{i}: detainerStats(groupBy: [STATE, WEEK, OUTCOME]) {{ count }}")) + " }" })),
    ("detainers: citizenship in 1000 x 2 lists", () => Json(new { query = "query($w: DetainerFilterInput) { detainers(where: $w) { totalCount } }", variables = new { w = new { and = new[] { new { citizenship = new { @in = Enumerable.Range(0, 1000).Select(i => "c" + i) } }, new { citizenship = new { @in = Enumerable.Range(0, 1000).Select(i => "d" + i) } } } } } })),
};

async Task<(double Seconds, int Status, string Codes)> SendAsync(string body, string client)
{
    using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
    // Each client is its own address to the server's per-client limits (the run enables forwarded headers on loopback).
    request.Headers.Add("X-Forwarded-For", client);
    var watch = Stopwatch.StartNew();
    try
    {
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var codes = new SortedSet<string>(StringComparer.Ordinal);
        try
        {
            using var document = JsonDocument.Parse(text);
            foreach (var result in document.RootElement.ValueKind == JsonValueKind.Array ? document.RootElement.EnumerateArray().ToArray() : [document.RootElement])
            {
                if (result.TryGetProperty("errors", out var errors))
                {
                    foreach (var error in errors.EnumerateArray())
                    {
                        codes.Add(error.TryGetProperty("extensions", out var e) && e.TryGetProperty("code", out var c) ? c.GetString() ?? "?" : "?");
                    }
                }
                else
                {
                    codes.Add("ok");
                }
            }
        }
        catch (JsonException)
        {
            codes.Add("not-json");
        }
        return (watch.Elapsed.TotalSeconds, (int)response.StatusCode, string.Join('+', codes));
    }
    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
    {
        return (watch.Elapsed.TotalSeconds, 0, e.GetType().Name);
    }
}

// The victim: a small query from another client, 15 a second on a fixed schedule, under the default rate limit
// (20 a second per client): a faster victim measured its own RATE_LIMITED answers, not the attack. First alone
// (the idle baseline), then for the whole attack.
var victimPace = TimeSpan.FromMilliseconds(1000.0 / 15);
async Task PaceAsync(long startedTicks)
{
    var wait = victimPace - Stopwatch.GetElapsedTime(startedTicks);
    if (wait > TimeSpan.Zero)
    {
        await Task.Delay(wait);
    }
}
var small = Json(new { query = "{ detainers(first: 5) { nodes { id issuedOn } } }" });
static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
var idleLatencies = new List<double>();
var idleErrors = 0;
for (var i = 0; i < 20; i++)
{
    await SendAsync(small, "10.9.9.8"); // warm-up, not counted
}
for (var i = 0; i < 250; i++)
{
    var started = Stopwatch.GetTimestamp();
    var (seconds, status, codes) = await SendAsync(small, "10.9.9.8");
    idleLatencies.Add(seconds * 1000);
    idleErrors += status == 200 && codes == "ok" ? 0 : 1;
    await PaceAsync(started);
}
idleLatencies.Sort();
var idlePeakRss = ServerMemory.PeakRssMb(pid);

var victimLatencies = new List<double>();
var victimErrors = 0;
using var stopVictim = new CancellationTokenSource();
var victim = Task.Run(async () =>
{
    while (!stopVictim.IsCancellationRequested)
    {
        var started = Stopwatch.GetTimestamp();
        var (seconds, status, codes) = await SendAsync(small, "10.9.9.9");
        lock (victimLatencies)
        {
            victimLatencies.Add(seconds * 1000);
            victimErrors += status == 200 && codes == "ok" ? 0 : 1;
        }
        await PaceAsync(started);
    }
});

var startRss = ServerMemory.RssMb(pid);
var startHeap = (await ServerMemory.LiveHeapAsync(pid)).Mb;
Console.WriteLine($"server pid {pid}: start RSS {startRss} MB, live heap {startHeap?.ToString(CultureInfo.InvariantCulture) ?? "n/a"} MB");
Console.WriteLine();
Console.WriteLine("| shape | alone: time, status, codes | 8 at once: worst time, statuses, codes | RSS after (MB) | live heap after (MB) |");
Console.WriteLine("|---|---|---|---|---|");
var worstOverall = 0.0;
var attacker = 0;
foreach (var (name, body) in shapes)
{
    // A fresh client address per shape, so one shape's spent tokens do not decide the next shape's answers.
    var client = $"10.1.{++attacker}.1";
    var alone = await SendAsync(body(), client);
    var together = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => body()).ToList().Select(b => SendAsync(b, client)));
    var worst = Math.Max(alone.Seconds, together.Max(t => t.Seconds));
    worstOverall = Math.Max(worstOverall, worst);
    var statuses = string.Join(',', together.GroupBy(t => t.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()}x{g.Key}"));
    var codes = string.Join(',', together.Select(t => t.Codes).Distinct().Order(StringComparer.Ordinal));
    var heap = (await ServerMemory.LiveHeapAsync(pid)).Mb;
    Console.WriteLine($"| {name} | {alone.Seconds:0.00} s, {alone.Status}, {alone.Codes} | {together.Max(t => t.Seconds):0.00} s, {statuses}, {codes} | {ServerMemory.RssMb(pid)} | {heap?.ToString(CultureInfo.InvariantCulture) ?? "n/a"} |");
}
await stopVictim.CancelAsync();
await victim;
var endHeap = (await ServerMemory.LiveHeapAsync(pid)).Mb;
victimLatencies.Sort();
Console.WriteLine();
Console.WriteLine("| small detainers(first: 5), another client | requests | p50 (ms) | p99 (ms) | max (ms) | not ok | server peak RSS (MB) |");
Console.WriteLine("|---|---|---|---|---|---|---|");
Console.WriteLine($"| idle baseline (no attack) | {idleLatencies.Count} | {Percentile(idleLatencies, 0.5):0.0} | {Percentile(idleLatencies, 0.99):0.0} | {idleLatencies.LastOrDefault():0.0} | {idleErrors} | {idlePeakRss} |");
Console.WriteLine($"| during the attack | {victimLatencies.Count} | {Percentile(victimLatencies, 0.5):0.0} | {Percentile(victimLatencies, 0.99):0.0} | {victimLatencies.LastOrDefault():0.0} | {victimErrors} | {ServerMemory.PeakRssMb(pid)} |");
Console.WriteLine();
Console.WriteLine($"worst request: {worstOverall:0.00} s; RSS {startRss} -> {ServerMemory.RssMb(pid)} MB (peak {ServerMemory.PeakRssMb(pid)} MB); live heap {startHeap?.ToString(CultureInfo.InvariantCulture) ?? "n/a"} -> {endHeap?.ToString(CultureInfo.InvariantCulture) ?? "n/a"} MB");
var heapOk = startHeap is null || endHeap is null || endHeap - startHeap <= 50;
var ok = worstOverall <= 5 && Percentile(victimLatencies, 0.99) < 50 && heapOk;
Console.WriteLine($"targets (no request over 5 s, live heap within 50 MB of start, small query p99 < 50 ms): {(ok ? "met" : "NOT met")}");
return ok ? 0 : 1;
