using DetainerGraph.Data;
using GraphQL;
using GraphQL.DI;
using GraphQL.Execution;

namespace DetainerGraph.Api;

/// <summary>
/// What a client learns when something goes wrong inside a GraphQL operation:
/// <list type="bullet">
/// <item>An unexpected exception in a resolver is logged whole and answered, outside Development, with a
/// fixed message and <c>INTERNAL_SERVER_ERROR</c>: no exception text, type-derived code or stack trace names the
/// engine behind it.</item>
/// <item>A write that finds SQLite busy past its wait (another process importing) is <c>DATABASE_BUSY</c>, so a
/// client knows to retry.</item>
/// <item>A statement stopped by the execution timeout is <c>TIMEOUT</c>, and is not logged as a failure.</item>
/// </list>
/// </summary>
public static partial class ErrorReporting
{
    public const string InternalErrorCode = HttpProtection.InternalErrorCode;
    public const string DatabaseBusyCode = "DATABASE_BUSY";

    /// <summary>Installs the unhandled-exception handler that turns failures into the coded errors above.</summary>
    public static IGraphQLBuilder AddErrorReporting(this IGraphQLBuilder builder, IHostEnvironment environment)
    {
        var development = environment.IsDevelopment();
        builder.AddUnhandledExceptionHandler(context =>
        {
            var services = context.ExecutionOptions.RequestServices;
            var logger = services?.GetService<ILoggerFactory>()?.CreateLogger(typeof(ErrorReporting).FullName!);
            var original = context.OriginalException;
            var stopped = SqliteInterrupt.IsInterrupt(original) && context.ExecutionOptions.CancellationToken.IsCancellationRequested;
            if (logger is not null && !stopped)
            {
                LogUnhandled(logger, context.FieldContext?.FieldDefinition.Name ?? "(document)", original);
            }
            if (stopped)
            {
                // A statement stopped by the execution timeout (or the client leaving), not a failure.
                context.Exception = new ExecutionError("The operation ran longer than the execution timeout and was stopped.") { Code = "TIMEOUT" };
            }
            else if (StoreBusy.Is(original))
            {
                context.Exception = new ExecutionError("The database is busy with another write; retry shortly.") { Code = DatabaseBusyCode };
            }
            else if (!development)
            {
                context.Exception = new ExecutionError(context.FieldContext is { } field
                    ? $"The server failed to resolve field '{field.FieldDefinition.Name}'."
                    : "The server failed to run this operation.")
                { Code = InternalErrorCode };
            }
        });
        return builder;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception resolving {Field}")]
    private static partial void LogUnhandled(ILogger logger, string field, Exception exception);
}
