using System.Diagnostics;
using DetainerGraph.Data;
using DetainerGraph.Operability;
using GraphQL;
using GraphQL.Transport;

namespace DetainerGraph.Api;

/// <summary>Measuring: each operation's span and histograms, and with <c>GraphQL:ExposeMetrics</c> its own figures in <c>extensions.metrics</c>.</summary>
public sealed partial class GraphQLHttpEndpoint
{
    private RequestMetrics StartMetrics(GraphQLRequest request)
    {
        var statements = SqlStatementCounter.Begin();
        var watch = Stopwatch.StartNew();
        return new RequestMetrics(statements, watch, telemetry.StartRequest(request.OperationName), options.ExposeMetrics);
    }

    private sealed class RequestMetrics(
        SqlStatementCounter.Counter statements, Stopwatch watch, DetainerGraphTelemetry.RequestObservation observation, bool expose) : IDisposable
    {
        public void Complete(ExecutionResult result)
        {
            observation.Complete(result, statements.Statements);
            if (expose)
            {
                result.Extensions ??= [];
                result.Extensions["metrics"] = new Dictionary<string, object>
                {
                    ["sqlStatements"] = statements.Statements,
                    ["milliseconds"] = Math.Round(watch.Elapsed.TotalMilliseconds, 2),
                    // Process-wide, not this request's: the benchmark subtracts consecutive values of a serial run.
                    ["processAllocatedBytes"] = GC.GetTotalAllocatedBytes(),
                    // Process-wide too: methods compiled so far, tier promotions included; the benchmark warms up until it stops growing.
                    ["processJittedMethods"] = System.Runtime.JitInfo.GetCompiledMethodCount(),
                };
            }
        }

        public void Dispose() => observation.Dispose();
    }
}
