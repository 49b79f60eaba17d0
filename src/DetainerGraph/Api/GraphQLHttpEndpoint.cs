using System.Diagnostics;
using System.Net.Mime;
using System.Text;
using System.Text.Json;
using DetainerGraph.Data;
using DetainerGraph.Operability;
using GraphQL;
using GraphQL.Transport;
using GraphQL.Types;
using GraphQL.Utilities;
using GraphQLParser.AST;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace DetainerGraph.Api;

/// <summary>
/// GraphQL over HTTP, after the GraphQL-over-HTTP draft (the rules its conformance suite checks):
/// <list type="bullet">
/// <item><c>POST</c> with <c>application/json</c> (UTF-8 unless a charset says otherwise), a request object or, when
/// batching is on, an array of them; <c>GET</c> with <c>query</c>, <c>operationName</c> and JSON-encoded
/// <c>variables</c>/<c>extensions</c>; <c>GET ?sdl</c> for the schema.</item>
/// <item>Responses are <c>application/graphql-response+json</c> when the client asks for it and
/// <c>application/json</c> for <c>application/json</c>, <c>*/*</c> or no Accept; nothing acceptable is 406.</item>
/// <item>400 for a body or parameters that are not a GraphQL request; for a document that fails to parse,
/// validate or coerce its variables, 400 without <c>data</c> under the modern type and 200 under legacy JSON;
/// 200 once the operation executed; 405 (<c>Allow: POST</c>) for a mutation over GET; 413 for an oversized
/// body; 415 for a POST that is not JSON.</item>
/// </list>
/// </summary>
public sealed class GraphQLHttpEndpoint(
    IDocumentExecuter<ISchema> executer,
    IGraphQLTextSerializer serializer,
    ISchema schema,
    GraphQLServerOptions options,
    IServiceScopeFactory scopes,
    DetainerGraphTelemetry telemetry,
    ClientLimiters limiters,
    TimeProvider clock)
{
    public const string GraphQLResponseJson = "application/graphql-response+json";

    private string? _sdl;

    public async Task HandleAsync(HttpContext http)
    {
        var request = http.Request;
        if (HttpMethods.IsGet(request.Method) && request.Query.ContainsKey("sdl"))
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
            return;
        }

        var responseType = NegotiateResponseType(request);
        if (responseType is null)
        {
            await WriteErrorAsync(http, StatusCodes.Status406NotAcceptable, MediaTypeNames.Application.Json, "NOT_ACCEPTABLE",
                $"None of the Accept types is served: ask for {GraphQLResponseJson} or application/json.");
            return;
        }

        var parsed = HttpMethods.IsPost(request.Method) ? await ReadPostAsync(http) : ReadGet(request);
        if (parsed.Error is { } error)
        {
            if (error.Status == StatusCodes.Status405MethodNotAllowed)
            {
                http.Response.Headers.Allow = "POST";
            }
            await WriteErrorAsync(http, error.Status, responseType, error.Code, error.Message);
            return;
        }

        http.Response.ContentType = responseType + "; charset=utf-8";
        var costMode = CostMode(request);
        // The execution timeout covers the whole HTTP request, every operation of a batch together: every resolver's
        // database and search call takes this token, so work past the limit stops at its next call instead of
        // running on for a client that has been answered.
        // (Its timer comes from the TimeProvider, so tests can run the budget out at a moment they choose.)
        using var budget = new CancellationTokenSource(options.ExecutionTimeout, clock);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, budget.Token);
        if (parsed.Batch is { } batch)
        {
            var results = new List<ExecutionResult>(batch.Count);
            foreach (var item in batch)
            {
                // Each operation of a batch gets its own scope: its own DbContext and batch loaders.
                await using var scope = scopes.CreateAsyncScope();
                results.Add(await ExecuteAsync(http, item, scope.ServiceProvider, timeout, costMode));
            }
            http.Response.StatusCode = StatusCodes.Status200OK;
            await serializer.WriteAsync(http.Response.Body, results, http.RequestAborted);
            return;
        }

        var (result, cost) = await ExecuteOneAsync(http, parsed.Single!, http.RequestServices, timeout, costMode);
        http.Response.StatusCode = cost.RetryAfterSeconds is { } retryAfter
            ? StatusCodes.Status429TooManyRequests
            : !result.Executed && responseType == GraphQLResponseJson && !cost.ValidateOnly
            ? StatusCodes.Status400BadRequest
            : StatusCodes.Status200OK;
        if (cost.RetryAfterSeconds is { } seconds)
        {
            http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        await serializer.WriteAsync(http.Response.Body, result, http.RequestAborted);
    }

    /// <summary>The <c>GraphQL-Cost</c> header: <c>report</c> or <c>validate</c> (HotChocolate's convention), else null.</summary>
    private static string? CostMode(HttpRequest request) =>
        request.Headers[RequestCost.Header].FirstOrDefault()?.Trim().ToLowerInvariant() switch
        {
            "report" => "report",
            "validate" => "validate",
            _ => null,
        };

    private async Task<ExecutionResult> ExecuteAsync(HttpContext http, GraphQLRequest request, IServiceProvider services, CancellationTokenSource timeout, string? costMode) =>
        (await ExecuteOneAsync(http, request, services, timeout, costMode)).Result;

    private async Task<(ExecutionResult Result, RequestCost Cost)> ExecuteOneAsync(
        HttpContext http, GraphQLRequest request, IServiceProvider services, CancellationTokenSource timeout, string? costMode)
    {
        var statements = SqlStatementCounter.Begin();
        var watch = Stopwatch.StartNew();
        using var observation = telemetry.StartRequest(request.OperationName);
        var cost = new RequestCost(HttpProtection.ClientKey(http), validateOnly: costMode == "validate", limiters);
        ExecutionResult result;
        try
        {
            timeout.Token.ThrowIfCancellationRequested();
            result = await executer.ExecuteAsync(new ExecutionOptions
            {
                Query = request.Query,
                DocumentId = request.DocumentId,
                OperationName = request.OperationName,
                Variables = request.Variables,
                Extensions = request.Extensions,
                RequestServices = services,
                User = http.User,
                UserContext = new Dictionary<string, object?> { [RequestCost.Key] = cost },
                CancellationToken = timeout.Token,
            });
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !http.RequestAborted.IsCancellationRequested)
        {
            result = new ExecutionResult
            {
                Executed = true,
                Errors = [new ExecutionError($"The request ran longer than the execution timeout ({options.ExecutionTimeout.TotalSeconds:0.###} s, for all of its operations together) and was stopped.") { Code = "TIMEOUT" }],
            };
        }
        if (cost.ValidateOnly && result.Errors is { } errors && errors.Any(e => e.Code == RequestCost.ValidatedCode))
        {
            // Validated and priced, not executed: the answer is the cost alone.
            result = new ExecutionResult { Executed = false, Errors = errors.Count == 1 ? null : [.. errors.Where(e => e.Code != RequestCost.ValidatedCode)] };
        }
        if (costMode is not null || cost.RetryAfterSeconds is not null || result.Errors?.Any(e => e.Code == "COMPLEXITY") == true)
        {
            result.Extensions ??= [];
            result.Extensions["cost"] = cost.ToExtension(options.MaxComplexity);
        }
        observation.Complete(result, statements.Statements);
        if (options.ExposeMetrics)
        {
            result.Extensions ??= [];
            result.Extensions["metrics"] = new Dictionary<string, object>
            {
                ["sqlStatements"] = statements.Statements,
                ["milliseconds"] = Math.Round(watch.Elapsed.TotalMilliseconds, 2),
                // Process-wide, not this request's: the benchmark subtracts consecutive values of a serial run.
                ["processAllocatedBytes"] = GC.GetTotalAllocatedBytes(),
            };
        }
        return (result, cost);
    }

    private ParsedRequest ReadGet(HttpRequest request)
    {
        var query = request.Query;
        string? Param(string name) => query[name].FirstOrDefault() is { Length: > 0 } value ? value : null;

        var graphQLRequest = new GraphQLRequest { Query = Param("query"), OperationName = Param("operationName"), DocumentId = Param("documentId") };
        foreach (var name in (string[])["variables", "extensions"])
        {
            if (Param(name) is not { } json)
            {
                continue;
            }
            Inputs? inputs;
            try
            {
                using var document = JsonDocument.Parse(json);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    return ParsedRequest.Fail(StatusCodes.Status400BadRequest, "INVALID_REQUEST", $"`{name}` must be a JSON object.");
                }
                inputs = serializer.Deserialize<Inputs>(json);
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                return ParsedRequest.Fail(StatusCodes.Status400BadRequest, "INVALID_REQUEST", $"`{name}` is not valid JSON: {e.Message}");
            }
            graphQLRequest = name == "variables" ? Copy(graphQLRequest, variables: inputs) : Copy(graphQLRequest, extensions: inputs);
        }
        if (graphQLRequest.Query is null && graphQLRequest.DocumentId is null && !AutomaticPersistedQueries.IsPersistedQuery(graphQLRequest.Extensions))
        {
            return ParsedRequest.Fail(StatusCodes.Status400BadRequest, "INVALID_REQUEST", "The request has no `query` parameter.");
        }
        // A trusted document is judged by its text, like a query: a mutation never runs over GET.
        var text = graphQLRequest.Query
            ?? (graphQLRequest.DocumentId is { } id ? (request.HttpContext.RequestServices.GetService<GraphQL.PersistedDocuments.IPersistedDocumentLoader>() as TrustedDocumentStore)?.Find(id) : null);
        if (text is not null && IsMutation(text, graphQLRequest.OperationName))
        {
            return ParsedRequest.Fail(StatusCodes.Status405MethodNotAllowed, "METHOD_NOT_ALLOWED", "Mutations must be sent with POST.");
        }
        return new ParsedRequest(graphQLRequest, null, null);
    }

    private async Task<ParsedRequest> ReadPostAsync(HttpContext http)
    {
        var request = http.Request;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            || !contentType.MediaType.Equals(MediaTypeNames.Application.Json, StringComparison.OrdinalIgnoreCase))
        {
            return ParsedRequest.Fail(StatusCodes.Status415UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE",
                "POST a JSON body with Content-Type: application/json.");
        }
        Encoding encoding;
        try
        {
            encoding = contentType.Charset.HasValue ? Encoding.GetEncoding(contentType.Charset.Value!) : Encoding.UTF8;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            // Unknown names are ArgumentException; known but refused ones (utf-7) NotSupportedException.
            return ParsedRequest.Fail(StatusCodes.Status415UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE",
                $"The charset '{contentType.Charset}' is not supported; send UTF-8.");
        }
        if (request.ContentLength > options.MaxRequestBytes)
        {
            return TooLarge();
        }
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = options.MaxRequestBytes;
        }

        using var body = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        try
        {
            while ((read = await request.Body.ReadAsync(buffer, http.RequestAborted)) > 0)
            {
                body.Write(buffer, 0, read);
                if (body.Length > options.MaxRequestBytes)
                {
                    return TooLarge();
                }
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge();
        }

        JsonDocument document;
        try
        {
            var text = encoding.GetString(body.GetBuffer(), 0, (int)body.Length);
            document = JsonDocument.Parse(text);
        }
        catch (Exception e) when (e is JsonException or DecoderFallbackException)
        {
            return ParsedRequest.Fail(StatusCodes.Status400BadRequest, "INVALID_REQUEST", $"The body is not valid JSON: {e.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                return ToRequest(root, out var single) is { } problem
                    ? ParsedRequest.Fail(StatusCodes.Status400BadRequest, "INVALID_REQUEST", problem)
                    : new ParsedRequest(single, null, null);
            }
            if (root.ValueKind != JsonValueKind.Array)
            {
                return ParsedRequest.Fail(StatusCodes.Status400BadRequest, "INVALID_REQUEST", "The body must be a JSON object (or an array of them for a batch).");
            }
            if (!options.EnableBatching)
            {
                return ParsedRequest.Fail(StatusCodes.Status400BadRequest, "BATCHING_DISABLED", "Batched requests are turned off on this server.");
            }
            var count = root.GetArrayLength();
            if (count == 0 || count > options.MaxBatchSize)
            {
                return ParsedRequest.Fail(StatusCodes.Status400BadRequest, "BATCH_SIZE_OUT_OF_RANGE",
                    $"A batch holds 1 to {options.MaxBatchSize} requests; this one holds {count}.");
            }
            var batch = new List<GraphQLRequest>(count);
            var index = 0;
            foreach (var item in root.EnumerateArray())
            {
                if (ToRequest(item, out var one) is { } problem)
                {
                    return ParsedRequest.Fail(StatusCodes.Status400BadRequest, "INVALID_REQUEST", $"Batch item {index}: {problem}");
                }
                batch.Add(one);
                index++;
            }
            return new ParsedRequest(null, batch, null);
        }
    }

    /// <summary>Checks the shape of one request object; returns the problem, or null with the request.</summary>
    private string? ToRequest(JsonElement element, out GraphQLRequest request)
    {
        try
        {
            return ReadRequest(element, out request);
        }
        catch (Exception e) when (e is InvalidOperationException or JsonException or FormatException)
        {
            // Well-formed JSON can still hold text no string can (an escaped lone surrogate), or values the
            // variables reader refuses.
            request = new GraphQLRequest();
            return $"a member could not be read: {e.Message}";
        }
    }

    private string? ReadRequest(JsonElement element, out GraphQLRequest request)
    {
        request = new GraphQLRequest();
        if (element.ValueKind != JsonValueKind.Object)
        {
            return "a request must be a JSON object.";
        }
        string? query = null, operationName = null, documentId = null;
        Inputs? variables = null, extensions = null;
        foreach (var property in element.EnumerateObject())
        {
            var value = property.Value;
            if (value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }
            switch (property.Name)
            {
                case "query" or "operationName" or "documentId" when value.ValueKind != JsonValueKind.String:
                    return $"`{property.Name}` must be a string.";
                case "query":
                    query = value.GetString();
                    break;
                case "operationName":
                    operationName = value.GetString();
                    break;
                case "documentId":
                    documentId = value.GetString();
                    break;
                case "variables" or "extensions" when value.ValueKind != JsonValueKind.Object:
                    return $"`{property.Name}` must be a JSON object.";
                case "variables":
                    variables = serializer.Deserialize<Inputs>(value.GetRawText());
                    break;
                case "extensions":
                    extensions = serializer.Deserialize<Inputs>(value.GetRawText());
                    break;
                default:
                    // Unknown members are ignored, as the specification requires.
                    break;
            }
        }
        if (query is null && documentId is null && !AutomaticPersistedQueries.IsPersistedQuery(extensions))
        {
            return "the request has no `query` string.";
        }
        request = new GraphQLRequest { Query = query, OperationName = operationName, DocumentId = documentId, Variables = variables, Extensions = extensions };
        return null;
    }

    private static GraphQLRequest Copy(GraphQLRequest r, Inputs? variables = null, Inputs? extensions = null) => new()
    {
        Query = r.Query,
        OperationName = r.OperationName,
        DocumentId = r.DocumentId,
        Variables = variables ?? r.Variables,
        Extensions = extensions ?? r.Extensions,
    };

    /// <summary>Whether the operation a GET would run is a mutation. Unparseable documents are left to the executer to report.</summary>
    private static bool IsMutation(string query, string? operationName)
    {
        GraphQLDocument document;
        try
        {
            document = GraphQLParser.Parser.Parse(query);
        }
        catch (GraphQLParser.Exceptions.GraphQLParserException)
        {
            return false;
        }
        var operations = document.Definitions.OfType<GraphQLOperationDefinition>().ToList();
        var operation = operationName is null
            ? operations.Count == 1 ? operations[0] : null
            : operations.FirstOrDefault(o => o.Name?.StringValue == operationName);
        return operation?.Operation is OperationType.Mutation or OperationType.Subscription;
    }

    private ParsedRequest TooLarge() =>
        ParsedRequest.Fail(StatusCodes.Status413PayloadTooLarge, "REQUEST_TOO_LARGE", $"The request body is larger than {options.MaxRequestBytes} bytes.");

    /// <summary>The response type the client prefers: the modern type when it ranks it first or alone, else legacy JSON.</summary>
    private static string? NegotiateResponseType(HttpRequest request)
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

    private async Task WriteErrorAsync(HttpContext http, int status, string contentType, string code, string message)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = contentType + "; charset=utf-8";
        var result = new ExecutionResult { Errors = [new ExecutionError(message) { Code = code }] };
        await serializer.WriteAsync(http.Response.Body, result, http.RequestAborted);
    }

    private sealed record RequestError(int Status, string Code, string Message);

    private sealed record ParsedRequest(GraphQLRequest? Single, List<GraphQLRequest>? Batch, RequestError? Error)
    {
        public static ParsedRequest Fail(int status, string code, string message) => new(null, null, new RequestError(status, code, message));
    }
}
