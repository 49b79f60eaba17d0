using DetainerGraph.Import;
using DetainerGraph.Reference;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Data;

public enum DatabaseProvider
{
    Sqlite,
    SqlServer,
}

/// <summary>Where and how the server stores its data: the <c>Storage</c> and <c>Database</c> configuration sections.</summary>
public sealed class StorageOptions
{
    /// <summary>The folder for the embedded database (and the embedded search index).</summary>
    public required string Directory { get; init; }
    public DatabaseProvider Provider { get; init; }
    public required string ConnectionString { get; init; }
    /// <summary>Whether serving loads the shipped sample data (idempotently) before it listens.</summary>
    public bool LoadSampleData { get; init; } = true;
    /// <summary>How many compiled queries (and SQL command templates) EF Core keeps: <c>Database:CompiledQueryCacheSize</c>.</summary>
    public int CompiledQueryCacheSize { get; init; } = QueryCompilationCache.DefaultCapacity;
}

public static partial class DataServiceExtensions
{
    /// <summary>
    /// Embedded SQLite in <c>Storage:Directory</c> by default; SQL Server when <c>Database:Provider=SqlServer</c>
    /// and <c>ConnectionStrings:Detainers</c> are set. Configuration is read when the container is built, so
    /// test hosts and command lines can override it.
    /// </summary>
    public static IHostApplicationBuilder AddDetainerData(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(sp => ReadStorageOptions(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton(_ => new ReferenceData(Path.Combine(AppContext.BaseDirectory, "data")));
        services.AddSingleton<SqlStatementCounter>();
        services.AddSingleton(sp => QueryCompilationCache.For(sp.GetRequiredService<StorageOptions>().CompiledQueryCacheSize));
        // Pooled: a request's context is a reset one from the pool (EF clears its change tracker and settings when the
        // scope returns it), not a new one building its EF services; the options are built once, from singletons only.
        // Thread-safety checks only outside Production: EF Core's check writes an AsyncLocal twice for every row it reads
        // (each write copies the request's ExecutionContext), about a quarter of the memory a 1,000-group stats answer
        // allocated. A request's statements never overlap (queries resolve one field at a time, see
        // SerialFieldCollectionCache; mutations are serial), and the tests (environment Testing) and Development keep the
        // check, so code that used one context from two tasks at once would still fail there with EF Core's own error.
        var threadSafetyChecks = !builder.Environment.IsProduction();
        // Compiled queries in a cache of Database:CompiledQueryCacheSize entries (QueryCompilationCache), not EF Core's
        // default of about 1,000, which many distinct query shapes filled with a few hundred MB.
        services.AddDbContextPool<SqliteDetainerDbContext>((sp, o) =>
            o.UseSqlite(sp.GetRequiredService<StorageOptions>().ConnectionString)
                .UseMemoryCache(sp.GetRequiredService<QueryCompilationCache>().Cache)
                .EnableThreadSafetyChecks(threadSafetyChecks)
                .UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking)
                .AddInterceptors(sp.GetRequiredService<SqlStatementCounter>(), SqliteInterrupt.Instance)
                .ReplaceService<Microsoft.EntityFrameworkCore.Storage.IExceptionDetector, SqliteInterruptDetector>()
                .ReplaceService<Microsoft.EntityFrameworkCore.Storage.IRelationalTypeMappingSource, SqliteDateReading.TypeMappingSource>());
        services.AddDbContextPool<SqlServerDetainerDbContext>((sp, o) =>
            o.UseSqlServer(sp.GetRequiredService<StorageOptions>().ConnectionString)
                .UseMemoryCache(sp.GetRequiredService<QueryCompilationCache>().Cache)
                .EnableThreadSafetyChecks(threadSafetyChecks)
                .UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking)
                .AddInterceptors(sp.GetRequiredService<SqlStatementCounter>()));
        services.AddScoped<DetainerDbContext>(sp => sp.GetRequiredService<StorageOptions>().Provider == DatabaseProvider.SqlServer
            ? sp.GetRequiredService<SqlServerDetainerDbContext>()
            : sp.GetRequiredService<SqliteDetainerDbContext>());
        services.AddSingleton<Detainers.ResidentDetainerCounts>();
        services.AddScoped<Importer>();
        services.AddScoped<SampleData>();
        return builder;
    }

    public static StorageOptions ReadStorageOptions(IConfiguration configuration)
    {
        var directory = Path.GetFullPath(configuration["Storage:Directory"] is { Length: > 0 } configured
            ? configured
            : Path.Combine(System.IO.Directory.GetCurrentDirectory(), "App_Data"));
        var providerText = configuration["Database:Provider"] is { Length: > 0 } p ? p : nameof(DatabaseProvider.Sqlite);
        if (!Enum.TryParse<DatabaseProvider>(providerText, ignoreCase: true, out var provider))
        {
            throw new InvalidOperationException(
                $"Database:Provider is '{providerText}'; expected {string.Join(" or ", Enum.GetNames<DatabaseProvider>())}.");
        }
        var connectionString = configuration.GetConnectionString("Detainers");
        if (provider == DatabaseProvider.SqlServer && string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException("Database:Provider is SqlServer but ConnectionStrings:Detainers is not set.");
        }
        return new StorageOptions
        {
            Directory = directory,
            Provider = provider,
            ConnectionString = connectionString is { Length: > 0 } ? connectionString : $"Data Source={Path.Combine(directory, "detainers.db")}",
            LoadSampleData = configuration.GetValue("Storage:LoadSampleData", true),
            CompiledQueryCacheSize = configuration.GetValue("Database:CompiledQueryCacheSize", QueryCompilationCache.DefaultCapacity),
        };
    }

    /// <summary>
    /// Readies the store before serving. SQLite is created and migrated in place; SQL Server is only
    /// checked, since production schema changes are an explicit <c>migrate</c>.
    /// </summary>
    public static async Task PrepareStoreAsync(this IServiceProvider services, bool loadSampleData, CancellationToken ct = default)
    {
        var options = services.GetRequiredService<StorageOptions>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("DetainerGraph.Storage");
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DetainerDbContext>();
        if (options.Provider == DatabaseProvider.Sqlite)
        {
            System.IO.Directory.CreateDirectory(options.Directory);
            // Said before it starts: on a large store a migration that builds indexes takes a while (StateWeekRollupAndListIndexes:
            // about 10-20 s at a million detainers), and the server is silent until it is ready.
            if (logger.IsEnabled(LogLevel.Information) && (await db.Database.GetPendingMigrationsAsync(ct)).ToList() is { Count: > 0 } pending)
            {
                LogMigrating(logger, pending.Count, pending, options.Directory);
            }
            await db.Database.MigrateAsync(ct);
            // WAL lets readers run while an import writes; the setting persists in the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
            LogEmbeddedStore(logger, options.Directory);
        }
        else
        {
            var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
            if (pending.Count > 0)
            {
                throw new InvalidOperationException(
                    $"The SQL Server database lacks {pending.Count} migration(s) ({string.Join(", ", pending)}). " +
                    "Run: dotnet run --project src/DetainerGraph -- migrate");
            }
        }
        // Before anything reads or adds charges (the sample data, an import, the search outbox's start-up rebuild, which
        // runs once serving starts): rows derived by the rules of an earlier version are derived again by this one's.
        await ChargeClassifications.RecomputeIfStaleAsync(db, services.GetRequiredService<Reference.ReferenceData>(), logger, ct);
        if (loadSampleData && options.LoadSampleData)
        {
            await scope.ServiceProvider.GetRequiredService<SampleData>().EnsureLoadedAsync(ct);
        }
        // Exact planner statistics (see PlannerStatistics): imports keep them fresh, so this recomputes them only for
        // a store that has none, stale ones, or the sampled ones of earlier versions.
        if (await PlannerStatistics.RefreshIfStaleAsync(db, ct))
        {
            LogStatisticsRefreshed(logger);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Planner statistics were missing or stale: recomputed (ANALYZE)")]
    private static partial void LogStatisticsRefreshed(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Applying {Count} migration(s) to the embedded store at {Directory}: {Migrations}")]
    private static partial void LogMigrating(ILogger logger, int count, IReadOnlyList<string> migrations, string directory);

    [LoggerMessage(Level = LogLevel.Information, Message = "Embedded SQLite store at {Directory}")]
    private static partial void LogEmbeddedStore(ILogger logger, string directory);
}
