using DetainerGraph.Data;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Cli;

/// <summary><c>migrate</c>: applies the pending database migrations.</summary>
public static partial class Commands
{
    private static async Task<int> MigrateAsync(IServiceProvider services, CancellationToken ct)
    {
        var storage = services.GetRequiredService<StorageOptions>();
        if (storage.Provider == DatabaseProvider.Sqlite)
        {
            Directory.CreateDirectory(storage.Directory);
        }
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DetainerDbContext>();
        var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
        await db.Database.MigrateAsync(ct);
        Console.WriteLine(pending.Count == 0
            ? $"{storage.Provider}: the database is up to date"
            : $"{storage.Provider}: applied {string.Join(", ", pending)}");
        return 0;
    }
}
