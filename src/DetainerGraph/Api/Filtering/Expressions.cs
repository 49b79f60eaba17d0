using System.Linq.Expressions;

namespace DetainerGraph.Api.Filtering;

/// <summary>Small expression-tree helpers shared by filters and sorts.</summary>
internal static class Expressions
{
    /// <summary>
    /// A value the database sees as a query parameter, not an inlined literal: EF Core parameterizes
    /// captured members, which keeps its query cache from growing with every distinct filter value.
    /// </summary>
    public static Expression Parameter(object? value, Type type)
    {
        var (holderType, create, property) = Holders.GetOrAdd(type, static t =>
        {
            var holderType = typeof(Holder<>).MakeGenericType(t);
            var argument = Expression.Parameter(typeof(object));
            var constructor = holderType.GetConstructor([t])!;
            var create = Expression.Lambda<Func<object, object>>(Expression.New(constructor, Expression.Convert(argument, t)), argument).Compile();
            return (holderType, create, holderType.GetProperty(nameof(Holder<object>.Value))!);
        });
        // The compiled constructor takes a value of exactly the type; anything else (null, a value reflection
        // would widen) is made the way it always was.
        var holder = value is not null && value.GetType() == type ? create(value) : Activator.CreateInstance(holderType, value)!;
        return Expression.Property(Expression.Constant(holder), property);
    }

    /// <summary>Per value type, its holder type, how to make one and its property: found once, not by reflection on every filter.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, (Type Holder, Func<object, object> Create, System.Reflection.PropertyInfo Value)> Holders = new();

    /// <summary>The body of <paramref name="lambda"/> with its parameter replaced by <paramref name="target"/>.</summary>
    public static Expression Inline(LambdaExpression lambda, Expression target) =>
        new Replacer(lambda.Parameters[0], target).Visit(lambda.Body);

    /// <summary>All of <paramref name="parts"/> (true when there are none), as a balanced tree: see <see cref="Balanced"/>.</summary>
    public static Expression AndAll(IEnumerable<Expression> parts) => Balanced([.. parts], Expression.AndAlso, true);

    /// <summary>Any of <paramref name="parts"/> (false when there are none), as a balanced tree: see <see cref="Balanced"/>.</summary>
    public static Expression OrAll(IEnumerable<Expression> parts) => Balanced([.. parts], Expression.OrElse, false);

    /// <summary>
    /// Combines the parts pairwise, level by level, so the tree is about log2(n) deep rather than n: EF Core and
    /// the database's SQL parser both walk it recursively, and a left-deep chain of a few thousand items
    /// overflowed the stack (or SQLite's 1,000-level expression limit) whatever the filter limits said.
    /// </summary>
    private static Expression Balanced(List<Expression> parts, Func<Expression, Expression, Expression> combine, bool empty)
    {
        if (parts.Count == 0)
        {
            return Constant(empty);
        }
        while (parts.Count > 1)
        {
            var next = new List<Expression>((parts.Count + 1) / 2);
            for (var i = 0; i < parts.Count; i += 2)
            {
                next.Add(i + 1 < parts.Count ? combine(parts[i], parts[i + 1]) : parts[i]);
            }
            parts = next;
        }
        return parts[0];
    }

    private static ConstantExpression Constant(bool value) => Expression.Constant(value);

    private sealed class Holder<TValue>(TValue value)
    {
        public TValue Value { get; } = value;
    }

    private sealed class Replacer(ParameterExpression parameter, Expression replacement) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == parameter ? replacement : node;
    }
}
