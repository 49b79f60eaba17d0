using System.Linq.Expressions;
using System.Numerics;
using System.Reflection;
using GraphQL;
using GraphQL.Types;

namespace DetainerGraph.Api.Filtering;

// The operation inputs of HotChocolate.Data, one per kind of value, each with the code that turns it
// into a predicate over a member expression. Negated operations (neq, nin, ncontains...) match nulls.

internal static class FilterErrors
{
    public static ExecutionError Invalid(string message) => new(message) { Code = "INVALID_FILTER" };

    /// <summary><c>eq: null</c> or <c>neq: null</c> on a value that every record has.</summary>
    public static ExecutionError NeverMissing(string operation) =>
        Invalid($"`{operation}: null` asks about a missing value, but this value is never missing: to ask for records without the object that holds it, set that object to null (e.g. `week: null`).");
}

public sealed class StringOperationFilterInputGraphType : InputObjectGraphType
{
    private static readonly MethodInfo ContainsMethod = typeof(string).GetMethod(nameof(string.Contains), [typeof(string)])!;
    private static readonly MethodInfo StartsWithMethod = typeof(string).GetMethod(nameof(string.StartsWith), [typeof(string)])!;
    private static readonly MethodInfo EndsWithMethod = typeof(string).GetMethod(nameof(string.EndsWith), [typeof(string)])!;
    private static readonly MethodInfo ToLowerMethod = typeof(string).GetMethod(nameof(string.ToLower), Type.EmptyTypes)!;
    private static readonly MethodInfo ConcatMethod = typeof(string).GetMethod(nameof(string.Concat), [typeof(string), typeof(string)])!;

    public StringOperationFilterInputGraphType()
    {
        Name = "StringOperationFilterInput";
        Description = "Conditions on a text value. Several conditions in one object must all hold. Matching is case-sensitive unless the operation says IgnoreCase.";
        Field<ListGraphType<NonNullGraphType<StringOperationFilterInputGraphType>>>("and").Description("All of these must hold.");
        Field<ListGraphType<NonNullGraphType<StringOperationFilterInputGraphType>>>("or").Description("At least one of these must hold.");
        Field<StringGraphType>("eq").Description("Equal to this value (null: the value is missing).");
        Field<StringGraphType>("neq").Description("Not equal to this value (null: the value is present).");
        Field<StringGraphType>("contains").Description("Contains this text.");
        Field<StringGraphType>("ncontains").Description("Does not contain this text, or is missing.");
        Field<StringGraphType>("startsWith").Description("Starts with this text.");
        Field<StringGraphType>("nstartsWith").Description("Does not start with this text, or is missing.");
        Field<StringGraphType>("endsWith").Description("Ends with this text.");
        Field<StringGraphType>("nendsWith").Description("Does not end with this text, or is missing.");
        Field<ListGraphType<StringGraphType>>("in").Description("Equal to one of these values.");
        Field<ListGraphType<StringGraphType>>("nin").Description("Equal to none of these values, or missing.");
        Field<StringGraphType>("eqIgnoreCase").Description("Equal to this value, ignoring case.");
        Field<StringGraphType>("containsIgnoreCase").Description("Contains this text, ignoring case.");
        Field<StringGraphType>("startsWithIgnoreCase").Description("Starts with this text, ignoring case.");
        Field<StringGraphType>("endsWithIgnoreCase").Description("Ends with this text, ignoring case.");
    }

    /// <summary>
    /// The conditions on a text <paramref name="member"/>. <paramref name="neverMissing"/>: the text is required (a
    /// jurisdiction's name or state), so <c>eq: null</c> or <c>neq: null</c> is the INVALID_FILTER error a date or a
    /// week's start gives, not a silent "none" or "all".
    /// </summary>
    public static Expression Build(Expression member, IDictionary<string, object?> operations, bool neverMissing = false)
    {
        var parts = new List<Expression>();
        foreach (var (operation, value) in operations)
        {
            parts.Add(operation switch
            {
                "and" => Expressions.AndAll(Nested(value).Select(o => Build(member, o, neverMissing))),
                "or" => Expressions.OrAll([.. Nested(value).Select(o => Build(member, o, neverMissing))]),
                "eq" or "neq" when value is null && neverMissing => throw FilterErrors.NeverMissing(operation),
                "eq" => Equal(member, value as string),
                "neq" => value is null
                    ? Expression.NotEqual(member, Expression.Constant(null, typeof(string)))
                    : OrMissing(member, Expression.Not(Equal(member, value as string))),
                "contains" => Call(member, ContainsMethod, Text(operation, value)),
                "ncontains" => OrMissing(member, Expression.Not(Call(member, ContainsMethod, Text(operation, value)))),
                "startsWith" => Call(member, StartsWithMethod, Text(operation, value)),
                "nstartsWith" => OrMissing(member, Expression.Not(Call(member, StartsWithMethod, Text(operation, value)))),
                "endsWith" => Call(member, EndsWithMethod, Text(operation, value)),
                "nendsWith" => OrMissing(member, Expression.Not(Call(member, EndsWithMethod, Text(operation, value)))),
                "in" => In(member, value, operation),
                "nin" => OrMissing(member, Expression.Not(In(member, value, operation))),
                "eqIgnoreCase" => Equal(Lower(member), Text(operation, value).ToLowerInvariant()),
                "containsIgnoreCase" => Call(Lower(member), ContainsMethod, Text(operation, value).ToLowerInvariant()),
                "startsWithIgnoreCase" => Call(Lower(member), StartsWithMethod, Text(operation, value).ToLowerInvariant()),
                "endsWithIgnoreCase" => Call(Lower(member), EndsWithMethod, Text(operation, value).ToLowerInvariant()),
                _ => throw FilterErrors.Invalid($"`{operation}` is not a string filter operation."),
            });
        }
        return Expressions.AndAll(parts);
    }

    private static string Text(string operation, object? value) =>
        value as string ?? throw FilterErrors.Invalid($"`{operation}` needs a text value, not null.");

    private static BinaryExpression Call(Expression member, MethodInfo method, string text) =>
        Expression.AndAlso(
            Expression.NotEqual(member, Expression.Constant(null, typeof(string))),
            Expression.Call(member, method, Expressions.Parameter(text, typeof(string))));

    private static MethodCallExpression Lower(Expression member) => Expression.Call(member, ToLowerMethod);

    private static BinaryExpression OrMissing(Expression member, Expression condition) =>
        Expression.OrElse(Expression.Equal(member, Expression.Constant(null, typeof(string))), condition);

    private static Expression In(Expression member, object? value, string operation)
    {
        var values = (value as IEnumerable<object?> ?? throw FilterErrors.Invalid($"`{operation}` needs a list.")).Select(v => v as string).ToList();
        if (!values.Any(EndsInSpace))
        {
            return Contains(member, values);
        }
        // A value that ends in a space (see Equal): the whole list compared exactly, still one list of parameters.
        var exact = Exactly(member, [.. values.OfType<string>().Distinct(StringComparer.Ordinal)]);
        return values.Contains(null) ? Expression.OrElse(Expression.Equal(member, Expression.Constant(null, typeof(string))), exact) : exact;
    }

    private static MethodCallExpression Contains(Expression member, List<string?> values) =>
        Expression.Call(typeof(Enumerable), nameof(Enumerable.Contains), [typeof(string)], Expressions.Parameter(values, typeof(List<string?>)), member);

    /// <summary>
    /// <paramref name="member"/> equal to <paramref name="value"/> on both stores. SQL Server compares <c>=</c> and <c>IN</c>
    /// as if the shorter text were padded with spaces, whatever the collation: <c>eq: "Mexico "</c> found every "Mexico"
    /// there and nothing on SQLite. A value that ends in a space is compared with <see cref="Exactly"/> instead.
    /// </summary>
    private static Expression Equal(Expression member, string? value) =>
        EndsInSpace(value) ? Exactly(member, [value!]) : Expression.Equal(member, Expressions.Parameter(value, typeof(string)));

    private static bool EndsInSpace(string? value) => value is not null && value.EndsWith(' ');

    /// <summary>
    /// <c>member + "|"</c> equal to one of <paramref name="values"/>, each with a <c>"|"</c> after it: a character after the
    /// trailing spaces makes them count on SQL Server too (SQLite counts them anyway); a missing value matches none. The
    /// values are parameters, one or a list, as every other filter value: as literals, each distinct value ending in a
    /// space compiled and cached a query of its own, which a client could repeat without end.
    /// </summary>
    private static BinaryExpression Exactly(Expression member, List<string> values)
    {
        var marked = Expression.Call(ConcatMethod, member, Expression.Constant(EndMarker));
        Expression match = values is [var one]
            ? Expression.Equal(marked, Expressions.Parameter(one + EndMarker, typeof(string)))
            : Expression.Call(typeof(Enumerable), nameof(Enumerable.Contains), [typeof(string)],
                Expressions.Parameter(values.Select(v => v + EndMarker).ToList(), typeof(List<string>)), marked);
        return Expression.AndAlso(Expression.NotEqual(member, Expression.Constant(null, typeof(string))), match);
    }

    private const string EndMarker = "|";

    internal static IEnumerable<IDictionary<string, object?>> Nested(object? value) =>
        (value as IEnumerable<object?> ?? throw FilterErrors.Invalid("`and` and `or` need a list of conditions, not null.")).OfType<IDictionary<string, object?>>();
}

/// <summary>Conditions on an ordered value (dates, numbers), named after its scalar: ComparableDateOperationFilterInput.</summary>
public sealed class ComparableOperationFilterInputGraphType<TScalarGraphType, TValue> : InputObjectGraphType
    where TScalarGraphType : ScalarGraphType, new()
    where TValue : struct
{
    public ComparableOperationFilterInputGraphType()
    {
        var scalar = new TScalarGraphType().Name;
        Name = $"Comparable{scalar}OperationFilterInput";
        Description = $"Conditions on a {scalar} value. Several conditions in one object must all hold.";
        Field<ListGraphType<NonNullGraphType<ComparableOperationFilterInputGraphType<TScalarGraphType, TValue>>>>("and").Description("All of these must hold.");
        Field<ListGraphType<NonNullGraphType<ComparableOperationFilterInputGraphType<TScalarGraphType, TValue>>>>("or").Description("At least one of these must hold.");
        Field<TScalarGraphType>("eq").Description("Equal to this value (null: the value is missing; an INVALID_FILTER error where it is never missing).");
        Field<TScalarGraphType>("neq").Description("Not equal to this value (null: the value is present; an INVALID_FILTER error where it is never missing).");
        Field<TScalarGraphType>("gt").Description("Greater (later) than this value.");
        Field<TScalarGraphType>("gte").Description("Greater (later) than or equal to this value.");
        Field<TScalarGraphType>("lt").Description("Less (earlier) than this value.");
        Field<TScalarGraphType>("lte").Description("Less (earlier) than or equal to this value.");
        Field<TScalarGraphType>("ngt").Description("Not greater (later) than this value, or missing.");
        Field<TScalarGraphType>("ngte").Description("Not greater (later) than or equal to this value, or missing.");
        Field<TScalarGraphType>("nlt").Description("Not less (earlier) than this value, or missing.");
        Field<TScalarGraphType>("nlte").Description("Not less (earlier) than or equal to this value, or missing.");
        Field<ListGraphType<NonNullGraphType<TScalarGraphType>>>("in").Description("Equal to one of these values.");
        Field<ListGraphType<NonNullGraphType<TScalarGraphType>>>("nin").Description("Equal to none of these values, or missing.");
    }

    public static Expression Build(Expression member, IDictionary<string, object?> operations)
    {
        var parts = new List<Expression>();
        var nullable = member.Type != typeof(TValue);
        foreach (var (operation, value) in operations)
        {
            parts.Add(operation switch
            {
                "and" => Expressions.AndAll(StringOperationFilterInputGraphType.Nested(value).Select(o => Build(member, o))),
                "or" => Expressions.OrAll([.. StringOperationFilterInputGraphType.Nested(value).Select(o => Build(member, o))]),
                "eq" or "neq" when value is null && !nullable => throw FilterErrors.NeverMissing(operation),
                "eq" => Expression.Equal(member, Value(member, value)),
                "neq" => value is null || !nullable
                    ? Expression.NotEqual(member, Value(member, value))
                    : Expression.OrElse(Expression.Equal(member, Expression.Constant(null, member.Type)), Expression.NotEqual(member, Value(member, value))),
                "gt" => Expression.GreaterThan(member, Value(member, Required(operation, value))),
                "gte" => Expression.GreaterThanOrEqual(member, Value(member, Required(operation, value))),
                "lt" => Expression.LessThan(member, Value(member, Required(operation, value))),
                "lte" => Expression.LessThanOrEqual(member, Value(member, Required(operation, value))),
                "ngt" => OrMissing(member, nullable, Expression.Not(Expression.GreaterThan(member, Value(member, Required(operation, value))))),
                "ngte" => OrMissing(member, nullable, Expression.Not(Expression.GreaterThanOrEqual(member, Value(member, Required(operation, value))))),
                "nlt" => OrMissing(member, nullable, Expression.Not(Expression.LessThan(member, Value(member, Required(operation, value))))),
                "nlte" => OrMissing(member, nullable, Expression.Not(Expression.LessThanOrEqual(member, Value(member, Required(operation, value))))),
                "in" => In(member, value, operation),
                "nin" => nullable
                    ? Expression.OrElse(Expression.Equal(member, Expression.Constant(null, member.Type)), Expression.Not(In(member, value, operation)))
                    : Expression.Not(In(member, value, operation)),
                _ => throw FilterErrors.Invalid($"`{operation}` is not a comparison operation."),
            });
        }
        return Expressions.AndAll(parts);
    }

    private static object Required(string operation, object? value) =>
        value ?? throw FilterErrors.Invalid($"`{operation}` needs a value, not null.");

    /// <summary>A negated comparison matches missing values too, like the other negated operations.</summary>
    private static Expression OrMissing(Expression member, bool nullable, Expression condition) =>
        nullable ? Expression.OrElse(Expression.Equal(member, Expression.Constant(null, member.Type)), condition) : condition;

    private static Expression Value(Expression member, object? value) =>
        value is null ? Expression.Constant(null, member.Type) : Expression.Convert(Expressions.Parameter(value, typeof(TValue)), member.Type);

    private static MethodCallExpression In(Expression member, object? value, string operation)
    {
        var values = (value as IEnumerable<object?> ?? throw FilterErrors.Invalid($"`{operation}` needs a list."))
            .Select(v => (TValue?)(TValue)v!).ToList();
        var nullableMember = member.Type == typeof(TValue) ? Expression.Convert(member, typeof(TValue?)) : member;
        return Expression.Call(typeof(Enumerable), nameof(Enumerable.Contains), [typeof(TValue?)], Expressions.Parameter(values, typeof(List<TValue?>)), nullableMember);
    }
}

/// <summary>Conditions on an enum value, named after the enum: DetainerOutcomeOperationFilterInput.</summary>
public sealed class EnumOperationFilterInputGraphType<TEnumGraphType, TEnum> : InputObjectGraphType
    where TEnumGraphType : EnumerationGraphType<TEnum>, new()
    where TEnum : struct, Enum
{
    public EnumOperationFilterInputGraphType()
    {
        var enumName = new TEnumGraphType().Name;
        Name = $"{enumName}OperationFilterInput";
        Description = $"Conditions on a {enumName} value.";
        Field<TEnumGraphType>("eq").Description("Equal to this value (never null: the value is never missing).");
        Field<TEnumGraphType>("neq").Description("Not equal to this value (never null: the value is never missing).");
        Field<ListGraphType<NonNullGraphType<TEnumGraphType>>>("in").Description("One of these values.");
        Field<ListGraphType<NonNullGraphType<TEnumGraphType>>>("nin").Description("None of these values.");
    }

    public static Expression Build(Expression member, IDictionary<string, object?> operations)
    {
        var parts = new List<Expression>();
        foreach (var (operation, value) in operations)
        {
            parts.Add(operation switch
            {
                "eq" => Expression.Equal(member, Expressions.Parameter(Required(operation, value), typeof(TEnum))),
                "neq" => Expression.NotEqual(member, Expressions.Parameter(Required(operation, value), typeof(TEnum))),
                "in" => In(member, value, operation),
                "nin" => Expression.Not(In(member, value, operation)),
                _ => throw FilterErrors.Invalid($"`{operation}` is not an enum operation."),
            });
        }
        return Expressions.AndAll(parts);
    }

    private static object Required(string operation, object? value) =>
        value ?? throw FilterErrors.Invalid($"`{operation}` needs a value, not null.");

    private static MethodCallExpression In(Expression member, object? value, string operation)
    {
        var values = (value as IEnumerable<object?> ?? throw FilterErrors.Invalid($"`{operation}` needs a list.")).Select(v => (TEnum)v!).ToList();
        return Expression.Call(typeof(Enumerable), nameof(Enumerable.Contains), [typeof(TEnum)], Expressions.Parameter(values, typeof(List<TEnum>)), member);
    }
}

/// <summary>
/// Conditions on an object's global ID (HotChocolate's IdOperationFilterInput): the IDs a client already holds,
/// checked to be of the filtered type (<c>ID_TYPE_MISMATCH</c>, <c>INVALID_ID</c>) and compared as keys in SQL.
/// </summary>
public sealed class IdOperationFilterInputGraphType : InputObjectGraphType
{
    public IdOperationFilterInputGraphType()
    {
        Name = "IdOperationFilterInput";
        Description = "Conditions on a global ID.";
        Field<IdGraphType>("eq").Description("This object.");
        Field<IdGraphType>("neq").Description("Any object but this one.");
        Field<ListGraphType<NonNullGraphType<IdGraphType>>>("in").Description("One of these objects.");
        Field<ListGraphType<NonNullGraphType<IdGraphType>>>("nin").Description("None of these objects.");
    }

    public static Expression Build<TKey>(Expression member, string typeName, IDictionary<string, object?> operations)
        where TKey : struct, IBinaryInteger<TKey>
    {
        // The ID scalar also takes a number (`eq: 5`), which is no global ID: INVALID_ID like any other non-ID, not "null".
        TKey Key(object? id) => GlobalId.RequireNumber<TKey>(id switch
        {
            null => throw FilterErrors.Invalid("An ID filter needs an ID, not null."),
            string text => text,
            _ => Convert.ToString(id, System.Globalization.CultureInfo.InvariantCulture) ?? "",
        }, typeName);
        MethodCallExpression In(object? value) => Expression.Call(typeof(Enumerable), nameof(Enumerable.Contains), [typeof(TKey)],
            Expressions.Parameter((value as IEnumerable<object?> ?? throw FilterErrors.Invalid("`in` and `nin` need a list of IDs.")).Select(Key).ToList(), typeof(List<TKey>)),
            member);
        var parts = new List<Expression>();
        foreach (var (operation, value) in operations)
        {
            parts.Add(operation switch
            {
                "eq" => Expression.Equal(member, Expressions.Parameter(Key(value), typeof(TKey))),
                "neq" => Expression.NotEqual(member, Expressions.Parameter(Key(value), typeof(TKey))),
                "in" => In(value),
                "nin" => Expression.Not(In(value)),
                _ => throw FilterErrors.Invalid($"`{operation}` is not an ID operation."),
            });
        }
        return Expressions.AndAll(parts);
    }
}
