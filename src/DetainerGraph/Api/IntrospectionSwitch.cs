using GraphQL;
using GraphQL.Validation;
using GraphQLParser.AST;

namespace DetainerGraph.Api;

/// <summary>
/// Refuses <c>__schema</c> and <c>__type</c> (<c>INTROSPECTION_DISABLED</c>) when <c>GraphQL:EnableIntrospection</c> is false;
/// <c>__typename</c> stays, since clients need it to read unions.
/// </summary>
public sealed class IntrospectionSwitch(GraphQLServerOptions options) : ValidationRuleBase
{
    public const string DisabledCode = "INTROSPECTION_DISABLED";

    private static readonly MatchingNodeVisitor<GraphQLField> Visitor = new((field, context) =>
    {
        if (field.Name.Value == "__schema" || field.Name.Value == "__type")
        {
            context.ReportError(new ValidationError(context.Document.Source, null,
                "Introspection is turned off on this server (GraphQL:EnableIntrospection).", field)
            { Code = DisabledCode });
        }
    });

    /// <summary>Whether the rule refuses anything: false while introspection is on, when it has nothing to check.</summary>
    public bool Refuses => !options.EnableIntrospection;

    public override ValueTask<INodeVisitor?> GetPreNodeVisitorAsync(ValidationContext context) =>
        new(Refuses ? Visitor : null);
}
