using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

/// <summary>
/// What the compiled-query cache's bound costs a wide but legitimate workload (scripts/shapes-cycle.sh starts the two
/// servers): a front end whose filters, sorts and groupings add up to K distinct query shapes, each asked again and again.
/// Two servers on the same store differ only in <c>Database:CompiledQueryCacheSize</c>; the same K shapes (the first K of
/// <see cref="ShapeProbe.Shapes"/>) go round robin to both, one request at a time, the side going first alternating by
/// round, so the machine's noise lands on both. After one warm-up round per K, it prints each side's p50 and p99 and the
/// ratio of the p50s, and each server's RSS.
///   dotnet DetainerGraph.Budget.dll cycle &lt;url A&gt; &lt;pid A&gt; &lt;url B&gt; &lt;pid B&gt; [K list, e.g. 50,100,200,400] [rounds]
/// </summary>
internal static class ShapeCycle
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length < 4 || !Uri.TryCreate(args[0], UriKind.Absolute, out var a) || !a.IsLoopback
            || !Uri.TryCreate(args[2], UriKind.Absolute, out var b) || !b.IsLoopback)
        {
            Console.Error.WriteLine("usage: DetainerGraph.Budget cycle <loopback url A> <pid A> <loopback url B> <pid B> [K list] [rounds]");
            return 2;
        }
        int[] pids = [int.Parse(args[1], CultureInfo.InvariantCulture), int.Parse(args[3], CultureInfo.InvariantCulture)];
        Uri[] urls = [a, b];
        var sizes = (args.Length > 4 ? args[4] : "50,100,200,400").Split(',').Select(k => int.Parse(k, CultureInfo.InvariantCulture)).Order().ToList();
        var rounds = args.Length > 5 ? int.Parse(args[5], CultureInfo.InvariantCulture) : 6;
        var shapes = ShapeProbe.Shapes();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        Console.WriteLine("| K shapes, round robin | A p50 (ms) | A p99 (ms) | B p50 (ms) | B p99 (ms) | A/B p50 | A RSS (MB) | B RSS (MB) | not ok |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        var failed = 0;
        foreach (var k in sizes)
        {
            var cycle = shapes.Take(k).Select(q => JsonSerializer.Serialize(new { query = q })).ToList();
            var times = new[] { new List<double>(), new List<double>() };
            for (var round = 0; round <= rounds; round++)
            {
                foreach (var side in round % 2 == 0 ? new[] { 0, 1 } : [1, 0])
                {
                    foreach (var body in cycle)
                    {
                        var watch = Stopwatch.StartNew();
                        if (!await SendAsync(http, urls[side], body) && ++failed <= 5)
                        {
                            Console.Error.WriteLine($"not ok on {urls[side]}: {body}");
                        }
                        // Round 0 warms both servers up (first compilations, the JIT); only later rounds are timed.
                        if (round > 0)
                        {
                            times[side].Add(watch.Elapsed.TotalMilliseconds);
                        }
                    }
                }
            }
            var (p50a, p99a) = Percentiles(times[0]);
            var (p50b, p99b) = Percentiles(times[1]);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {k} | {p50a:0.00} | {p99a:0.00} | {p50b:0.00} | {p99b:0.00} | {p50a / p50b:0.00} | {ServerMemory.RssMb(pids[0])} | {ServerMemory.RssMb(pids[1])} | {failed} |"));
        }
        return failed == 0 ? 0 : 1;
    }

    /// <summary>Nearest-rank p50 and p99.</summary>
    private static (double P50, double P99) Percentiles(List<double> times)
    {
        times.Sort();
        double At(double p) => times[Math.Clamp((int)Math.Ceiling(p * times.Count) - 1, 0, times.Count - 1)];
        return (At(0.50), At(0.99));
    }

    private static async Task<bool> SendAsync(HttpClient http, Uri url, string body)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        try
        {
            using var response = await http.PostAsync(url, content);
            var text = await response.Content.ReadAsStringAsync();
            using var document = JsonDocument.Parse(text);
            return response.IsSuccessStatusCode && !document.RootElement.TryGetProperty("errors", out _);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return false;
        }
    }
}
