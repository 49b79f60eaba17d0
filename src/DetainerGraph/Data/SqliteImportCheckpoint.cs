using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Data;

/// <summary>
/// A SQLite import's WAL checkpoint moved off its critical path. The commit of a large import would otherwise copy every
/// page it wrote from the WAL into the database file before returning (about 1 s at a million detainers, on the one thread
/// that then still computes the planner statistics). Here the import's connection is held open with
/// <c>wal_autocheckpoint</c> off until <see cref="DisposeAsync"/>; once the import has committed, <see cref="Start"/> runs a
/// passive checkpoint on a connection of its own, beside the statistics, and <see cref="DisposeAsync"/> waits for it and
/// sets the connection's <c>wal_autocheckpoint</c> back (connections are pooled).
/// </summary>
/// <remarks>
/// A passive checkpoint takes no lock that readers or the writer wait on, and copies only committed pages: the store's
/// content is the same with or without it. If it fails or finds the store busy, the WAL keeps the pages (readers read them
/// there) and the next commit's automatic checkpoint copies them.
/// </remarks>
internal sealed class SqliteImportCheckpoint : IAsyncDisposable
{
    private readonly DetainerDbContext _db;
    private readonly bool _opened;
    private readonly long _previous;
    private Task? _checkpoint;

    private SqliteImportCheckpoint(DetainerDbContext db, bool opened, long previous)
    {
        _db = db;
        _opened = opened;
        _previous = previous;
    }

    /// <summary>SQLite only (null otherwise): the context's connection opened and held, its automatic checkpoint off.</summary>
    public static async Task<SqliteImportCheckpoint?> DeferAsync(DetainerDbContext db, CancellationToken ct)
    {
        if (!db.Database.IsSqlite())
        {
            return null;
        }
        var connection = db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened)
        {
            await db.Database.OpenConnectionAsync(ct);
        }
        try
        {
            var previous = Convert.ToInt64(await ExecuteAsync(connection, "PRAGMA wal_autocheckpoint", ct), CultureInfo.InvariantCulture);
            await ExecuteAsync(connection, "PRAGMA wal_autocheckpoint = 0", ct);
            return new SqliteImportCheckpoint(db, opened, previous);
        }
        catch
        {
            if (opened)
            {
                await db.Database.CloseConnectionAsync();
            }
            throw;
        }
    }

    /// <summary>After the import has committed: the passive checkpoint, on another connection and thread.</summary>
    public void Start()
    {
        var connectionString = _db.Database.GetConnectionString();
        _checkpoint ??= Task.Run(() =>
        {
            using var connection = new SqliteConnection(connectionString);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
            command.ExecuteNonQuery();
        });
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_checkpoint is not null)
            {
                await _checkpoint;
            }
        }
        catch (Exception e) when (e is SqliteException or InvalidOperationException)
        {
            // The pages stay in the WAL until the next automatic checkpoint: nothing is lost or wrong.
        }
        finally
        {
            try
            {
                var connection = _db.Database.GetDbConnection();
                // The connection's own figure, formatted invariantly: nothing to inject.
                await ExecuteAsync(connection, "PRAGMA wal_autocheckpoint = " + _previous.ToString(CultureInfo.InvariantCulture), CancellationToken.None);
            }
            finally
            {
                if (_opened)
                {
                    await _db.Database.CloseConnectionAsync();
                }
            }
        }
    }

    private static async Task<object?> ExecuteAsync(DbConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(ct);
    }
}
