using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace DetainerGraph.Data;

/// <summary>
/// The longest text each column holds, read from the EF Core model (the <c>HasMaxLength</c> of its configuration),
/// which is the length SQL Server enforces. SQLite does not enforce it, so importers and mutations check it
/// themselves: a value that is stored on one provider is stored on the other.
/// </summary>
public static class ColumnLengths
{
    /// <summary>The maximum length of <paramref name="property"/>'s column; throws if the model gives it none.</summary>
    public static int MaxLength<TEntity>(this IModel model, Expression<Func<TEntity, string?>> property)
        where TEntity : class => Property(model, property).GetMaxLength()
            ?? throw new InvalidOperationException($"{typeof(TEntity).Name}.{Name(property)} has no maximum length in the model.");

    /// <summary>The column's name as <c>Table.Column</c>, for messages.</summary>
    public static string ColumnName<TEntity>(this IModel model, Expression<Func<TEntity, string?>> property)
        where TEntity : class
    {
        var p = Property(model, property);
        var table = StoreObjectIdentifier.Table(p.DeclaringType.GetTableName()!, p.DeclaringType.GetSchema());
        return $"{table.Name}.{p.GetColumnName(table)}";
    }

    private static IProperty Property<TEntity>(IModel model, Expression<Func<TEntity, string?>> property)
        where TEntity : class =>
        (model.FindEntityType(typeof(TEntity)) ?? throw new InvalidOperationException($"{typeof(TEntity).Name} is not in the model."))
            .FindProperty(Name(property)) ?? throw new InvalidOperationException($"{typeof(TEntity).Name}.{Name(property)} is not in the model.");

    private static string Name(LambdaExpression property) =>
        property.Body is MemberExpression member ? member.Member.Name : throw new ArgumentException("Expected a property access such as c => c.Name.", nameof(property));
}
