using Lucene.Net.Index;
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
    /// One import's documents, indexed by a background task into the live writer while the import writes
    /// its rows. Holds <see cref="_writeGate"/> from start to dispose: every other write commits, so without
    /// the gate another write's commit (and refresh) would publish documents whose rows may yet roll back.
    /// </summary>
    private sealed class ImportSession : IChargeImportSession
    {
        private readonly LuceneChargeSearch _owner;
        private readonly IndexState _state;
        private readonly System.Threading.Channels.Channel<IReadOnlyList<ChargeDocument>> _queue =
            System.Threading.Channels.Channel.CreateBounded<IReadOnlyList<ChargeDocument>>(
                new System.Threading.Channels.BoundedChannelOptions(4) { SingleReader = true, SingleWriter = true });
        private readonly List<long> _added = [];
        private readonly Task _indexing;
        private Exception? _failure;
        private bool _committed;
        private bool _disposed;

        public ImportSession(LuceneChargeSearch owner, IndexState state)
        {
            _owner = owner;
            _state = state;
            _indexing = Task.Run(IndexQueuedAsync);
        }

        private async Task IndexQueuedAsync()
        {
            var builder = new DocumentBuilder(_owner._reader);
            await foreach (var batch in _queue.Reader.ReadAllAsync())
            {
                // After a failure the rest is drained unread, so the import's writer never waits on a dead queue.
                if (_failure is not null)
                {
                    continue;
                }
                try
                {
                    foreach (var document in batch)
                    {
                        _added.Add(document.ChargeId);
                        _state.Writer.UpdateDocument(new Term(IdField, Key(document.ChargeId)), builder.Build(document));
                    }
                }
                catch (Exception e)
                {
                    _failure = e;
                }
            }
        }

        public ValueTask AddAsync(IReadOnlyList<ChargeDocument> documents, CancellationToken ct) => _queue.Writer.WriteAsync(documents, ct);

        public async Task CommitAsync(CancellationToken ct)
        {
            _queue.Writer.TryComplete();
            await _indexing.WaitAsync(ct);
            if (_failure is not null)
            {
                throw new IOException($"Indexing the import failed: {_failure.Message}", _failure);
            }
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
                _queue.Writer.TryComplete();
                await _indexing;
                if (!_committed && _added.Count > 0)
                {
                    // Deletes by term also remove the uncommitted documents added before them.
                    _state.Writer.DeleteDocuments([.. _added.Select(id => new Term(IdField, Key(id)))]);
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
