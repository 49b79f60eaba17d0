using System.Globalization;

namespace DetainerGraph.Benchmarks;

/// <summary>The command line: <c>--detainers N</c>, or <c>--quick</c> for a small smoke run (CI).</summary>
public sealed record BenchmarkOptions(
    int Detainers,
    int Seed,
    int Weeks,
    int LatencyRounds,
    int LatencyBlock,
    double ThroughputSeconds,
    int Concurrency,
    string? Directory,
    bool Keep,
    bool ImportOnly = false,
    string? Reuse = null,
    bool IndexAfterWrite = false,
    bool ImportCommand = false,
    int Warmup = 40,
    bool Export = false,
    string? Only = null,
    double SettleSeconds = 120)
{
    public const string Usage = """
        Usage: dotnet run -c Release --project tests/DetainerGraph.Benchmarks -- [--detainers N | --quick] [options]

          --detainers N      detainers to generate and import (default 100000)
          --quick            small smoke run: 2,000 detainers, few iterations (CI)
          --rounds R         latency rounds per workload; each round alternates endpoint and raw (default 12)
          --block B          requests per side per round (default 25)
          --seconds S        length of each throughput run (default 3)
          --warmup W         unmeasured calls of each variant on each side first (default 40): the server's JIT
                             promotes a method to optimized code after 30 calls, so fewer measure its cold start
          --settle S         after the warm-up calls, go on warming up until the JIT has settled on both sides
                             (two rounds of every variant that compiled almost nothing), at most S seconds
                             (default 120; 5 with --quick)
          --concurrency C    clients in the throughput runs (default 2 x cores)
          --seed S           generator seed (default 6)
          --weeks W          reporting weeks the detainers spread over (default 52)
          --dir PATH         build the store here instead of a fresh temporary folder (must be empty or absent)
          --keep             keep the store when done
          --import-only      build the store, report the import and stop (for profiling the import)
          --import-command   also run the import command on the same file as users run it (`dotnet DetainerGraph.dll import`,
                             its own process, a fresh store beside), reported apart from the in-process import
          --index-after-write  import without indexing beside the write (write, commit, then drain the outbox),
                             to compare with the importer's default
          --export           measure the CSV/NDJSON exports (rows/s, server RSS, allocations per row) instead of
                             the GraphQL workloads
          --only W[,W]       measure only these workloads (search, list, count, stats, node); no SUMMARY line
          --reuse PATH       measure a store kept by an earlier run (--dir PATH --keep) instead of building one;
                             --detainers must match it; no import figures
        """;

    public bool Quick { get; private init; }

    public static BenchmarkOptions Parse(string[] args)
    {
        var options = new BenchmarkOptions(100_000, 6, 52, 12, 25, 3, Environment.ProcessorCount * 2, null, false);
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int NextInt() => int.Parse(Next(), NumberStyles.None, CultureInfo.InvariantCulture);
            options = args[i] switch
            {
                "--detainers" => options with { Detainers = NextInt() },
                "--quick" => options with { Quick = true, Detainers = 2_000, LatencyRounds = 3, LatencyBlock = 10, ThroughputSeconds = 0.5, Warmup = 2, SettleSeconds = 5 },
                "--rounds" => options with { LatencyRounds = NextInt() },
                "--block" => options with { LatencyBlock = NextInt() },
                "--warmup" => options with { Warmup = NextInt() },
                "--seconds" => options with { ThroughputSeconds = double.Parse(Next(), CultureInfo.InvariantCulture) },
                "--concurrency" => options with { Concurrency = NextInt() },
                "--settle" => options with { SettleSeconds = double.Parse(Next(), CultureInfo.InvariantCulture) },
                "--seed" => options with { Seed = NextInt() },
                "--weeks" => options with { Weeks = NextInt() },
                "--dir" => options with { Directory = Next() },
                "--keep" => options with { Keep = true },
                "--import-only" => options with { ImportOnly = true },
                "--reuse" => options with { Reuse = Next() },
                "--index-after-write" => options with { IndexAfterWrite = true },
                "--import-command" => options with { ImportCommand = true },
                "--export" => options with { Export = true },
                "--only" => options with { Only = Next() },
                _ => throw new ArgumentException($"unknown argument '{args[i]}'"),
            };
        }
        if (options.Detainers < 1 || options.LatencyRounds < 1 || options.LatencyBlock < 2 || options.Concurrency < 1 || options.Weeks < 1)
        {
            throw new ArgumentException("--detainers, --rounds, --concurrency and --weeks must be at least 1, --block at least 2");
        }
        return options;
    }
}
