namespace DetainerGraph.Search;

/// <summary>
/// An engine that can index an import's documents while the import is still writing them, on another
/// thread, and make them visible only when told the data is committed (the embedded Lucene engine).
/// </summary>
public interface IChargeImportIndex
{
    /// <summary>
    /// Takes the engine's write lock until the session is disposed, so nothing else commits the session's
    /// documents early. Throws when the index cannot be opened (for example held by another process).
    /// </summary>
    Task<IChargeImportSession> BeginImportAsync(CancellationToken ct);
}

/// <summary>
/// The search documents of one import in progress. Documents handed to <see cref="AddAsync"/> are indexed in
/// the background but neither committed nor visible; <see cref="CommitAsync"/>, called once the database has
/// committed the import, makes them so. Disposed without a commit (the import failed or was rolled back),
/// the session takes its documents out of the index again.
/// </summary>
public interface IChargeImportSession : IAsyncDisposable
{
    /// <summary>Queues documents for the background indexer; waits only when it is several batches behind.</summary>
    ValueTask AddAsync(IReadOnlyList<ChargeDocument> documents, CancellationToken ct);

    /// <summary>
    /// Says the last document has been queued, so the engine may prepare its commit in the background while the
    /// database finishes its own (nothing becomes visible before <see cref="CommitAsync"/>). Optional: the commit implies it.
    /// </summary>
    void CompleteAdding()
    {
    }

    /// <summary>Waits for the queued documents, then commits them and refreshes searches. Throws if indexing failed.</summary>
    Task CommitAsync(CancellationToken ct);
}
