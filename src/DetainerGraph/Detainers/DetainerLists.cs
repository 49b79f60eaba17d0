using System.Linq.Expressions;
using System.Reflection;
using DetainerGraph.Api;
using DetainerGraph.Api.Filtering;
using DetainerGraph.Corrections;
using DetainerGraph.Data;
using GraphQL;
using GraphQL.Builders;
using GraphQL.Types;

namespace DetainerGraph.Detainers;

/// <summary>Every field that lists detainers (the root list, and those of a jurisdiction, facility, week and weekly report).</summary>
public static class DetainerLists
{
    /// <summary>
    /// The column whose rows with a value and rows without one a page ordered by it reads apart
    /// (<see cref="KeysetOrder{T}.SplitsMissing"/>): <c>issuedOnOrAfter</c>, whose indexes hold one run each
    /// (Data/Configurations/DetainerConfiguration.cs), so that no index gives both at once. Any other date's page is one
    /// read: issuedOn's indexes hold every row in the page's order, and a split would cost a second statement whenever the
    /// dated rows do not fill the page.
    /// </summary>
    internal static readonly IReadOnlySet<PropertyInfo> ReadApart = KeysetOrder<Detainer>.Columns(d => d.IssuedOnOrAfter);

    private static readonly ListOf<DetainerGraphType, Detainer, DetainerFilterInputGraphType, DetainerSortInputGraphType, long> Detainers = new(d => d.Id, ReadApart);

    /// <summary>
    /// Declares a detainer connection field: the detainers <paramref name="scope"/> selects (all of them when null),
    /// without retracted ones unless <c>includeRetracted</c>, and published ones only unless <c>includeSynthetic</c>
    /// (or <paramref name="excludesSynthetic"/>, for a field whose parent decides: then it has no argument of its own).
    /// </summary>
    public static FieldBuilder<TSource, object> DetainerListField<TSource>(
        this ObjectGraphType<TSource> type,
        string name,
        string description,
        Func<IResolveFieldContext<TSource>, Expression<Func<Detainer, bool>>>? scope = null,
        Func<IQueryable<Detainer>, IOrderedQueryable<Detainer>>? defaultOrder = null,
        Func<IResolveFieldContext<TSource>, bool>? excludesSynthetic = null)
    {
        var field = Detainers.Field(type, name, description,
                c => scope is null ? c.Db().Detainers.ExceptRetractedUnlessAsked(c) : c.Db().Detainers.ExceptRetractedUnlessAsked(c).Where(scope(c)),
                defaultOrder,
                (c, matching) => matching.SplitSynthetic(excludesSynthetic?.Invoke(c) ?? c.ExcludesSynthetic()),
                DetainerPageColumns.For)
            .WithIncludeRetracted("detainers");
        return excludesSynthetic is null ? field.WithIncludeSynthetic("detainers") : field;
    }
}
