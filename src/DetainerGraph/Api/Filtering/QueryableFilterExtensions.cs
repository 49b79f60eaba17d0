using System.Linq.Expressions;
using GraphQL;
using GraphQL.Builders;
using GraphQL.Types;

namespace DetainerGraph.Api.Filtering;

public static class QueryableFilterExtensions
{
    /// <summary>Adds <c>where</c> and <c>order</c> arguments of the given input types to a list field.</summary>
    public static FieldBuilder<TSource, TReturn> WithFilterAndSort<TSource, TReturn, TFilter, TSort>(this FieldBuilder<TSource, TReturn> field)
        where TFilter : InputObjectGraphType
        where TSort : InputObjectGraphType =>
        field
            .Argument<TFilter>("where", "Only the items that match these conditions.")
            .Argument<ListGraphType<NonNullGraphType<TSort>>>("order", "The sort keys, most significant first. Ties are broken by a unique key, so pages are stable.");

    /// <summary>Applies the field's <c>where</c> argument, checked by <see cref="FilterLimits"/> and translated to SQL.</summary>
    public static IQueryable<T> Filtered<T, TFilter>(this IQueryable<T> query, IResolveFieldContext context)
        where TFilter : FilterInputGraphType<T, TFilter>, new()
    {
        if (context.GetArgument<Dictionary<string, object?>?>("where") is not { Count: > 0 } where)
        {
            return query;
        }
        return query.Where(FilterInputGraphType<T, TFilter>.ToPredicate(where));
    }

    /// <summary>
    /// Applies the field's <c>order</c> argument and then the unique <paramref name="tieBreaker"/>; without
    /// one, <paramref name="defaultOrder"/> (which must end in a unique key) or the tie-breaker alone.
    /// </summary>
    public static IOrderedQueryable<T> Sorted<T, TSort, TKey>(
        this IQueryable<T> query,
        IResolveFieldContext context,
        Expression<Func<T, TKey>> tieBreaker,
        Func<IQueryable<T>, IOrderedQueryable<T>>? defaultOrder = null)
        where TSort : SortInputGraphType<T, TSort>, new()
    {
        var order = context.GetArgument<object?>("order") as IEnumerable<object?>;
        if (order is not null)
        {
            FilterLimits.CheckOrder(order);
        }
        return order is null || !order.Any() && defaultOrder is not null
            ? defaultOrder?.Invoke(query) ?? query.OrderBy(tieBreaker)
            : SortInputGraphType<T, TSort>.Apply(query, order, tieBreaker);
    }
}
