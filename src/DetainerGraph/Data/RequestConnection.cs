using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Data;

/// <summary>
/// The request's DbContext, for GraphQL resolvers and batch loaders. On SQLite its connection is opened at the first
/// use and held until the scope ends, so a request's statements share one open instead of each opening and closing
/// the connection (a pooled SQLite open and close cost about as much CPU as planning a small statement). EF Core leaves
/// a connection it did not open alone between queries. Holding it costs nothing else: WAL readers take no lock
/// between statements, and each statement's reader is closed before the next starts.
/// <para>Released on every path: this service is scoped and created after the context it wraps (its factory resolves
/// the context first), so the scope disposes it first and the connection is closed before the pooled context goes back
/// to the pool, whether the request succeeded, failed or was cancelled. SQL Server keeps EF Core's per-statement
/// opens: there a held connection would be held across search calls and responses for no gain measured here.</para>
/// </summary>
public sealed class RequestConnection(DetainerDbContext db) : IAsyncDisposable, IDisposable
{
    private bool _held;

    /// <summary>Whether the connection is open and held for the scope now.</summary>
    public bool IsHeld => _held;

    /// <summary>The request's context; on SQLite, with its connection open for the rest of the scope.</summary>
    public DetainerDbContext Db
    {
        get
        {
            if (!_held && db is SqliteDetainerDbContext)
            {
                // Synchronous on purpose: Microsoft.Data.Sqlite opens synchronously in OpenAsync too.
                db.Database.OpenConnection();
                _held = true;
            }
            return db;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_held)
        {
            _held = false;
            await db.Database.CloseConnectionAsync();
        }
    }

    public void Dispose()
    {
        if (_held)
        {
            _held = false;
            db.Database.CloseConnection();
        }
    }
}
