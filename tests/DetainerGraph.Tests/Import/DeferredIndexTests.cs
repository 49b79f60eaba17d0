using System.Globalization;
using System.Text;
using DetainerGraph.Data;
using DetainerGraph.Import;
using DetainerGraph.Reference;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace DetainerGraph.Tests.Import;

/// <summary>
/// A large SQLite import drops the detainer and charge tables' secondary indexes and builds them again before it
/// commits (<see cref="SqliteDeferredIndexes"/>). The store must come out with the same schema and consistent
/// indexes when it succeeds, and exactly as it was, indexes included, when it fails at any point.
/// </summary>
public sealed class DeferredIndexTests : IDisposable
{
    private static readonly string[] SecondaryIndexes =
    [
        "IX_Charges_Category_DetainerId", "IX_Charges_NcicCode", "IX_Detainers_FacilityId", "IX_Detainers_IssuedOn",
        "IX_Detainers_IssuedOnOrAfter", "IX_Detainers_JurisdictionId_Id_Retracted_Outcome_IssuedOnOrAfterMissing",
        "IX_Detainers_JurisdictionId_IssuedOnOrAfter_Id_Retracted_Outcome", "IX_Detainers_JurisdictionId_IssuedOn_Id_Retracted_Outcome",
        "IX_Detainers_Outcome_IssuedOn_Id_Retracted_JurisdictionId",
        "IX_Detainers_WeekStart_Outcome",
    ];

    // The rollup triggers on Detainers that the bulk import switches off (SqliteDeferredTriggers), in the order the migrations created them.
    private static readonly string[] InsertTriggers = ["DetainerRollups_AfterInsert", "CoarseRollups_AfterInsert", "StateWeekRollup_AfterInsert"];

    private readonly TestApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task A_large_import_rebuilds_the_indexes_it_dropped_and_leaves_the_schema_as_it_was()
    {
        var before = await SchemaAsync();

        var writer = await WriteAsync("large.csv", Generate(300, seed: 3), deferFrom: 1);

        Assert.Equal(SecondaryIndexes, writer.RebuiltIndexes.Order(StringComparer.Ordinal));
        Assert.Equal(InsertTriggers, writer.RestoredTriggers);
        Assert.Equal(before, await SchemaAsync());
        Assert.Equal("ok", await IntegrityAsync());
        // Each rebuilt index holds every row: the count read through it equals the table's.
        var (table, throughIndex) = await _app.WithDbAsync(async db => (
            await db.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM \"Detainers\"").SingleAsync(),
            await db.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM \"Detainers\" INDEXED BY \"IX_Detainers_IssuedOn\" WHERE \"IssuedOn\" IS NOT NULL OR \"IssuedOn\" IS NULL").SingleAsync()));
        Assert.Equal(300, table);
        Assert.Equal(table, throughIndex);
    }

    [Fact]
    public async Task An_import_smaller_than_the_store_keeps_its_indexes()
    {
        await WriteAsync("first.csv", Generate(200, seed: 4), deferFrom: 1);

        var writer = await WriteAsync("second.csv", Generate(100, seed: 5), deferFrom: 1);

        Assert.Empty(writer.RebuiltIndexes);
        Assert.Equal("ok", await IntegrityAsync());
    }

    /// <summary>
    /// The rollup triggers a large import dropped are back and working after it: a detainer inserted afterwards, outside
    /// the bulk path, is counted in the rollups by them.
    /// </summary>
    [Fact]
    public async Task The_rollup_triggers_a_large_import_dropped_count_the_next_insert()
    {
        var writer = await WriteAsync("large.csv", Generate(300, seed: 10), deferFrom: 1);
        Assert.Equal(InsertTriggers, writer.RestoredTriggers);
        const string Sums = "SELECT (SELECT COUNT(*) FROM \"Detainers\") || ' ' || (SELECT SUM(\"Count\") FROM \"DetainerCounts\") || ' ' || (SELECT SUM(\"Count\") FROM \"DetainerTotals\") AS \"Value\"";
        Assert.Equal("300 300 300", await _app.WithDbAsync(db => db.Database.SqlQueryRaw<string>(Sums).SingleAsync()));

        // One detainer copied under a new key and line, by plain SQL: only the triggers can count it.
        await _app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("""
            CREATE TEMP TABLE "Copy" AS SELECT * FROM "Detainers" WHERE "Id" = (SELECT MIN("Id") FROM "Detainers");
            UPDATE "Copy" SET "Id" = "Id" + 100000, "SourceLine" = "SourceLine" + 100000;
            INSERT INTO "Detainers" SELECT * FROM "Copy";
            DROP TABLE "Copy";
            """));

        Assert.Equal("301 301 301", await _app.WithDbAsync(db => db.Database.SqlQueryRaw<string>(Sums).SingleAsync()));
    }

    /// <summary>A trigger added by the test fails the import while its rows are written (indexes dropped) or after the rebuild.</summary>
    [Theory]
    [InlineData("while its rows are written", "BEFORE INSERT ON \"Charges\" WHEN NEW.\"Id\" > 1000")]
    [InlineData("after the indexes were rebuilt", "BEFORE INSERT ON \"SearchOutbox\"")]
    public async Task A_large_import_that_fails_leaves_the_store_exactly_as_before_indexes_included(string when, string trigger)
    {
        await WriteAsync("first.csv", Generate(50, seed: 6), deferFrom: 1);
        var create = "CREATE TRIGGER \"InjectedFailure\" " + trigger + " BEGIN SELECT RAISE(ABORT, 'injected failure'); END";
        await _app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync(create));
        var schema = await SchemaAsync();
        var counts = await _app.CountsAsync();
        // At least one charge per detainer: the large file's charges pass key 1000, the first file's do not.
        var large = Generate(1000, seed: 7);

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => WriteAsync("large.csv", large, deferFrom: 1));

        Assert.Contains("injected failure", failure.ToString(), StringComparison.Ordinal);
        Assert.True(schema.SequenceEqual(await SchemaAsync()), $"the schema changed after a failure {when}");
        Assert.Equal(counts, await _app.CountsAsync());
        Assert.Equal("ok", await IntegrityAsync());

        // Nothing of the failed attempt remains in the way: without the fault the same file imports, indexes rebuilt.
        await _app.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("DROP TRIGGER \"InjectedFailure\""));
        var writer = await WriteAsync("large.csv", large, deferFrom: 1);
        Assert.Equal(SecondaryIndexes, writer.RebuiltIndexes.Order(StringComparer.Ordinal));
        Assert.Equal("ok", await IntegrityAsync());
        Assert.Equal(1050, await _app.WithDbAsync(db => db.Detainers.CountAsync()));
    }

    /// <summary>
    /// The rollup groups are counted on another thread while the indexes are rebuilt: a failure there, or a cancellation
    /// meanwhile, surfaces from the import and leaves the store as it was (never a hang, never a half-written import).
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_failure_or_cancellation_while_the_rollup_groups_are_counted_leaves_the_store_exactly_as_before(bool cancel)
    {
        await WriteAsync("first.csv", Generate(50, seed: 8), deferFrom: 1);
        var schema = await SchemaAsync();
        var counts = await _app.CountsAsync();
        var rollups = await _app.WithDbAsync(db => db.Database.SqlQueryRaw<long>("SELECT COUNT(*) AS \"Value\" FROM \"DetainerCounts\"").SingleAsync());
        var large = Generate(1000, seed: 9);
        using var cancellation = new CancellationTokenSource();
        Action fault = cancel ? cancellation.Cancel : () => throw new InvalidOperationException("injected counting failure");

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => WriteAsync("large.csv", large, deferFrom: 1, fault, cancellation.Token));

        if (cancel)
        {
            Assert.IsAssignableFrom<OperationCanceledException>(failure);
        }
        else
        {
            Assert.Contains("injected counting failure", failure.Message, StringComparison.Ordinal);
        }
        Assert.True(schema.SequenceEqual(await SchemaAsync()), "the schema changed after a failure while counting");
        Assert.Equal(counts, await _app.CountsAsync());
        Assert.Equal(rollups, await _app.WithDbAsync(db => db.Database.SqlQueryRaw<long>("SELECT COUNT(*) AS \"Value\" FROM \"DetainerCounts\"").SingleAsync()));
        Assert.Empty(await _app.WithDbAsync(db => db.Database.SqlQueryRaw<string>("SELECT \"Reason\" AS \"Value\" FROM \"DetainerRollupsDeferred\"").ToListAsync()));
        Assert.Equal("ok", await IntegrityAsync());

        var writer = await WriteAsync("large.csv", large, deferFrom: 1);
        Assert.Equal(SecondaryIndexes, writer.RebuiltIndexes.Order(StringComparer.Ordinal));
        Assert.Equal(1050, await _app.WithDbAsync(db => db.Detainers.CountAsync()));
    }

    private async Task<ImportWriter> WriteAsync(string fileName, string content, int deferFrom, Action? whileCounting = null, CancellationToken ct = default)
    {
        await using var scope = _app.Started().CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DetainerDbContext>();
        var reference = scope.ServiceProvider.GetRequiredService<ReferenceData>();
        var bytes = Encoding.UTF8.GetBytes(content);
        var parsed = new Importer(db, reference).Parse(fileName, bytes, CancellationToken.None);
        Assert.Empty(parsed.Errors);
        var writer = new ImportWriter(db, reference) { DeferIndexesFrom = deferFrom, WhileCountingRollupGroups = whileCounting };
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
        await writer.WriteAsync(parsed, sha, null, null, ct);
        return writer;
    }

    private string Generate(int detainers, int seed)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        new DetainerGenerator(_app.Started().GetRequiredService<ReferenceData>()).Write(text, detainers, seed, new DateOnly(2017, 1, 28), 3);
        return text.ToString();
    }

    /// <summary>Every table, index and trigger with its definition, by name.</summary>
    private Task<List<string>> SchemaAsync() => _app.WithDbAsync(db => db.Database
        .SqlQueryRaw<string>("SELECT \"type\" || ' ' || \"name\" || ': ' || COALESCE(\"sql\", '') AS \"Value\" FROM sqlite_master ORDER BY \"name\"")
        .ToListAsync());

    private Task<string> IntegrityAsync() => _app.WithDbAsync(db => db.Database
        .SqlQueryRaw<string>("SELECT group_concat(\"integrity_check\", '; ') AS \"Value\" FROM pragma_integrity_check").SingleAsync());
}
