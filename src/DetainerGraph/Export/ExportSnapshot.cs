using System.Data;
using DetainerGraph.Data;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace DetainerGraph.Export;

/// <summary>
/// The one read transaction an export reads everything through: the detainers, their charges chunk by chunk, and a
/// stats export's names and groups all come from the request's context, on one connection, in one snapshot of the
/// store. A correction, retraction or import committed while a long export streams is then in none of its rows, so
/// a charge's detainer is always in the file and its counts are those of one state of the database.
/// <para>
/// SQLite: a deferred transaction (<c>BEGIN</c>, not the <c>BEGIN IMMEDIATE</c> Microsoft.Data.Sqlite issues by
/// default), which takes no write lock; in WAL mode its snapshot starts at its first read and writers go on committing
/// beside it. The WAL cannot be checkpointed past the export's snapshot until it ends, so it grows for at most
/// <c>Export:Timeout</c>. The charges are read on the same connection while the detainers' statement is still
/// stepping, which SQLite allows.
/// </para>
/// <para>
/// SQL Server: a <c>SNAPSHOT</c> transaction (row versions in tempdb; writers are not blocked and do not block it),
/// on a connection with Multiple Active Result Sets so the charges can be read while the detainers' result is still
/// open. The database must allow snapshot isolation (the migration <c>AllowSnapshotIsolation</c> sets it); otherwise
/// the first read, made here before the response starts, fails with error 3952.
/// </para>
/// </summary>
public sealed class ExportSnapshot : IAsyncDisposable
{
    /// <summary>SQL Server's error when a snapshot transaction reads a database that does not allow snapshot isolation.</summary>
    public const int SnapshotNotAllowedError = 3952;

    private readonly DetainerDbContext _db;
    private readonly string? _connectionString;
    private readonly IDbContextTransaction _transaction;

    private ExportSnapshot(DetainerDbContext db, string? connectionString, IDbContextTransaction transaction)
    {
        _db = db;
        _connectionString = connectionString;
        _transaction = transaction;
    }

    /// <summary>Opens the context's connection and begins its snapshot; every query of the context reads in it until disposed.</summary>
    public static async Task<ExportSnapshot> BeginAsync(DetainerDbContext db, CancellationToken ct)
    {
        string? restore = null;
        if (db.Database.IsSqlServer())
        {
            // The pooled context's connection string is put back when the export ends, so no other request gets MARS.
            restore = db.Database.GetConnectionString();
            db.Database.SetConnectionString(new SqlConnectionStringBuilder(restore) { MultipleActiveResultSets = true }.ConnectionString);
        }
        try
        {
            await db.Database.OpenConnectionAsync(ct);
            IDbContextTransaction transaction;
            if (db.Database.GetDbConnection() is SqliteConnection sqlite)
            {
                transaction = (await db.Database.UseTransactionAsync(sqlite.BeginTransaction(deferred: true), ct))!;
            }
            else
            {
                transaction = await db.Database.BeginTransactionAsync(IsolationLevel.Snapshot, ct);
                // SQL Server starts the snapshot at the transaction's first read, and refuses that read (3952) in a
                // database that does not allow snapshot isolation: read once now, before the response has started.
                await db.Sources.Select(s => s.Id).FirstOrDefaultAsync(ct);
            }
            return new ExportSnapshot(db, restore, transaction);
        }
        catch
        {
            await EndAsync(db, restore, null);
            throw;
        }
    }

    /// <summary>Whether <paramref name="exception"/> is SQL Server refusing the snapshot (the database does not allow it).</summary>
    public static bool IsNotAllowed(Exception exception) =>
        exception is SqlException { Number: SnapshotNotAllowedError } || exception.InnerException is SqlException { Number: SnapshotNotAllowedError };

    public ValueTask DisposeAsync() => new(EndAsync(_db, _connectionString, _transaction));

    /// <summary>Ends the read (nothing was written, so a rollback), closes the connection and puts the connection string back.</summary>
    private static async Task EndAsync(DetainerDbContext db, string? connectionString, IDbContextTransaction? transaction)
    {
        try
        {
            if (transaction is not null)
            {
                // A transaction of our own making (SQLite's deferred one) is not disposed by EF Core: the underlying one is.
                var underlying = transaction.GetDbTransaction();
                await transaction.DisposeAsync();
                await underlying.DisposeAsync();
                await db.Database.UseTransactionAsync(null, CancellationToken.None);
            }
            await db.Database.CloseConnectionAsync();
        }
        finally
        {
            if (connectionString is not null)
            {
                db.Database.SetConnectionString(connectionString);
            }
        }
    }
}
