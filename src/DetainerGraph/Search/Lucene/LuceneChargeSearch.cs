using System.Globalization;
using DetainerGraph.Data;
using DetainerGraph.Search.Analysis;
using Lucene.Net.Analysis;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util.Automaton;

namespace DetainerGraph.Search;

// The embedded engine, split by job: this file holds its surface and the search pipeline; .Index (the index's life and
// writes), .ImportSession, .Queries, .Results (highlights, suggestions, facets), .Documents and .Sorting hold the rest.

/// <summary>
/// The embedded engine: one Lucene.NET index under <c>Storage:Directory/search/</c>. Follows the known
/// pitfalls of 4.8.0-beta00017: <see cref="NIOFSDirectory"/> opened explicitly (MMapDirectory crashes under
/// concurrent search), one <see cref="IndexWriter"/>, a <see cref="SearcherManager"/> with Acquire/Release in
/// try/finally and a refresh after every write, BM25 on writer and searcher like Elasticsearch, and no
/// Thread.Interrupt anywhere (cancellation is checked between batches).
/// </summary>
public sealed partial class LuceneChargeSearch : IChargeSearch, IChargeImportIndex, IDisposable
{
    // Field names. Facets use doc values, and so do the filters on state, outcome, status, category and source kind;
    // the filters on jurisdiction, week, citizenship and detainer type use indexed keyword terms (see Filtered).
    // Text fields are analyzed.
    private const string IdField = "id";
    private const string DetainerIdField = "detainer_id";
    private const string DescriptionField = "description";
    private const string CodesField = "codes";
    private const string WordsField = "words";
    /// <summary>What <see cref="ChargeReader"/> reads the description as (abbreviations, run-together words, concepts): weighted below the text.</summary>
    private const string ExpandedField = "expanded";
    private const float ExpandedBoost = 0.3f;
    private const string FacetPrefix = "f_";
    private const char LabelSeparator = '\u001f';

    /// <summary>Searches may page this deep at most, like Elasticsearch's default <c>index.max_result_window</c>.</summary>
    public const int MaxResultWindow = ChargeSearchRequest.MaxResultWindow;

    private readonly string _root;
    private readonly Analyzer _indexAnalyzer;
    private readonly Analyzer _queryAnalyzer = ChargeAnalysis.QueryAnalyzer();
    private readonly Analyzer _plainAnalyzer = ChargeAnalysis.PlainWordAnalyzer();
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly System.Threading.Lock _swapLock = new();
    private readonly ILogger<LuceneChargeSearch> _logger;
    private IndexState? _state;
    private FileStream? _processLock;
    private bool _disposed;

    private readonly ChargeReader? _reader;

    /// <summary>
    /// What this engine indexes with (<see cref="AnalysisFingerprint"/>), stored in each index's commit data. Hashed when
    /// first needed (a new index, the outbox's start check), not while the server prepares to listen.
    /// </summary>
    private readonly Lazy<string> _analysis;

    /// <param name="typoCacheBytes">The budget of the typo-automata cache, in estimated bytes (<c>Search:TypoCacheBytes</c>).</param>
    /// <param name="expandCharges">
    /// Index what <see cref="ChargeReader"/> reads each description as (the data files beside <paramref name="synonymFile"/>);
    /// false only to measure search without it.
    /// </param>
    public LuceneChargeSearch(StorageOptions storage, string synonymFile, ILogger<LuceneChargeSearch> logger, long typoCacheBytes = DefaultTypoCacheBytes, bool expandCharges = true)
    {
        _editAutomata = new ByteBoundedCache<(string Token, int MaxEdits), CompiledAutomaton[]>(typoCacheBytes);
        _root = Path.Combine(storage.Directory, "search");
        _indexAnalyzer = ChargeAnalysis.IndexAnalyzer(ChargeAnalysis.LoadSynonyms(synonymFile));
        _logger = logger;
        var dataDirectory = Path.GetDirectoryName(Path.GetFullPath(synonymFile))!;
        _reader = expandCharges ? ChargeReader.For(dataDirectory) : null;
        _analysis = new(() => AnalysisFingerprint.Of(dataDirectory, expandCharges));
    }

    /// <summary>The folder of the live index (tests and the <c>reindex</c> command print it).</summary>
    public string CurrentFolder => State().Folder;


    public Task<long> CountAsync(CancellationToken ct) =>
        Task.FromResult(WithSearcher(searcher => (long)searcher.IndexReader.NumDocs));

    /// <summary>The live index's commit data names the analysis it was built with; an index from before fingerprints names none.</summary>
    public Task<bool> IsAnalysisCurrentAsync(CancellationToken ct) =>
        Task.FromResult(State().Writer.CommitData.TryGetValue(AnalysisFingerprint.Key, out var built) && built == _analysis.Value);

    /// <summary>The index unreadable (files gone, disk error, closed while shutting down, which Lucene.NET reports as ObjectDisposedException): the same typed failure as Elasticsearch's.</summary>
    private static bool IsIndexFailure(Exception e) => e is IOException or UnauthorizedAccessException or ObjectDisposedException;

    /// <summary>
    /// Runs on the caller's thread and honours <paramref name="ct"/> (the request's cancellation and the search
    /// timeout): the typo expansion, the collector, highlighting and suggestions check it as they go and stop with
    /// <see cref="OperationCanceledException"/>. Never Thread.Interrupt: it corrupts NIOFSDirectory's channels.
    /// </summary>
    public Task<ChargeSearchResult> SearchAsync(ChargeSearchRequest request, CancellationToken ct)
    {
        if (ct.IsCancellationRequested)
        {
            return Task.FromCanceled<ChargeSearchResult>(ct);
        }
        try
        {
            return Task.FromResult(WithSearcher(searcher => Search(searcher, request, ct)));
        }
        catch (OperationCanceledException e)
        {
            return Task.FromCanceled<ChargeSearchResult>(e.CancellationToken.IsCancellationRequested ? e.CancellationToken : ct);
        }
    }

    private ChargeSearchResult Search(IndexSearcher searcher, ChargeSearchRequest request, CancellationToken ct)
    {
        var plan = Plan(searcher.IndexReader, request.Query);
        var query = BuildQuery(searcher.IndexReader, plan, ct);
        // After a hit's sort key (search_after), the page starts right after it; otherwise at the offset.
        var offset = request.After is null ? request.Offset : 0;
        var window = offset + request.Limit;
        var facets = new FacetCollector([.. request.Facets.Select(f => FacetPrefix + FacetName(f))]);
        // Without facets, the page may take hits out of document order, which lets Lucene score a query made only
        // of alternatives ("assault" in three fields, a typo's neighbours, a prefix in three fields) with its
        // bucket scorer, a window of 2,048 documents at a time, rather than a heap of sub-scorers advanced one
        // document at a time. The order hits are ranked in does not change: score, then charge id (read from
        // memory, see ChargeIds). Facets are counted in document order (see FacetCollector).
        var inOrder = request.Facets.Count > 0;
        // The page: best score first, then charge id (read from memory, see ChargeIds), as Lucene's TopFieldCollector
        // would keep it for that sort, at less cost per hit (see RankedPageCollector).
        var top = window > 0
            ? new RankedPageCollector(window, request.After is { } key ? (key.Score, key.ChargeId) : null, ChargeIds, inOrder, ct)
            : null;
        // The page's collector counts every hit it is offered (TotalHits), so a separate counter runs only for a count
        // without a page, and the facet counter only when facets are asked for: on a broad query every collector in
        // the chain is a call per hit (254,587 hits for "assault" at 1M).
        var counter = top is null ? new TotalHitCountCollector() : null;
        ICollector collector = (ICollector?)top ?? new CancellableCollector(counter!, ct);
        if (request.Facets.Count > 0)
        {
            collector = new CancellableCollector(MultiCollector.Wrap(top ?? (ICollector)counter!, facets), ct);
        }
        // Required words, each in any field, are scored a window of documents at a time (same hits, same scores);
        // highlighting below keeps the plain query. The page collector stops the search itself when cancelled.
        searcher.Search(Filtered(WindowedConjunctionQuery.TryCreate(query), request.Filter), collector);

        var hits = new List<ChargeSearchHit>();
        if (top is not null)
        {
            var docs = top.Page(offset, request.Limit);
            var highlighter = request.Highlight && !request.Query.MatchesAll ? NewHighlighter(query) : null;
            // A highlight is a function of the query and the text alone, and a page often repeats a text (the top hits of
            // "dui" are ten "Driving Under Influence Liquor"): each distinct text of the page is marked once.
            var highlights = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var scoreDoc in docs)
            {
                ct.ThrowIfCancellationRequested();
                var doc = searcher.Doc(scoreDoc.Doc);
                var description = doc.Get(DescriptionField);
                if (description is null || !highlights.TryGetValue(description, out var highlight))
                {
                    highlight = Highlight(highlighter, description!);
                    if (description is not null)
                    {
                        highlights[description] = highlight;
                    }
                }
                hits.Add(new ChargeSearchHit(
                    long.Parse(doc.Get(IdField), CultureInfo.InvariantCulture),
                    doc.GetField(DetainerIdField).GetInt64Value() ?? 0,
                    float.IsNaN(scoreDoc.Score) ? 0 : scoreDoc.Score,
                    highlight));
            }
        }
        var total = top?.TotalHits ?? counter!.TotalHits;
        var suggestion = total == 0 && request.Query.Clauses.Count > 0 ? Suggest(searcher.IndexReader, request.Query, plan, ct) : null;
        return new ChargeSearchResult(total, hits, [.. request.Facets.Select((f, i) => new FacetResult(f, facets.Buckets(i)))], suggestion);
    }

    private T WithSearcher<T>(Func<IndexSearcher, T> use)
    {
        IndexState state;
        IndexSearcher searcher;
        try
        {
            lock (_swapLock)
            {
                state = State();
                searcher = state.Manager.Acquire();
            }
        }
        catch (Exception e) when (IsIndexFailure(e))
        {
            throw new SearchUnavailableException("The search index could not be opened.", e);
        }
        try
        {
            return use(searcher);
        }
        catch (Exception e) when (IsIndexFailure(e))
        {
            throw new SearchUnavailableException("The search index could not be read.", e);
        }
        finally
        {
            state.Manager.Release(searcher);
        }
    }

    private static string FacetName(SearchFacet facet) => facet.ToString().ToLowerInvariant();

    private static string Key(long chargeId) => chargeId.ToString(CultureInfo.InvariantCulture);

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        lock (_swapLock)
        {
            _state?.Dispose();
            _state = null;
            _processLock?.Dispose();
            _processLock = null;
        }
        _indexAnalyzer.Dispose();
        _queryAnalyzer.Dispose();
        _plainAnalyzer.Dispose();
        _writeGate.Dispose();
    }
}
