using DetainerGraph.Data;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Search;

/// <summary>
/// Keeps the search index in step with the database. After an import commits, its charges are indexed
/// (<see cref="IndexSourceAsync"/>); if the process died in between, <see cref="CatchUpAsync"/> finds the
/// index short at the next start and rebuilds it. Indexing is idempotent: documents are keyed by charge id.
/// </summary>
public sealed partial class ChargeIndexing(IChargeSearch search, SearchOutboxSignal signal, ILogger<ChargeIndexing> logger)
{
    // Each batch ends with a Lucene commit (an fsync of new segment files): 60-200 ms each here, so a
    // 1M-detainer import paid ~300 of them at 5,000. 20,000 documents hold ~6 MB in memory.
    private const int BatchSize = 20_000;

    /// <summary>
    /// The search documents of the database, read in one query with their detainer and jurisdiction. The
    /// charges of retracted detainers are not searchable, so they have none.
    /// </summary>
    public static IQueryable<ChargeDocument> Documents(IQueryable<Charge> charges) =>
        charges.AsNoTracking().Where(c => !c.Detainer.Retracted).Select(c => new ChargeDocument(
            c.Id,
            c.DetainerId,
            c.Description,
            c.NcicCode,
            c.Category,
            c.Status,
            // The jurisdiction's state, as `where: { jurisdiction: { state } }` means it: a STATE facet value filters to its count.
            c.Detainer.Jurisdiction != null ? c.Detainer.Jurisdiction.State : null,
            c.Detainer.JurisdictionId,
            c.Detainer.Jurisdiction != null ? c.Detainer.Jurisdiction.Name : null,
            c.Detainer.WeekStart,
            c.Detainer.Outcome,
            c.Detainer.DetainerType,
            c.Detainer.Citizenship,
            c.Detainer.IssuedOn,
            c.Detainer.IsSynthetic));

    /// <summary>
    /// Indexes the charges one imported source wrote, read by one streaming query and handed to the engine in
    /// batches. One query, not a keyset query per batch: filtered by source and ordered by charge id, each
    /// batch query made SQLite walk and sort the whole source again (quadratic in its size).
    /// </summary>
    public async Task IndexSourceAsync(DetainerDbContext db, int sourceId, CancellationToken ct)
    {
        var batch = new List<ChargeDocument>(BatchSize);
        await foreach (var document in Documents(db.Charges.Where(c => c.Detainer.SourceId == sourceId)).AsAsyncEnumerable().WithCancellation(ct))
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
        var documents = await Documents(db.Charges.Where(c => c.DetainerId == detainerId)).ToListAsync(ct);
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
    public async Task<int> DrainOutboxAsync(DetainerDbContext db, CancellationToken ct)
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

    /// <summary>
    /// Right after an import commits, drains its outbox row so the data is searchable when the import returns.
    /// A failure (for example the index locked by a running server when the <c>import</c> command runs) leaves
    /// the row owed for the outbox worker: the import itself has succeeded and is not undone.
    /// </summary>
    public async Task DrainAfterImportAsync(DetainerDbContext db, CancellationToken ct)
    {
        try
        {
            await DrainOutboxAsync(db, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogLeftOwed(logger, e.Message);
            signal.Wake();
        }
    }

    /// <summary>
    /// Starts indexing an import beside its write, when the engine can (<see cref="IChargeImportIndex"/>); null
    /// otherwise, or when the index cannot be opened here (the import then leaves its documents to the outbox
    /// as before). Call before the import's transaction begins: the session holds the outbox gate and the
    /// engine's write lock, which the outbox worker takes in that order while it writes to the database.
    /// </summary>
    public async Task<ImportIndexing?> BeginImportAsync(CancellationToken ct)
    {
        if (Operability.InstrumentedChargeSearch.Unwrap(search) is not IChargeImportIndex engine)
        {
            return null;
        }
        await signal.Gate.WaitAsync(ct);
        try
        {
            return new ImportIndexing(await engine.BeginImportAsync(ct), signal);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            signal.Gate.Release();
            LogLeftOwed(logger, e.Message);
            return null;
        }
        catch
        {
            signal.Gate.Release();
            throw;
        }
    }

    /// <summary>
    /// After the import's transaction committed: commits its documents and marks its outbox row done. A failure
    /// leaves the row owed (the import itself has succeeded), exactly as when indexing after the commit fails.
    /// Returns whether the documents were committed.
    /// </summary>
    public async Task<bool> FinishImportAsync(DetainerDbContext db, ImportIndexing session, int sourceId, CancellationToken ct)
    {
        try
        {
            await session.Documents.CommitAsync(ct);
            // Committed documents stay right even if this update is lost: draining the row again replaces them by id.
            var now = DateTimeOffset.UtcNow;
            await db.SearchOutbox.Where(e => e.SourceId == sourceId && e.ProcessedAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(e => e.ProcessedAt, now).SetProperty(e => e.Attempts, e => e.Attempts + 1), ct);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogLeftOwed(logger, e.Message);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Imported data left in the search outbox for the worker: {Reason}")]
    private static partial void LogLeftOwed(ILogger logger, string reason);

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
        await search.RebuildAsync(Documents(db.Charges.OrderBy(c => c.Id)).AsAsyncEnumerable(), ct);
        var replayed = await ReplayAfterAsync(db, mark, ct);
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

    /// <summary>Rebuilds when the index and the database disagree on the number of searchable charges; returns whether it did.</summary>
    public async Task<bool> CatchUpAsync(DetainerDbContext db, CancellationToken ct)
    {
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "The search index holds {Indexed} charges, the database {Charges}: rebuilding it")]
    private static partial void LogCatchingUp(ILogger logger, long indexed, long charges);
}

/// <summary>
/// One import's search documents, indexed while the import writes (see <see cref="ChargeIndexing.BeginImportAsync"/>).
/// Holds the outbox gate until disposed, so the outbox worker does not index the same source meanwhile.
/// </summary>
public sealed class ImportIndexing(IChargeImportSession documents, SearchOutboxSignal signal) : IAsyncDisposable
{
    public IChargeImportSession Documents { get; } = documents;

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Documents.DisposeAsync();
        }
        finally
        {
            signal.Gate.Release();
        }
    }
}

/// <summary>Wakes the outbox worker early (after an import in this process) and keeps one drain at a time per process.</summary>
public sealed class SearchOutboxSignal : IDisposable
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    public SemaphoreSlim Gate { get; } = new(1, 1);

    public void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
            }
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _wake.WaitAsync(timeout, ct);

    public void Dispose()
    {
        _wake.Dispose();
        Gate.Dispose();
    }
}

/// <summary>
/// Drains the search outbox into the engine: at start (catching up on whatever a crash or another process
/// such as the <c>import</c> command left owed), when woken after an import, and every
/// <c>Search:OutboxPollSeconds</c> (5). A failed row is retried with a growing delay, up to a minute.
/// At start it also rebuilds the index if its document count differs from the database's.
/// </summary>
public sealed partial class SearchOutboxWorker(IServiceScopeFactory scopes, SearchOutboxSignal signal, IConfiguration configuration, ILogger<SearchOutboxWorker> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var poll = TimeSpan.FromSeconds(Math.Max(1, configuration.GetValue("Search:OutboxPollSeconds", 5)));
        var failures = 0;
        var first = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var indexing = scope.ServiceProvider.GetRequiredService<ChargeIndexing>();
                var db = scope.ServiceProvider.GetRequiredService<DetainerDbContext>();
                await indexing.DrainOutboxAsync(db, stoppingToken);
                if (first)
                {
                    await indexing.CatchUpAsync(db, stoppingToken);
                    first = false;
                }
                failures = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // The worker must outlive any one failure: it logs, backs off and retries.
            catch (Exception e)
#pragma warning restore CA1031
            {
                failures++;
                LogFailed(logger, failures, e);
            }
            var delay = failures == 0 ? poll : TimeSpan.FromSeconds(Math.Min(60, Math.Pow(2, failures)));
            try
            {
                await signal.WaitAsync(delay, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Draining the search outbox failed ({Failures} in a row); retrying")]
    private static partial void LogFailed(ILogger logger, int failures, Exception exception);
}
