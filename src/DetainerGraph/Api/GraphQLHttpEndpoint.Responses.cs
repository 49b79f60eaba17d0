using System.Globalization;
using System.Net.Mime;
using GraphQL;
using GraphQL.Utilities;

namespace DetainerGraph.Api;

/// <summary>Answering: the media type the client accepts, the status code each outcome gets, and the body.</summary>
public sealed partial class GraphQLHttpEndpoint
{
    private string? _sdl;

    /// <summary><c>GET ?sdl</c>: the schema as text, or 404 when introspection is turned off.</summary>
    private async Task WriteSdlAsync(HttpContext http)
    {
        if (!options.EnableIntrospection)
        {
            await WriteErrorAsync(http, StatusCodes.Status404NotFound, MediaTypeNames.Application.Json, IntrospectionSwitch.DisabledCode,
                "The schema is not published by this server (GraphQL:EnableIntrospection is false).");
            return;
        }
        http.Response.ContentType = "text/plain; charset=utf-8";
        if (_sdl is null)
        {
            schema.Initialize();
            _sdl = schema.Print(new PrintOptions { StringComparison = StringComparison.Ordinal });
        }
        await http.Response.WriteAsync(_sdl, http.RequestAborted);
    }

    /// <summary>The response type the client prefers: the modern type when it ranks it first or alone, else legacy JSON.</summary>
    internal static string? NegotiateResponseType(HttpRequest request)
    {
        var accept = request.GetTypedHeaders().Accept;
        if (accept.Count == 0)
        {
            return MediaTypeNames.Application.Json;
        }
        foreach (var type in accept.OrderByDescending(a => a.Quality ?? 1))
        {
            if (type.Quality == 0)
            {
                continue;
            }
            if (type.MediaType.Equals(GraphQLResponseJson, StringComparison.OrdinalIgnoreCase))
            {
                return GraphQLResponseJson;
            }
            if (type.MediaType.Equals(MediaTypeNames.Application.Json, StringComparison.OrdinalIgnoreCase)
                || type.MediaType.Equals("application/*", StringComparison.OrdinalIgnoreCase)
                || type.MediaType.Equals("*/*", StringComparison.OrdinalIgnoreCase))
            {
                return MediaTypeNames.Application.Json;
            }
        }
        return null;
    }

    private Task WriteNotAcceptableAsync(HttpContext http) =>
        WriteErrorAsync(http, StatusCodes.Status406NotAcceptable, MediaTypeNames.Application.Json, "NOT_ACCEPTABLE",
            $"None of the Accept types is served: ask for {GraphQLResponseJson} or application/json.");

    /// <summary>A request that is not a GraphQL request (or a mutation over GET, with <c>Allow: POST</c>).</summary>
    private Task WriteRequestErrorAsync(HttpContext http, string responseType, RequestError error)
    {
        if (error.Status == StatusCodes.Status405MethodNotAllowed)
        {
            http.Response.Headers.Allow = "POST";
        }
        return WriteErrorAsync(http, error.Status, responseType, error.Code, error.Message);
    }

    /// <summary>A batch is 200 whatever its operations' outcomes: each answers for itself.</summary>
    private async Task WriteBatchAsync(HttpContext http, List<ExecutionResult> results)
    {
        http.Response.StatusCode = StatusCodes.Status200OK;
        await serializer.WriteAsync(http.Response.Body, results, http.RequestAborted);
    }

    /// <summary>
    /// 429 with <c>Retry-After</c> when the client's cost budget is spent; 503 with <c>Retry-After</c> when the server runs
    /// all the scans it allows (<see cref="ScanGate"/>); 400 for an operation that never executed under the modern type
    /// (unless only validated, for its cost); else 200.
    /// </summary>
    private async Task WriteResultAsync(HttpContext http, string responseType, ExecutionResult result, RequestCost cost)
    {
        http.Response.StatusCode = cost.RetryAfterSeconds is not null
            ? StatusCodes.Status429TooManyRequests
            : cost.BusyRetryAfterSeconds is not null
            ? StatusCodes.Status503ServiceUnavailable
            : !result.Executed && responseType == GraphQLResponseJson && !cost.ValidateOnly
            ? StatusCodes.Status400BadRequest
            : StatusCodes.Status200OK;
        if ((cost.RetryAfterSeconds ?? cost.BusyRetryAfterSeconds) is { } seconds)
        {
            http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }
        await serializer.WriteAsync(http.Response.Body, result, http.RequestAborted);
    }

    private async Task WriteErrorAsync(HttpContext http, int status, string contentType, string code, string message)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = contentType + "; charset=utf-8";
        var result = new ExecutionResult { Errors = [new ExecutionError(message) { Code = code }] };
        await serializer.WriteAsync(http.Response.Body, result, http.RequestAborted);
    }
}
