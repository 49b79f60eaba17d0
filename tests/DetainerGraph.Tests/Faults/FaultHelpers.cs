using System.Globalization;
using DetainerGraph.Data;
using DetainerGraph.Import;
using DetainerGraph.Reference;
using DetainerGraph.Search;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace DetainerGraph.Tests.Faults;

/// <summary>What a storage folder holds, read from outside any server.</summary>
public sealed record StoreState(long Sources, long Detainers, long Charges, long OutboxOwed, string Integrity)
{
    public static async Task<StoreState> ReadAsync(string storageDirectory)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(storageDirectory, "detainers.db")};Pooling=False");
        await connection.OpenAsync();
        async Task<long> ScalarAsync(string sql)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }
        await using var check = connection.CreateCommand();
        check.CommandText = "PRAGMA integrity_check";
        var integrity = (string)(await check.ExecuteScalarAsync())!;
        return new StoreState(
            await ScalarAsync("SELECT COUNT(*) FROM Sources"),
            await ScalarAsync("SELECT COUNT(*) FROM Detainers"),
            await ScalarAsync("SELECT COUNT(*) FROM Charges"),
            await ScalarAsync("SELECT COUNT(*) FROM SearchOutbox WHERE ProcessedAt IS NULL"),
            integrity);
    }

    /// <summary>How many charges the Lucene index under the folder holds (opened while no process uses it).</summary>
    public static async Task<long> IndexedChargesAsync(string storageDirectory)
    {
        var storage = new StorageOptions { Directory = storageDirectory, ConnectionString = "", Provider = DatabaseProvider.Sqlite };
        using var search = new LuceneChargeSearch(storage, Path.Combine(AppContext.BaseDirectory, "data", ChargeAnalysis.SynonymFileName), NullLogger<LuceneChargeSearch>.Instance);
        return await search.CountAsync(CancellationToken.None);
    }
}

public static class BigFiles
{
    /// <summary>Writes a synthetic detainers file (the <c>generate</c> command's format); returns its row count.</summary>
    public static int Write(string path, int detainers, int seed)
    {
        using var writer = new StreamWriter(path, append: false, new System.Text.UTF8Encoding(false));
        return new DetainerGenerator(new ReferenceData(Path.Combine(AppContext.BaseDirectory, "data"))).Write(writer, detainers, seed, new DateOnly(2017, 1, 28), 3);
    }

    public static string TempFolder(string name)
    {
        var folder = Path.Combine(Path.GetTempPath(), "detainergraph-tests", name + "-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    public static void Delete(string folder)
    {
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
