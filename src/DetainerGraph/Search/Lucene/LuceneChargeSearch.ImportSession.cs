using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util.Automaton;

namespace DetainerGraph.Search;

// An import's documents indexed while the import writes (IChargeImportIndex).
public sealed partial class LuceneChargeSearch
{
    public async Task<IChargeImportSession> BeginImportAsync(CancellationToken ct)
    {
        await _writeGate.WaitAsync(ct);
        try
        {
            return new ImportSession(this, State());
        }
        catch
        {
            _writeGate.Release();
            throw;
        }
    }

    /// <summary>
    /// One import's documents, indexed by background tasks into the live writer while the import writes
    /// its rows. Holds <see cref="_writeGate"/> from start to dispose: every other write commits, so without
    /// the gate another write's commit (and refresh) would publish documents whose rows may yet roll back.
    /// </summary>
    /// <remarks>
    /// Built for bulk: an import's charges have keys above every key the store has committed, so each document
    /// is added, not updated (an update buffers a delete term per document, resolved against every segment at
    /// the flush). What the index may still hold at or above the import's first key (nothing, unless a key was
    /// ever reused) is deleted by one range query before the first add. Up to two tasks index at once, each
    /// with its own document builder (the writer is thread-safe), and the writer's RAM buffer is larger for the
    /// length of the session: fewer flushed segments, fewer merges.
    /// <para>Once the import says its last document is queued (<see cref="CompleteAdding"/>), the first phase of
    /// Lucene's two-phase commit (<see cref="IndexWriter.PrepareCommit"/>: flush the buffered documents into segments
    /// and sync them) runs in the background while the database rebuilds its indexes and commits; <see cref="CommitAsync"/>
    /// then only finishes it. A prepared commit is invisible until finished, and one the import does not finish is
    /// rolled back with the writer (<see cref="Reopen"/>): the documents never reach the index.</para>
    /// </remarks>
    private sealed class ImportSession : IChargeImportSession
    {
        // Each indexing task flushes its own segments; beyond the cores there is nothing to gain.
        private static readonly int Indexers = Math.Clamp(Environment.ProcessorCount, 1, 2);
        private const double ImportRamBufferMb = 128;

        private readonly LuceneChargeSearch _owner;
        private readonly IndexState _state;
        // How many of the import's batches (a chunk of its rows each, 5,000 detainers) may wait for the indexers: enough
        // that the database's last steps (index rebuild, rollups, commit) overlap the indexing of the last rows rather
        // than waiting for it, and few enough to bound memory (about 8 MB of documents). It was 32 while the database
        // wrote more slowly than the indexers indexed; once its inserts lost their statement journal (SqliteDeferredTriggers)
        // the queue stayed full, its documents lived through enough collections to reach generation 2, and a 1M import's
        // peak RSS rose from 1.28-1.33 to 1.38-1.39 GB; with 8, 1.29 GB.
        private const int QueuedBatches = 8;

        private readonly System.Threading.Channels.Channel<IReadOnlyList<ChargeDocument>> _queue =
            System.Threading.Channels.Channel.CreateBounded<IReadOnlyList<ChargeDocument>>(
                new System.Threading.Channels.BoundedChannelOptions(QueuedBatches) { SingleReader = Indexers == 1, SingleWriter = true });
        private readonly double _ramBufferMb;
        private readonly Task _indexing;
        private Task? _prepared;
        private volatile bool _preparing;
        private volatile bool _abandoned;
        private long? _firstId;
        private volatile Exception? _failure;
        private bool _committed;
        private bool _disposed;

        public ImportSession(LuceneChargeSearch owner, IndexState state)
        {
            _owner = owner;
            _state = state;
            _ramBufferMb = state.Writer.Config.RAMBufferSizeMB;
            state.Writer.Config.RAMBufferSizeMB = Math.Max(_ramBufferMb, ImportRamBufferMb);
            _indexing = Task.WhenAll(Enumerable.Range(0, Indexers).Select(_ => Task.Run(IndexQueuedAsync)));
        }

        private async Task IndexQueuedAsync()
        {
            var builder = new DocumentBuilder(_owner._reader, _state.Writer.Analyzer);
            await foreach (var batch in _queue.Reader.ReadAllAsync())
            {
                // After a failure the rest is drained unread, so the import's writer never waits on a dead queue; so
                // is what an import dropped without its commit left queued (its documents are deleted anyway).
                if (_failure is not null || _abandoned)
                {
                    continue;
                }
                try
                {
                    foreach (var document in batch)
                    {
                        _state.Writer.AddDocument(builder.Build(document));
                    }
                }
                catch (Exception e)
                {
                    _failure = e;
                }
            }
        }

        public ValueTask AddAsync(IReadOnlyList<ChargeDocument> documents, CancellationToken ct)
        {
            if (_firstId is null && documents.Count > 0)
            {
                // Keys are handed out in ascending order: the first batch's smallest is the import's first.
                _firstId = documents.Min(d => d.ChargeId);
                _state.Writer.DeleteDocuments(FromKey(_firstId.Value));
            }
            return _queue.Writer.WriteAsync(documents, ct);
        }

        /// <summary>Every document whose charge key is at least <paramref name="first"/>.</summary>
        private static Query FromKey(long first) => new ConstantScoreQuery(new FromKeyFilter(first));

        public void CompleteAdding()
        {
            if (_prepared is null)
            {
                _queue.Writer.TryComplete();
                _prepared = PrepareAsync();
            }
        }

        /// <summary>After the last document: the commit's first phase, so that finishing it later costs next to nothing.</summary>
        private async Task PrepareAsync()
        {
            await _indexing.ConfigureAwait(false);
            if (_failure is not null)
            {
                return;
            }
            try
            {
                // Set first: a prepare that fails half-way is rolled back like a finished one.
                _preparing = true;
                _state.Writer.PrepareCommit();
            }
            catch (Exception e)
            {
                _failure = e;
            }
        }

        public async Task CommitAsync(CancellationToken ct)
        {
            CompleteAdding();
            await _prepared!.WaitAsync(ct);
            if (_failure is not null)
            {
                throw new IOException($"Indexing the import failed: {_failure.Message}", _failure);
            }
            // Finishes the prepared commit.
            _state.Writer.Commit();
            _committed = true;
            _state.Manager.MaybeRefreshBlocking();
        }

        public async ValueTask DisposeAsync()
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            try
            {
                _abandoned = !_committed;
                _queue.Writer.TryComplete();
                await _indexing;
                if (_prepared is not null)
                {
                    await _prepared;
                }
                _state.Writer.Config.RAMBufferSizeMB = _ramBufferMb;
                if (!_committed && _preparing)
                {
                    // A prepared commit cannot take a delete any more: roll back everything since the last commit
                    // (nothing but this session's documents: every other write commits, under the gate this holds).
                    _owner.Reopen(_state);
                }
                else if (!_committed && _firstId is { } first)
                {
                    // A delete also removes the uncommitted documents added before it.
                    _state.Writer.DeleteDocuments(FromKey(first));
                    _state.Writer.Commit();
                }
            }
            catch (Exception e) when (IsIndexFailure(e))
            {
                // The documents must not reach a later commit: drop everything since the last commit, and
                // let the next write open the index afresh.
                LogDiscardFailed(_owner._logger, e.Message);
                _owner.Reopen(_state);
            }
            finally
            {
                _owner._writeGate.Release();
            }
        }
    }

    /// <summary>Rolls back <paramref name="state"/>'s uncommitted changes and closes it; the next use opens the index again.</summary>
    private void Reopen(IndexState state)
    {
        lock (_swapLock)
        {
            if (!ReferenceEquals(_state, state))
            {
                return;
            }
            _state = null;
        }
        try
        {
            state.Writer.Rollback();
        }
        catch (Exception e) when (IsIndexFailure(e))
        {
            LogDiscardFailed(_logger, e.Message);
        }
        state.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not take a failed import's documents out of the search index: {Reason}")]
    private static partial void LogDiscardFailed(ILogger logger, string reason);
}
