using DetainerGraph.Data;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Search;

/// <summary>
/// The one door through which the writers (imports and corrections) keep search in step with what they write: an
/// import's documents indexed beside its write (<see cref="BeginImportAsync"/>), and whatever the outbox owes indexed
/// before the writer returns (<see cref="IndexOwedNowAsync"/>). The writers never call the engine themselves: their
/// outbox row, committed with the data, is the promise; this only keeps it sooner.
/// </summary>
public sealed partial class SearchSync(
    SearchOutbox outbox,
    SearchOutboxSignal signal,
    [FromKeyedServices(SearchServiceExtensions.Engine)] IChargeSearch engine,
    ILogger<SearchSync> logger)
{
    /// <summary>
    /// Starts indexing an import beside its write, when the engine can (<see cref="IChargeImportIndex"/>) and the
    /// store assigns keys before the commit (SQLite); null otherwise, or when the index cannot be opened here (the
    /// import then leaves its documents to the outbox as before). Call before the import's transaction begins: the
    /// session holds the outbox gate and the engine's write lock, which the outbox worker takes in that order while
    /// it writes to the database.
    /// </summary>
    public async Task<ImportSession?> BeginImportAsync(DetainerDbContext db, CancellationToken ct)
    {
        if (engine is not IChargeImportIndex index || !db.Database.IsSqlite())
        {
            return null;
        }
        await signal.Gate.WaitAsync(ct);
        try
        {
            return new ImportSession(await index.BeginImportAsync(ct), db, () => signal.Gate.Release(), logger);
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
    /// Indexes what the outbox owes now, so the data just committed is searchable when the writer returns. A
    /// failure (for example the index locked by a running server when the <c>import</c> command runs) leaves the
    /// rows owed for the outbox worker, which it wakes: the write itself has succeeded and is not undone.
    /// </summary>
    public async Task IndexOwedNowAsync(DetainerDbContext db, CancellationToken ct)
    {
        try
        {
            await outbox.DrainAsync(db, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogLeftOwed(logger, e.Message);
            signal.Wake();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Imported data left in the search outbox for the worker: {Reason}")]
    private static partial void LogLeftOwed(ILogger logger, string reason);

    /// <summary>
    /// One import's search documents, indexed while the import writes. Holds the outbox gate until disposed, so
    /// the outbox worker does not index the same source meanwhile; disposed without <see cref="CompleteAsync"/>
    /// (the import failed or rolled back), its documents leave the index again.
    /// </summary>
    public sealed class ImportSession : IAsyncDisposable
    {
        private readonly IChargeImportSession _documents;
        private readonly DetainerDbContext _db;
        private readonly Action _release;
        private readonly ILogger _logger;

        internal ImportSession(IChargeImportSession documents, DetainerDbContext db, Action release, ILogger logger)
        {
            _documents = documents;
            _db = db;
            _release = release;
            _logger = logger;
        }

        /// <summary>Hands the documents of rows just written (see <see cref="ChargeDocuments.OfWritten"/>) to the engine's background indexer.</summary>
        public ValueTask AddAsync(IReadOnlyList<ChargeDocument> documents, CancellationToken ct) => _documents.AddAsync(documents, ct);

        /// <summary>After the import's last document: the engine may prepare its commit while the database finishes.</summary>
        public void CompleteAdding() => _documents.CompleteAdding();

        /// <summary>
        /// After the import's transaction committed: commits its documents and marks its outbox row done. A failure
        /// leaves the row owed (the import itself has succeeded), exactly as when indexing after the commit fails.
        /// Returns whether the documents were committed.
        /// </summary>
        /// <param name="beside">
        /// The import's own work on the database after its commit (its planner statistics), run while the engine commits
        /// and refreshes its searchers on another thread: the one is SQLite's work, the other Lucene's, and each took a
        /// tenth of a second or more of a 100,000-detainer import one after the other. Its failure is the caller's, thrown
        /// once the engine's commit has ended (committed documents then stay; the row stays owed and is indexed again).
        /// </param>
        public async Task<bool> CompleteAsync(int sourceId, Func<Task> beside, CancellationToken ct)
        {
            var committing = Task.Run(() => _documents.CommitAsync(ct), CancellationToken.None);
            try
            {
                await beside();
            }
            catch (Exception)
            {
                await committing.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                throw;
            }
            try
            {
                await committing;
                // Committed documents stay right even if this update is lost: draining the row again replaces them by id.
                var now = DateTimeOffset.UtcNow;
                await _db.SearchOutbox.Where(e => e.SourceId == sourceId && e.ProcessedAt == null)
                    .ExecuteUpdateAsync(u => u.SetProperty(e => e.ProcessedAt, now).SetProperty(e => e.Attempts, e => e.Attempts + 1), ct);
                return true;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogLeftOwed(_logger, e.Message);
                return false;
            }
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await _documents.DisposeAsync();
            }
            finally
            {
                _release();
            }
        }
    }
}
