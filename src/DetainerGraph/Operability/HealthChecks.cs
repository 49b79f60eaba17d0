using System.Text.Json;
using DetainerGraph.Data;
using DetainerGraph.Search;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DetainerGraph.Operability;

/// <summary>The database answers a trivial query (EF Core's <c>CanConnectAsync</c>).</summary>
internal sealed class DatabaseHealthCheck(DetainerDbContext db, StorageOptions storage) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["provider"] = storage.Provider.ToString() };
        try
        {
            return await db.Database.CanConnectAsync(cancellationToken)
                ? HealthCheckResult.Healthy("The database answers.", data)
                : HealthCheckResult.Unhealthy("The database cannot be reached.", data: data);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // CanConnectAsync reports most failures as false; the rest (e.g. a timeout) land here.
            return HealthCheckResult.Unhealthy("The database cannot be reached.", e, data);
        }
    }
}

/// <summary>The search engine answers a document count.</summary>
internal sealed class SearchHealthCheck(IChargeSearch search, IConfiguration configuration) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object> { ["provider"] = SearchServiceExtensions.ReadProvider(configuration["Search:Provider"]).ToString() };
        try
        {
            data["documents"] = await search.CountAsync(cancellationToken);
            return HealthCheckResult.Healthy("The search engine answers.", data);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The search engine cannot be reached.", e, data);
        }
    }
}

/// <summary>
/// How far the search index lags the database: imports still owed in the <c>SearchOutbox</c> table, and the
/// database's charges against the index's documents. A lag is Degraded, not Unhealthy: searches still answer,
/// only with older data, and the outbox worker is catching up, so the instance stays in the load balancer.
/// </summary>
internal sealed class IndexLagHealthCheck(DetainerDbContext db, IChargeSearch search) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var owed = await SearchOutbox.LagAsync(db, cancellationToken);
            var charges = await db.Charges.LongCountAsync(cancellationToken);
            var indexed = await search.CountAsync(cancellationToken);
            var data = new Dictionary<string, object>
            {
                ["pendingImports"] = owed,
                ["databaseCharges"] = charges,
                ["indexedCharges"] = indexed,
            };
            return owed == 0 && charges == indexed
                ? HealthCheckResult.Healthy("The search index is up to date.", data)
                : HealthCheckResult.Degraded(
                    $"The search index lags: {owed} import(s) owed, {charges - indexed} charge(s) not yet indexed.", data: data);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The database or engine check says which one is down; this one only says the lag is unknown.
            return HealthCheckResult.Unhealthy("The index lag cannot be measured.", e);
        }
    }
}

internal static class HealthResponse
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    /// <summary>
    /// <c>{"status":"Healthy","durationMs":3.1,"checks":{"database":{"status":"Healthy","description":"...","durationMs":1.2,"data":{...},"error":"..."}}}</c>.
    /// An error is its exception type and message, enough for an operator, without a stack trace.
    /// </summary>
    public static Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json; charset=utf-8";
        var body = new Dictionary<string, object?>
        {
            ["status"] = report.Status.ToString(),
            ["durationMs"] = Math.Round(report.TotalDuration.TotalMilliseconds, 1),
            ["checks"] = report.Entries.ToDictionary(e => e.Key, e => (object?)new Dictionary<string, object?>
            {
                ["status"] = e.Value.Status.ToString(),
                ["description"] = e.Value.Description,
                ["durationMs"] = Math.Round(e.Value.Duration.TotalMilliseconds, 1),
                ["data"] = e.Value.Data.Count > 0 ? e.Value.Data : null,
                ["error"] = e.Value.Exception is { } x ? $"{x.GetType().Name}: {x.Message}" : null,
            }),
        };
        return http.Response.WriteAsync(JsonSerializer.Serialize(body, Json), http.RequestAborted);
    }

    public static HealthCheckOptions Options(string tag) => new()
    {
        Predicate = registration => registration.Tags.Contains(tag),
        ResponseWriter = WriteAsync,
        // Degraded (an index catching up) still serves; only Unhealthy takes the instance out of rotation.
        ResultStatusCodes =
        {
            [HealthStatus.Healthy] = StatusCodes.Status200OK,
            [HealthStatus.Degraded] = StatusCodes.Status200OK,
            [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
        },
    };
}
