using System.Linq.Expressions;
using DetainerGraph.Api;
using DetainerGraph.Data;
using GraphQL;
using GraphQLParser.AST;

namespace DetainerGraph.Detainers;

/// <summary>
/// Reads a page of detainers with only the columns its selection needs, when that selection is one of the common
/// narrow ones (an ID, dates, outcome, form and facility: the shape of a list page). Every other selection reads the
/// whole row, as before. The narrow row is a <see cref="Detainer"/> whose other properties are left at their
/// defaults, so this applies only when no selected field could read them: every field of the node is named in
/// <see cref="NarrowFields"/> and is written directly (no fragment, which could select anything), both under
/// <c>nodes</c> and under <c>edges { node }</c>. Counts never see the projection.
/// </summary>
public static class DetainerPageColumns
{
    /// <summary>The Detainer fields answered from the narrow row, and nothing else (each reads only the columns of <see cref="Narrow"/>).</summary>
    public static readonly IReadOnlySet<string> NarrowFields = new HashSet<string>(StringComparer.Ordinal)
    {
        "__typename", "id", "isSynthetic", "retracted", "issuedOn", "issuedOnOrAfter", "outcome", "detainerType", "facility",
    };

    /// <summary>The narrow row: the columns every field of <see cref="NarrowFields"/> reads, the other properties left at their defaults.</summary>
    public static readonly Expression<Func<Detainer, Detainer>> Narrow = d => new Detainer
    {
        Id = d.Id,
        IsSynthetic = d.IsSynthetic,
        Retracted = d.Retracted,
        IssuedOn = d.IssuedOn,
        IssuedOnOrAfter = d.IssuedOnOrAfter,
        Outcome = d.Outcome,
        DetainerType = d.DetainerType,
        FacilityId = d.FacilityId,
    };

    /// <summary>The narrow read when the connection field's selection allows it, else null (the whole row).</summary>
    public static Expression<Func<Detainer, Detainer>>? For(IResolveFieldContext context) =>
        context.FieldAst?.SelectionSet is { } connection && Paging.EveryNodeSelection(connection, NodeIsNarrow) ? Narrow : null;

    /// <summary>Whether a detainer's selection names only <see cref="NarrowFields"/>, each directly (no fragment).</summary>
    public static bool NodeIsNarrow(GraphQLSelectionSet? node)
    {
        foreach (var selection in node?.Selections ?? [])
        {
            if (selection is not GraphQLField field || !NarrowFields.Contains(field.Name.StringValue))
            {
                return false;
            }
        }
        return true;
    }
}
