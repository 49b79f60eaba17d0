using System.Linq.Expressions;
using System.Reflection;
using GraphQL;
using GraphQL.Builders;
using GraphQL.Types;

namespace DetainerGraph.Api.Filtering;

/// <summary>
/// How a list of <typeparamref name="T"/> is filtered, sorted and paged, declared once per entity: every field that
/// lists it is declared and resolved by <see cref="Field"/>, so its <c>where</c>, <c>order</c> and paging arguments
/// and the way they are applied cannot drift apart. <paramref name="tieBreaker"/> is the unique key that ends every order.
/// <paramref name="readApart"/> names the nullable columns whose rows with a value and rows without one a page ordered by
/// the column reads apart, each run from an index of its own (<see cref="KeysetOrder{T}.SplitsMissing"/>): only columns
/// whose indexes are built for it, filtered to one run or the other.
/// </summary>
public sealed class ListOf<TNodeGraphType, T, TFilter, TSort, TKey>(Expression<Func<T, TKey>> tieBreaker, IReadOnlySet<PropertyInfo>? readApart = null)
    where TNodeGraphType : IGraphType
    where TFilter : FilterInputGraphType<T, TFilter>, new()
    where TSort : SortInputGraphType<T, TSort>, new()
{
    /// <summary>
    /// Declares the connection field <paramref name="name"/> on <paramref name="type"/> over <paramref name="items"/>:
    /// the <c>where</c> filter, then <paramref name="split"/> (what is shown and what is left out but counted), then
    /// the <c>order</c> (or <paramref name="defaultOrder"/>), then the page, by keyset (<see cref="KeysetPaging"/>). <paramref name="rowsRead"/>, when given, may
    /// narrow the page's rows (a projection) to the columns the request's selection needs (counts always see the whole query).
    /// Arguments of the field's own may follow.
    /// </summary>
    public FieldBuilder<TSource, object> Field<TSource>(
        ObjectGraphType<TSource> type,
        string name,
        string description,
        Func<IResolveFieldContext<TSource>, IQueryable<T>> items,
        Func<IQueryable<T>, IOrderedQueryable<T>>? defaultOrder = null,
        Func<IResolveFieldContext<TSource>, IQueryable<T>, (IQueryable<T> Shown, IQueryable<T>? Excluded)>? split = null,
        Func<IResolveFieldContext<TSource>, Expression<Func<T, T>>?>? rowsRead = null) =>
        type.Field<ConnectionGraphType<TNodeGraphType, T>>(name)
            .Description(description)
            .WithPagingArguments()
            .WithFilterAndSort<TSource, object, TFilter, TSort>()
            .ResolveAsync(async c =>
            {
                var matching = items(c).Filtered<T, TFilter>(c);
                var (shown, excluded) = split?.Invoke(c, matching) ?? (matching, null);
                return await shown.Sorted<T, TSort, TKey>(c, tieBreaker, defaultOrder).ToKeysetConnectionAsync(c, excluded, rowsRead?.Invoke(c), readApart);
            });
}
