using System.Text;
using System.Text.Json;
using System.Threading.RateLimiting;
using DetainerGraph.Api;
using DetainerGraph.Data;
using DetainerGraph.Detainers;
using GraphQL;
using GraphQL.Execution;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace DetainerGraph.Export;

/// <summary><c>Export:*</c> settings.</summary>
public sealed class ExportOptions
{
    /// <summary>Rate-limit tokens an export costs, on top of the request's own (capped at the bucket's size).</summary>
    public int Permits { get; set; } = 20;

    /// <summary>How long one export may stream before it is cut off (the transfer is then aborted, never silently short).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Exports streaming at once, server-wide; more get 503 <c>EXPORT_BUSY</c>.</summary>
    public int MaxConcurrent { get; set; } = 2;
}

/// <summary>
/// <c>GET /export/detainers.csv|.ndjson</c> and <c>GET /export/detainer-stats.csv|.ndjson</c>: every matching row,
/// streamed as it is read (no paging, no buffering), with the API's <c>where</c>/<c>order</c>/<c>groupBy</c> as
/// URL parameters (JSON, as in a GraphQL variable). See README "Export".
/// </summary>
public sealed partial class ExportEndpoint(
    ExportSchema schema,
    IGraphQLTextSerializer serializer,
    ExportOptions options,
    IOptions<RateLimiterOptions> rateLimiter,
    ILogger<ExportEndpoint> logger) : IDisposable
{
    public const string BusyCode = "EXPORT_BUSY";

    /// <summary>The database cannot give an export one consistent snapshot (SQL Server without snapshot isolation).</summary>
    public const string UnavailableCode = "EXPORT_UNAVAILABLE";
    private const int FlushEveryRows = 500;
    private const int ChunkRows = 500;

    /// <summary>
    /// Longest value of one URL parameter, in characters: far above any real filter (the filter limits allow fewer
    /// conditions than fit), and short enough that an error message echoing it stays small.
    /// </summary>
    public const int MaxParameterLength = 8_192;

    private static readonly DocumentExecuter Executer = new();
    private readonly SemaphoreSlim _running = new(Math.Max(1, options.MaxConcurrent));

    public void Dispose() => _running.Dispose();

    public async Task HandleAsync(HttpContext http, string name, string format)
    {
        ExportKind kind;
        switch (name)
        {
            case "detainers":
                kind = ExportKind.Detainers;
                break;
            case "detainer-stats":
                kind = ExportKind.DetainerStats;
                break;
            default:
                await HttpProtection.WriteErrorAsync(http, StatusCodes.Status404NotFound, "NOT_FOUND", $"There is no export called `{name}`: try `detainers` or `detainer-stats`.");
                return;
        }
        if (format is not ("csv" or "ndjson"))
        {
            await HttpProtection.WriteErrorAsync(http, StatusCodes.Status404NotFound, "NOT_FOUND", $"Exports come as .csv or .ndjson, not .{format}.");
            return;
        }
        if (!TryReadVariables(http.Request.Query, kind, out var variables, out var problem))
        {
            await HttpProtection.WriteErrorAsync(http, StatusCodes.Status400BadRequest, "INVALID_REQUEST", problem);
            return;
        }
        if (!ChargePermits(http))
        {
            http.Response.Headers.RetryAfter = "5";
            await HttpProtection.WriteErrorAsync(http, StatusCodes.Status429TooManyRequests, HttpProtection.RateLimitedCode,
                $"An export costs {options.Permits} requests of this client's rate limit, and not that many are left; retry after 5 s.");
            return;
        }
        if (!await _running.WaitAsync(TimeSpan.Zero, http.RequestAborted))
        {
            http.Response.Headers.RetryAfter = "10";
            await HttpProtection.WriteErrorAsync(http, StatusCodes.Status503ServiceUnavailable, BusyCode,
                $"{options.MaxConcurrent} exports are already streaming; retry in a little while.");
            return;
        }
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
            timeout.CancelAfter(options.Timeout);
            // Begun before the export's queries are built, so that whatever the whole export reads, it reads in one
            // snapshot of the store (see ExportSnapshot).
            var db = http.RequestServices.GetRequiredService<DetainerDbContext>();
            await using var snapshot = await ExportSnapshot.BeginAsync(db, timeout.Token);
            var holder = new ExportQueryHolder();
            var result = await Executer.ExecuteAsync(new ExecutionOptions
            {
                Schema = schema,
                Query = ExportSchema.Document(kind),
                Variables = variables,
                RequestServices = http.RequestServices,
                UserContext = holder,
                CancellationToken = timeout.Token,
            });
            if (result.Errors is { Count: > 0 })
            {
                http.Response.StatusCode = StatusCodes.Status400BadRequest;
                http.Response.ContentType = "application/json; charset=utf-8";
                await serializer.WriteAsync(http.Response.Body, AsParameterErrors(result.Errors), http.RequestAborted);
                return;
            }
            await StreamAsync(http, db, kind, format, holder, timeout);
        }
        catch (Exception e) when (ExportSnapshot.IsNotAllowed(e) && !http.Response.HasStarted)
        {
            // SQL Server refuses a snapshot transaction's first read in a database that does not allow snapshot
            // isolation; nothing has been sent yet, so the client gets a coded answer instead of a broken download.
            LogSnapshotNotAllowed(logger);
            http.Response.Clear();
            await HttpProtection.WriteErrorAsync(http, StatusCodes.Status503ServiceUnavailable, UnavailableCode,
                "Exports read one consistent snapshot of the database, and this SQL Server database does not allow snapshot isolation: run `migrate` (see README, Export).");
        }
        finally
        {
            _running.Release();
        }
    }

    /// <summary>
    /// The errors of the export's own document as the client sees them: the message and code, without the locations
    /// and path, which point into a document the client never wrote (the parameters are its only input).
    /// </summary>
    internal static ExecutionResult AsParameterErrors(ExecutionErrors errors)
    {
        var parameterErrors = new ExecutionErrors();
        foreach (var error in errors)
        {
            parameterErrors.Add(new ExecutionError(error.Message) { Code = error.Code });
        }
        return new ExecutionResult { Errors = parameterErrors };
    }

    private async Task StreamAsync(HttpContext http, DetainerDbContext db, ExportKind kind, string format, ExportQueryHolder holder, CancellationTokenSource timeout)
    {
        var fileName = (kind == ExportKind.Detainers ? "detainers." : "detainer-stats.") + format;
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = format == "csv" ? "text/csv; charset=utf-8; header=present" : "application/x-ndjson; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
        http.Response.Headers.CacheControl = "no-store";
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        var ct = timeout.Token;
        var rows = 0;
        await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(false), bufferSize: 32 * 1024, leaveOpen: true);
        using var ndjson = format == "ndjson" ? new NdjsonExportWriter(writer) : null;
        var output = ndjson ?? (IExportWriter)new CsvExportWriter(writer);
        try
        {
            if (kind == ExportKind.Detainers)
            {
                await output.BeginAsync(DetainerExportRow.Header);
                // The charges and corrections of each chunk are read on the same context and connection while the detainers' statement
                // is still open, inside the export's snapshot: a second connection would read a later state of the store.
                var chunk = new List<DetainerExportRow>(ChunkRows);
                async Task WriteChunkAsync()
                {
                    // The last chunk is empty when the rows are a multiple of 500: there are no charges to ask for.
                    if (chunk.Count == 0)
                    {
                        return;
                    }
                    await DetainerExportRow.FillChunkAsync(db, chunk, ct);
                    foreach (var row in chunk)
                    {
                        await output.RowAsync(row.Cells());
                    }
                    rows += chunk.Count;
                    chunk.Clear();
                    await writer.FlushAsync(ct);
                }
                await foreach (var row in DetainerExportRow.Project(holder.Detainers!).AsNoTracking().AsAsyncEnumerable().WithCancellation(ct))
                {
                    chunk.Add(row);
                    if (chunk.Count == ChunkRows)
                    {
                        await WriteChunkAsync();
                    }
                }
                await WriteChunkAsync();
            }
            else
            {
                var names = await NamesAsync(db, holder.Dimensions, ct);
                await output.BeginAsync([.. ExportValues.StatsHeader(holder.Dimensions)]);
                await foreach (var group in holder.Groups!.AsAsyncEnumerable().WithCancellation(ct))
                {
                    await output.RowAsync(ExportValues.StatsCells(holder.Dimensions, names, group));
                    if (++rows % FlushEveryRows == 0)
                    {
                        await writer.FlushAsync(ct);
                    }
                }
            }
            await writer.FlushAsync(ct);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !http.RequestAborted.IsCancellationRequested)
        {
            // Headers are gone: abort the transfer so the client sees an incomplete download, never a short file.
            LogTimedOut(logger, fileName, rows, options.Timeout);
            http.Abort();
        }
        catch (Exception) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client cancelled the download: the reader, the write or the flush fails in whichever way it was
            // interrupted (cancellation, a reset connection). Nothing is owed to anyone; the finally blocks release
            // the slot and the database connections.
            LogClientGone(logger, fileName, rows);
        }
    }

    private static async Task<ExportNames> NamesAsync(DetainerDbContext db, IReadOnlyList<DetainerStatsDimension> dimensions, CancellationToken ct) =>
        new(
            dimensions.Contains(DetainerStatsDimension.Jurisdiction)
                ? await db.Jurisdictions.AsNoTracking().ToDictionaryAsync(j => j.Id, j => ((string?)j.Name, (string?)j.State), ct)
                : new Dictionary<int, (string?, string?)>(),
            dimensions.Contains(DetainerStatsDimension.Facility)
                ? await db.Facilities.AsNoTracking().ToDictionaryAsync(f => f.Id, f => ((string?)f.Name, f.City, (string?)f.State), ct)
                : new Dictionary<int, (string?, string?, string?)>());

    /// <summary>One request already took a token from the global limiter; an export takes its cost on top.</summary>
    private bool ChargePermits(HttpContext http)
    {
        if (rateLimiter.Value.GlobalLimiter is not { } limiter || options.Permits <= 0)
        {
            return true;
        }
        // The bucket cannot hand out more than it holds, and this request already took one token.
        var permits = Math.Min(options.Permits, http.RequestServices.GetRequiredService<RateLimitingOptions>().Burst - 1);
        if (permits <= 0)
        {
            return true;
        }
        using var lease = limiter.AttemptAcquire(http, permits);
        return lease.IsAcquired;
    }

    /// <summary>
    /// The URL's <c>where</c>, <c>order</c>, <c>includeRetracted</c> and <c>includeSynthetic</c> (and for stats <c>groupBy</c>) as GraphQL
    /// variables. <c>groupBy</c> may be a JSON list or a comma-separated one; a stats <c>order</c> may be a bare name.
    /// </summary>
    private bool TryReadVariables(IQueryCollection query, ExportKind kind, out Inputs variables, out string problem)
    {
        variables = Inputs.Empty;
        problem = "";
        var json = new StringBuilder("{");
        void Add(string name, string value) => json.Append(json.Length > 1 ? "," : "").Append(JsonSerializer.Serialize(name)).Append(':').Append(value);

        foreach (var parameter in query.Keys)
        {
            if (parameter is not ("where" or "order" or "includeRetracted" or "includeSynthetic" or "groupBy"))
            {
                problem = $"`{Shorten(parameter)}` is not an export parameter: use where, order, groupBy (stats), includeRetracted and includeSynthetic.";
                return false;
            }
            // A repeated parameter would otherwise be read as its first value and the rest silently dropped.
            if (query[parameter].Count > 1)
            {
                problem = $"`{parameter}` is given {query[parameter].Count} times; give each export parameter once.";
                return false;
            }
            if (query[parameter].ToString().Length > MaxParameterLength)
            {
                problem = $"`{parameter}` is {query[parameter].ToString().Length:N0} characters long; an export parameter may be at most {MaxParameterLength:N0}.";
                return false;
            }
        }
        string? Param(string name) => query[name].FirstOrDefault() is { Length: > 0 } value ? value.Trim() : null;

        if (Param("where") is { } where)
        {
            Add("where", where);
        }
        if (Param("order") is { } order)
        {
            Add("order", kind == ExportKind.DetainerStats && !order.StartsWith('"') ? JsonSerializer.Serialize(order) : order);
        }
        if (Param("includeRetracted") is { } includeRetracted)
        {
            Add("includeRetracted", includeRetracted);
        }
        if (Param("includeSynthetic") is { } includeSynthetic)
        {
            Add("includeSynthetic", includeSynthetic);
        }
        if (kind == ExportKind.DetainerStats)
        {
            var groupBy = Param("groupBy") ?? "";
            Add("groupBy", groupBy.StartsWith('[')
                ? groupBy
                : JsonSerializer.Serialize(groupBy.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
        }
        else if (Param("groupBy") is not null)
        {
            problem = "`groupBy` belongs to the detainer-stats export.";
            return false;
        }
        json.Append('}');
        var text = json.ToString();
        try
        {
            // Parsed first on its own, so that a syntax error is told with its position, and only a failure to read what
            // parsed (a string that is not text) comes from the variables reader, whose message names .NET types.
            using var parsed = JsonDocument.Parse(text);
            if (LongNumbers.FirstTooLong(parsed.RootElement) is { } length)
            {
                problem = LongNumbers.Problem("An export parameter", length);
                return false;
            }
        }
        catch (JsonException e)
        {
            problem = $"The parameters are not valid JSON values (where and order are written as GraphQL variables in JSON): {e.Message}";
            return false;
        }
        try
        {
            variables = serializer.Deserialize<Inputs>(text) ?? Inputs.Empty;
            return true;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            problem = "The parameters could not be read: they hold a string that is not text (an escaped lone surrogate such as \\ud800, " +
                "half of a UTF-16 pair) or a value GraphQL variables cannot hold.";
            return false;
        }
        catch (ArgumentException)
        {
            // JSON parses an object that names a member twice; the variables reader refuses it with ArgumentException,
            // which was answered as a 500.
            problem = $"The parameters could not be read: {GraphQLHttpEndpoint.DuplicateMember}";
            return false;
        }
    }

    private static string Shorten(string text) => text.Length <= 64 ? text : string.Concat(text.AsSpan(0, 64), "…");

    [LoggerMessage(Level = LogLevel.Information, Message = "Export {FileName} ended after {Rows} rows: the client went away")]
    private static partial void LogClientGone(ILogger logger, string fileName, int rows);

    [LoggerMessage(Level = LogLevel.Error, Message = "An export was refused: the SQL Server database does not allow snapshot isolation (run migrate, or ALTER DATABASE ... SET ALLOW_SNAPSHOT_ISOLATION ON)")]
    private static partial void LogSnapshotNotAllowed(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Export {FileName} stopped at the export timeout ({Timeout}) after {Rows} rows")]
    private static partial void LogTimedOut(ILogger logger, string fileName, int rows, TimeSpan timeout);
}

public static class ExportServiceExtensions
{
    public static IServiceCollection AddDetainerExport(this IServiceCollection services)
    {
        services.AddSingleton(sp => sp.GetRequiredService<IConfiguration>().GetSection("Export").Get<ExportOptions>() ?? new ExportOptions());
        services.AddSingleton<ExportSchema>();
        services.AddSingleton<ExportEndpoint>();
        return services;
    }

    /// <summary><c>GET /export/{name}.{format}</c>.</summary>
    public static IEndpointRouteBuilder MapDetainerExport(this IEndpointRouteBuilder endpoints)
    {
        var endpoint = endpoints.ServiceProvider.GetRequiredService<ExportEndpoint>();
        endpoints.MapGet("/export/{name}.{format}", (HttpContext http, string name, string format) => endpoint.HandleAsync(http, name, format));
        return endpoints;
    }
}
