using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace DetainerGraph.Data;

/// <summary>
/// The embedded store's planner statistics (<c>sqlite_stat1</c>), kept exact: SQLite picks an index for a filtered,
/// sorted page from them, and a wrong figure costs seconds at a million detainers (the Texas + two outcomes page
/// walked the outcome index over every booked-or-open detainer when sampled statistics said each outcome held as few
/// rows as each jurisdiction). A full <c>ANALYZE</c> (every row of every index: about 0.3 s at 100,000 detainers) runs
/// after an import that left them stale, and on start only when they are missing, stale or were written by the
/// sampled <c>PRAGMA optimize</c> of earlier versions; never on a request. SQL Server keeps its own statistics.
/// </summary>
public static class PlannerStatistics
{
    /// <summary>
    /// <c>PRAGMA user_version</c> once this class has written complete statistics (EF Core does not use it): stores
    /// whose statistics came from the sampled <c>analysis_limit=1000</c> pass of earlier versions lack it.
    /// </summary>
    internal const int CompleteMarker = 20261129;

    /// <summary>
    /// Recomputes the statistics when <see cref="IsStaleAsync"/> says so; returns whether it did. SQLite only; a no-op elsewhere.
    /// </summary>
    public static async Task<bool> RefreshIfStaleAsync(DetainerDbContext db, CancellationToken ct = default)
    {
        if (!db.Database.IsSqlite() || !await IsStaleAsync(db, ct))
        {
            return false;
        }
        // analysis_limit=0: every entry of every index, so that rows per key are the truth, not the first page's.
        // A connection reads the statistics with the schema and keeps them until the schema changes, and ANALYZE into an
        // existing sqlite_stat1 changes only rows: every other open connection (the server's pooled ones stay open
        // between requests) would plan with the old figures until it closed, after an import that rebuilt the indexes
        // with none at all. Dropping the table first makes ANALYZE create it again, a schema change each connection
        // notices at its next statement, when it reads the new figures. One transaction: no connection sees the table
        // missing, and a failure leaves the old figures. The marker is CompleteMarker, written out: a PRAGMA takes no
        // parameters.
        await using var transaction = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        await db.Database.ExecuteSqlRawAsync(
            "PRAGMA analysis_limit=0; DROP TABLE IF EXISTS sqlite_stat1; ANALYZE; PRAGMA user_version=20261129;", ct);
        if (transaction is not null)
        {
            // The figures are computed: they are committed even if a stop came meanwhile (the import's, right after its own
            // commit). A cancelled token would make EF Core refuse the commit and log a transaction failure.
            await transaction.CommitAsync(CancellationToken.None);
        }
        return true;
    }

    /// <summary>
    /// <see cref="RefreshIfStaleAsync"/> after an import has committed: a store locked by another writer must not turn
    /// a committed import into a reported failure, so a busy store leaves the statistics for the next import or start.
    /// </summary>
    public static async Task RefreshAfterImportAsync(DetainerDbContext db, CancellationToken ct = default)
    {
        try
        {
            await RefreshIfStaleAsync(db, ct);
        }
        catch (Exception e) when (StoreBusy.Is(e))
        {
            // Stale until the next import or start recomputes them: plans may be slower, answers are the same.
        }
    }

    /// <summary>
    /// Whether the statistics need recomputing: never computed completely (no marker), none for the detainers'
    /// indexes while detainers exist, or a detainer count that moved by more than a tenth since they were taken.
    /// One <c>COUNT(*)</c> over the smallest index: a few milliseconds at a million detainers.
    /// </summary>
    public static async Task<bool> IsStaleAsync(DetainerDbContext db, CancellationToken ct = default)
    {
        if (await ScalarAsync(db, "PRAGMA user_version", ct) is not CompleteMarker)
        {
            return true;
        }
        var recorded = await RecordedDetainersAsync(db, ct);
        var actual = await ScalarAsync(db, "SELECT COUNT(*) FROM \"Detainers\"", ct) ?? 0;
        return recorded is not { } rows ? actual > 0 : Math.Abs(actual - rows) * 10 > rows;
    }

    /// <summary>The detainer count <c>sqlite_stat1</c> holds (the first figure of an index's row), null when it holds none.</summary>
    private static async Task<long?> RecordedDetainersAsync(DetainerDbContext db, CancellationToken ct)
    {
        if (await ScalarAsync(db, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'", ct) is not > 0)
        {
            return null;
        }
        var stat = await TextAsync(db, "SELECT stat FROM sqlite_stat1 WHERE tbl = 'Detainers' AND idx IS NOT NULL LIMIT 1", ct);
        var first = stat?.Split(' ', 2)[0];
        return long.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var rows) ? rows : null;
    }

    private static async Task<long?> ScalarAsync(DetainerDbContext db, string sql, CancellationToken ct) =>
        await TextAsync(db, sql, ct) is { } text && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static async Task<string?> TextAsync(DetainerDbContext db, string sql, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened)
        {
            await db.Database.OpenConnectionAsync(ct);
        }
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            return Convert.ToString(await command.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        }
        finally
        {
            if (opened)
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }
}
