using System.Data.Common;

namespace DetainerGraph.Data;

/// <summary>
/// The statements a SQLite bulk import runs on the store's schema inside its own transaction (listing, dropping and
/// creating again the indexes and triggers it defers; see <see cref="SqliteDeferredIndexes"/> and
/// <see cref="SqliteDeferredTriggers"/>).
/// </summary>
internal static class SqliteSchemaCommand
{
    /// <summary>A command on the import's connection and transaction, without a timeout of its own.</summary>
    public static DbCommand Create(DbConnection connection, DbTransaction transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        // A rebuild at a million rows takes seconds; the import's own deadline is its cancellation token.
        command.CommandTimeout = 0;
        return command;
    }

    /// <summary>A schema object's name as a quoted SQLite identifier.</summary>
    public static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
