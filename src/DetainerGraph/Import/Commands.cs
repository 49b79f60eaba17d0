using System.Diagnostics;
using System.Globalization;
using DetainerGraph.Data;
using DetainerGraph.Operability;
using DetainerGraph.Reference;
using Microsoft.EntityFrameworkCore;
using Spectre.Console;

namespace DetainerGraph.Import;

/// <summary>
/// The command-line verbs: <c>import</c>, <c>generate</c>, <c>migrate</c>, <c>stats</c>, <c>reindex</c> and <c>token</c>. No verb serves.
/// Commands read the same configuration as the server (appsettings, environment variables such as
/// <c>Storage__Directory</c>).
/// </summary>
public static class Commands
{
    public static readonly string[] Verbs = ["import", "generate", "migrate", "stats", "reindex", "token", "help", "--help", "-h"];

    public static bool IsCommand(string[] args) => args.Length > 0 && Verbs.Contains(args[0], StringComparer.OrdinalIgnoreCase);

    public static async Task<int> RunAsync(string[] args, IServiceProvider services)
    {
        try
        {
            return args[0].ToLowerInvariant() switch
            {
                "import" => await ImportAsync(args[1..], services),
                "generate" => Generate(args[1..], services),
                "migrate" => await MigrateAsync(services),
                "stats" => await StatsAsync(services),
                "reindex" => await ReindexAsync(services),
                "token" => Token(args[1..], services),
                _ => Help(),
            };
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            Console.Error.WriteLine("Run with 'help' for usage.");
            return 2;
        }
        catch (Exception e) when (StoreBusy.Is(e))
        {
            Console.Error.WriteLine("error: the database is busy with another write (another import or migration); nothing was changed. Try again.");
            return 3;
        }
    }

    private static int Help()
    {
        Console.WriteLine("""
            DetainerGraph: a GraphQL server over ICE detainer data.

            Usage: dotnet run --project src/DetainerGraph -- [command]

              (no command)                 serve GraphQL at /graphql (honors --urls)
              import FILE...               import CSV files; the format is read from each header
              generate --detainers N --seed S --out FILE [--from YYYY-MM-DD] [--weeks W]
                                           write synthetic detainers in the 'detainers' import format
              migrate                      apply database migrations (required once for SQL Server)
              stats                        print row counts per table, how the published detainers were placed in
                                           jurisdictions (rule by rule), and the facility names still unplaced
              reindex                      rebuild the search index from the database (new folder or versioned Elasticsearch index), then switch to it
              token --name NAME [--role editor] [--hours 8, at most 168]
                                           mint a token signed with Auth:SigningKey (in Development, the generated one)

            Configuration: Storage__Directory, Database__Provider (Sqlite|SqlServer), ConnectionStrings__Detainers,
            Search__Provider (Lucene|Elasticsearch), Search__Url, Auth__Issuer, Auth__Audience, Auth__SigningKey.
            """);
        return 0;
    }

    private static async Task<int> ImportAsync(string[] files, IServiceProvider services)
    {
        if (files.Length == 0)
        {
            throw new UsageException("import needs at least one FILE");
        }
        await services.PrepareStoreAsync(loadSampleData: false);
        var refused = 0;
        var busy = 0;
        foreach (var file in files)
        {
            await using var scope = services.CreateAsyncScope();
            var importer = scope.ServiceProvider.GetRequiredService<Importer>();
            var watch = Stopwatch.StartNew();
            try
            {
                var result = await WithProgressAsync(file, progress => importer.ImportAsync(file, progress));
                foreach (var warning in result.Warnings)
                {
                    Console.Error.WriteLine($"warning: {warning}");
                }
                Console.WriteLine(result.Outcome == ImportOutcome.AlreadyImported
                    ? $"{result.File}: already imported as source #{result.Source.Id} on {result.Source.ImportedAt:yyyy-MM-dd}; nothing changed"
                    : $"{result.File}: imported {result.Source.RowCount} rows ({result.Source.Format}) as source #{result.Source.Id} in {watch.Elapsed.TotalSeconds:F1} s");
            }
            catch (Exception e) when (StoreBusy.Is(e))
            {
                // Another process held the store's write lock past the wait: the file's transaction never began
                // or was rolled back whole, so running the import again is safe.
                busy++;
                Console.Error.WriteLine($"{LogText.Escape(Path.GetFileName(file))}: the database is busy with another write; nothing was imported. Run the import again.");
            }
            catch (ImportRejectedException e)
            {
                refused++;
                // The file's own text (cells, names) is echoed escaped: an ANSI escape in a refused cell must not drive the terminal.
                Console.Error.WriteLine($"{LogText.Escape(e.Message)}:");
                foreach (var error in e.Errors)
                {
                    Console.Error.WriteLine($"  {LogText.Escape(error.ToString() ?? "")}");
                }
            }
        }
        return busy > 0 ? 3 : refused == 0 ? 0 : 1;
    }

    /// <summary>A progress bar on a terminal; plain lines when output is redirected.</summary>
    private static async Task<ImportResult> WithProgressAsync(string file, Func<IProgress<ImportProgress>, Task<ImportResult>> run)
    {
        if (Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            var lastPercent = -10;
            return await run(new Progress<ImportProgress>(p =>
            {
                var percent = p.Total == 0 ? 100 : p.Done * 100 / p.Total;
                if (percent >= lastPercent + 10 || p.Done == p.Total)
                {
                    lastPercent = percent;
                    Console.WriteLine($"{p.File}: {p.Done}/{p.Total} detainers written ({percent}%)");
                }
            }));
        }
        ImportResult? result = null;
        await AnsiConsole.Progress().AutoClear(true).StartAsync(async context =>
        {
            var task = context.AddTask(Markup.Escape(Path.GetFileName(file)), maxValue: 1);
            task.IsIndeterminate = true;
            result = await run(new SynchronousProgress<ImportProgress>(p =>
            {
                task.IsIndeterminate = false;
                task.MaxValue = Math.Max(1, p.Total);
                task.Value = p.Done;
            }));
            task.Value = task.MaxValue;
        });
        return result!;
    }

    private static int Generate(string[] args, IServiceProvider services)
    {
        var options = ParseOptions(args);
        var detainers = RequiredInt(options, "detainers", min: 1);
        var seed = RequiredInt(options, "seed", min: 0);
        var output = options.GetValueOrDefault("out") ?? throw new UsageException("generate needs --out FILE");
        var from = SampleData.DemoFirstWeek;
        if (options.TryGetValue("from", out var fromText) && !DateOnly.TryParseExact(fromText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out from))
        {
            throw new UsageException($"--from '{fromText}' is not a date as YYYY-MM-DD");
        }
        var weeks = options.ContainsKey("weeks") ? RequiredInt(options, "weeks", min: 1) : SampleData.DemoWeeks;
        using var writer = new StreamWriter(output, append: false, new System.Text.UTF8Encoding(false));
        var rows = new DetainerGenerator(services.GetRequiredService<ReferenceData>()).Write(writer, detainers, seed, from, weeks);
        Console.WriteLine($"{output}: {detainers} synthetic detainers ({rows} rows, seed {seed}) from week {Week.StartOf(from):yyyy-MM-dd}, {weeks} week(s)");
        return 0;
    }

    private static async Task<int> MigrateAsync(IServiceProvider services)
    {
        var storage = services.GetRequiredService<StorageOptions>();
        if (storage.Provider == DatabaseProvider.Sqlite)
        {
            Directory.CreateDirectory(storage.Directory);
        }
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DetainerDbContext>();
        var pending = (await db.Database.GetPendingMigrationsAsync()).ToList();
        await db.Database.MigrateAsync();
        Console.WriteLine(pending.Count == 0
            ? $"{storage.Provider}: the database is up to date"
            : $"{storage.Provider}: applied {string.Join(", ", pending)}");
        return 0;
    }

    private static async Task<int> StatsAsync(IServiceProvider services)
    {
        await services.PrepareStoreAsync(loadSampleData: false);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DetainerDbContext>();
        var counts = await StoreStatistics.CountAsync(db);
        var table = new Table().AddColumn("table").AddColumn(new TableColumn("rows").RightAligned());
        foreach (var (name, count) in counts)
        {
            table.AddRow(name, count.ToString("N0", CultureInfo.InvariantCulture));
        }
        if (Console.IsOutputRedirected)
        {
            foreach (var (name, count) in counts)
            {
                Console.WriteLine($"{name}\t{count}");
            }
        }
        else
        {
            AnsiConsole.Write(table);
        }
        // How the published detainers were placed in their jurisdictions, and the facility names nothing placed.
        var placements = await StoreStatistics.PlacementsAsync(db);
        var unresolved = await StoreStatistics.UnresolvedFacilitiesAsync(db);
        var total = placements.Sum(p => p.Detainers);
        var placed = placements.Where(p => p.Resolution != JurisdictionResolution.Unresolved).Sum(p => p.Detainers);
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"published detainers placed in a jurisdiction: {placed:N0} of {total:N0} ({(total == 0 ? 100 : 100.0 * placed / total):F2}%)"));
        foreach (var (resolution, rule, detainers) in placements)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {resolution}\t{rule ?? "-"}\t{detainers}"));
        }
        Console.WriteLine(unresolved.Count == 0 ? "no facility name left unresolved" : "facility names still unresolved (state, name, detainers):");
        foreach (var (state, name, detainers) in unresolved)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {state}\t{name}\t{detainers}"));
        }
        return 0;
    }

    /// <summary>
    /// Rebuild-and-swap: the new index is built in its own folder and named live only when complete, so a
    /// search never sees a half-built index. A server already running keeps its open index until restarted.
    /// </summary>
    private static async Task<int> ReindexAsync(IServiceProvider services)
    {
        await services.PrepareStoreAsync(loadSampleData: false);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DetainerDbContext>();
        var watch = Stopwatch.StartNew();
        await scope.ServiceProvider.GetRequiredService<Search.SearchOutbox>().RebuildAsync(db, CancellationToken.None);
        var count = await scope.ServiceProvider.GetRequiredService<Search.IChargeSearch>().CountAsync(CancellationToken.None);
        Console.WriteLine($"search index rebuilt: {count} charges in {watch.Elapsed.TotalSeconds:F1} s");
        return 0;
    }

    /// <summary>
    /// Prints a bearer token for trying corrections: <c>Authorization: Bearer $(... token --name alice)</c>.
    /// Roles are comma-separated; the default is the editor role that every mutation requires.
    /// </summary>
    private const int MaxTokenHours = 168;

    private static int Token(string[] args, IServiceProvider services)
    {
        var options = ParseOptions(args);
        var name = options.GetValueOrDefault("name") is { Length: > 0 } n ? n.Trim() : throw new UsageException("token needs --name NAME");
        var roles = (options.GetValueOrDefault("role") ?? Corrections.EditorTokens.EditorRole)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var hours = options.ContainsKey("hours") ? RequiredInt(options, "hours", min: 1) : 8;
        // Tokens cannot be revoked short of rotating the key: a week at most.
        if (hours > MaxTokenHours)
        {
            throw new UsageException($"--hours {hours} is more than {MaxTokenHours} (a week): tokens cannot be revoked, so they must expire");
        }
        using (var scope = services.CreateScope())
        {
            // The name is recorded with each correction the token makes: it must fit that column.
            var maxName = scope.ServiceProvider.GetRequiredService<DetainerDbContext>().Model.MaxLength((Correction c) => c.Editor);
            if (name.Length > maxName)
            {
                throw new UsageException($"--name is at most {maxName} characters (corrections record it)");
            }
        }
        var tokens = services.GetRequiredService<Corrections.EditorTokens>();
        if (tokens.SigningKey is null)
        {
            throw new UsageException("no signing key: set Auth__SigningKey (Development makes one under Storage:Directory)");
        }
        Console.WriteLine(tokens.Mint(name, roles, TimeSpan.FromHours(hours)));
        return 0;
    }

    private static Dictionary<string, string> ParseOptions(string[] args)
    {
        var options = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new UsageException($"unexpected argument '{args[i]}'");
            }
            options[args[i][2..]] = args[++i];
        }
        return options;
    }

    private static int RequiredInt(Dictionary<string, string> options, string name, int min)
    {
        if (!options.TryGetValue(name, out var text))
        {
            throw new UsageException($"--{name} is required");
        }
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < min)
        {
            throw new UsageException($"--{name} '{text}' is not a whole number of at least {min}");
        }
        return value;
    }

    private sealed class UsageException(string message) : Exception(message);

    /// <summary>Reports on the caller's thread: Spectre's live display is updated from inside its own callback.</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}

public static class StoreStatistics
{
    public static async Task<IReadOnlyList<(string Table, int Rows)>> CountAsync(DetainerDbContext db, CancellationToken ct = default) =>
    [
        ("sources", await db.Sources.CountAsync(ct)),
        ("jurisdictions", await db.Jurisdictions.CountAsync(ct)),
        ("facilities", await db.Facilities.CountAsync(ct)),
        ("reports", await db.Reports.CountAsync(ct)),
        ("weeks", await db.Weeks.CountAsync(ct)),
        ("detainers", await db.Detainers.CountAsync(ct)),
        ("charges", await db.Charges.CountAsync(ct)),
        ("policies", await db.Policies.CountAsync(ct)),
        ("section_one_entries", await db.SectionOneEntries.CountAsync(ct)),
        ("corrections", await db.Corrections.CountAsync(ct)),
    ];

    /// <summary>Published detainers by how their jurisdiction was found (and the rule or alias that found it), most first.</summary>
    public static async Task<IReadOnlyList<(JurisdictionResolution Resolution, string? Rule, int Detainers)>> PlacementsAsync(DetainerDbContext db, CancellationToken ct = default) =>
        [.. (await db.Detainers.Where(d => !d.IsSynthetic)
            .GroupBy(d => new { d.JurisdictionResolution, d.JurisdictionRule })
            .Select(g => new { g.Key.JurisdictionResolution, g.Key.JurisdictionRule, Count = g.Count() })
            .ToListAsync(ct))
            .OrderByDescending(g => g.Count).ThenBy(g => g.JurisdictionRule, StringComparer.Ordinal)
            .Select(g => (g.JurisdictionResolution, g.JurisdictionRule, g.Count))];

    /// <summary>The facility names of published detainers that no name, alias or rule placed, with their detainer counts, most first.</summary>
    public static async Task<IReadOnlyList<(string State, string Facility, int Detainers)>> UnresolvedFacilitiesAsync(DetainerDbContext db, CancellationToken ct = default) =>
        [.. (await db.Detainers.Where(d => !d.IsSynthetic && d.JurisdictionId == null)
            .GroupBy(d => new { State = d.Facility == null ? null : d.Facility.State, Name = d.Facility == null ? null : d.Facility.Name })
            .Select(g => new { g.Key.State, g.Key.Name, Count = g.Count() })
            .ToListAsync(ct))
            .OrderByDescending(g => g.Count).ThenBy(g => g.Name, StringComparer.Ordinal)
            .Select(g => (g.State ?? "-", g.Name ?? "(no facility)", g.Count))];
}
