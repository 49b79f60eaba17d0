using DetainerGraph.Data;
using GraphQL;
using GraphQL.DI;
using GraphQL.Execution;
using GraphQL.Validation;
using GraphQLParser.AST;

namespace DetainerGraph.Api;

/// <summary>
/// What a client may learn when something goes wrong inside, whether it may read the schema, and how large a
/// document may be (<see cref="DocumentLimits"/>):
/// <list type="bullet">
/// <item>An unexpected exception in a resolver is logged whole and answered, outside Development, with a
/// fixed message and <c>INTERNAL_SERVER_ERROR</c>: no exception text, type-derived code or stack trace names the
/// engine behind it.</item>
/// <item>A write that finds SQLite busy past its wait (another process importing) is <c>DATABASE_BUSY</c>, so a
/// client knows to retry.</item>
/// <item>With <c>GraphQL:EnableIntrospection=false</c>, <c>__schema</c> and <c>__type</c> are refused
/// (<c>INTROSPECTION_DISABLED</c>); <c>__typename</c> stays, since clients need it to read unions.</item>
/// </list>
/// </summary>
public static partial class ErrorPolicy
{
    public const string InternalErrorCode = HttpLimits.InternalErrorCode;
    public const string DatabaseBusyCode = "DATABASE_BUSY";
    public const string IntrospectionDisabledCode = "INTROSPECTION_DISABLED";

    public static IGraphQLBuilder AddRequestGuards(this IGraphQLBuilder builder, IHostEnvironment environment)
    {
        builder.ConfigureExecution(_ => new DocumentLimits());
        var development = environment.IsDevelopment();
        builder.AddUnhandledExceptionHandler(context =>
        {
            var services = context.ExecutionOptions.RequestServices;
            var logger = services?.GetService<ILoggerFactory>()?.CreateLogger(typeof(ErrorPolicy).FullName!);
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
        builder.AddValidationRule<IntrospectionSwitch>(useForCachedDocuments: true, GraphQL.DI.ServiceLifetime.Singleton);
        return builder;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception resolving {Field}")]
    private static partial void LogUnhandled(ILogger logger, string field, Exception exception);
}

/// <summary>Refuses <c>__schema</c> and <c>__type</c> when <c>GraphQL:EnableIntrospection</c> is false.</summary>
public sealed class IntrospectionSwitch(GraphQLServerOptions options) : ValidationRuleBase
{
    private static readonly MatchingNodeVisitor<GraphQLField> Visitor = new((field, context) =>
    {
        if (field.Name.Value == "__schema" || field.Name.Value == "__type")
        {
            context.ReportError(new ValidationError(context.Document.Source, null,
                "Introspection is turned off on this server (GraphQL:EnableIntrospection).", field)
            { Code = ErrorPolicy.IntrospectionDisabledCode });
        }
    });

    public override ValueTask<INodeVisitor?> GetPreNodeVisitorAsync(ValidationContext context) =>
        new(options.EnableIntrospection ? null : Visitor);
}
