using System.Globalization;
using System.Net.Mime;
using System.Text.Json;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DetainerGraph.Api;

/// <summary>
/// The <c>RateLimiting</c> section: a token bucket per client (the authenticated user's name, else the remote
/// address). A client may send <see cref="Burst"/> requests at once, then <see cref="PermitsPerPeriod"/> per
/// <see cref="Period"/>.
/// </summary>
public sealed class RateLimitingOptions
{
    public bool Enabled { get; set; } = true;
    public int Burst { get; set; } = 100;
    public int PermitsPerPeriod { get; set; } = 20;
    public TimeSpan Period { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Complexity one token pays for: an operation costs <c>ceil(cost / CostPerToken)</c> tokens, at least 1 (see <see cref="CostModel"/>).</summary>
    public int CostPerToken { get; set; } = 1_000;

    /// <summary>Requests one client may have under way at once; more get 429 <c>TOO_MANY_CONCURRENT_REQUESTS</c>.</summary>
    public int MaxConcurrentRequests { get; set; } = 4;
}

/// <summary>
/// The per-client limiters, partitioned by <see cref="HttpProtection.ClientKey"/>: the token bucket (charged one token at
/// admission by the rate-limiting middleware, the rest of an operation's cost by the complexity analyzer through
/// <see cref="RequestCost"/>) and a concurrency limit held for the whole request.
/// </summary>
public sealed class ClientLimiters : IDisposable
{
    private readonly RateLimitingOptions _options;

    public ClientLimiters(RateLimitingOptions options)
    {
        _options = options;
        Tokens = PartitionedRateLimiter.Create<string, string>(client => options.Enabled
            ? RateLimitPartition.GetTokenBucketLimiter(client, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = Math.Max(1, options.Burst),
                TokensPerPeriod = Math.Max(1, options.PermitsPerPeriod),
                ReplenishmentPeriod = options.Period > TimeSpan.Zero ? options.Period : TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            })
            : RateLimitPartition.GetNoLimiter(""));
        Concurrency = PartitionedRateLimiter.Create<string, string>(client => options.Enabled
            ? RateLimitPartition.GetConcurrencyLimiter(client, _ => new ConcurrencyLimiterOptions
            {
                PermitLimit = Math.Max(1, options.MaxConcurrentRequests),
                QueueLimit = 0,
            })
            : RateLimitPartition.GetNoLimiter(""));
    }

    public PartitionedRateLimiter<string> Tokens { get; }
    public PartitionedRateLimiter<string> Concurrency { get; }

    /// <summary>The tokens an operation of this cost takes, at least 1 and at most the bucket's size.</summary>
    public int TokensFor(double cost) =>
        (int)Math.Clamp(Math.Ceiling(cost / Math.Max(1, _options.CostPerToken)), 1, Math.Max(1, _options.Burst));

    public void Dispose()
    {
        Tokens.Dispose();
        Concurrency.Dispose();
    }
}

/// <summary>
/// What holds the HTTP surface against hostile or careless clients, beside the GraphQL limits of
/// <see cref="GraphQLServerOptions"/>: a last-resort handler that answers any unexpected failure with a
/// GraphQL-shaped error and no internals, CORS (<c>Cors:AllowedOrigins</c>, closed outside Development unless
/// configured), per-client rate limits charged by cost and a per-client concurrency limit (429 with <c>Retry-After</c>).
/// </summary>
public static partial class HttpProtection
{
    public const string CorsPolicy = "DetainerGraph";
    public const string RateLimitedCode = "RATE_LIMITED";
    public const string TooManyConcurrentCode = "TOO_MANY_CONCURRENT_REQUESTS";
    public const string InternalErrorCode = "INTERNAL_SERVER_ERROR";

    public static IHostApplicationBuilder AddHttpProtection(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(sp => sp.GetRequiredService<IConfiguration>().GetSection("RateLimiting").Get<RateLimitingOptions>() ?? new RateLimitingOptions());

        // Read when the options are first needed, after test hosts and command lines have added their settings.
        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IConfiguration, IHostEnvironment>((cors, config, environment) =>
            cors.AddPolicy(CorsPolicy, policy => ConfigureCors(policy, AllowedOrigins(config), environment.IsDevelopment())));

        services.AddSingleton<ClientLimiters>();
        // The clock of the execution timeout (GraphQLHttpEndpoint); tests replace it to expire a budget deterministically.
        services.TryAddSingleton(TimeProvider.System);
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<ClientLimiters>((limiter, limiters) =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // Admission takes one token; the complexity analyzer takes the rest of the operation's cost (RequestCost).
            limiter.GlobalLimiter = limiters.Tokens.WithTranslatedKey<HttpContext>(ClientKey, leaveOpen: true);
            limiter.OnRejected = (context, ct) => WriteRateLimitedAsync(context, ct);
        });
        return builder;
    }

    /// <summary>Before the IDE and the endpoint: the last-resort handler, CORS, then the rate limiter (so a 429 carries CORS headers).</summary>
    public static IApplicationBuilder UseHttpProtection(this IApplicationBuilder app, string path = "/graphql")
    {
        var endpoint = new PathString(path);
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(HttpProtection).FullName!);
        app.Use(async (http, next) =>
        {
            try
            {
                await next(http);
            }
            catch (BadHttpRequestException e) when (!http.Response.HasStarted)
            {
                // The client sent something the server could not read (a truncated body, a bad length).
                http.Response.Clear();
                await WriteErrorAsync(http, e.StatusCode, "BAD_REQUEST", "The request could not be read.");
            }
            catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
            {
                // The client went away: there is no one to answer.
            }
            catch (Exception e) when (!http.Response.HasStarted)
            {
                LogUnhandled(logger, http.Request.Method, http.Request.Path, e);
                http.Response.Clear();
                await WriteErrorAsync(http, StatusCodes.Status500InternalServerError, InternalErrorCode, "The server failed to answer this request.");
            }
        });
        app.UseCors(CorsPolicy);
        app.UseRateLimiter();
        var limiters = app.ApplicationServices.GetRequiredService<ClientLimiters>();
        app.Use(async (http, next) =>
        {
            // One client's requests under way at once, whatever they cost: a few slow requests cannot hold every core.
            using var lease = limiters.Concurrency.AttemptAcquire(ClientKey(http));
            if (!lease.IsAcquired)
            {
                http.Response.Headers.RetryAfter = "1";
                await WriteErrorAsync(http, StatusCodes.Status429TooManyRequests, TooManyConcurrentCode,
                    "This client has too many requests under way; wait for one to finish.", http.RequestAborted);
                return;
            }
            await next(http);
        });
        app.Use(async (http, next) =>
        {
            // The endpoint answers GET and POST; anything else gets the same JSON error shape as every refusal.
            // (CORS preflights were answered above; HEAD gets the status and headers without a body.)
            if (http.Request.Path.Equals(endpoint, StringComparison.OrdinalIgnoreCase)
                && !HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsPost(http.Request.Method))
            {
                http.Response.Headers.Allow = "GET, POST";
                await WriteErrorAsync(http, StatusCodes.Status405MethodNotAllowed, "METHOD_NOT_ALLOWED",
                    $"{path} answers GET and POST, not {http.Request.Method}.");
                return;
            }
            await next(http);
        });
        return app;
    }

    /// <summary>
    /// <c>Cors:AllowedOrigins</c>, as a list (<c>Cors__AllowedOrigins__0=...</c>) or one comma-separated value;
    /// <c>*</c> allows any origin.
    /// </summary>
    public static IReadOnlyList<string> AllowedOrigins(IConfiguration configuration)
    {
        var section = configuration.GetSection("Cors:AllowedOrigins");
        var values = section.Value is { Length: > 0 } single ? [single] : section.GetChildren().Select(c => c.Value ?? "");
        return [.. values.SelectMany(v => v.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct(StringComparer.OrdinalIgnoreCase)];
    }

    private static void ConfigureCors(CorsPolicyBuilder policy, IReadOnlyList<string> origins, bool development)
    {
        // Closed by default outside Development: no origin is allowed unless configured.
        if (origins.Contains("*") || (origins.Count == 0 && development))
        {
            policy.AllowAnyOrigin();
        }
        else
        {
            policy.WithOrigins([.. origins]);
        }
        policy.WithMethods(HttpMethods.Get, HttpMethods.Post)
            .WithHeaders([.. CorsRequestHeaders])
            .WithExposedHeaders([.. CorsExposedHeaders])
            .SetPreflightMaxAge(TimeSpan.FromMinutes(10));
    }

    /// <summary>
    /// The request headers a page on another origin may send. Besides the plain ones: the documented cost header
    /// (a browser refuses the whole request when its preflight does not allow a header the page sets) and the
    /// client-awareness headers Apollo Client adds when given a <c>name</c> and <c>version</c>.
    /// </summary>
    public static readonly IReadOnlyList<string> CorsRequestHeaders =
        ["Content-Type", "Accept", "Authorization", RequestCost.Header, "apollographql-client-name", "apollographql-client-version"];

    /// <summary>
    /// The response headers such a page may read: when to retry after a 429 or 503, and an export's file name
    /// (a page that downloads with <c>fetch</c> names the file from it).
    /// </summary>
    public static readonly IReadOnlyList<string> CorsExposedHeaders = ["Retry-After", "Content-Disposition"];

    /// <summary>
    /// The authenticated user when there is one (a shared address, such as an office behind NAT, does not
    /// starve its users), else the remote address. Forwarded headers are not trusted here: behind a proxy,
    /// configure ASP.NET Core's forwarded headers middleware so the remote address is the client's.
    /// </summary>
    public static string ClientKey(HttpContext http) =>
        http.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name }
            ? "user:" + name
            : "ip:" + (http.Connection.RemoteIpAddress?.ToString() ?? "unknown");

    private static async ValueTask WriteRateLimitedAsync(OnRejectedContext context, CancellationToken ct)
    {
        var http = context.HttpContext;
        var seconds = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : 1;
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await WriteErrorAsync(http, StatusCodes.Status429TooManyRequests, RateLimitedCode,
            $"Too many requests from this client; retry after {seconds} s.", ct);
    }

    /// <summary>
    /// A GraphQL-shaped error body (<c>errors[0].extensions.code</c>), for answers given before GraphQL runs; its message is
    /// bounded like every GraphQL error's (<see cref="ClientText.BoundMessage"/>), since some quote what the client sent.
    /// Labelled <c>application/graphql-response+json</c> when the client prefers it, as the endpoint's own errors are, so a
    /// client that checks the type of what it parses reads a 429 or a 405 the way it reads a 400.
    /// </summary>
    public static async Task WriteErrorAsync(HttpContext http, int status, string code, string message, CancellationToken ct = default)
    {
        http.Response.StatusCode = status;
        var type = GraphQLHttpEndpoint.NegotiateResponseType(http.Request) == GraphQLHttpEndpoint.GraphQLResponseJson
            ? GraphQLHttpEndpoint.GraphQLResponseJson
            : MediaTypeNames.Application.Json;
        http.Response.ContentType = type + "; charset=utf-8";
        var body = new { errors = new[] { new { message = ClientText.BoundMessage(message), extensions = new { code, codes = new[] { code } } } } };
        await JsonSerializer.SerializeAsync(http.Response.Body, body, cancellationToken: ct);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled failure answering {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, string method, PathString path, Exception exception);
}
