using System.Globalization;
using System.Runtime.InteropServices;
using DetainerGraph.Benchmarks;

// The benchmark: build a store of N generated detainers through the real import path, start the real
// server on it, and measure each workload against the engine underneath, side by side. See BENCHMARKS.md.
if (args is ["--help"] or ["-h"])
{
    Console.WriteLine(BenchmarkOptions.Usage);
    return 0;
}
BenchmarkOptions options;
try
{
    options = BenchmarkOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    Console.Error.WriteLine(BenchmarkOptions.Usage);
    return 2;
}

// SQLite's "async" calls block a pool thread: with only as many pool threads as cores to start with, the
// raw side's concurrent callers would wait for the pool to grow rather than for the database.
ThreadPool.GetMinThreads(out var minWorkers, out var minIo);
ThreadPool.SetMinThreads(Math.Max(minWorkers, options.Concurrency * 2), minIo);

var root = options.Reuse is { } reused ? Path.Combine(Path.GetTempPath(), $"dg-bench-{Guid.NewGuid():N}")
    : options.Directory is { } given ? Path.GetFullPath(given) : Path.Combine(Path.GetTempPath(), $"dg-bench-{Guid.NewGuid():N}");
if (Directory.Exists(root) && Directory.EnumerateFileSystemEntries(root).Any())
{
    Console.Error.WriteLine($"error: {root} is not empty; the benchmark builds a fresh store");
    return 2;
}
var store = options.Reuse is { } kept ? Path.Combine(Path.GetFullPath(kept), "store") : Path.Combine(root, "store");
var rawCopy = Path.Combine(root, "raw-index");
try
{
    Report.Machine(options);
    Console.WriteLine($"# Dataset: {options.Detainers:N0} detainers (seed {options.Seed}, {options.Weeks} weeks) in {store}");
    ImportFigures? import = null;
    if (options.Reuse is null)
    {
        import = await Dataset.BuildAsync(options, store);
        Report.Import(import);
    }
    if (options.ImportOnly)
    {
        return 0;
    }

    // The raw side searches its own copy of the index (the server holds the live one's write lock) and reads
    // the same SQLite file.
    Dataset.CopyFolder(Path.Combine(store, "search"), Path.Combine(rawCopy, "search"));
    using var rawHost = Dataset.BuildHost(store, searchDirectory: rawCopy);
    var rawServices = rawHost.Services;

    using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = options.Concurrency * 2, UseProxy = false })
    {
        Timeout = TimeSpan.FromMinutes(2),
    };
    await using var server = await ServerProcess.StartAsync(store, http);
    var (rssIdle, _) = server.Memory();
    Console.WriteLine($"# Server: pid {server.Id} at {server.Endpoint}, RSS at rest {Report.Mb(rssIdle):F0} MB");
    Console.WriteLine();
    if (options.Export)
    {
        await ExportMeasurement.RunAsync(server, http, options.Detainers);
        return 0;
    }

    var runner = new Runner(http, server, options);
    var workloads = new[]
    {
        Workloads.Search(rawServices),
        Workloads.List(rawServices),
        Workloads.Count(rawServices),
        Workloads.StatsWorkload(rawServices),
        Workloads.Node(rawServices, options.Detainers),
    };
    if (options.Only is { } only)
    {
        var names = only.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        workloads = [.. workloads.Where(w => names.Contains(w.Name, StringComparer.Ordinal))];
    }
    var results = new List<WorkloadFigures>();
    foreach (var workload in workloads)
    {
        Console.Error.WriteLine($"measuring {workload.Name}...");
        results.Add(await runner.RunAsync(workload));
    }
    var (_, rssPeak) = server.Memory();
    Report.Workloads(workloads, results, options, rssPeak);
    if (options.Only is null)
    {
        Report.Summary(results, import, rssPeak);
    }
    return 0;
}
finally
{
    if (!options.Keep)
    {
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"could not delete {root}: {e.Message}");
        }
    }
}

internal static class Report
{
    public static double Mb(long bytes) => bytes / 1024.0 / 1024.0;

    private static string Kb(double bytes) => (bytes / 1024).ToString("N0", CultureInfo.InvariantCulture) + " KB";

    public static void Machine(BenchmarkOptions options)
    {
        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
        Console.WriteLine($"# DetainerGraph benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Console.WriteLine($"# {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, load average {load}");
        Console.WriteLine($"# latency: {options.Warmup} warm-up calls per variant and side and more until the JIT settles (at most {options.SettleSeconds:F0} s), then {options.LatencyRounds} rounds x {options.LatencyBlock} requests per side, concurrency 1; throughput: {options.Concurrency} clients, 2 x {options.ThroughputSeconds} s per side");
    }

    public static void Import(ImportFigures f)
    {
        Console.WriteLine($"# Import: {f.Detainers:N0} detainers ({f.Rows:N0} rows) in {f.Import.TotalSeconds:F1} s = {f.DetainersPerSecond:N0} detainers/s, index included " +
            $"(write {f.Write.TotalSeconds:F1} s, of which parsing {f.Parse.TotalSeconds:F1} s; index {f.Index.TotalSeconds:F1} s; {f.Cpu.TotalSeconds:F1} s of CPU time, {f.WriteCpu.TotalSeconds:F1} s of it writing; generating the CSV took {f.Generate.TotalSeconds:F1} s, not counted)");
        Console.WriteLine($"# On disk: {Mb(f.StoreBytes):F0} MB (database {Mb(f.DatabaseBytes):F0} MB, search index {Mb(f.IndexBytes):F0} MB)");
    }

    public static void ImportCommand(int detainers, ImportCommandFigures f)
    {
        var settings = string.Join(", ", Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(k => k.StartsWith("DOTNET_Tiered", StringComparison.Ordinal) || k.StartsWith("DOTNET_TC_", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Console.WriteLine($"# Import command (as users run it, its own process, fresh store): {detainers:N0} detainers in {f.Wall.TotalSeconds:F1} s start to exit = " +
            $"{detainers / f.Wall.TotalSeconds:N0} detainers/s, {f.Cpu.TotalSeconds:F1} s of CPU; JIT settings given by the caller: {(settings.Length == 0 ? "none" : settings)}; it printed: {f.Result}");
    }

    public static void Workloads(Workload[] workloads, List<WorkloadFigures> results, BenchmarkOptions options, long rssPeak)
    {
        Console.WriteLine("| workload | endpoint p50 | endpoint p99 | raw p50 | raw p99 | overhead | execution p50 | endpoint rps | raw rps | SQL/request | alloc/request endpoint | alloc/request raw | server RSS after | RSS peak under load |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in results)
        {
            Console.WriteLine($"| {r.Name} | {r.EndpointP50:F2} ms | {r.EndpointP99:F2} ms | {r.RawP50:F2} ms | {r.RawP99:F2} ms | {r.Overhead:F2} | {r.ExecutionP50:F2} ms | " +
                $"{r.EndpointRps:F0} | {r.RawRps:F0} | {r.SqlPerRequest:F1} | {Kb(r.EndpointAllocBytes)} | {Kb(r.RawAllocBytes)} | {Mb(r.RssAfter):F0} MB | {Mb(r.RssPeakDuringLoad):F0} MB |");
        }
        Console.WriteLine();
        Console.WriteLine("Overhead: endpoint over raw, the geometric mean over the workload's variants of the ratio of their medians at concurrency 1.");
        Console.WriteLine("Execution: the server's own time for the GraphQL operation (extensions.metrics.milliseconds), without HTTP and response writing.");
        Console.WriteLine($"Server peak RSS (VmHWM) over the run: {Mb(rssPeak):F0} MB. Throughput at {options.Concurrency} concurrent clients, each on its own thread; " +
            "in flight: the most calls a side had running at once (fewer than the clients would mean that side was measured serialised).");
        foreach (var (w, r) in workloads.Zip(results))
        {
            var inFlight = $" In flight: endpoint {r.EndpointPeakInFlight}, raw {r.RawPeakInFlight} of {options.Concurrency}.";
            if (w.Variants > 20)
            {
                Console.WriteLine($"- {w.Name}: {w.Description}.{inFlight}{Baseline(w, r, perVariant: false)}{Floor(r, perVariant: false)}");
                continue;
            }
            Console.WriteLine($"- {w.Name}: {w.Description}. Medians per variant, endpoint/raw: " +
                string.Join("; ", r.VariantMedians.Select((m, i) => $"{w.Label(i)} {m.Endpoint:F1}/{m.Raw:F1} ms")) + "." + inFlight + Baseline(w, r) + Floor(r));
        }
        Console.WriteLine();
    }

    /// <summary>
    /// Where the raw side, meant as the best plain implementation of the same question, was not at least as fast as the
    /// endpoint: its median on a variant, or its throughput. Said rather than left for the reader to spot. With many
    /// variants (a few samples each), the medians of the whole run are compared instead.
    /// </summary>
    private static string Baseline(Workload w, WorkloadFigures r, bool perVariant = true)
    {
        var medians = perVariant ? r.VariantMedians.Select((m, i) => (m, Label: w.Label(i))) : [((r.EndpointP50, r.RawP50), "the run")];
        var slower = medians.Where(v => v.m.Raw > v.m.Endpoint)
            .Select(v => string.Create(CultureInfo.InvariantCulture, $"{v.Label} (x{v.m.Raw / v.m.Endpoint:F2})")).ToList();
        var notes = new List<string>();
        if (slower.Count > 0)
        {
            notes.Add($"raw median above the endpoint's on {string.Join(", ", slower)}");
        }
        if (r.RawRps < r.EndpointRps)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture, $"raw throughput below the endpoint's (x{r.RawRps / r.EndpointRps:F2})"));
        }
        return notes.Count == 0
            ? $" Raw at least as fast as the endpoint {(perVariant ? "on every variant" : "at the median")} and in throughput."
            : $" Baseline: {string.Join("; ", notes)}.";
    }

    /// <summary>
    /// What every request pays before it asks anything, beside what the endpoint adds over raw: a reader can tell how much
    /// of the overhead is the HTTP round trip and the request pipeline, which no change to the resolvers can remove.
    /// </summary>
    private static string Floor(WorkloadFigures r, bool perVariant = true)
    {
        var added = perVariant ? r.VariantMedians.Select(m => m.Endpoint - m.Raw).Order().ToList() : [r.EndpointP50 - r.RawP50];
        return string.Create(CultureInfo.InvariantCulture,
            $" Floor: {{ __typename }} in the same rounds, p50 {r.FloorP50:F2} ms; the endpoint adds {added[added.Count / 2]:F2} ms over raw ({(perVariant ? "the median variant" : "the run's medians")}).");
    }

    public static void Summary(List<WorkloadFigures> results, ImportFigures? import, long rssPeak)
    {
        var search = results.Single(r => r.Name == "search");
        var list = results.Single(r => r.Name == "list");
        var stats = results.Single(r => r.Name == "stats");
        var count = results.Single(r => r.Name == "count");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"SUMMARY search_p50_ms={search.EndpointP50:F2} search_p99_ms={search.EndpointP99:F2} search_overhead={search.Overhead:F2} " +
            $"list_p50_ms={list.EndpointP50:F2} list_overhead={list.Overhead:F2} list_rps={list.EndpointRps:F0} stats_overhead={stats.Overhead:F2} " +
            $"count_p99_ms={count.EndpointP99:F2} stats_p99_ms={stats.EndpointP99:F2} " +
            $"sql_per_request={list.SqlPerRequest:F1} import_per_s={(import is null ? "n/a" : import.DetainersPerSecond.ToString("F0", CultureInfo.InvariantCulture))} rss_mb={Mb(rssPeak):F0}"));
    }
}
