using DetainerGraph.Data;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Search;

/// <summary>
/// The search outbox: the <see cref="SearchOutboxEntry"/> rows each write commits with its data, drained into the
/// engine here (<see cref="DrainAsync"/>, by the <see cref="SearchOutboxWorker"/> or right after a write through
/// <see cref="SearchSync"/>). If the process died in between, <see cref="CatchUpAsync"/> finds the index short at the
/// next start and rebuilds it. Indexing is idempotent: documents are keyed by charge id.
/// </summary>
public sealed partial class SearchOutbox(IChargeSearch search, SearchOutboxSignal signal, ILogger<SearchOutbox> logger)
{
    // Each batch ends with a Lucene commit (an fsync of new segment files): 60-200 ms each here, so a
    // 1M-detainer import paid ~300 of them at 5,000. 20,000 documents hold ~6 MB in memory.
    private const int BatchSize = 20_000;

    /// <summary>
    /// Indexes the charges one imported source wrote, read by one streaming query and handed to the engine in
    /// batches. One query, not a keyset query per batch: filtered by source and ordered by charge id, each
    /// batch query made SQLite walk and sort the whole source again (quadratic in its size).
    /// </summary>
    public async Task IndexSourceAsync(DetainerDbContext db, int sourceId, CancellationToken ct)
    {
        var batch = new List<ChargeDocument>(BatchSize);
        await foreach (var document in ChargeDocuments.Of(db.Charges.Where(c => c.Detainer.SourceId == sourceId)).AsAsyncEnumerable().WithCancellation(ct))
        {
            batch.Add(document);
            if (batch.Count == BatchSize)
            {
                await search.IndexAsync(batch, ct);
                batch = new List<ChargeDocument>(BatchSize);
            }
        }
        if (batch.Count > 0)
        {
            await search.IndexAsync(batch, ct);
        }
    }

    /// <summary>
    /// Brings one detainer's documents up to date after a correction: its charges' current values, or none
    /// once it is retracted. Charge ids never change, so replacing by id is enough.
    /// </summary>
    public async Task IndexDetainerAsync(DetainerDbContext db, long detainerId, CancellationToken ct)
    {
        var documents = await ChargeDocuments.Of(db.Charges.Where(c => c.DetainerId == detainerId)).ToListAsync(ct);
        if (documents.Count > 0)
        {
            await search.IndexAsync(documents, ct);
            return;
        }
        var chargeIds = await db.Charges.Where(c => c.DetainerId == detainerId).Select(c => c.Id).ToListAsync(ct);
        await search.DeleteAsync(chargeIds, ct);
    }

    /// <summary>
    /// Indexes what the outbox says is owed, oldest first, marking each row done. Stops at the first failure,
    /// recording it on the row, and rethrows so the caller can retry later. Returns how many rows it drained.
    /// </summary>
    public async Task<int> DrainAsync(DetainerDbContext db, CancellationToken ct)
    {
        await signal.Gate.WaitAsync(ct);
        try
        {
            var drained = 0;
            while (true)
            {
                var entry = await db.SearchOutbox.AsTracking().Where(e => e.ProcessedAt == null).OrderBy(e => e.Id).FirstOrDefaultAsync(ct);
                if (entry is null)
                {
                    return drained;
                }
                entry.Attempts++;
                try
                {
                    if (entry.DetainerId is { } detainerId)
                    {
                        await IndexDetainerAsync(db, detainerId, ct);
                    }
                    else if (entry.SourceId is { } sourceId)
                    {
                        await IndexSourceAsync(db, sourceId, ct);
                    }
                    entry.ProcessedAt = DateTimeOffset.UtcNow;
                    entry.LastError = null;
                    drained++;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    entry.LastError = e.Message.Length > 2000 ? e.Message[..2000] : e.Message;
                    await db.SaveChangesAsync(CancellationToken.None);
                    throw;
                }
                finally
                {
                    db.ChangeTracker.Clear();
                }
                db.SearchOutbox.Attach(entry).State = EntityState.Modified;
                await db.SaveChangesAsync(ct);
                db.ChangeTracker.Clear();
            }
        }
        finally
        {
            signal.Gate.Release();
        }
    }

    /// <summary>How many outbox rows are still owed (the index lag).</summary>
    public static Task<int> LagAsync(DetainerDbContext db, CancellationToken ct) =>
        db.SearchOutbox.CountAsync(e => e.ProcessedAt == null, ct);

    /// <summary>
    /// Rebuilds the whole index from the database, swapping it in when complete. Writes that other processes
    /// index while it runs go to the old index (Elasticsearch: through the alias) and would be lost with it, so
    /// every outbox row newer than the rebuild's start is owed again afterwards and drained into the new index.
    /// </summary>
    public async Task RebuildAsync(DetainerDbContext db, CancellationToken ct)
    {
        // Before the database is read: a write committed after this has a greater id, one committed before is in the read.
        var mark = await db.SearchOutbox.MaxAsync(e => (long?)e.Id, ct) ?? 0;
        await search.RebuildAsync(ChargeDocuments.Of(db.Charges.OrderBy(c => c.Id)).AsAsyncEnumerable(), ct);
        // The new index is live from here: the replay is not cancelled (one statement), or a stop now would leave the
        // writes made meanwhile marked indexed while only the old index had them.
        var replayed = await ReplayAfterAsync(db, mark, CancellationToken.None);
        if (replayed > 0)
        {
            LogReplaying(logger, replayed);
            signal.Wake();
        }
    }

    /// <summary>Marks every processed outbox row after <paramref name="mark"/> owed again; returns how many.</summary>
    public static Task<int> ReplayAfterAsync(DetainerDbContext db, long mark, CancellationToken ct) =>
        db.SearchOutbox.Where(e => e.Id > mark && e.ProcessedAt != null)
            .ExecuteUpdateAsync(u => u.SetProperty(e => e.ProcessedAt, (DateTimeOffset?)null), ct);

    [LoggerMessage(Level = LogLevel.Information, Message = "Search index rebuilt; {Count} writes made while it ran are indexed again from the outbox")]
    private static partial void LogReplaying(ILogger logger, int count);

    /// <summary>
    /// Rebuilds when the index was built with other analysis rules than the engine's now (an upgrade changed the
    /// synonyms, concepts or analysis code) or when the index and the database disagree on the number of searchable
    /// charges; returns whether it did.
    /// </summary>
    public async Task<bool> CatchUpAsync(DetainerDbContext db, CancellationToken ct)
    {
        if (!await search.IsAnalysisCurrentAsync(ct))
        {
            LogAnalysisChanged(logger);
            await RebuildAsync(db, ct);
            return true;
        }
        var charges = await db.Charges.LongCountAsync(c => !c.Detainer.Retracted, ct);
        var indexed = await search.CountAsync(ct);
        if (charges == indexed)
        {
            // An index built before documents carried their source kind finds no published charge: rebuild it once.
            var published = await db.Charges.LongCountAsync(c => !c.Detainer.Retracted && !c.Detainer.IsSynthetic, ct);
            if (published == 0 || await CountPublishedAsync(ct) == published)
            {
                return false;
            }
            LogSourceKindMissing(logger, published);
        }
        else
        {
            LogCatchingUp(logger, indexed, charges);
        }
        await RebuildAsync(db, ct);
        return true;
    }

    private async Task<long> CountPublishedAsync(CancellationToken ct) =>
        (await search.SearchAsync(new ChargeSearchRequest(ChargeQuery.Parse(""), new ChargeSearchFilter { SourceKinds = [SourceKind.File] }, 0, 0, [], Highlight: false), ct)).TotalCount;

    [LoggerMessage(Level = LogLevel.Warning, Message = "The search index does not say which of its charges are published ({Published} in the database): rebuilding it with each document's source kind")]
    private static partial void LogSourceKindMissing(ILogger logger, long published);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The search index was built with other analysis rules (synonyms, abbreviations, concepts or vocabularies) than this version's: rebuilding it, so every charge answers by the same rules")]
    private static partial void LogAnalysisChanged(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The search index holds {Indexed} charges, the database {Charges}: rebuilding it")]
    private static partial void LogCatchingUp(ILogger logger, long indexed, long charges);
}
