using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace DetainerGraph.Data;

/// <summary>
/// Inserts many rows of one entity type through a single prepared SQLite statement, inside the context's
/// current transaction. Tables, columns and value conversions come from the EF Core model, so the rows
/// are exactly what <c>SaveChanges</c> would write, at a fraction of its per-row cost. Keys must be set
/// by the caller.
/// </summary>
internal sealed class SqliteBulkInserter<T> : IDisposable
    where T : class
{
    private readonly DbCommand _command;
    private readonly (IProperty Property, DbParameter Parameter)[] _columns;

    public SqliteBulkInserter(DetainerDbContext db)
    {
        var entityType = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var table = StoreObjectIdentifier.Table(entityType.GetTableName()!, entityType.GetSchema());
        var properties = entityType.GetProperties().Where(p => !p.IsShadowProperty()).ToArray();
        var connection = db.Database.GetDbConnection();
        _command = connection.CreateCommand();
        _command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Bulk inserts run inside the import's transaction.");
        var columnNames = properties.Select(p => "\"" + p.GetColumnName(table) + "\"");
        var parameterNames = properties.Select((_, i) => "$p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        _command.CommandText = $"INSERT INTO \"{table.Name}\" ({string.Join(", ", columnNames)}) VALUES ({string.Join(", ", parameterNames)})";
        _columns = new (IProperty, DbParameter)[properties.Length];
        for (var i = 0; i < properties.Length; i++)
        {
            var parameter = _command.CreateParameter();
            parameter.ParameterName = parameterNames[i];
            _command.Parameters.Add(parameter);
            _columns[i] = (properties[i], parameter);
        }
        _command.Prepare();
    }

    public void Insert(T entity)
    {
        foreach (var (property, parameter) in _columns)
        {
            var value = property.GetGetter().GetClrValueUsingContainingEntity(entity);
            if (value is not null && property.GetTypeMapping().Converter is { } converter)
            {
                value = converter.ConvertToProvider(value);
            }
            parameter.Value = value ?? DBNull.Value;
        }
        _command.ExecuteNonQuery();
    }

    public void Dispose() => _command.Dispose();
}
