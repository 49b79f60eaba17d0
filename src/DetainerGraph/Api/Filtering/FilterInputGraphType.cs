using System.Linq.Expressions;
using System.Reflection;
using GraphQL.Types;

namespace DetainerGraph.Api.Filtering;

/// <summary>
/// A HotChocolate-style <c>where</c> input over entity <typeparamref name="T"/>. Each field is declared
/// with the member it filters, and the same declaration turns an input value into an expression tree
/// that EF Core translates to SQL. Nothing is filtered in memory.
/// </summary>
public abstract class FilterInputGraphType<T, TSelf> : InputObjectGraphType
    where TSelf : FilterInputGraphType<T, TSelf>, new()
{
    private static TSelf? _instance;
    private readonly Dictionary<string, Func<Expression, object?, Expression>> _fields = new(StringComparer.Ordinal);
    // What `field: null` means: the value (or object) is missing; null where it can never be missing.
    private readonly Dictionary<string, Func<Expression, Expression>?> _missing = new(StringComparer.Ordinal);

    protected FilterInputGraphType(string name, string description)
    {
        Name = name;
        Description = description + " Fields in one object must all hold; use `or` for alternatives. " +
            "A field set to null asks for the records where it is missing (`jurisdiction: null`: no jurisdiction); on a field that is never missing, null is an INVALID_FILTER error.";
        Field<ListGraphType<NonNullGraphType<TSelf>>>("and").Description("All of these must hold.");
        Field<ListGraphType<NonNullGraphType<TSelf>>>("or").Description("At least one of these must hold.");
    }

    /// <summary>The declarations, built once: the predicate builders are pure.</summary>
    private static TSelf Instance => _instance ??= new TSelf();

    /// <summary>
    /// The predicate for a <c>where</c> value; null or empty matches everything. The value passes
    /// <see cref="FilterLimits.Check"/> first (<c>FILTER_TOO_COMPLEX</c>): no predicate is built from an unchecked filter.
    /// </summary>
    public static Expression<Func<T, bool>> ToPredicate(IDictionary<string, object?>? where)
    {
        FilterLimits.Check(where);
        var parameter = Expression.Parameter(typeof(T), "x");
        return Expression.Lambda<Func<T, bool>>(Build(parameter, where), parameter);
    }

    /// <summary>
    /// The conditions of a <c>where</c> value that must all hold, <c>and</c> lists flattened, each as (field, its
    /// condition) in the order given; an <c>or</c> stays one condition. Checked by <see cref="FilterLimits.Check"/> first.
    /// For a reader that evaluates field by field with <see cref="ToPredicate"/> (search resolves each one to engine terms).
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, object?>> Conjuncts(IDictionary<string, object?>? where)
    {
        FilterLimits.Check(where);
        var conjuncts = new List<KeyValuePair<string, object?>>();
        Flatten(where);
        return conjuncts;

        void Flatten(IDictionary<string, object?>? part)
        {
            foreach (var condition in part ?? new Dictionary<string, object?>())
            {
                if (condition is { Key: "and", Value: not null })
                {
                    foreach (var nested in StringOperationFilterInputGraphType.Nested(condition.Value))
                    {
                        Flatten(nested);
                    }
                }
                else
                {
                    conjuncts.Add(condition);
                }
            }
        }
    }

    internal static Expression Build(Expression target, IDictionary<string, object?>? where)
    {
        if (where is null)
        {
            return Expression.Constant(true);
        }
        var parts = new List<Expression>();
        foreach (var (field, value) in where)
        {
            if (field is "and" or "or" && value is null)
            {
                throw FilterErrors.Invalid($"`{field}` needs a list of conditions, not null.");
            }
            if (field == "and")
            {
                parts.Add(Expressions.AndAll(StringOperationFilterInputGraphType.Nested(value).Select(v => Build(target, v))));
            }
            else if (field == "or")
            {
                parts.Add(Expressions.OrAll([.. StringOperationFilterInputGraphType.Nested(value).Select(v => Build(target, v))]));
            }
            else if (value is null)
            {
                // `field: null` is never ignored: it asks for the records without the value.
                if (!Instance._missing.TryGetValue(field, out var missing))
                {
                    throw FilterErrors.Invalid($"`{field}` cannot be filtered on.");
                }
                parts.Add(missing?.Invoke(target)
                    ?? throw FilterErrors.Invalid($"`{field}: null` asks for records where `{field}` is missing, but it is never missing."));
            }
            else
            {
                var build = Instance._fields.GetValueOrDefault(field) ?? throw FilterErrors.Invalid($"`{field}` cannot be filtered on.");
                parts.Add(build(target, value));
            }
        }
        return Expressions.AndAll(parts);
    }

    /// <summary>The <c>id</c> filter: global IDs of <paramref name="typeName"/>, compared as the numeric key.</summary>
    protected void Id<TKey>(string typeName, Expression<Func<T, TKey>> key)
        where TKey : struct, System.Numerics.IBinaryInteger<TKey>
    {
        Field<IdOperationFilterInputGraphType>("id").Description($"The {typeName}'s global ID.");
        _fields["id"] = (target, value) => IdOperationFilterInputGraphType.Build<TKey>(Expressions.Inline(key, target), typeName, Operations(value));
    }

    /// <summary>
    /// A text field. One the entity declares non-nullable (a jurisdiction's <c>name</c>) is never missing: <c>name: null</c>
    /// and <c>name: { eq: null }</c> are INVALID_FILTER errors, as on any other value that is never missing, rather than
    /// a silent empty answer.
    /// </summary>
    protected void String(string name, Expression<Func<T, string?>> member, string description)
    {
        var neverMissing = member.Body is MemberExpression { Member: PropertyInfo property }
            && new NullabilityInfoContext().Create(property).ReadState == NullabilityState.NotNull;
        Field<StringOperationFilterInputGraphType>(name).Description(description);
        _fields[name] = (target, value) => StringOperationFilterInputGraphType.Build(Expressions.Inline(member, target), Operations(value), neverMissing);
        _missing[name] = neverMissing
            ? null
            : target => Expression.Equal(Expressions.Inline(member, target), Expression.Constant(null, typeof(string)));
    }

    protected void Comparable<TScalarGraphType, TValue>(string name, LambdaExpression member, string description)
        where TScalarGraphType : ScalarGraphType, new()
        where TValue : struct
    {
        Field<ComparableOperationFilterInputGraphType<TScalarGraphType, TValue>>(name).Description(description);
        _fields[name] = (target, value) =>
            ComparableOperationFilterInputGraphType<TScalarGraphType, TValue>.Build(Expressions.Inline(member, target), Operations(value));
        _missing[name] = member.ReturnType == typeof(TValue)
            ? null
            : target => Expression.Equal(Expressions.Inline(member, target), Expression.Constant(null, member.ReturnType));
    }

    protected void Date(string name, Expression<Func<T, DateOnly?>> member, string description) =>
        Comparable<IsoDateGraphType, DateOnly>(name, member, description);

    protected void Date(string name, Expression<Func<T, DateOnly>> member, string description) =>
        Comparable<IsoDateGraphType, DateOnly>(name, member, description);

    protected void Enum<TEnumGraphType, TEnum>(string name, Expression<Func<T, TEnum>> member, string description)
        where TEnumGraphType : EnumerationGraphType<TEnum>, new()
        where TEnum : struct, System.Enum
    {
        Field<EnumOperationFilterInputGraphType<TEnumGraphType, TEnum>>(name).Description(description);
        _fields[name] = (target, value) =>
            EnumOperationFilterInputGraphType<TEnumGraphType, TEnum>.Build(Expressions.Inline(member, target), Operations(value));
        _missing[name] = null;
    }

    /// <summary>A nested object: <c>jurisdiction: { state: { eq: "TX" } }</c>. A missing object never matches.</summary>
    protected void Object<TOther, TOtherFilter>(string name, Expression<Func<T, TOther?>> navigation, string description)
        where TOther : class
        where TOtherFilter : FilterInputGraphType<TOther, TOtherFilter>, new()
    {
        Field<TOtherFilter>(name).Description(description);
        _fields[name] = (target, value) =>
        {
            var other = Expressions.Inline(navigation, target);
            return Expression.AndAlso(
                Expression.NotEqual(other, Expression.Constant(null, typeof(TOther))),
                FilterInputGraphType<TOther, TOtherFilter>.Build(other, Operations(value)));
        };
        _missing[name] = target => Expression.Equal(Expressions.Inline(navigation, target), Expression.Constant(null, typeof(TOther)));
    }

    /// <summary>
    /// A nested object reached through a foreign key (<c>week: { start: { gte: "2017-01-07" } }</c>): as
    /// <see cref="Object{TOther, TOtherFilter}"/>, but a condition on the other side's key (<paramref name="otherKey"/>)
    /// compares this side's <paramref name="foreignKey"/> column instead, so that it needs no join and can use an index
    /// on the foreign key; a join remains only for the other fields. The same answer, since the key is the foreign
    /// key's value and a foreign key that is set always has its row: a record without one (<c>week: null</c>) matches no
    /// condition on the object, as before.
    /// </summary>
    protected void Object<TOther, TOtherFilter, TKey>(string name, Expression<Func<T, TOther?>> navigation,
        Expression<Func<T, TKey?>> foreignKey, Expression<Func<TOther, TKey>> otherKey, string description)
        where TOther : class
        where TOtherFilter : FilterInputGraphType<TOther, TOtherFilter>, new()
        where TKey : struct
    {
        Field<TOtherFilter>(name).Description(description);
        var navigationMember = ((MemberExpression)navigation.Body).Member;
        var keyMember = ((MemberExpression)otherKey.Body).Member;
        _fields[name] = (target, value) =>
        {
            var other = Expressions.Inline(navigation, target);
            var column = Expressions.Inline(foreignKey, target);
            var conditions = new ForeignKeyRewriter(target, navigationMember, keyMember, Expression.Property(column, nameof(Nullable<TKey>.Value)))
                .Visit(FilterInputGraphType<TOther, TOtherFilter>.Build(other, Operations(value)));
            // Only the key was tested: the foreign key's presence stands for the object's.
            var present = ForeignKeyRewriter.Reaches(conditions, target, navigationMember)
                ? Expression.NotEqual(other, Expression.Constant(null, typeof(TOther)))
                : Expression.NotEqual(column, Expression.Constant(null, typeof(TKey?)));
            return Expression.AndAlso(present, conditions);
        };
        _missing[name] = target => Expression.Equal(Expressions.Inline(foreignKey, target), Expression.Constant(null, typeof(TKey?)));
    }

    /// <summary>Replaces <c>target.Navigation.Key</c> with the foreign key's value; <see cref="Reaches"/> finds any other use of the navigation.</summary>
    private sealed class ForeignKeyRewriter(Expression target, System.Reflection.MemberInfo navigation, System.Reflection.MemberInfo key, Expression foreignKeyValue) : ExpressionVisitor
    {
        protected override Expression VisitMember(MemberExpression node) =>
            node.Member == key && IsNavigation(node.Expression, target, navigation) ? foreignKeyValue : base.VisitMember(node);

        public static bool Reaches(Expression expression, Expression target, System.Reflection.MemberInfo navigation)
        {
            var finder = new NavigationFinder(target, navigation);
            finder.Visit(expression);
            return finder.Found;
        }

        private static bool IsNavigation(Expression? e, Expression target, System.Reflection.MemberInfo navigation) =>
            e is MemberExpression m && m.Member == navigation && m.Expression == target;

        private sealed class NavigationFinder(Expression target, System.Reflection.MemberInfo navigation) : ExpressionVisitor
        {
            public bool Found { get; private set; }

            protected override Expression VisitMember(MemberExpression node)
            {
                Found |= IsNavigation(node, target, navigation);
                return base.VisitMember(node);
            }
        }
    }

    /// <summary>A collection: <c>charges: { some: { status: { eq: CONVICTION } } }</c>.</summary>
    protected void List<TOther, TOtherFilter>(string name, Expression<Func<T, IEnumerable<TOther>>> collection, string description)
        where TOther : class
        where TOtherFilter : FilterInputGraphType<TOther, TOtherFilter>, new()
    {
        Field<ListFilterInputGraphType<TOther, TOtherFilter>>(name).Description(description);
        _fields[name] = (target, value) => ListFilterInputGraphType<TOther, TOtherFilter>.Build(Expressions.Inline(collection, target), Operations(value));
        _missing[name] = null;
    }

    private static IDictionary<string, object?> Operations(object? value) =>
        value as IDictionary<string, object?> ?? throw FilterErrors.Invalid("A filter field needs an object of operations.");
}

/// <summary>Conditions on a collection's items: some, all, none, any.</summary>
public sealed class ListFilterInputGraphType<TOther, TOtherFilter> : InputObjectGraphType
    where TOther : class
    where TOtherFilter : FilterInputGraphType<TOther, TOtherFilter>, new()
{
    public ListFilterInputGraphType()
    {
        var itemFilter = new TOtherFilter().Name;
        Name = "List" + itemFilter;
        Description = $"Conditions on a list of items, each tested with {itemFilter}.";
        Field<TOtherFilter>("some").Description("At least one item matches.");
        Field<TOtherFilter>("all").Description("Every item matches (true of an empty list).");
        Field<TOtherFilter>("none").Description("No item matches.");
        Field<BooleanGraphType>("any").Description("true: the list has items; false: it is empty.");
    }

    internal static Expression Build(Expression collection, IDictionary<string, object?> operations)
    {
        var parts = new List<Expression>();
        foreach (var (operation, value) in operations)
        {
            if (value is null)
            {
                throw FilterErrors.Invalid($"`{operation}` needs a value, not null (a list is never missing; `any: false` asks for an empty one).");
            }
            var item = Expression.Parameter(typeof(TOther), "item");
            LambdaExpression Predicate() => Expression.Lambda(FilterInputGraphType<TOther, TOtherFilter>.Build(item, (IDictionary<string, object?>)value), item);
            parts.Add(operation switch
            {
                "some" => Expression.Call(typeof(Enumerable), nameof(Enumerable.Any), [typeof(TOther)], collection, Predicate()),
                "all" => Expression.Call(typeof(Enumerable), nameof(Enumerable.All), [typeof(TOther)], collection, Predicate()),
                "none" => Expression.Not(Expression.Call(typeof(Enumerable), nameof(Enumerable.Any), [typeof(TOther)], collection, Predicate())),
                "any" => (bool)value
                    ? Expression.Call(typeof(Enumerable), nameof(Enumerable.Any), [typeof(TOther)], collection)
                    : Expression.Not(Expression.Call(typeof(Enumerable), nameof(Enumerable.Any), [typeof(TOther)], collection)),
                _ => throw FilterErrors.Invalid($"`{operation}` is not a list operation."),
            });
        }
        return Expressions.AndAll(parts);
    }
}
