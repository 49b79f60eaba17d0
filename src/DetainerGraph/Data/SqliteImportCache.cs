using System.Globalization;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Data;

/// <summary>
/// A SQLite page cache of another size for a stretch of an import, then the size it had again (connections are
/// pooled). <see cref="EnlargeAsync"/>: a larger one for the row writes; with the default 2 MB, the inserts into the
/// detainer and charge tables and their nine indexes evict and re-read index pages, and spill dirty pages to the WAL
/// before the commit.
/// </summary>
internal sealed class SqliteImportCache : IAsyncDisposable
{
    // 64 MB.
    private const int ImportKiB = 65536;

    private readonly DetainerDbContext _db;
    private readonly long _previous;

    private SqliteImportCache(DetainerDbContext db, long previous)
    {
        _db = db;
        _previous = previous;
    }

    public static Task<SqliteImportCache> EnlargeAsync(DetainerDbContext db, CancellationToken ct) => ResizeAsync(db, ImportKiB, ct);

    /// <summary>The page cache at <paramref name="kib"/> KiB until the result is disposed.</summary>
    public static async Task<SqliteImportCache> ResizeAsync(DetainerDbContext db, int kib, CancellationToken ct)
    {
        var previous = await db.Database.SqlQueryRaw<long>("SELECT cache_size AS Value FROM pragma_cache_size").SingleAsync(ct);
        await SetAsync(db, -(long)kib, ct);
        return new SqliteImportCache(db, previous);
    }

    public async ValueTask DisposeAsync() => await SetAsync(_db, _previous, CancellationToken.None);

    // A negative cache_size is in KiB. PRAGMA values cannot be parameters: this one is a constant of ours or the number
    // SQLite itself reported, formatted invariantly, so there is nothing to inject.
#pragma warning disable EF1003
    private static Task SetAsync(DetainerDbContext db, long size, CancellationToken ct) =>
        db.Database.ExecuteSqlRawAsync("PRAGMA cache_size = " + size.ToString(CultureInfo.InvariantCulture), ct);
#pragma warning restore EF1003
}
