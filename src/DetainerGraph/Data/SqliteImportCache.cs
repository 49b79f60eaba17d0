using System.Globalization;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Data;

/// <summary>
/// A larger SQLite page cache for the length of an import's row writes, then the connection's own size again
/// (connections are pooled). With the default 2 MB, the inserts into the detainer and charge tables and their
/// nine indexes evict and re-read index pages, and spill dirty pages to the WAL before the commit.
/// </summary>
internal sealed class SqliteImportCache : IAsyncDisposable
{
    // 64 MB (a negative cache_size is in KiB). PRAGMA values cannot be parameters.
    private const string Enlarge = "PRAGMA cache_size = -65536";

    private readonly DetainerDbContext _db;
    private readonly long _previous;

    private SqliteImportCache(DetainerDbContext db, long previous)
    {
        _db = db;
        _previous = previous;
    }

    public static async Task<SqliteImportCache> EnlargeAsync(DetainerDbContext db, CancellationToken ct)
    {
        var previous = await db.Database.SqlQueryRaw<long>("SELECT cache_size AS Value FROM pragma_cache_size").SingleAsync(ct);
        await db.Database.ExecuteSqlRawAsync(Enlarge, ct);
        return new SqliteImportCache(db, previous);
    }

    // The value restored is the number SQLite itself reported, formatted invariantly: nothing to inject.
#pragma warning disable EF1003
    public async ValueTask DisposeAsync() =>
        await _db.Database.ExecuteSqlRawAsync("PRAGMA cache_size = " + _previous.ToString(CultureInfo.InvariantCulture));
#pragma warning restore EF1003
}
