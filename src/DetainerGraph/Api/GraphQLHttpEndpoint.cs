using DetainerGraph.Operability;
using GraphQL;
using GraphQL.Transport;
using GraphQL.Types;

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
/// The class is split by job: this file is the flow; <c>.Reading</c> turns GET parameters or a POST body into
/// requests; <c>.Documents</c> judges persisted and trusted documents; <c>.Execution</c> runs them under the cost
/// limits and the timeout; <c>.Responses</c> picks the media type and status and writes; <c>.Metrics</c> observes.
/// </summary>
public sealed partial class GraphQLHttpEndpoint(
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

    public async Task HandleAsync(HttpContext http)
    {
        var request = http.Request;
        if (HttpMethods.IsGet(request.Method) && request.Query.ContainsKey("sdl"))
        {
            await WriteSdlAsync(http);
            return;
        }

        var responseType = NegotiateResponseType(request);
        if (responseType is null)
        {
            await WriteNotAcceptableAsync(http);
            return;
        }

        var parsed = HttpMethods.IsPost(request.Method) ? await ReadPostAsync(http) : ReadGet(request);
        if (parsed.Error is { } error)
        {
            await WriteRequestErrorAsync(http, responseType, error);
            return;
        }

        http.Response.ContentType = responseType + "; charset=utf-8";
        var costMode = CostMode(request);
        using var timeout = StartTimeout(http);
        if (parsed.Batch is { } batch)
        {
            await WriteBatchAsync(http, await ExecuteBatchAsync(http, batch, timeout, costMode));
            return;
        }

        var (result, cost) = await ExecuteOneAsync(http, parsed.Single!, http.RequestServices, timeout, costMode);
        await WriteResultAsync(http, responseType, result, cost);
    }
}
