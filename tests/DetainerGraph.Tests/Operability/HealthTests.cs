using System.Net;
using System.Text.Json;
using DetainerGraph.Data;
using DetainerGraph.Search;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DetainerGraph.Tests.Operability;

public sealed class HealthTests : IDisposable
{
    // The outbox worker polls rarely here, so a lag the test makes stays visible while it looks.
    private readonly TestApp _app = new(settings: new Dictionary<string, string?> { ["Search:OutboxPollSeconds"] = "3600" });

    public void Dispose() => _app.Dispose();

    private static async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(WebApplicationFactory<Program> app, string path)
    {
        using var client = app.CreateClient();
        using var response = await client.GetAsync(path);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private static string Status(JsonElement body, string check) =>
        body.GetProperty("checks").GetProperty(check).GetProperty("status").GetString()!;

    [Fact]
    public async Task On_the_embedded_default_live_and_ready_answer_200_with_every_dependency_healthy()
    {
        await _app.ImportAsync("section2.csv", SampleRows.SectionTwo);

        var (liveStatus, live) = await GetAsync(_app, "/health/live");
        var (readyStatus, ready) = await GetAsync(_app, "/health/ready");

        Assert.Equal(HttpStatusCode.OK, liveStatus);
        Assert.Equal("Healthy", live.GetProperty("status").GetString());
        Assert.Empty(live.GetProperty("checks").EnumerateObject());

        Assert.Equal(HttpStatusCode.OK, readyStatus);
        Assert.Equal("Healthy", ready.GetProperty("status").GetString());
        Assert.Equal(["database", "indexLag", "search"], ready.GetProperty("checks").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("Healthy", Status(ready, "database"));
        Assert.Equal("Sqlite", ready.GetProperty("checks").GetProperty("database").GetProperty("data").GetProperty("provider").GetString());
        Assert.Equal("Healthy", Status(ready, "search"));
        Assert.Equal(3, ready.GetProperty("checks").GetProperty("search").GetProperty("data").GetProperty("documents").GetInt64());
        var lag = ready.GetProperty("checks").GetProperty("indexLag").GetProperty("data");
        Assert.Equal(0, lag.GetProperty("pendingImports").GetInt32());
        Assert.Equal(3, lag.GetProperty("databaseCharges").GetInt64());
        Assert.Equal(3, lag.GetProperty("indexedCharges").GetInt64());
    }

    [Fact]
    public async Task An_import_still_owed_to_the_index_is_degraded_but_still_ready()
    {
        await _app.ImportAsync("section2.csv", SampleRows.SectionTwo);
        // The test holds the one-drain-at-a-time gate, so the outbox worker (whose first drain at start may come after
        // the import's own) cannot drain the owed row before the health check has looked.
        var gate = _app.Services.GetRequiredService<SearchOutboxSignal>().Gate;
        await gate.WaitAsync().WithinAsync("the outbox worker's drain to finish");
        HttpStatusCode status;
        JsonElement ready;
        try
        {
            // As if an import had committed and the process died before indexing it.
            await _app.WithDbAsync(async db =>
            {
                var source = await db.Sources.AsTracking().FirstAsync();
                db.SearchOutbox.Add(new SearchOutboxEntry { SourceId = source.Id, CreatedAt = DateTimeOffset.UtcNow });
                return await db.SaveChangesAsync();
            });

            (status, ready) = await GetAsync(_app, "/health/ready");
        }
        finally
        {
            gate.Release();
        }

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Degraded", ready.GetProperty("status").GetString());
        Assert.Equal("Degraded", Status(ready, "indexLag"));
        Assert.Equal(1, ready.GetProperty("checks").GetProperty("indexLag").GetProperty("data").GetProperty("pendingImports").GetInt32());
        Assert.Equal("Healthy", Status(ready, "database"));
    }

    [Fact]
    public async Task A_search_engine_that_is_down_makes_ready_503_and_leaves_live_200()
    {
        using var app = _app.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.UseSearchEngine(FakeSearchEngine.Down())));

        var (readyStatus, ready) = await GetAsync(app, "/health/ready");
        var (liveStatus, _) = await GetAsync(app, "/health/live");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, readyStatus);
        Assert.Equal("Unhealthy", ready.GetProperty("status").GetString());
        Assert.Equal("Unhealthy", Status(ready, "search"));
        Assert.Contains(FakeSearchEngine.DownMessage, ready.GetProperty("checks").GetProperty("search").GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal("Healthy", Status(ready, "database"));
        Assert.Equal(HttpStatusCode.OK, liveStatus);
    }

    [Fact]
    public async Task An_index_holding_other_charges_than_the_database_is_reported_as_lag()
    {
        using var app = _app.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.UseSearchEngine(FakeSearchEngine.Holding(42))));

        var (status, ready) = await GetAsync(app, "/health/ready");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Degraded", Status(ready, "indexLag"));
        var lag = ready.GetProperty("checks").GetProperty("indexLag").GetProperty("data");
        Assert.Equal(0, lag.GetProperty("databaseCharges").GetInt64());
        Assert.Equal(42, lag.GetProperty("indexedCharges").GetInt64());
    }

    [Fact]
    public async Task A_database_that_cannot_be_opened_is_unhealthy()
    {
        var missing = Path.Combine(Path.GetTempPath(), "detainergraph-tests", Guid.NewGuid().ToString("N"), "absent.db");
        using var db = new SqliteDetainerDbContext(new DbContextOptionsBuilder<SqliteDetainerDbContext>()
            .UseSqlite($"Data Source={missing};Mode=ReadOnly").Options);
        var storage = new StorageOptions { Directory = Path.GetDirectoryName(missing)!, ConnectionString = "", Provider = DatabaseProvider.Sqlite };
        var check = new DetainerGraph.Operability.DatabaseHealthCheck(db, storage);

        var result = await check.CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
    }
}
