using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DetainerGraph.Data;
using DetainerGraph.Import;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DetainerGraph.Tests.Infrastructure;

/// <summary>
/// The real app (the same Program and extensions) over a temporary storage folder. With
/// <c>loadSampleData</c> off, the store starts empty and each test imports what it needs.
/// </summary>
public sealed class TestApp : WebApplicationFactory<Program>
{
    private readonly bool _loadSampleData;
    private readonly IReadOnlyDictionary<string, string?> _settings;

    private readonly Action<IServiceCollection>? _services;

    /// <param name="services">Replaces registrations after the app's own (e.g. a failing search engine).</param>
    /// <param name="storageDirectory">A folder chosen by the test (when a setting must name it); a new temporary one otherwise.</param>
    public TestApp(bool loadSampleData = false, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null,
        string? storageDirectory = null)
    {
        _loadSampleData = loadSampleData;
        _settings = settings ?? new Dictionary<string, string?>();
        _services = services;
        StorageDirectory = storageDirectory ?? NewStorageDirectory();
    }

    public static string NewStorageDirectory() => Path.Combine(Path.GetTempPath(), "detainergraph-tests", Guid.NewGuid().ToString("N"));

    public string StorageDirectory { get; }

    /// <summary>Leaves the storage folder when disposed, for another app to start on (a restart); that one deletes it.</summary>
    public bool KeepsStorage { get; set; }

    /// <summary>The SQL text of every command EF Core ran, in order.</summary>
    public SqlLog Sql { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Storage:Directory", StorageDirectory);
        builder.UseSetting("Storage:LoadSampleData", _loadSampleData ? "true" : "false");
        builder.UseSetting("Database:Provider", "Sqlite");
        builder.UseSetting("ConnectionStrings:Detainers", "");
        builder.UseSetting("GraphQL:ExposeMetrics", "true");
        // Tests send bursts from one client; the rate limiter has its own tests (LimitsTests).
        builder.UseSetting("RateLimiting:Enabled", "false");
        // Off unless a test turns it on: it loads in the background, so whether a count read SQL would depend on timing. The
        // tests of counts in memory turn it on and load it first (ResidentCountsTests, DetainerCountRollupTests).
        builder.UseSetting("Storage:ResidentCounts", "false");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        if (_services is not null)
        {
            builder.ConfigureTestServices(_services);
        }
        builder.ConfigureLogging(logging =>
        {
            logging.AddFilter<SqlLog>("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.Information);
            logging.AddProvider(Sql);
        });
    }

    /// <summary>Starts the server (which migrates the store) if it has not started yet.</summary>
    public IServiceProvider Started()
    {
        _ = Server;
        return Services;
    }

    public async Task<T> WithDbAsync<T>(Func<DetainerDbContext, Task<T>> work)
    {
        await using var scope = Started().CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<DetainerDbContext>());
    }

    public async Task<ImportResult> ImportAsync(string fileName, string content)
    {
        await using var scope = Started().CreateAsyncScope();
        var importer = scope.ServiceProvider.GetRequiredService<Importer>();
        return await importer.ImportAsync(fileName, Encoding.UTF8.GetBytes(content));
    }

    public async Task<ImportResult> ImportSampleFileAsync(string fileName)
    {
        await using var scope = Started().CreateAsyncScope();
        var importer = scope.ServiceProvider.GetRequiredService<Importer>();
        return await importer.ImportAsync(Path.Combine(AppContext.BaseDirectory, "data", fileName));
    }

    /// <summary>Row counts of every table, to prove an import wrote nothing (or what it wrote).</summary>
    public Task<Dictionary<string, int>> CountsAsync() =>
        WithDbAsync(async db => (await StoreStatistics.CountAsync(db)).ToDictionary(c => c.Table, c => c.Rows));

    /// <summary>POSTs a GraphQL request and returns the parsed response body.</summary>
    public async Task<JsonElement> QueryAsync(string query, object? variables = null)
    {
        using var client = CreateClient();
        using var response = await client.PostAsJsonAsync("/graphql", new { query, variables });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"HTTP {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>The SQL statements the last response says it ran (extensions.metrics.sqlStatements).</summary>
    public static int SqlStatements(JsonElement response) =>
        response.GetProperty("extensions").GetProperty("metrics").GetProperty("sqlStatements").GetInt32();

    /// <summary>Like <see cref="QueryAsync"/>, and fails the test on any GraphQL error.</summary>
    public async Task<JsonElement> DataAsync(string query, object? variables = null)
    {
        var result = await QueryAsync(query, variables);
        Assert.False(result.TryGetProperty("errors", out var errors), $"GraphQL errors: {errors}");
        return result.GetProperty("data");
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (KeepsStorage)
            {
                return;
            }
            try
            {
                Directory.Delete(StorageDirectory, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
            }
        }
    }
}

/// <summary>One app with the full shipped sample data, shared by the tests of a class.</summary>
public sealed class SampleDataApp : IAsyncLifetime
{
    public TestApp App { get; } = new(loadSampleData: true);

    public Task InitializeAsync()
    {
        App.Started();
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        App.Dispose();
        return Task.CompletedTask;
    }
}
