using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

/// <summary>
/// The distinct-shapes memory probe (scripts/shapes-memory.sh starts the server): K distinct, valid, cheap query shapes
/// sent one after another, each differing in the statement EF Core compiles (which filters, which operators, which sort
/// keys, which stats dimensions, a nested connection or not), not only in literal values. At each checkpoint K it prints
/// the server's RSS and peak RSS (/proc/PID/status), then the live managed heap after a full GC (dotnet-gcdump), the GC's
/// committed memory after that collection (dotnet-counters), the resident code and loader heaps (/proc/PID/smaps) and the
/// RSS again; optionally dotnet-gcdump's report at one checkpoint.
///   dotnet DetainerGraph.Budget.dll shapes &lt;url&gt; &lt;server pid&gt; [checkpoints, e.g. 0,500,1000,2500,5000] [histogram checkpoint]
/// </summary>
internal static class ShapeProbe
{
    // Conditions on one detainer field each: a where is a set of one to three of them. Values are fixed per condition,
    // so two shapes differ only in structure.
    private static readonly string[] Conditions =
    [
        "citizenship: { eq: \"MEXICO\" }",
        "citizenship: { containsIgnoreCase: \"mex\" }",
        "citizenship: { startsWith: \"G\" }",
        "citizenship: { in: [\"MEXICO\", \"GUATEMALA\"] }",
        "citizenship: { neq: \"MEXICO\" }",
        "placeOfBirth: { eq: \"MEXICO\" }",
        "issuedOn: { gte: \"2010-01-01\" }",
        "issuedOn: { lt: \"2024-01-01\" }",
        "issuedOnOrAfter: { gte: \"2010-01-01\" }",
        "outcome: { eq: OPEN }",
        "outcome: { in: [LIFTED, OPEN] }",
        "detainerType: { eq: I247A }",
        "jurisdiction: { state: { eq: \"TX\" } }",
        "jurisdiction: { name: { containsIgnoreCase: \"county\" } }",
        "jurisdiction: { fieldOffice: { eq: \"Houston\" } }",
        "jurisdiction: { kind: { eq: COUNTY } }",
        "facility: { city: { eq: \"Austin\" } }",
        "facility: { state: { eq: \"TX\" } }",
        "facility: { name: { startsWith: \"T\" } }",
        "week: { start: { gte: \"2015-01-04\" } }",
        "charges: { some: { category: { eq: \"Assault\" } } }",
        "charges: { some: { description: { containsIgnoreCase: \"dui\" } } }",
        "charges: { none: { category: { eq: \"Traffic\" } } }",
        "outcomeRecordedOn: { gte: \"2010-01-01\" }",
    ];

    private static readonly string[] Orders =
    [
        "",
        "order: [{ issuedOn: DESC }]",
        "order: [{ issuedOn: ASC }]",
        "order: [{ citizenship: ASC }]",
        "order: [{ outcome: DESC }]",
        "order: [{ jurisdiction: { state: ASC } }]",
        "order: [{ facility: { name: ASC } }]",
        "order: [{ week: { start: DESC } }]",
        "order: [{ detainerType: ASC }]",
        "order: [{ outcomeRecordedOn: DESC }]",
        "order: [{ jurisdiction: { name: ASC } }, { issuedOn: DESC }]",
    ];

    private static readonly string[] Selections =
    [
        "totalCount nodes { id issuedOn }",
        "nodes { id citizenship jurisdiction { name } }",
        "edges { cursor node { id outcome } } pageInfo { hasNextPage }",
    ];

    private static readonly string[] Dimensions =
    [
        "CHARGE_CATEGORY", "CITIZENSHIP", "DETAINER_TYPE", "FACILITY", "FIELD_OFFICE", "ISSUED_MONTH", "ISSUED_QUARTER", "ISSUED_YEAR",
        "JURISDICTION", "JURISDICTION_RESOLUTION", "OUTCOME", "OUTCOME_MONTH", "OUTCOME_QUARTER", "OUTCOME_YEAR", "SOURCE_KIND", "STATE", "WEEK",
    ];

    /// <summary>Every shape of the probe, in a fixed pseudo-random order (the same on every run).</summary>
    public static List<string> Shapes()
    {
        var subsets = new List<int[]>();
        for (var a = 0; a < Conditions.Length; a++)
        {
            subsets.Add([a]);
            for (var b = a + 1; b < Conditions.Length; b++)
            {
                subsets.Add([a, b]);
                for (var c = b + 1; c < Conditions.Length; c++)
                {
                    subsets.Add([a, b, c]);
                }
            }
        }
        // Each condition in its own object of an `and` list: two on one field (eq and neq) would repeat an input field.
        string Where(int[] subset) => subset.Length == 1
            ? $"where: {{ {Conditions[subset[0]]} }}"
            : "where: { and: [" + string.Join(", ", subset.Select(i => $"{{ {Conditions[i]} }}")) + "] }";
        var shapes = new List<string>();
        // Lists: a where of one to three conditions, a sort, a selection.
        for (var s = 0; s < subsets.Count; s++)
        {
            for (var o = 0; o < Orders.Length; o++)
            {
                shapes.Add($"{{ detainers(first: 3, {Where(subsets[s])} {Orders[o]}) {{ {Selections[(s + o) % Selections.Length]} }} }}");
            }
        }
        // Stats: one or two dimensions, with no condition or one.
        for (var a = 0; a < Dimensions.Length; a++)
        {
            for (var b = a; b < Dimensions.Length; b++)
            {
                var groupBy = a == b ? Dimensions[a] : $"{Dimensions[a]}, {Dimensions[b]}";
                for (var w = -1; w < Conditions.Length; w++)
                {
                    var where = w < 0 ? "" : $"where: {{ {Conditions[w]} }}";
                    shapes.Add($"{{ detainerStats(first: 5, groupBy: [{groupBy}] {where}) {{ count }} }}");
                    shapes.Add($"{{ detainerGroups(first: 5, groupBy: [{groupBy}] {where}) {{ totalCount nodes {{ count }} }} }}");
                }
            }
        }
        // A nested connection: each of a page of jurisdictions' detainers, filtered and sorted.
        for (var w = 0; w < Conditions.Length; w++)
        {
            for (var o = 0; o < Orders.Length; o++)
            {
                shapes.Add($"{{ jurisdictions(first: 3) {{ nodes {{ name detainers(first: 2, where: {{ {Conditions[w]} }} {Orders[o]}) {{ totalCount nodes {{ id }} }} }} }} }}");
            }
        }
        var random = new Random(20);
        var shuffled = shapes.ToArray();
        random.Shuffle(shuffled);
        return [.. shuffled];
    }

    public static async Task<int> RunAsync(string[] args)
    {
        if (args.Length < 2 || !Uri.TryCreate(args[0], UriKind.Absolute, out var url) || !url.IsLoopback)
        {
            Console.Error.WriteLine("usage: DetainerGraph.Budget shapes <loopback url of /graphql> <server pid> [checkpoints] [histogram checkpoint]");
            return 2;
        }
        var pid = int.Parse(args[1], CultureInfo.InvariantCulture);
        var checkpoints = (args.Length > 2 ? args[2] : "0,500,1000,2500,5000").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).Order().ToList();
        int? histogramAt = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : null;
        // SHAPES_REPEAT=N sends each shape N times in a row: a client that knows a shape is kept from its second compilation.
        var repeat = int.TryParse(Environment.GetEnvironmentVariable("SHAPES_REPEAT"), CultureInfo.InvariantCulture, out var r) && r > 1 ? r : 1;
        var shapes = Shapes();
        if (checkpoints[^1] > shapes.Count)
        {
            Console.Error.WriteLine($"the probe has {shapes.Count} shapes, fewer than {checkpoints[^1]}");
            return 2;
        }
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        Console.WriteLine($"server pid {pid}; {shapes.Count} distinct shapes available; each sent {repeat} time(s)");
        Console.WriteLine();
        Console.WriteLine("| shapes sent (K) | RSS (MB) | peak RSS (MB) | live heap after full GC (MB) | GC committed after it (MB) | code and loader heaps (MB) | RSS after that GC (MB) | not ok so far | seconds |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        var sent = 0;
        var failed = 0;
        var watch = Stopwatch.StartNew();
        foreach (var checkpoint in checkpoints)
        {
            for (; sent < checkpoint; sent++)
            {
                for (var time = 0; time < repeat; time++)
                {
                    var (ok, text) = await SendAsync(http, url, shapes[sent]);
                    if (!ok && ++failed <= 5)
                    {
                        Console.Error.WriteLine($"shape {sent} not ok: {shapes[sent]}\n  -> {text[..Math.Min(text.Length, 400)]}");
                    }
                }
            }
            // Let the last request's allocations settle (the server's own timers and queues) before reading.
            await Task.Delay(TimeSpan.FromSeconds(2));
            var rss = ServerMemory.RssMb(pid);
            var hwm = ServerMemory.PeakRssMb(pid);
            var (heap, histogram) = await ServerMemory.LiveHeapAsync(pid, checkpoint == histogramAt);
            var committed = await GcCommittedMbAsync(pid);
            var rssAfter = ServerMemory.RssMb(pid);
            Console.WriteLine($"| {checkpoint} | {rss} | {hwm} | {heap?.ToString(CultureInfo.InvariantCulture) ?? "n/a"} | {committed?.ToString(CultureInfo.InvariantCulture) ?? "n/a"} | {ExecutableMemoryMb(pid)} | {rssAfter} | {failed} | {watch.Elapsed.TotalSeconds:0} |");
            if (histogram is not null)
            {
                Console.Error.WriteLine($"gcdump type histogram at K={checkpoint}:");
                Console.Error.WriteLine(histogram);
            }
        }
        return failed == 0 ? 0 : 1;
    }

    private static async Task<(bool Ok, string Text)> SendAsync(HttpClient http, Uri url, string query)
    {
        var body = JsonSerializer.Serialize(new { query });
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        try
        {
            using var response = await http.PostAsync(url, content);
            var text = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
            {
                return (false, $"{(int)response.StatusCode} {text}");
            }
            using var document = JsonDocument.Parse(text);
            return (!document.RootElement.TryGetProperty("errors", out _), text);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            return (false, e.Message);
        }
    }

    /// <summary>
    /// The resident memory the runtime maps twice for writing and executing (W^X): jitted code, including that of
    /// compiled expression trees, and the loader heaps (types, method descriptors, stubs).
    /// </summary>
    private static long ExecutableMemoryMb(int pid)
    {
        long kb = 0;
        var inDoubleMap = false;
        foreach (var line in File.ReadLines($"/proc/{pid}/smaps"))
        {
            if (line.Length > 0 && char.IsAsciiHexDigit(line[0]) && line.Contains('-', StringComparison.Ordinal) && line.Split(' ', StringSplitOptions.RemoveEmptyEntries) is { Length: >= 5 } header
                && header[0].Contains('-', StringComparison.Ordinal))
            {
                inDoubleMap = line.Contains("doublemapper", StringComparison.Ordinal);
            }
            else if (inDoubleMap && line.StartsWith("Rss:", StringComparison.Ordinal))
            {
                kb += long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
            }
        }
        return kb / 1024;
    }

    /// <summary>The memory the GC had committed after its last collection (dotnet-counters; null without the tool).</summary>
    private static async Task<long?> GcCommittedMbAsync(int pid)
    {
        var file = Path.Combine(Path.GetTempPath(), $"shapes-{pid}-{Guid.NewGuid():N}.json");
        try
        {
            await ServerMemory.RunToolAsync("dotnet-counters", "collect", "-p", pid.ToString(CultureInfo.InvariantCulture), "--counters", "System.Runtime",
                "--format", "json", "-o", file, "--duration", "00:00:03");
            if (!File.Exists(file))
            {
                return null;
            }
            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(file));
            long? bytes = null;
            foreach (var e in document.RootElement.GetProperty("Events").EnumerateArray())
            {
                if (e.GetProperty("name").GetString()?.StartsWith("dotnet.gc.last_collection.memory.committed_size", StringComparison.Ordinal) == true)
                {
                    bytes = (long)e.GetProperty("value").GetDouble();
                }
            }
            return bytes / (1024 * 1024);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or JsonException or KeyNotFoundException)
        {
            return null;
        }
        finally
        {
            File.Delete(file);
        }
    }
}
