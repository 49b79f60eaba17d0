using System.Diagnostics;
using System.Text;
using DetainerGraph.Data;
using DetainerGraph.Import;
using DetainerGraph.Reference;
using DetainerGraph.Search;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DetainerGraph.Benchmarks;

public sealed record ImportFigures(int Detainers, int Rows, TimeSpan Generate, TimeSpan Parse, TimeSpan Write, TimeSpan Index, TimeSpan Cpu, TimeSpan WriteCpu, long StoreBytes, long DatabaseBytes, long IndexBytes)
{
    public TimeSpan Import => Write + Index;
    public double DetainersPerSecond => Detainers / Import.TotalSeconds;
}

/// <summary>The <c>import</c> command's own run on the same file: start to exit, its CPU, and its last line.</summary>
public sealed record ImportCommandFigures(TimeSpan Wall, TimeSpan Cpu, string Result);

/// <summary>
/// Builds the benchmark's store the way a user would: the <c>generate</c> command's generator writes a CSV,
/// and the importer reads it into SQLite and indexes it for search. The two halves of the importer (write,
/// then drain the search outbox) are timed apart; their sum is what the <c>import</c> command takes.
/// </summary>
public static class Dataset
{
    public static IHost BuildHost(string storeDirectory, string? searchDirectory = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Directory"] = storeDirectory,
            ["Storage:LoadSampleData"] = "false",
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        // appsettings.json asks for Information; the benchmark's output is its figures.
        builder.Logging.AddFilter((_, level) => level >= LogLevel.Warning);
        builder.AddDetainerData();
        builder.AddChargeSearch();
        if (searchDirectory is not null)
        {
            // The raw baseline opens its own copy of the index: the server holds the live one's write lock.
            builder.Services.AddKeyedSingleton<IChargeSearch>(SearchServiceExtensions.Engine, (sp, _) => new LuceneChargeSearch(
                new StorageOptions { Directory = searchDirectory, ConnectionString = "" },
                Path.Combine(AppContext.BaseDirectory, "data", ChargeAnalysis.SynonymFileName),
                sp.GetRequiredService<ILogger<LuceneChargeSearch>>()));
        }
        return builder.Build();
    }

    public static async Task<ImportFigures> BuildAsync(BenchmarkOptions options, string storeDirectory)
    {
        Directory.CreateDirectory(storeDirectory);
        var csv = Path.Combine(storeDirectory, "..", $"bench-{options.Detainers}-seed{options.Seed}.csv");
        using var host = BuildHost(storeDirectory);
        var services = host.Services;

        var watch = Stopwatch.StartNew();
        int rows;
        await using (var writer = new StreamWriter(csv, append: false, new UTF8Encoding(false)))
        {
            rows = new DetainerGenerator(services.GetRequiredService<ReferenceData>())
                .Write(writer, options.Detainers, options.Seed, SampleData.DemoFirstWeek, options.Weeks);
        }
        var generate = watch.Elapsed;

        // Parsing alone, once more, to show how the write splits (not counted: the import below parses again).
        watch.Restart();
        TimeSpan parse;
        await using (var parseScope = services.CreateAsyncScope())
        {
            var parsed = parseScope.ServiceProvider.GetRequiredService<Importer>().Parse(Path.GetFileName(csv), await File.ReadAllBytesAsync(csv));
            parse = watch.Elapsed;
            if (parsed.Errors.Count > 0)
            {
                throw new InvalidOperationException($"the generated file has errors: {parsed.Errors[0]}");
            }
        }

        await services.PrepareStoreAsync(loadSampleData: false);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DetainerDbContext>();
        // By default the importer as the app runs it, which indexes beside the write: "write" is then the whole
        // import, and the drain below finds nothing owed. With --index-after-write, the importer without its
        // indexing, then the outbox drain: the two halves timed apart.
        var importer = options.IndexAfterWrite
            ? new Importer(db, services.GetRequiredService<ReferenceData>())
            : scope.ServiceProvider.GetRequiredService<Importer>();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var (gen0, gen2, pause) = (GC.CollectionCount(0), GC.CollectionCount(2), GC.GetTotalPauseDuration());
        watch.Restart();
        var result = await importer.ImportAsync(csv);
        var write = watch.Elapsed;
        var writeCpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        if (result.Outcome != ImportOutcome.Imported)
        {
            throw new InvalidOperationException($"{csv} was not imported: {result.Outcome}");
        }
        watch.Restart();
        var drained = await scope.ServiceProvider.GetRequiredService<SearchOutbox>().DrainAsync(db, CancellationToken.None);
        var index = watch.Elapsed;
        cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
        Console.WriteLine($"# Import GCs: {GC.CollectionCount(0) - gen0} gen0, {GC.CollectionCount(2) - gen2} gen2, {(GC.GetTotalPauseDuration() - pause).TotalSeconds:F1} s paused");
        if (drained != (options.IndexAfterWrite ? 1 : 0))
        {
            throw new InvalidOperationException($"expected {(options.IndexAfterWrite ? 1 : 0)} outbox rows to index, drained {drained}");
        }
        if (options.ImportCommand)
        {
            Report.ImportCommand(options.Detainers, await ImportCommandAsync(csv, Path.Combine(storeDirectory, "..", "command-store")));
        }
        File.Delete(csv);
        var databaseBytes = FolderBytes(storeDirectory) - FolderBytes(Path.Combine(storeDirectory, "search"));
        var indexBytes = FolderBytes(Path.Combine(storeDirectory, "search"));
        return new ImportFigures(options.Detainers, rows, generate, parse, write, index, cpu, writeCpu, databaseBytes + indexBytes, databaseBytes, indexBytes);
    }

    /// <summary>
    /// The <c>import</c> command as users run it (<c>dotnet DetainerGraph.dll import FILE</c>) on the same file, in its own
    /// process over a fresh store of its own (deleted after): its whole run, start to exit, with the process's start and
    /// the store's preparation, and its CPU (this process's reaped children, <c>getrusage</c>, Linux). Its environment is
    /// this process's: whatever JIT settings the command gives itself, or the caller gave, apply as they would for a user.
    /// </summary>
    private static async Task<ImportCommandFigures> ImportCommandAsync(string csv, string storeDirectory)
    {
        Directory.CreateDirectory(storeDirectory);
        try
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            start.ArgumentList.Add(ServerProcess.FindServer());
            start.ArgumentList.Add("import");
            start.ArgumentList.Add(Path.GetFullPath(csv));
            start.Environment["Storage__Directory"] = Path.GetFullPath(storeDirectory);
            start.Environment["Storage__LoadSampleData"] = "false";
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            start.Environment["Logging__LogLevel__Default"] = "Warning";
            var cpu = ChildrenCpu();
            var watch = Stopwatch.StartNew();
            using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the import command");
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            var wall = watch.Elapsed;
            cpu = ChildrenCpu() - cpu;
            var lines = (await output).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"the import command exited with {process.ExitCode}:\n{string.Join('\n', lines)}\n{await errors}");
            }
            // "FILE: imported N records (...) as source #1 in S s": the command's own time for the file, without its start.
            return new ImportCommandFigures(wall, cpu, lines.LastOrDefault() ?? "");
        }
        finally
        {
            Directory.Delete(storeDirectory, recursive: true);
        }
    }

    /// <summary>User and system CPU of this process's finished and reaped children (zero off Linux).</summary>
    private static TimeSpan ChildrenCpu()
    {
        if (!OperatingSystem.IsLinux())
        {
            return TimeSpan.Zero;
        }
        // struct rusage: ru_utime and ru_stime (seconds, microseconds each), then fourteen longs.
        var usage = new long[18];
        const int RusageChildren = -1;
        return GetRusage(RusageChildren, usage) != 0
            ? TimeSpan.Zero
            : TimeSpan.FromSeconds(usage[0] + usage[2]) + TimeSpan.FromMicroseconds(usage[1] + usage[3]);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "getrusage")]
    private static extern int GetRusage(int who, [System.Runtime.InteropServices.Out] long[] usage);

    public static long FolderBytes(string folder) =>
        Directory.Exists(folder) ? new DirectoryInfo(folder).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length) : 0;

    public static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            // The index writer's lock file is its own: the copy opens its own writer.
            if (Path.GetFileName(file) != "write.lock")
            {
                File.Copy(file, target);
            }
        }
    }
}
