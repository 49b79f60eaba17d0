using System.Net.Mime;
using System.Text.Json;
using GraphQL;
using GraphQL.Transport;
using GraphQL.Types;
using Microsoft.Net.Http.Headers;

namespace DetainerGraph.Api;

/// <summary>
/// GraphQL over HTTP: <c>POST application/json</c> and <c>GET ?query=</c>. Responses are
/// <c>application/graphql-response+json</c> when the client asks for it and <c>application/json</c>
/// otherwise; a request that never executes (bad document, failed validation) is 400 under the former
/// and 200 under the latter, as the specification's legacy rules say.
/// </summary>
public sealed class GraphQLHttpEndpoint(IDocumentExecuter<ISchema> executer, IGraphQLTextSerializer serializer)
{
    public const string GraphQLResponseJson = "application/graphql-response+json";

    public async Task HandleAsync(HttpContext http)
    {
        var responseType = NegotiateResponseType(http.Request);
        if (responseType is null)
        {
            await WriteErrorAsync(http, StatusCodes.Status406NotAcceptable, MediaTypeNames.Application.Json,
                $"None of the Accept types is served; ask for {GraphQLResponseJson} or application/json.", "NOT_ACCEPTABLE");
            return;
        }

        GraphQLRequest? request;
        if (HttpMethods.IsPost(http.Request.Method))
        {
            if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var contentType)
                || !contentType.MediaType.Equals(MediaTypeNames.Application.Json, StringComparison.OrdinalIgnoreCase))
            {
                await WriteErrorAsync(http, StatusCodes.Status415UnsupportedMediaType, responseType,
                    "POST a JSON body with Content-Type: application/json.", "UNSUPPORTED_MEDIA_TYPE");
                return;
            }
            try
            {
                request = await serializer.ReadAsync<GraphQLRequest>(http.Request.Body, http.RequestAborted);
            }
            catch (JsonException e)
            {
                await WriteErrorAsync(http, StatusCodes.Status400BadRequest, responseType, $"The body is not a valid GraphQL request: {e.Message}", "INVALID_REQUEST");
                return;
            }
        }
        else
        {
            var query = http.Request.Query;
            try
            {
                request = new GraphQLRequest
                {
                    Query = query["query"].FirstOrDefault(),
                    OperationName = query["operationName"].FirstOrDefault() is { Length: > 0 } name ? name : null,
                    Variables = query["variables"].FirstOrDefault() is { Length: > 0 } variables ? serializer.Deserialize<Inputs>(variables) : null,
                };
            }
            catch (JsonException e)
            {
                await WriteErrorAsync(http, StatusCodes.Status400BadRequest, responseType, $"`variables` is not a JSON object: {e.Message}", "INVALID_REQUEST");
                return;
            }
        }
        if (request is null || string.IsNullOrEmpty(request.Query))
        {
            await WriteErrorAsync(http, StatusCodes.Status400BadRequest, responseType, "The request has no `query` string.", "INVALID_REQUEST");
            return;
        }

        var result = await executer.ExecuteAsync(new ExecutionOptions
        {
            Query = request.Query,
            OperationName = request.OperationName,
            Variables = request.Variables,
            Extensions = request.Extensions,
            RequestServices = http.RequestServices,
            User = http.User,
            CancellationToken = http.RequestAborted,
        });
        http.Response.StatusCode = !result.Executed && responseType == GraphQLResponseJson
            ? StatusCodes.Status400BadRequest
            : StatusCodes.Status200OK;
        http.Response.ContentType = responseType + "; charset=utf-8";
        await serializer.WriteAsync(http.Response.Body, result, http.RequestAborted);
    }

    /// <summary>The response type the client prefers: the modern type when it names it, else legacy JSON.</summary>
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

    private async Task WriteErrorAsync(HttpContext http, int status, string contentType, string message, string code)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = contentType + "; charset=utf-8";
        var result = new ExecutionResult { Errors = [new ExecutionError(message) { Code = code }] };
        await serializer.WriteAsync(http.Response.Body, result, http.RequestAborted);
    }
}
