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
        var holder = Activator.CreateInstance(typeof(Holder<>).MakeGenericType(type), value)!;
        return Expression.Property(Expression.Constant(holder), "Value");
    }

    /// <summary>The body of <paramref name="lambda"/> with its parameter replaced by <paramref name="target"/>.</summary>
    public static Expression Inline(LambdaExpression lambda, Expression target) =>
        new Replacer(lambda.Parameters[0], target).Visit(lambda.Body);

    public static Expression AndAll(IEnumerable<Expression> parts) =>
        parts.Aggregate((Expression?)null, (all, part) => all is null ? part : Expression.AndAlso(all, part)) ?? Expression.Constant(true);

    public static Expression OrAll(IReadOnlyCollection<Expression> parts) =>
        parts.Count == 0 ? Expression.Constant(false) : parts.Aggregate(Expression.OrElse);

    private sealed class Holder<TValue>(TValue value)
    {
        public TValue Value { get; } = value;
    }

    private sealed class Replacer(ParameterExpression parameter, Expression replacement) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == parameter ? replacement : node;
    }
}
