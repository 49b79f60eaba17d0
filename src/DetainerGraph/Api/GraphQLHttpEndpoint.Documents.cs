using GraphQL;
using GraphQL.PersistedDocuments;
using GraphQLParser.AST;

namespace DetainerGraph.Api;

/// <summary>
/// Persisted and trusted documents, as far as reading the request goes: a request may name its document
/// (<c>documentId</c>, or an automatic persisted query's hash) instead of sending it, and a trusted document is
/// judged by its text like a query.
/// </summary>
public sealed partial class GraphQLHttpEndpoint
{
    /// <summary>Whether the request carries a document: its text, a trusted document's ID or a persisted query's hash.</summary>
    private static bool HasDocument(string? query, string? documentId, Inputs? extensions) =>
        query is not null || documentId is not null || AutomaticPersistedQueries.IsPersistedQuery(extensions);

    /// <summary>The text of the document a request would run, when it sends it or names a trusted one.</summary>
    private static string? DocumentText(HttpContext http, string? query, string? documentId) =>
        query ?? (documentId is { } id ? (http.RequestServices.GetService<IPersistedDocumentLoader>() as TrustedDocumentStore)?.Find(id) : null);

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
}
