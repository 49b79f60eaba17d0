using GraphQL;
using GraphQL.DI;
using GraphQLParser.AST;

namespace DetainerGraph.Corrections;

/// <summary>
/// Refuses a mutation operation as a whole when its caller is not an editor: one error and one audit line per
/// operation, however many mutation fields it holds (without it, 1,500 aliased mutations wrote 1,500 audit
/// lines). Runs once the document is parsed (after <see cref="Api.DocumentLimits"/>) and before validation, so an
/// anonymous caller learns nothing about the mutation's inputs. Each field still checks the token itself.
/// </summary>
public sealed class MutationGate : IConfigureExecution
{
    /// <summary>The action an operation-level refusal is audit-logged under.</summary>
    public const string Action = "mutation";

    // After DocumentLimits (250), which parses the text and sets options.Document; cached documents arrive parsed.
    public float SortOrder => 275;

    public async Task<ExecutionResult> ExecuteAsync(ExecutionOptions options, ExecutionDelegate next)
    {
        if (options.Document is not { } document || options.RequestServices is not { } services
            || SelectedOperation(document, options.OperationName) is not { Operation: OperationType.Mutation } operation)
        {
            return await next(options);
        }
        try
        {
            await EditorAuthorization.RequireEditorAsync(services);
        }
        catch (ExecutionError e)
        {
            services.GetRequiredService<CorrectionAudit>().Refused(Action, e.Code ?? "", null);
            return new ExecutionResult { Executed = true, Operation = operation, Errors = [e] };
        }
        return await next(options);
    }

    /// <summary>The operation that would run, or null when the name matches none (or several are unnamed): execution reports that.</summary>
    private static GraphQLOperationDefinition? SelectedOperation(GraphQLDocument document, string? operationName)
    {
        var operations = document.Definitions.OfType<GraphQLOperationDefinition>().ToList();
        return operationName is null
            ? operations.Count == 1 ? operations[0] : null
            : operations.FirstOrDefault(o => o.Name?.StringValue == operationName);
    }
}
