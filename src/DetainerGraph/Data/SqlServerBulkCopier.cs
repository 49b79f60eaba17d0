using System.Data;
using Microsoft.Data.SqlClient;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace DetainerGraph.Data;

/// <summary>One column a bulk copy writes: its name and store type in SQL Server, and how to read it from an entity.</summary>
public sealed record BulkColumn(string Name, string StoreType, bool IsNullable, Type ValueType, Func<object, object?> Read);

/// <summary>
/// Loads many rows of one entity type into SQL Server with <see cref="SqlBulkCopy"/>, inside the context's current
/// transaction, so a failed import leaves nothing behind. Columns, store types and value conversions (enums by
/// name) come from the EF Core model, so the rows are what <c>SaveChanges</c> would write; keys the database
/// generates (identity) are left to it. The mapping is checked against the committed migration script by
/// <c>SqlServerBulkCopyMappingTests</c>.
/// </summary>
public sealed class SqlServerBulkCopier<T>
    where T : class
{
    private readonly DetainerDbContext _db;
    private readonly string _table;

    public SqlServerBulkCopier(DetainerDbContext db)
    {
        _db = db;
        Columns = ColumnsOf(db.Model, out _table);
    }

    public IReadOnlyList<BulkColumn> Columns { get; }

    /// <summary>The columns of <typeparamref name="T"/>'s table that a bulk copy writes: every mapped property but identity keys.</summary>
    public static IReadOnlyList<BulkColumn> ColumnsOf(IModel model, out string table)
    {
        var entityType = model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var store = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
        table = store.Name;
        return
        [
            .. entityType.GetProperties()
                .Where(p => !p.IsShadowProperty() && p.ValueGenerated != ValueGenerated.OnAdd)
                .Select(p =>
                {
                    var getter = p.GetGetter();
                    var converter = p.GetTypeMapping().Converter;
                    var providerType = Nullable.GetUnderlyingType(converter?.ProviderClrType ?? p.ClrType) ?? converter?.ProviderClrType ?? p.ClrType;
                    // SqlBulkCopy writes a date column from a DateTime.
                    var valueType = providerType == typeof(DateOnly) ? typeof(DateTime) : providerType;
                    return new BulkColumn(p.GetColumnName(store)!, p.GetColumnType(), p.IsColumnNullable(store), valueType, entity =>
                    {
                        var value = getter.GetClrValueUsingContainingEntity(entity);
                        if (value is not null && converter is not null)
                        {
                            value = converter.ConvertToProvider(value);
                        }
                        return value is DateOnly d ? d.ToDateTime(TimeOnly.MinValue) : value;
                    });
                }),
        ];
    }

    /// <summary>Writes <paramref name="rows"/> in the import's transaction; constraints are checked as for any insert.</summary>
    public async Task WriteAsync(IReadOnlyCollection<T> rows, CancellationToken ct)
    {
        if (rows.Count == 0)
        {
            return;
        }
        var transaction = _db.Database.CurrentTransaction?.GetDbTransaction() as SqlTransaction
            ?? throw new InvalidOperationException("Bulk copies run inside the import's transaction.");
        using var data = new DataTable(_table) { Locale = System.Globalization.CultureInfo.InvariantCulture };
        foreach (var column in Columns)
        {
            data.Columns.Add(column.Name, column.ValueType);
        }
        var values = new object?[Columns.Count];
        foreach (var row in rows)
        {
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = Columns[i].Read(row) ?? DBNull.Value;
            }
            data.Rows.Add(values);
        }
        using var copy = new SqlBulkCopy((SqlConnection)_db.Database.GetDbConnection(), SqlBulkCopyOptions.CheckConstraints, transaction)
        {
            DestinationTableName = "[" + _table + "]",
            BatchSize = 0,
            // The import's own cancellation bounds it; SQL Server's 30 s default would cut a large file short.
            BulkCopyTimeout = 0,
        };
        foreach (var column in Columns)
        {
            copy.ColumnMappings.Add(column.Name, column.Name);
        }
        await copy.WriteToServerAsync(data, ct);
    }
}
