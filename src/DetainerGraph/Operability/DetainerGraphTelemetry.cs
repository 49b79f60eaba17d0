using System.Diagnostics;
using System.Diagnostics.Metrics;
using GraphQL;
using GraphQLParser.AST;

namespace DetainerGraph.Operability;

/// <summary>
/// DetainerGraph's own traces and metrics, under the name <c>DetainerGraph</c> (the <see cref="ActivitySource"/>
/// and the <see cref="Meter"/>). They cost next to nothing while nobody listens; OpenTelemetry exports them only
/// when an OTLP endpoint is configured (<see cref="OperabilityServiceExtensions"/>).
/// </summary>
public sealed partial class DetainerGraphTelemetry
{
    public const string Name = "DetainerGraph";

    /// <summary>Static, as .NET advises for sources: listeners subscribe by name.</summary>
    public static readonly ActivitySource ActivitySource = new(Name);

    private readonly Histogram<double> _requestDuration;
    private readonly Counter<long> _errors;
    private readonly Histogram<int> _sqlStatements;
    private readonly Histogram<double> _searchDuration;
    private readonly ILogger _requestLog;

    public DetainerGraphTelemetry(IMeterFactory meters, ILoggerFactory loggers)
    {
        // A meter from the DI factory belongs to this host: two servers in one process (tests) do not mix figures.
        var meter = meters.Create(Name);
        _requestDuration = meter.CreateHistogram<double>("detainergraph.graphql.request.duration", "s",
            "Time to execute one GraphQL operation (one item of a batch), from parsing to the result.");
        _errors = meter.CreateCounter<long>("detainergraph.graphql.errors", "{error}",
            "GraphQL errors, by code; error.kind is 'resolver' for errors raised while resolving a field, 'request' otherwise.");
        _sqlStatements = meter.CreateHistogram<int>("detainergraph.graphql.sql_statements", "{statement}",
            "SQL statements one GraphQL operation sent to the database.");
        _searchDuration = meter.CreateHistogram<double>("detainergraph.search.duration", "s",
            "Time of one call to the search engine, by operation (search, count, index, delete, rebuild) and outcome.");
        _requestLog = loggers.CreateLogger("DetainerGraph.Requests");
    }

    /// <summary>Starts observing one GraphQL operation; complete it with <see cref="RequestObservation.Complete"/>.</summary>
    public RequestObservation StartRequest(string? operationName) => new(this, operationName);

    /// <summary>Times one call to the search engine, with a span and the <c>detainergraph.search.duration</c> histogram.</summary>
    public async Task<T> ObserveSearchAsync<T>(string operation, Func<Task<T>> call)
    {
        using var activity = ActivitySource.StartActivity("search " + operation, ActivityKind.Client);
        activity?.SetTag("search.operation", operation);
        var started = Stopwatch.GetTimestamp();
        var outcome = "ok";
        try
        {
            return await call();
        }
        catch (Exception e)
        {
            outcome = e is OperationCanceledException ? "cancelled" : "error";
            activity?.SetStatus(ActivityStatusCode.Error, e.GetType().Name);
            throw;
        }
        finally
        {
            _searchDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>("search.operation", operation),
                new KeyValuePair<string, object?>("outcome", outcome));
        }
    }

    /// <summary>
    /// One GraphQL operation being executed: a span (<c>graphql.request</c>) while it runs, then the metrics and
    /// one log line. The log carries the operation's name, type, outcome, duration, error count and codes and the
    /// number of SQL statements: never the variables or the document, which may hold what users searched for.
    /// </summary>
    public sealed class RequestObservation : IDisposable
    {
        private readonly DetainerGraphTelemetry _telemetry;
        private readonly string? _operationName;
        private readonly Activity? _activity;
        private readonly long _started = Stopwatch.GetTimestamp();
        private bool _completed;

        internal RequestObservation(DetainerGraphTelemetry telemetry, string? operationName)
        {
            _telemetry = telemetry;
            _operationName = operationName;
            _activity = ActivitySource.StartActivity("graphql.request", ActivityKind.Internal);
        }

        public void Complete(ExecutionResult result, int sqlStatements)
        {
            if (_completed)
            {
                return;
            }
            _completed = true;
            var elapsed = Stopwatch.GetElapsedTime(_started);
            // The executed operation's name is a valid GraphQL name; the requested one is client text, so it is cut
            // short and its control characters escaped (a newline would start a forged log record).
            var name = result.Operation?.Name?.StringValue
                ?? LogText.EscapeOrNull(_operationName is { Length: > 100 } text ? text[..100] : _operationName);
            var type = result.Operation?.Operation switch
            {
                OperationType.Query => "query",
                OperationType.Mutation => "mutation",
                OperationType.Subscription => "subscription",
                _ => "unknown",
            };
            var errors = result.Errors ?? [];
            var outcome = !result.Executed ? "rejected"
                : errors.Any(e => e.Code == "TIMEOUT") ? "timeout"
                : errors.Count > 0 ? "errors"
                : "ok";

            var tags = new TagList { { "graphql.operation.type", type }, { "outcome", outcome } };
            _telemetry._requestDuration.Record(elapsed.TotalSeconds, tags);
            _telemetry._sqlStatements.Record(sqlStatements, new KeyValuePair<string, object?>("graphql.operation.type", type));
            foreach (var error in errors)
            {
                _telemetry._errors.Add(1,
                    new KeyValuePair<string, object?>("error.code", error.Code ?? "UNKNOWN"),
                    new KeyValuePair<string, object?>("error.kind", error.Path is null ? "request" : "resolver"));
            }

            if (_activity is { } activity)
            {
                activity.DisplayName = name is null ? "graphql " + type : $"graphql {type} {name}";
                activity.SetTag("graphql.operation.name", name);
                activity.SetTag("graphql.operation.type", type);
                activity.SetTag("graphql.outcome", outcome);
                activity.SetTag("graphql.errors", errors.Count);
                activity.SetTag("db.statements", sqlStatements);
                if (outcome != "ok")
                {
                    activity.SetStatus(ActivityStatusCode.Error, outcome);
                }
            }

            var codes = errors.Count == 0 ? "" : string.Join(',', errors.Select(e => e.Code ?? "UNKNOWN").Distinct());
            LogRequest(_telemetry._requestLog, type, name ?? "(anonymous)", outcome, elapsed.TotalMilliseconds, errors.Count, codes, sqlStatements);
        }

        public void Dispose() => _activity?.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "GraphQL {OperationType} {OperationName}: {Outcome} in {ElapsedMilliseconds:0.0} ms, {ErrorCount} errors [{ErrorCodes}], {SqlStatements} SQL statements")]
    private static partial void LogRequest(ILogger logger, string operationType, string operationName, string outcome,
        double elapsedMilliseconds, int errorCount, string errorCodes, int sqlStatements);
}
