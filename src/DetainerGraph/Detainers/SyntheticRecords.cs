using DetainerGraph.Data;
using GraphQL;
using GraphQL.Builders;
using GraphQL.Types;

namespace DetainerGraph.Detainers;

/// <summary>
/// Published by default: every field that lists or counts detainers or charges answers from published
/// (non-synthetic) sources unless the query asks for the generated demo too, with <c>includeSynthetic: true</c>
/// or a condition on <c>sourceKind</c> in its <c>where</c>. Where synthetic records matched but were left out,
/// the answer's <c>syntheticExcluded</c> says how many. <c>node</c>, <c>nodes</c> and <c>detainer(id:)</c> return any
/// record asked for by ID, marked <c>isSynthetic</c>.
/// </summary>
public static class SyntheticRecords
{
    public const string IncludeSynthetic = "includeSynthetic";

    /// <summary>The description of every <c>syntheticExcluded</c> field.</summary>
    public const string ExcludedDescription =
        "How many synthetic (generated demo) records matched but were left out, because answers come from published sources only by default; " +
        "null when they were included. Pass `includeSynthetic: true`, or filter on `sourceKind`, to include them.";

    /// <summary>Adds <c>includeSynthetic: Boolean = false</c> to a field that lists or counts detainers or charges.</summary>
    public static FieldBuilder<TSource, TReturn> WithIncludeSynthetic<TSource, TReturn>(this FieldBuilder<TSource, TReturn> field, string what) =>
        field.Argument<BooleanGraphType>(IncludeSynthetic,
            $"Whether to include {what} from synthetic sources (the generated demo) too. By default only published sources answer, " +
            "and `syntheticExcluded` says how many synthetic ones were left out. A condition on `sourceKind` in `where` also includes them, as it says.",
            a => a.DefaultValue = false);

    /// <summary>
    /// Whether this field leaves synthetic records out: unless it has <c>includeSynthetic: true</c> or its <c>where</c>
    /// names <c>sourceKind</c> anywhere (then that condition decides).
    /// </summary>
    public static bool ExcludesSynthetic(this IResolveFieldContext context) =>
        !context.GetArgument(IncludeSynthetic, false)
        && !NamesSourceKind(context.GetArgument<Dictionary<string, object?>?>("where"));

    /// <summary>
    /// The published part of <paramref name="matching"/> when <paramref name="exclude"/>, with the query that counts
    /// what was left out; otherwise all of it and no count.
    /// </summary>
    public static (IQueryable<Detainer> Shown, IQueryable<Detainer>? Excluded) SplitSynthetic(this IQueryable<Detainer> matching, bool exclude) =>
        exclude ? (matching.Where(d => !d.IsSynthetic), matching.Where(d => d.IsSynthetic)) : (matching, null);

    /// <summary>
    /// Whether the field's selection asks for <c>syntheticExcluded</c> directly or through fragments, so that the
    /// count of what was left out is computed only when read (stats and report totals have no lazy field of their own).
    /// </summary>
    public static bool SelectsSyntheticExcluded(this IResolveFieldContext context)
    {
        var fragments = context.Document.Definitions.OfType<GraphQLParser.AST.GraphQLFragmentDefinition>()
            .GroupBy(f => f.FragmentName.Name.StringValue).ToDictionary(g => g.Key, g => g.First());
        return Selects(context.FieldAst.SelectionSet, fragments, 0);
    }

    private static bool Selects(GraphQLParser.AST.GraphQLSelectionSet? set, Dictionary<string, GraphQLParser.AST.GraphQLFragmentDefinition> fragments, int depth) =>
        set is not null && depth < 10 && set.Selections.Any(selection => selection switch
        {
            GraphQLParser.AST.GraphQLField field => field.Name.StringValue == "syntheticExcluded",
            GraphQLParser.AST.GraphQLInlineFragment inline => Selects(inline.SelectionSet, fragments, depth + 1),
            GraphQLParser.AST.GraphQLFragmentSpread spread => !fragments.TryGetValue(spread.FragmentName.Name.StringValue, out var fragment)
                || Selects(fragment.SelectionSet, fragments, depth + 1),
            _ => true,
        });

    private static bool NamesSourceKind(object? where) => where switch
    {
        IDictionary<string, object?> map => map.Any(p => p.Key == "sourceKind" && p.Value is not null || NamesSourceKind(p.Value)),
        string => false,
        IEnumerable<object?> list => list.Any(NamesSourceKind),
        _ => false,
    };
}
