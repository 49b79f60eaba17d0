using Microsoft.Data.Sqlite;

namespace DetainerGraph.Data;

/// <summary>Recognizes a write that found the embedded store locked by another writer past its wait.</summary>
public static class StoreBusy
{
    /// <summary>SQLITE_BUSY or SQLITE_LOCKED anywhere in the chain (EF Core wraps provider exceptions).</summary>
    public static bool Is(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SqliteException { SqliteErrorCode: 5 or 6 })
            {
                return true;
            }
        }
        return false;
    }
}
