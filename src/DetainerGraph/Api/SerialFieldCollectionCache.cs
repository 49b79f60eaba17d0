using System.Runtime.CompilerServices;
using GraphQL.Execution;
using GraphQL.Types;
using GraphQLParser.AST;
using ExecutionContext = GraphQL.Execution.ExecutionContext;

namespace DetainerGraph.Api;

/// <summary>
/// GraphQL.NET's serial execution strategy (resolvers one at a time: they share the request's DbContext), with one
/// change: the fields an object selects are collected once per request for each pair of object type and selection
/// set, not once per object. GraphQL.NET collects them again for every object of a list (every row of a 50-row page,
/// and every facility under it), walking the selection, its fragments and its <c>@skip</c>/<c>@include</c> each time.
/// Within one request the collection depends only on that pair: fragments, their type conditions and the directives'
/// values (<see cref="ExecutionContext.DirectiveValues"/>, computed from the request's variables before execution) are
/// fixed, so every object of the same type under the same selection gets the same fields in the same order, exactly as
/// before. Field merging (the same response name selected twice) builds its merged field once, and every object shares it.
/// </summary>
public sealed class SerialFieldCollectionCache : SerialExecutionStrategy
{
    // Per request: the context lives as long as its execution, and the table lets go of it (and its cache) after.
    private static readonly ConditionalWeakTable<ExecutionContext, Dictionary<(IGraphType Type, GraphQLSelectionSet Selection), (GraphQLField Field, FieldType Definition)[]>> Collected = [];

    protected override void SetSubFieldNodes(ExecutionContext context, ObjectExecutionNode parent)
    {
        var parentType = parent.GetObjectGraphType(context.Schema) ?? parent.GraphType;
        var selection = parent.SelectionSet!;
        var cache = Collected.GetValue(context, static _ => new(ReferencePairComparer.Instance));
        if (!cache.TryGetValue((parentType, selection), out var fields))
        {
            fields = [.. CollectFieldsFrom(context, parentType, selection, null).Values];
            cache[(parentType, selection)] = fields;
        }
        var nodes = new ExecutionNode[fields.Length];
        for (var i = 0; i < fields.Length; i++)
        {
            var (field, definition) = fields[i];
            nodes[i] = BuildExecutionNode(parent, definition.ResolvedType!, field, definition);
        }
        parent.SubFields = nodes;
    }

    private sealed class ReferencePairComparer : IEqualityComparer<(IGraphType Type, GraphQLSelectionSet Selection)>
    {
        public static readonly ReferencePairComparer Instance = new();

        public bool Equals((IGraphType Type, GraphQLSelectionSet Selection) x, (IGraphType Type, GraphQLSelectionSet Selection) y) =>
            ReferenceEquals(x.Type, y.Type) && ReferenceEquals(x.Selection, y.Selection);

        public int GetHashCode((IGraphType Type, GraphQLSelectionSet Selection) pair) =>
            HashCode.Combine(RuntimeHelpers.GetHashCode(pair.Type), RuntimeHelpers.GetHashCode(pair.Selection));
    }
}
