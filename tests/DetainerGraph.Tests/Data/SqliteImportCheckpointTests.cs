using DetainerGraph.Data;
using DetainerGraph.Import;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Tests.Data;

/// <summary>
/// An import's WAL checkpoint runs beside the steps after its commit (<see cref="SqliteImportCheckpoint"/>): the import's
/// connection has its automatic checkpoint off meanwhile and must get it back afterwards, whether or not the checkpoint
/// ran, since connections are pooled; and the committed pages must reach the database file.
/// </summary>
public sealed class SqliteImportCheckpointTests : IDisposable
{
    private readonly TestApp _app = new();

    public void Dispose() => _app.Dispose();

    private static async Task<long> ScalarAsync(DetainerDbContext db, string sql)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_automatic_checkpoint_is_off_while_held_and_set_back_after_with_or_without_a_checkpoint(bool checkpoint)
    {
        await _app.ImportAsync("first.csv", "report_number,week_start,week_end,published_on,detainers_issued_nationwide\n1,2017-01-28,2017-02-03,2017-03-20,3083\n");
        var (during, after, open) = await _app.WithDbAsync(async db =>
        {
            await db.Database.OpenConnectionAsync();
            await ScalarAsync(db, "PRAGMA wal_autocheckpoint = 777");
            long held;
            await using (var deferred = await SqliteImportCheckpoint.DeferAsync(db, CancellationToken.None))
            {
                held = await ScalarAsync(db, "PRAGMA wal_autocheckpoint");
                await db.Database.ExecuteSqlRawAsync("UPDATE \"Reports\" SET \"DetainersIssuedNationwide\" = 3084");
                if (checkpoint)
                {
                    deferred!.Start();
                }
            }
            var restored = await ScalarAsync(db, "PRAGMA wal_autocheckpoint");
            var stillOpen = db.Database.GetDbConnection().State == System.Data.ConnectionState.Open;
            await ScalarAsync(db, "PRAGMA wal_autocheckpoint = 1000");
            return (held, restored, stillOpen);
        });

        Assert.Equal(0, during);
        Assert.Equal(777, after);
        // Opened by the caller, so left open for it.
        Assert.True(open);
    }

    [Fact]
    public async Task After_an_import_the_connection_has_its_automatic_checkpoint_and_the_pages_reached_the_database_file()
    {
        var content = "report_number,week_start,week_end,published_on,detainers_issued_nationwide\n1,2017-01-28,2017-02-03,2017-03-20,3083\n";
        Assert.Equal(ImportOutcome.Imported, (await _app.ImportAsync("reports.csv", content)).Outcome);

        var (autocheckpoint, pending) = await _app.WithDbAsync(async db =>
        {
            await db.Database.OpenConnectionAsync();
            var value = await ScalarAsync(db, "PRAGMA wal_autocheckpoint");
            // A second passive checkpoint finds the import's pages already copied: what it copies now is at most the
            // statistics and outbox steps after the commit, not the import.
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            return (value, reader.GetInt64(1) - reader.GetInt64(2));
        });

        Assert.Equal(1000, autocheckpoint);
        Assert.Equal(0, pending);
    }
}
