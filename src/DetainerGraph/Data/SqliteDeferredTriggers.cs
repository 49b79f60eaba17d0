using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace DetainerGraph.Data;

/// <summary>
/// The rollup triggers on <c>Detainers</c> that a SQLite bulk import switches off (those whose <c>WHEN</c> reads
/// <c>DetainerRollupsDeferred</c>, see <see cref="Detainers.DetainerCountRollup.DeferForBulkInsertAsync"/>), dropped
/// before its rows are inserted and created again, from their own stored definitions, before it commits.
/// </summary>
/// <remarks>
/// Switched off, they still cost every insert: a table with an <c>INSERT</c> trigger makes each insert statement one
/// that may write several rows and abort part-way, so SQLite keeps a statement journal for it, a copy of every page
/// the insert changes (about three per detainer). Once one statement's journal outgrows 64 KB it lives in a temporary
/// file for the rest of the transaction: a 100,000-detainer import wrote about 1.3 GB to it in some 600,000
/// <c>pwrite</c> calls, about a tenth of the import's CPU. Without the triggers an insert writes one row and journals
/// nothing. Both steps run in the import's transaction (SQLite's schema changes are transactional), so an import that
/// fails or is cancelled at any point rolls the triggers back with its rows, and no other connection ever sees the
/// store without them.
/// </remarks>
internal sealed class SqliteDeferredTriggers
{
    private readonly List<(string Name, string Sql)> _dropped;

    private SqliteDeferredTriggers(List<(string Name, string Sql)> dropped) => _dropped = dropped;

    /// <summary>The names of the triggers dropped (and to be created again), in the order they were created.</summary>
    public IReadOnlyList<string> Dropped => [.. _dropped.Select(d => d.Name)];

    /// <summary>Drops the <c>Detainers</c> triggers the bulk import's deferral switches off, remembering each one's definition.</summary>
    public static async Task<SqliteDeferredTriggers> DropAsync(DetainerDbContext db, CancellationToken ct)
    {
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Triggers are dropped inside the import's transaction only.");
        var connection = db.Database.GetDbConnection();
        var dropped = new List<(string Name, string Sql)>();
        await using (var list = SqliteSchemaCommand.Create(connection, transaction, """
            SELECT "name", "sql" FROM sqlite_master
            WHERE "type" = 'trigger' AND "tbl_name" = 'Detainers' AND "sql" IS NOT NULL AND instr("sql", '"DetainerRollupsDeferred"') > 0
            ORDER BY "rowid"
            """))
        {
            await using var reader = await list.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                dropped.Add((reader.GetString(0), reader.GetString(1)));
            }
        }
        foreach (var (name, _) in dropped)
        {
            await using var drop = SqliteSchemaCommand.Create(connection, transaction, $"DROP TRIGGER {SqliteSchemaCommand.Quote(name)}");
            await drop.ExecuteNonQueryAsync(ct);
        }
        return new SqliteDeferredTriggers(dropped);
    }

    /// <summary>
    /// Creates every dropped trigger again with the statement that first created it, in the order they were first
    /// created (SQLite fires the triggers of one event in an order that follows their creation).
    /// </summary>
    public async Task RestoreAsync(DetainerDbContext db, CancellationToken ct)
    {
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Triggers are restored inside the import's transaction only.");
        var connection = db.Database.GetDbConnection();
        foreach (var (_, sql) in _dropped)
        {
            await using var create = SqliteSchemaCommand.Create(connection, transaction, sql);
            await create.ExecuteNonQueryAsync(ct);
        }
    }
}
