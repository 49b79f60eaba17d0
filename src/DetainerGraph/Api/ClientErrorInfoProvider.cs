using GraphQL;
using GraphQL.Execution;

namespace DetainerGraph.Api;

/// <summary>
/// How every error is written into a response (GraphQL's own, ours, and the HTTP endpoint's and the export's, which are
/// written by the same serializer):
/// <list type="bullet">
/// <item>the message with its quotes of client text cut (<see cref="ClientText.BoundMessage"/>), GraphQL.NET's included;</item>
/// <item><c>extensions.code</c> one of the codes this API documents: GraphQL.NET names a code after the .NET exception
/// behind an error (<c>INVALID_OPERATION</c>, <c>FORMAT</c>, <c>OVERFLOW</c>...), which says nothing a client can act on
/// and names the engine's internals, so such a code is <c>INTERNAL_SERVER_ERROR</c> (only an unexpected failure has
/// one: client mistakes are coded where they are found);</item>
/// <item><c>extensions.codes</c> that code alone: GraphQL.NET lists the names of the inner exceptions there (an
/// <c>INVALID_VALUE</c> variable error listed <c>FORMAT</c> or <c>INVALID_OPERATION</c> after it).</item>
/// </list>
/// </summary>
public sealed class ClientErrorInfoProvider(ErrorInfoProviderOptions options) : ErrorInfoProvider(options)
{
    public override ErrorInfo GetInfo(ExecutionError executionError)
    {
        var info = base.GetInfo(executionError);
        info.Message = ClientText.BoundMessage(info.Message);
        var code = DocumentedCode(executionError);
        info.Extensions ??= new Dictionary<string, object?>();
        info.Extensions["code"] = code;
        info.Extensions["codes"] = new[] { code };
        return info;
    }

    /// <summary>
    /// The error's code, unless it has none or GraphQL.NET derived it from the type of an exception that is not GraphQL's
    /// own: a parse error's <c>SYNTAX_ERROR</c> is named after GraphQL's syntax exception, and stays.
    /// </summary>
    private static string DocumentedCode(ExecutionError error) =>
        error.Code is { Length: > 0 } code && !(error.InnerException is { } inner && code == GetErrorCode(inner) && !IsGraphQLs(inner))
            ? code
            : HttpProtection.InternalErrorCode;

    /// <summary>Whether the exception is one of GraphQL.NET's or its parser's (their namespaces start with GraphQL).</summary>
    private static bool IsGraphQLs(Exception exception) =>
        exception.GetType().Namespace?.StartsWith("GraphQL", StringComparison.Ordinal) == true;
}
