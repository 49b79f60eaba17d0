using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace DetainerGraph.Data;

/// <summary>
/// A large SQLite import's secondary indexes on the bulk-written tables (<c>Detainers</c>, <c>Charges</c>), dropped
/// before its rows are inserted and built again, from their own stored definitions, before it commits. Building an
/// index once from the finished table is a sort; keeping it while a million rows arrive in another order is a
/// B-tree insert per row and index, each on a page that is rarely still cached.
/// </summary>
/// <remarks>
/// Both steps run in the import's transaction: SQLite's schema changes are transactional, so an import that fails
/// or is cancelled at any point (even between the drop and the rebuild) rolls the indexes back with its rows, and
/// no other connection ever sees the store without them. Unique indexes are kept: they enforce what the rows must
/// satisfy, and the import's keys arrive in their order anyway. Only an import at least as large as what the store
/// already holds (<see cref="Worthwhile"/>) drops them: rebuilding reads every row of the table, old ones included.
/// </remarks>
internal sealed class SqliteDeferredIndexes
{
    private static readonly string[] Tables = ["Detainers", "Charges"];

    private readonly List<(string Name, string Sql)> _dropped;

    private SqliteDeferredIndexes(List<(string Name, string Sql)> dropped) => _dropped = dropped;

    /// <summary>The names of the indexes dropped (and to be rebuilt), in the order they were read.</summary>
    public IReadOnlyList<string> Dropped => [.. _dropped.Select(d => d.Name)];

    /// <summary>
    /// Whether an import of <paramref name="incoming"/> detainers into a store of <paramref name="existing"/> is worth
    /// the rebuild: at least <paramref name="minimum"/> of them, and no fewer than the store already holds.
    /// </summary>
    public static bool Worthwhile(long existing, long incoming, long minimum) => incoming >= minimum && incoming >= existing;

    /// <summary>Drops the tables' non-unique indexes created by the schema (filtered ones included), remembering each one's definition.</summary>
    public static async Task<SqliteDeferredIndexes> DropAsync(DetainerDbContext db, CancellationToken ct)
    {
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Indexes are dropped inside the import's transaction only.");
        var connection = db.Database.GetDbConnection();
        var dropped = new List<(string Name, string Sql)>();
        foreach (var table in Tables)
        {
            // origin 'c': created by CREATE INDEX (not a primary key or UNIQUE constraint's automatic index). Partial (filtered)
            // indexes too: their stored definition keeps the filter, and one holds the rows without issuedOnOrAfter, nearly all.
            await using var list = SqliteSchemaCommand.Create(connection, transaction, """
                SELECT il."name", m."sql" FROM pragma_index_list($table) il JOIN sqlite_master m ON m."name" = il."name"
                WHERE il."unique" = 0 AND il."origin" = 'c' AND m."sql" IS NOT NULL
                ORDER BY il."name"
                """);
            var parameter = list.CreateParameter();
            parameter.ParameterName = "$table";
            parameter.Value = table;
            list.Parameters.Add(parameter);
            await using var reader = await list.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                dropped.Add((reader.GetString(0), reader.GetString(1)));
            }
        }
        foreach (var (name, _) in dropped)
        {
            await using var drop = SqliteSchemaCommand.Create(connection, transaction, $"DROP INDEX {SqliteSchemaCommand.Quote(name)}");
            await drop.ExecuteNonQueryAsync(ct);
        }
        return new SqliteDeferredIndexes(dropped);
    }

    /// <summary>
    /// The page cache while the indexes are built (4 MB; a negative cache_size is in KiB). SQLite's sorter keeps as many
    /// bytes of keys in memory as the cache holds before it sorts them and writes them out as one run to merge later: with
    /// the import's 64 MB, a million rows' keys are one run sorted as one linked list, missing the CPU's caches at every
    /// step; runs of 4 MB took about half the CPU (the seven indexes of a million detainers, measured with sqlite3: 5.1-6.4 s
    /// of user time against 10.3-11.3 s; 2 MB and 8 MB in between). The new index pages are appended in order and need no
    /// cache. <c>PRAGMA threads</c> (the runs sorted on helper threads) cost more CPU and no time on two cores.
    /// </summary>
    internal const int RebuildCacheKiB = 4096;

    /// <summary>
    /// Builds every dropped index again with the statement that first created it, with the page cache at
    /// <see cref="RebuildCacheKiB"/> meanwhile and then as it was.
    /// </summary>
    public async Task RebuildAsync(DetainerDbContext db, CancellationToken ct)
    {
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Indexes are rebuilt inside the import's transaction only.");
        var connection = db.Database.GetDbConnection();
        await using (await SqliteImportCache.ResizeAsync(db, RebuildCacheKiB, ct))
        {
            foreach (var (_, sql) in _dropped)
            {
                await using var create = SqliteSchemaCommand.Create(connection, transaction, sql);
                await create.ExecuteNonQueryAsync(ct);
            }
        }
    }
}
