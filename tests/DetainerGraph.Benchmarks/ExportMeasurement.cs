using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace DetainerGraph.Benchmarks;

/// <summary>
/// <c>--export</c>: downloads every detainer of the store as CSV and as NDJSON (and a monthly stats export) from
/// the real server, reading the body as it arrives, and reports rows/s and the server's memory: RSS before, after,
/// and the highest VmRSS sampled every 50 ms during the download, plus the bytes the server allocated per row
/// (its process-wide allocation counter, read through a metrics query before and after). Flat memory means the
/// peak does not grow with the store; see BENCHMARKS.md "Export".
/// </summary>
public static class ExportMeasurement
{
    private static readonly string[] Urls =
    [
        "/export/detainers.csv?includeSynthetic=true",
        "/export/detainers.ndjson?includeSynthetic=true",
        "/export/detainer-stats.csv?includeSynthetic=true&groupBy=JURISDICTION,ISSUED_MONTH",
    ];

    public static async Task RunAsync(ServerProcess server, HttpClient http, int detainers)
    {
        var origin = new Uri(server.Endpoint, "/");
        Console.WriteLine("| export | rows | MB | seconds | rows/s | server RSS before | RSS peak during | RSS after | allocated/row |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var url in Urls)
        {
            // Settle first, so "before" is not the previous download's garbage.
            await Task.Delay(1000);
            var before = server.Memory().Current;
            var allocatedBefore = await AllocatedAsync(server, http);
            var peak = before;
            using var sampling = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!sampling.IsCancellationRequested)
                {
                    peak = Math.Max(peak, server.Memory().Current);
                    await Task.Delay(50, CancellationToken.None);
                }
            });
            var watch = Stopwatch.StartNew();
            long bytes = 0, lines = 0;
            using (var response = await http.GetAsync(new Uri(origin, url), HttpCompletionOption.ResponseHeadersRead))
            {
                response.EnsureSuccessStatusCode();
                await using var body = await response.Content.ReadAsStreamAsync();
                var buffer = new byte[64 * 1024];
                int read;
                while ((read = await body.ReadAsync(buffer)) > 0)
                {
                    bytes += read;
                    lines += buffer.AsSpan(0, read).Count((byte)'\n');
                }
            }
            watch.Stop();
            await sampling.CancelAsync();
            await sampler;
            var allocated = await AllocatedAsync(server, http) - allocatedBefore;
            var after = server.Memory().Current;
            // CSV has a header line; NDJSON has none.
            var rows = url.Contains(".csv", StringComparison.Ordinal) ? lines - 1 : lines;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| `{url}` | {rows:N0} | {bytes / 1048576.0:F1} | {watch.Elapsed.TotalSeconds:F1} | {rows / watch.Elapsed.TotalSeconds:N0} | " +
                $"{Report.Mb(before):F0} MB | {Report.Mb(peak):F0} MB | {Report.Mb(after):F0} MB | {(rows == 0 ? 0 : allocated / (double)rows):N0} B |"));
        }
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Store: {detainers:N0} generated detainers (synthetic, so every URL passes includeSynthetic=true). Allocated/row is the server's whole-process allocation counter over the download, divided by the rows."));
    }

    /// <summary>The server's process-wide allocated bytes, from the metrics extension of a trivial query.</summary>
    private static async Task<long> AllocatedAsync(ServerProcess server, HttpClient http)
    {
        using var content = new StringContent("""{"query":"{ __typename }"}""", Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(server.Endpoint, content);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return json.TryGetProperty("extensions", out var extensions) && extensions.TryGetProperty("metrics", out var metrics)
            && metrics.TryGetProperty("processAllocatedBytes", out var allocated) ? allocated.GetInt64() : 0;
    }
}
