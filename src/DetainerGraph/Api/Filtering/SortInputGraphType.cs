using System.Linq.Expressions;
using System.Reflection;
using GraphQL.Types;

namespace DetainerGraph.Api.Filtering;

public enum SortDirection
{
    Asc,
    Desc,
}

public sealed class SortEnumGraphType : EnumerationGraphType<SortDirection>
{
    public SortEnumGraphType()
    {
        Name = "SortEnumType";
        Description = "A sort direction.";
        Values["ASC"]!.Description = "Ascending: A to Z, oldest first, missing values first.";
        Values["DESC"]!.Description = "Descending: Z to A, newest first, missing values last.";
    }
}

/// <summary>
/// A HotChocolate-style <c>order</c> input over <typeparamref name="T"/>: <c>order: [{ issuedOn: DESC }, { jurisdiction: { name: ASC } }]</c>.
/// Keys apply in list order; the caller adds a unique key last so that paging is deterministic.
/// </summary>
public abstract class SortInputGraphType<T, TSelf> : InputObjectGraphType
    where TSelf : SortInputGraphType<T, TSelf>, new()
{
    private static TSelf? _instance;
    private readonly Dictionary<string, Func<Expression, object, IEnumerable<(Expression Key, bool Descending)>>> _fields = new(StringComparer.Ordinal);

    protected SortInputGraphType(string name, string description)
    {
        Name = name;
        Description = description + " Give one field per list item to say which key comes first.";
    }

    private static TSelf Instance => _instance ??= new TSelf();

    /// <summary>Orders <paramref name="query"/> by the given keys, then by <paramref name="tieBreaker"/>.</summary>
    public static IOrderedQueryable<T> Apply<TKey>(IQueryable<T> query, IEnumerable<object?>? order, Expression<Func<T, TKey>> tieBreaker)
    {
        var parameter = Expression.Parameter(typeof(T), "x");
        var keys = (order ?? []).OfType<IDictionary<string, object?>>().SelectMany(o => Keys(parameter, o)).ToList();
        var ordered = query.Expression;
        var first = true;
        foreach (var (key, descending) in keys)
        {
            ordered = OrderCall(ordered, Expression.Lambda(key, parameter), first, descending);
            first = false;
        }
        ordered = OrderCall(ordered, tieBreaker, first, descending: false);
        return (IOrderedQueryable<T>)query.Provider.CreateQuery<T>(ordered);
    }

    internal static IEnumerable<(Expression, bool)> Keys(Expression target, IDictionary<string, object?> input)
    {
        foreach (var (field, value) in input)
        {
            if (value is null)
            {
                continue;
            }
            var keys = Instance._fields.GetValueOrDefault(field) ?? throw FilterErrors.Invalid($"`{field}` cannot be sorted on.");
            foreach (var key in keys(target, value))
            {
                yield return key;
            }
        }
    }

    protected void Key<TKey>(string name, Expression<Func<T, TKey>> key, string description)
    {
        Field<SortEnumGraphType>(name).Description(description);
        _fields[name] = (target, value) => [(Expressions.Inline(key, target), (SortDirection)value == SortDirection.Desc)];
    }

    protected void Object<TOther, TOtherSort>(string name, Expression<Func<T, TOther?>> navigation, string description)
        where TOther : class
        where TOtherSort : SortInputGraphType<TOther, TOtherSort>, new()
    {
        Field<TOtherSort>(name).Description(description);
        _fields[name] = (target, value) =>
            SortInputGraphType<TOther, TOtherSort>.Keys(Expressions.Inline(navigation, target), (IDictionary<string, object?>)value);
    }

    private static MethodCallExpression OrderCall(Expression source, LambdaExpression key, bool first, bool descending)
    {
        var method = (first, descending) switch
        {
            (true, false) => OrderMethods.OrderBy,
            (true, true) => OrderMethods.OrderByDescending,
            (false, false) => OrderMethods.ThenBy,
            (false, true) => OrderMethods.ThenByDescending,
        };
        return Expression.Call(method.MakeGenericMethod(typeof(T), key.ReturnType), source, Expression.Quote(key));
    }
}

/// <summary>
/// The generic definitions of <see cref="Queryable"/>'s four ordering methods (the overloads without a comparer),
/// found once: looking a method up by name on every request searched all of <see cref="Queryable"/>'s methods.
/// </summary>
internal static class OrderMethods
{
    public static readonly MethodInfo OrderBy = Definition<IQueryable<object>, IOrderedQueryable<object>>(Queryable.OrderBy);
    public static readonly MethodInfo OrderByDescending = Definition<IQueryable<object>, IOrderedQueryable<object>>(Queryable.OrderByDescending);
    public static readonly MethodInfo ThenBy = Definition<IOrderedQueryable<object>, IOrderedQueryable<object>>(Queryable.ThenBy);
    public static readonly MethodInfo ThenByDescending = Definition<IOrderedQueryable<object>, IOrderedQueryable<object>>(Queryable.ThenByDescending);

    private static MethodInfo Definition<TSource, TResult>(Func<TSource, Expression<Func<object, object>>, TResult> method)
        where TSource : IQueryable<object> =>
        method.Method.GetGenericMethodDefinition();
}
