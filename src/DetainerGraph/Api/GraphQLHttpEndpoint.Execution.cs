using GraphQL;
using GraphQL.Transport;

namespace DetainerGraph.Api;

/// <summary>Executing: each operation under the client's cost limits, all of a request's operations under one timeout.</summary>
public sealed partial class GraphQLHttpEndpoint
{
    /// <summary>
    /// The execution timeout covers the whole HTTP request, every operation of a batch together: every resolver's
    /// database and search call takes this token, so work past the limit stops at its next call instead of
    /// running on for a client that has been answered.
    /// (Its timer comes from the TimeProvider, so tests can run the budget out at a moment they choose.)
    /// </summary>
    private RequestTimeout StartTimeout(HttpContext http)
    {
        var budget = new CancellationTokenSource(options.ExecutionTimeout, clock);
        return new RequestTimeout(budget, CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, budget.Token));
    }

    /// <summary>The <c>GraphQL-Cost</c> header: <c>report</c> or <c>validate</c> (HotChocolate's convention), else null.</summary>
    private static string? CostMode(HttpRequest request) =>
        request.Headers[RequestCost.Header] is { Count: > 0 } values
            ? values[0]?.Trim().ToLowerInvariant() switch
            {
                "report" => "report",
                "validate" => "validate",
                _ => null,
            }
            : null;

    private async Task<List<ExecutionResult>> ExecuteBatchAsync(HttpContext http, List<GraphQLRequest> batch, RequestTimeout timeout, string? costMode)
    {
        var results = new List<ExecutionResult>(batch.Count);
        foreach (var item in batch)
        {
            // Each operation of a batch gets its own scope: its own DbContext and batch loaders.
            await using var scope = scopes.CreateAsyncScope();
            results.Add((await ExecuteOneAsync(http, item, scope.ServiceProvider, timeout, costMode)).Result);
        }
        return results;
    }

    private async Task<(ExecutionResult Result, RequestCost Cost)> ExecuteOneAsync(
        HttpContext http, GraphQLRequest request, IServiceProvider services, RequestTimeout timeout, string? costMode)
    {
        using var metrics = StartMetrics(request);
        // Disposed when the operation is done, whatever happened to it: a scan's slot is then free for the next one (the
        // response is written after; the cost's figures stay readable).
        using var cost = new RequestCost(HttpProtection.ClientKey(http), validateOnly: costMode == "validate", limiters);
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
        metrics.Complete(result);
        return (result, cost);
    }

    /// <summary>The request's budget and the token that stops its work: the budget running out or the client leaving.</summary>
    private sealed class RequestTimeout(CancellationTokenSource budget, CancellationTokenSource linked) : IDisposable
    {
        public CancellationToken Token => linked.Token;

        public bool IsCancellationRequested => linked.IsCancellationRequested;

        public void Dispose()
        {
            linked.Dispose();
            budget.Dispose();
        }
    }
}
