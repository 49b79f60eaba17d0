using System.Data.Common;
using System.Text;
using DetainerGraph.Data;
using DetainerGraph.Import;
using DetainerGraph.Operability;
using DetainerGraph.Reference;
using DetainerGraph.Search;
using DetainerGraph.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace DetainerGraph.Tests.Search;

/// <summary>
/// Indexing beside the import's write: the documents made from the parsed rows are the ones read back from
/// the database after the commit, and documents of an import that does not commit never become searchable.
/// </summary>
public sealed class ImportIndexingTests : IDisposable
{
    private readonly TestApp _app = new();

    public void Dispose() => _app.Dispose();

    [Fact]
    public async Task Documents_made_during_the_write_equal_those_read_back_after_the_commit()
    {
        _app.Started();
        // A jurisdiction already stored under another spelling: documents carry the stored name.
        await _app.ImportAsync("first.csv", FilterFixture.Detainers);
        var session = new RecordingSession();
        int sourceId;
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<DetainerDbContext>();
            var reference = scope.ServiceProvider.GetRequiredService<ReferenceData>();
            var parsed = new Importer(db, reference).Parse("second.csv", Encoding.UTF8.GetBytes(FilterFixture.Detainers.ToUpperInvariant().Replace("DETAINER_KEY", "detainer_key", StringComparison.Ordinal)));
            Assert.Empty(parsed.Errors);
            sourceId = (await new ImportWriter(db, reference).WriteAsync(parsed, new string('b', 64), null, new SearchSync.ImportSession(session, db, () => { }, NullLogger.Instance), default)).Id;
        }
        var readBack = await _app.WithDbAsync(db => ChargeDocuments.Of(db.Charges.Where(c => c.Detainer.SourceId == sourceId)).ToListAsync());

        Assert.NotEmpty(readBack);
        Assert.Equal(readBack.OrderBy(d => d.ChargeId), session.Documents.OrderBy(d => d.ChargeId));
    }

    [Fact]
    public async Task A_detainer_of_many_charges_reaches_the_indexers_in_bounded_batches_as_its_rows_are_written()
    {
        _app.Started();
        // One detainer of 23 charge rows between two of one: with batches of at most 5 documents, its charges must be
        // split across batches (they once went in one batch of the chunk, however many the detainer held).
        var csv = new StringBuilder("detainer_key,state,county,facility,facility_city,citizenship,detainer_type,issued_date,outcome,outcome_date,report_week,charge,charge_status\n");
        csv.Append("a,TX,Travis County,Travis County Jail,,Mexico,I-247D,2017-01-20,Detainer Declined by LEA,2017-01-31,,Assault,Charge\n");
        for (var i = 1; i <= 23; i++)
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"b,GA,Elbert County,,,Mexico,I-247D,2017-01-27,Booked into Detention,2017-01-28,,Burglary count {i},Conviction\n");
        }
        csv.Append("c,TX,Travis County,Travis County Jail,,Mexico,I-247D,2017-01-20,Detainer Declined by LEA,2017-01-31,,Robbery,Charge\n");
        var session = new RecordingSession();
        int sourceId;
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<DetainerDbContext>();
            var reference = scope.ServiceProvider.GetRequiredService<ReferenceData>();
            var parsed = new Importer(db, reference).Parse("one-large.csv", Encoding.UTF8.GetBytes(csv.ToString()));
            Assert.Empty(parsed.Errors);
            var writer = new ImportWriter(db, reference) { DocumentBatchSize = 5 };
            sourceId = (await writer.WriteAsync(parsed, new string('c', 64), null, new SearchSync.ImportSession(session, db, () => { }, NullLogger.Instance), default)).Id;
        }
        var readBack = await _app.WithDbAsync(db => ChargeDocuments.Of(db.Charges.Where(c => c.Detainer.SourceId == sourceId)).ToListAsync());
        var ordinals = await _app.WithDbAsync(db => db.Charges.Where(c => c.Detainer.SourceLine == 3 && c.Detainer.SourceId == sourceId).OrderBy(c => c.Id).Select(c => c.Ordinal).ToListAsync());

        Assert.Equal(25, readBack.Count);
        Assert.All(session.Batches, size => Assert.InRange(size, 1, 5));
        Assert.Equal(readBack.OrderBy(d => d.ChargeId), session.Documents.OrderBy(d => d.ChargeId));
        Assert.Equal(Enumerable.Range(1, 23), ordinals);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_import_session_dropped_without_commit_leaves_nothing_searchable_whether_or_not_its_commit_was_prepared(bool prepared)
    {
        await _app.ImportAsync("filter.csv", FilterFixture.Detainers);
        var search = _app.Services.GetRequiredService<IChargeSearch>();
        var lucene = Assert.IsAssignableFrom<IChargeImportIndex>(_app.Services.SearchEngine());
        var before = await search.CountAsync(default);
        var existing = await _app.WithDbAsync(db => ChargeDocuments.Of(db.Charges).FirstAsync());

        await using (var session = await lucene.BeginImportAsync(default))
        {
            await session.AddAsync([existing with { ChargeId = 1_000_001, Description = "PHANTOM CHARGE" }, existing with { ChargeId = 1_000_002, Description = "PHANTOM CHARGE" }], default);
            if (prepared)
            {
                // The last document: the session flushes and prepares its commit in the background, then is dropped.
                session.CompleteAdding();
            }
        }
        // A later write commits and refreshes: the discarded documents must not come with it.
        await search.IndexAsync([existing], default);

        Assert.Equal(before, await search.CountAsync(default));
        var data = await _app.DataAsync("{ searchCharges(query: \"phantom\") { totalCount } }");
        Assert.Equal(0, data.GetProperty("searchCharges").GetProperty("totalCount").GetInt32());
    }

    [Fact]
    public async Task An_import_that_fails_after_its_last_document_leaves_neither_rows_nor_documents_and_a_rerun_completes_it()
    {
        var failing = new FailingStatement("DELETE FROM \"DetainerRollupsDeferred\"");
        using var app = new TestApp(services: services => services.ConfigureDbContext<SqliteDetainerDbContext>(o => o.AddInterceptors(failing)));
        app.Started();
        var search = app.Services.GetRequiredService<IChargeSearch>();

        // The rollups' step runs after every row is written and the index's commit is prepared, before the database commits.
        await Assert.ThrowsAsync<InvalidOperationException>(() => app.ImportAsync("filter.csv", FilterFixture.Detainers));

        Assert.Equal(1, failing.Failures);
        Assert.Equal(0, await app.WithDbAsync(db => db.Charges.CountAsync()));
        Assert.Equal(0, await app.WithDbAsync(db => db.Sources.CountAsync()));
        Assert.Equal(0, await search.CountAsync(default));

        var result = await app.ImportAsync("filter.csv", FilterFixture.Detainers);

        Assert.Equal(ImportOutcome.Imported, result.Outcome);
        Assert.Equal(await app.WithDbAsync(db => db.Charges.LongCountAsync()), await search.CountAsync(default));
        var data = await app.DataAsync("{ searchCharges(query: \"cruelty toward wife\") { totalCount } }");
        Assert.Equal(1, data.GetProperty("searchCharges").GetProperty("totalCount").GetInt32());
        Assert.Equal(ImportOutcome.AlreadyImported, (await app.ImportAsync("filter.csv", FilterFixture.Detainers)).Outcome);
        Assert.Equal(await app.WithDbAsync(db => db.Charges.LongCountAsync()), await search.CountAsync(default));
    }

    [Fact]
    public async Task An_import_indexed_during_the_write_is_searchable_and_owes_nothing()
    {
        await _app.ImportAsync("filter.csv", FilterFixture.Detainers);

        var row = Assert.Single(await _app.WithDbAsync(db => db.SearchOutbox.ToListAsync()));
        Assert.NotNull(row.ProcessedAt);
        Assert.Equal(1, row.Attempts);
        Assert.Equal(await _app.WithDbAsync(db => db.Charges.LongCountAsync()), await _app.Services.GetRequiredService<IChargeSearch>().CountAsync(default));
        var data = await _app.DataAsync("{ searchCharges(query: \"cruelty toward wife\") { totalCount } }");
        Assert.Equal(1, data.GetProperty("searchCharges").GetProperty("totalCount").GetInt32());
    }

    /// <summary>Fails the first command whose text starts with <paramref name="prefix"/> (once), as a database error mid-import would.</summary>
    private sealed class FailingStatement(string prefix) : DbCommandInterceptor
    {
        private int _failures;

        public int Failures => Volatile.Read(ref _failures);

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.StartsWith(prefix, StringComparison.Ordinal) && Interlocked.CompareExchange(ref _failures, 1, 0) == 0)
            {
                throw new InvalidOperationException("injected failure after the import's last row");
            }
            return base.NonQueryExecutingAsync(command, eventData, result, cancellationToken);
        }
    }

    private sealed class RecordingSession : IChargeImportSession
    {
        public List<ChargeDocument> Documents { get; } = [];

        /// <summary>The size of each batch handed over, in order.</summary>
        public List<int> Batches { get; } = [];

        public ValueTask AddAsync(IReadOnlyList<ChargeDocument> documents, CancellationToken ct)
        {
            Batches.Add(documents.Count);
            Documents.AddRange(documents);
            return ValueTask.CompletedTask;
        }

        public Task CommitAsync(CancellationToken ct) => Task.CompletedTask;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
