using System.Globalization;
using DetainerGraph.Search.Analysis;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util.Automaton;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace DetainerGraph.Search;

// The index's life: writes, the rebuild into a fresh folder and its swap, opening the live folder, and the one-process lock.
public sealed partial class LuceneChargeSearch
{
    public Task IndexAsync(IReadOnlyCollection<ChargeDocument> documents, CancellationToken ct) =>
        WriteAsync(writer =>
        {
            var builder = new DocumentBuilder(_reader);
            foreach (var document in documents)
            {
                writer.UpdateDocument(new Term(IdField, Key(document.ChargeId)), builder.Build(document));
            }
        }, ct);

    public Task DeleteAsync(IReadOnlyCollection<long> chargeIds, CancellationToken ct) =>
        WriteAsync(writer => writer.DeleteDocuments([.. chargeIds.Select(id => new Term(IdField, Key(id)))]), ct);

    private async Task WriteAsync(Action<IndexWriter> write, CancellationToken ct)
    {
        await _writeGate.WaitAsync(ct);
        try
        {
            var state = State();
            write(state.Writer);
            state.Writer.Commit();
            state.Manager.MaybeRefreshBlocking();
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public async Task RebuildAsync(IAsyncEnumerable<ChargeDocument> documents, CancellationToken ct)
    {
        await _writeGate.WaitAsync(ct);
        try
        {
            var folder = "index-" + DateTime.UtcNow.ToString("yyyyMMddHHmmssfff", CultureInfo.InvariantCulture);
            var fresh = Open(folder, OpenMode.CREATE);
            try
            {
                var count = 0;
                var builder = new DocumentBuilder(_reader);
                await foreach (var document in documents.WithCancellation(ct))
                {
                    fresh.Writer.AddDocument(builder.Build(document));
                    count++;
                }
                fresh.Writer.Commit();
                fresh.Manager.MaybeRefreshBlocking();
                LogRebuilt(_logger, count, folder);
            }
            catch
            {
                fresh.Dispose();
                TryDelete(Path.Combine(_root, folder));
                throw;
            }
            // The pointer file names the live folder: written beside, then moved over, so it is never half-written.
            var pointer = Path.Combine(_root, "current");
            File.WriteAllText(pointer + ".tmp", folder);
            File.Move(pointer + ".tmp", pointer, overwrite: true);
            IndexState? old;
            lock (_swapLock)
            {
                old = _state;
                _state = fresh;
            }
            // Searches still holding the old searcher keep it alive by its reference count until they release it.
            old?.Dispose();
            DeleteFoldersOtherThan(folder);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    // ---- Index lifetime ----

    /// <summary>The open the server's start began (<see cref="StartOpening"/>); null until then (commands never start one).</summary>
    public Task? Opening { get; private set; }

    /// <summary>Whether the live index is open (its writer and its searcher, whose charge ids are read).</summary>
    public bool IsOpen => _state is not null;

    /// <summary>
    /// Opens the live index on a pool thread, so the first search finds it open and its searcher made (reading a 1M
    /// store's 1.5M charge ids took about 0.6 s of a first search's 1.2 s). The server calls this before it prepares
    /// the store and does not wait for it: it listens as soon as before, and a search that comes while the index is
    /// still opening waits only for the rest of this open (the same lock) instead of doing it. A failure is logged and
    /// left to the first use, which tries again and reports SEARCH_UNAVAILABLE as before. Called twice, it opens once.
    /// </summary>
    public Task StartOpening()
    {
        lock (_swapLock)
        {
            return Opening ??= Task.Run(() =>
            {
                try
                {
                    State();
                }
                catch (Exception e) when (IsIndexFailure(e))
                {
                    LogOpenFailed(_logger, e.Message);
                }
            });
        }
    }

    private IndexState State()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_state is { } state)
        {
            return state;
        }
        lock (_swapLock)
        {
            // Again under the lock: an open begun at start (StartOpening) must not open an index Dispose has passed.
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_state is null)
            {
                // The lock before the pointer: a rebuild in another process deletes the folders it has replaced while
                // it holds the lock, so a folder named before the lock was taken could be gone by the time it is opened.
                HoldProcessLock();
                var pointer = Path.Combine(_root, "current");
                var folder = File.Exists(pointer) ? File.ReadAllText(pointer).Trim() : "";
                if (folder.Length == 0 || folder.Contains('/', StringComparison.Ordinal) || folder.Contains('\\', StringComparison.Ordinal))
                {
                    folder = "index-initial";
                    File.WriteAllText(pointer, folder);
                }
                _state = Open(folder, OpenMode.CREATE_OR_APPEND);
            }
            return _state;
        }
    }

    private IndexState Open(string folder, OpenMode mode)
    {
        HoldProcessLock();
        LuceneDirectory directory = new WideBufferDirectory(new DirectoryInfo(Path.Combine(_root, folder)));
        var config = new IndexWriterConfig(ChargeAnalysis.Version, new PerFieldAnalyzerWrapper(_indexAnalyzer,
            new Dictionary<string, Analyzer> { [WordsField] = _plainAnalyzer }))
        {
            OpenMode = mode,
            Similarity = new BM25Similarity(),
            // Fewer, larger flushed segments while importing (the default is 16 MB): fewer merges later.
            RAMBufferSizeMB = 48,
        };
        var isNew = mode == OpenMode.CREATE || !DirectoryReader.IndexExists(directory);
        var writer = new IndexWriter(directory, config);
        if (isNew)
        {
            // Every later commit of this writer (and of any writer opening this folder) carries it on: it changes only
            // with a rebuild, which makes a new folder.
            writer.SetCommitData(new Dictionary<string, string> { [AnalysisFingerprint.Key] = _analysis.Value });
        }
        else if (AnalysisFingerprint.MixedWith(writer.CommitData.TryGetValue(AnalysisFingerprint.Key, out var built) ? built : null, _analysis.Value) is { } mixed)
        {
            // An index built with other rules, which this process may now write into (an import command of another
            // version than the server's): from the next commit on it says so, and every version rebuilds it at its next
            // start, the one that built it included, rather than answering from documents analysed two ways.
            writer.SetCommitData(new Dictionary<string, string>(writer.CommitData) { [AnalysisFingerprint.Key] = mixed });
        }
        // A fresh index needs one commit before a reader can open it.
        writer.Commit();
        var manager = new SearcherManager(writer, applyAllDeletes: true, new Bm25SearcherFactory());
        return new IndexState(folder, directory, writer, manager);
    }

    /// <summary>
    /// After a rebuild, every index folder but the live one goes: the one it replaced (also when this process never opened
    /// it: the <c>reindex</c> command does not), and those an earlier rebuild left behind when it was killed before its own
    /// clean-up, or ran before this clean-up existed. At a million detainers each is hundreds of megabytes. No other
    /// process can be reading any of them: a process opens a folder here only while it holds the process lock (see
    /// <see cref="HoldProcessLock"/>, taken before the pointer is read), and this one holds it. A search of this process
    /// still holding the replaced searcher reads files it already has open, which stay readable once unlinked (Linux).
    /// </summary>
    private void DeleteFoldersOtherThan(string live)
    {
        foreach (var folder in System.IO.Directory.EnumerateDirectories(_root, "index-*"))
        {
            if (!string.Equals(Path.GetFileName(folder), live, StringComparison.Ordinal))
            {
                TryDelete(folder);
            }
        }
    }

    private void TryDelete(string folder)
    {
        try
        {
            System.IO.Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogDeleteFailed(_logger, folder, e.Message);
        }
    }

    /// <summary>
    /// One process at a time may open the index. Lucene's own write.lock did not keep a second process out here:
    /// the <c>import</c> command run beside a server opened a writer on the server's live index, and both
    /// processes then read segments the other was writing ("read past EOF"), leaving the index short for good
    /// (found by StoreBusyTests). This lock is an OS file lock (.NET takes <c>flock</c> for
    /// <see cref="FileShare.None"/>), so the system releases it when its process dies, killed or not. The second
    /// process's index calls fail, and an import leaves its documents in the outbox for the holder to index.
    /// </summary>
    private void HoldProcessLock()
    {
        if (_processLock is not null)
        {
            return;
        }
        System.IO.Directory.CreateDirectory(_root);
        try
        {
            _processLock = new FileStream(Path.Combine(_root, "process.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new SearchIndexInUseException($"The search index under {_root} is open in another process (a running server?); its writes are left to that process.", e);
        }
    }

    private sealed class IndexState(string folder, LuceneDirectory directory, IndexWriter writer, SearcherManager manager) : IDisposable
    {
        public string Folder { get; } = folder;
        public IndexWriter Writer { get; } = writer;
        public SearcherManager Manager { get; } = manager;

        public void Dispose()
        {
            Manager.Dispose();
            Writer.Dispose();
            directory.Dispose();
        }
    }

    /// <summary>
    /// BM25 searchers whose segments' charge ids (the tie-break, <see cref="ChargeIds"/>) are read when the searcher is
    /// made: at start and on the refresh after an import, not by the first search that lands on a new segment (reading
    /// them from the id terms took about 0.1 s per 100,000 documents). Segments kept from the previous searcher are
    /// already cached.
    /// </summary>
    private sealed class Bm25SearcherFactory : SearcherFactory
    {
        public override IndexSearcher NewSearcher(IndexReader reader)
        {
            foreach (var leaf in reader.Leaves)
            {
                ChargeIds(leaf.AtomicReader);
            }
            return new(reader) { Similarity = new BM25Similarity() };
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Search index rebuilt: {Count} documents in {Folder}")]
    private static partial void LogRebuilt(ILogger logger, int count, string folder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not open the search index at start ({Reason}); the first search will try again")]
    private static partial void LogOpenFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete the old search index {Folder}: {Reason}")]
    private static partial void LogDeleteFailed(ILogger logger, string folder, string reason);
}
