using DetainerGraph.Data;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace DetainerGraph.Tests.Data;

/// <summary>
/// The import's bulk inserter binds values itself: a row it writes must be stored exactly as EF Core's
/// <c>SaveChanges</c> stores the same entity (storage class and value of every column), nulls included.
/// </summary>
public sealed class SqliteBulkInserterTests : IDisposable
{
    private readonly TestApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Rows_are_stored_as_SaveChanges_stores_them()
    {
        var (saved, inserted) = await _app.WithDbAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var week = new DateOnly(2017, 1, 28);
            db.Weeks.Add(Week.Starting(week));
            var source = new Source { Format = "test", FileName = "t.csv", ContentSha256 = "00", ImportedAt = DateTimeOffset.UtcNow, RowCount = 2 };
            db.Sources.Add(source);
            await db.SaveChangesAsync();

            Detainer Full(long id, int line) => new()
            {
                Id = id,
                IssuedOn = new DateOnly(2017, 1, 29),
                DetainerType = DetainerType.I247D,
                DetainerTypeAsPublished = "I-247D",
                Outcome = DetainerOutcome.DeclinedByLea,
                OutcomeAsPublished = "Detainer Declined by LEA",
                OutcomeRecordedOn = new DateOnly(2017, 2, 1),
                WeekStart = week,
                Citizenship = "Mexico ñ",
                SourceUrl = "https://example.org/a",
                SourceId = source.Id,
                SourceLine = line,
                Charges = { new Charge { Id = id, DetainerId = id, Description = "ASSAULT", NcicCode = "1313", Category = "Assault", Status = ChargeStatus.Conviction, Ordinal = 1 } },
            };
            db.Detainers.Add(Full(1, 2));
            db.Detainers.Add(new Detainer { Id = 3, SourceId = source.Id, SourceLine = 4, Citizenship = "", Charges = { new Charge { Id = 3, DetainerId = 3, Description = "X" } } });
            await db.SaveChangesAsync();

            using (var detainers = new SqliteBulkInserter<Detainer>(db))
            using (var charges = new SqliteBulkInserter<Charge>(db))
            {
                foreach (var detainer in new[] { Full(2, 3), new Detainer { Id = 4, SourceId = source.Id, SourceLine = 5, Citizenship = "", Charges = { new Charge { Id = 4, DetainerId = 4, Description = "X" } } } })
                {
                    detainers.Insert(detainer);
                    charges.Insert(detainer.Charges[0]);
                }
            }
            var saved = await RowsAsync(db, [1, 3]);
            var inserted = await RowsAsync(db, [2, 4]);
            await transaction.RollbackAsync();
            return (saved, inserted);
        });

        Assert.Equal(saved, inserted);
        Assert.Contains("IssuedOn=String:'2017-01-29'", saved[0], StringComparison.Ordinal);
        // Text is bound as UTF-8 (non-ASCII included), and the empty string stays empty, not NULL.
        Assert.Contains("Citizenship=String:'Mexico ñ'", saved[0], StringComparison.Ordinal);
        Assert.Contains("Citizenship=String:''", saved[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_constraint_failure_throws_and_the_statement_stays_usable()
    {
        var written = await _app.WithDbAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var source = new Source { Format = "test", FileName = "t.csv", ContentSha256 = "01", ImportedAt = DateTimeOffset.UtcNow, RowCount = 1 };
            db.Sources.Add(source);
            await db.SaveChangesAsync();
            using var detainers = new SqliteBulkInserter<Detainer>(db);
            detainers.Insert(new Detainer { Id = 1, SourceId = source.Id, SourceLine = 2 });
            var failure = Assert.Throws<SqliteException>(() => detainers.Insert(new Detainer { Id = 1, SourceId = source.Id, SourceLine = 3 }));
            Assert.Equal(19, failure.SqliteErrorCode); // SQLITE_CONSTRAINT
            detainers.Insert(new Detainer { Id = 2, SourceId = source.Id, SourceLine = 3 });
            var count = await db.Detainers.CountAsync();
            await transaction.RollbackAsync();
            return count;
        });

        Assert.Equal(2, written);
    }

    /// <summary>Each row as one string of <c>column=type read back:quoted value</c>, the key columns left out.</summary>
    private static async Task<List<string>> RowsAsync(DetainerDbContext db, long[] ids)
    {
        var rows = new List<string>();
        var connection = db.Database.GetDbConnection();
        foreach (var (table, key) in new[] { ("Detainers", "Id"), ("Charges", "DetainerId") })
        {
            foreach (var id in ids)
            {
                using var command = connection.CreateCommand();
                command.Transaction = db.Database.CurrentTransaction!.GetDbTransaction();
                command.CommandText = $"SELECT * FROM \"{table}\" WHERE \"{key}\" = {id}";
                using var reader = await command.ExecuteReaderAsync();
                Assert.True(await reader.ReadAsync());
                var columns = Enumerable.Range(0, reader.FieldCount)
                    .Where(i => reader.GetName(i) is not ("Id" or "DetainerId" or "SourceLine"))
                    .Select(i => $"{reader.GetName(i)}={(reader.IsDBNull(i) ? "null" : reader.GetValue(i).GetType().Name + ":'" + reader.GetValue(i) + "'")}");
                rows.Add(table + ": " + string.Join(", ", columns));
            }
        }
        return rows;
    }
}
