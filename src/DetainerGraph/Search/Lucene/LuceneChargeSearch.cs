using System.Globalization;
using DetainerGraph.Data;
using DetainerGraph.Search.Analysis;
using Lucene.Net.Analysis;
using Lucene.Net.Analysis.Miscellaneous;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Highlight;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;
using Lucene.Net.Util.Automaton;
using LuceneDirectory = Lucene.Net.Store.Directory;

namespace DetainerGraph.Search;

/// <summary>
/// The embedded engine: one Lucene.NET index under <c>Storage:Directory/search/</c>. Follows the known
/// pitfalls of 4.8.0-beta00017: <see cref="NIOFSDirectory"/> opened explicitly (MMapDirectory crashes under
/// concurrent search), one <see cref="IndexWriter"/>, a <see cref="SearcherManager"/> with Acquire/Release in
/// try/finally and a refresh after every write, BM25 on writer and searcher like Elasticsearch, and no
/// Thread.Interrupt anywhere (cancellation is checked between batches).
/// </summary>
public sealed partial class LuceneChargeSearch : IChargeSearch, IChargeImportIndex, IDisposable
{
    // Field names. Filters use indexed keyword fields; facets use doc values; text fields are analyzed.
    private const string IdField = "id";
    private const string DetainerIdField = "detainer_id";
    private const string SortIdField = "sort_id";
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
        _reader = expandCharges ? ChargeReader.For(Path.GetDirectoryName(Path.GetFullPath(synonymFile))!) : null;
    }

    /// <summary>The folder of the live index (tests and the <c>reindex</c> command print it).</summary>
    public string CurrentFolder => State().Folder;

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
            if (old is not null)
            {
                TryDelete(Path.Combine(_root, old.Folder));
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public Task<long> CountAsync(CancellationToken ct) =>
        Task.FromResult(WithSearcher(searcher => (long)searcher.IndexReader.NumDocs));

    /// <summary>The index unreadable (files gone, disk error, closed while shutting down, which Lucene.NET reports as ObjectDisposedException): the same typed failure as Elasticsearch's.</summary>
    private static bool IsIndexFailure(Exception e) => e is IOException or UnauthorizedAccessException or ObjectDisposedException;

    /// <summary>
    /// Runs on the caller's thread and honours <paramref name="ct"/> (the request's cancellation and the search
    /// timeout): the typo expansion, the collector, highlighting and suggestions check it as they go and stop with
    /// <see cref="OperationCanceledException"/>. Never Thread.Interrupt: it corrupts NIOFSDirectory's channels.
    /// </summary>
    public Task<ChargeSearchResult> SearchAsync(ChargeSearchRequest request, CancellationToken ct)
    {
        request.CheckWindow();
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
        var query = BuildQuery(searcher.IndexReader, request.Query, ct);
        var filter = BuildFilter(request.Filter);
        // After a hit's sort key (search_after), the page starts right after it; otherwise at the offset.
        var offset = request.After is null ? request.Offset : 0;
        var window = offset + request.Limit;
        // Every collector takes documents in order (see FacetCollector): the sort reads doc values too.
        var facets = new FacetCollector([.. request.Facets.Select(f => FacetPrefix + FacetName(f))]);
        var after = request.After is { } key
            ? new FieldDoc(int.MaxValue, key.Score, [J2N.Numerics.Single.GetInstance(key.Score), J2N.Numerics.Int64.GetInstance(key.ChargeId)])
            : null;
        TopFieldCollector? top = window > 0
            ? TopFieldCollector.Create(new Sort(SortField.FIELD_SCORE, ChargeIdSort),
                window, after, fillFields: false, trackDocScores: true, trackMaxScore: false, docsScoredInOrder: true)
            : null;
        var counter = new TotalHitCountCollector();
        ICollector collector = top is null ? MultiCollector.Wrap(counter, facets) : MultiCollector.Wrap(top, counter, facets);
        searcher.Search(query, filter, new CancellableCollector(collector, ct));

        var hits = new List<ChargeSearchHit>();
        if (top is not null)
        {
            var docs = top.GetTopDocs(offset, request.Limit).ScoreDocs;
            var highlighter = request.Highlight && !request.Query.MatchesAll ? NewHighlighter(query) : null;
            foreach (var scoreDoc in docs)
            {
                ct.ThrowIfCancellationRequested();
                var doc = searcher.Doc(scoreDoc.Doc);
                var description = doc.Get(DescriptionField);
                hits.Add(new ChargeSearchHit(
                    long.Parse(doc.Get(IdField), CultureInfo.InvariantCulture),
                    doc.GetField(DetainerIdField).GetInt64Value() ?? 0,
                    float.IsNaN(scoreDoc.Score) ? 0 : scoreDoc.Score,
                    Highlight(highlighter, description)));
            }
        }
        var total = counter.TotalHits;
        var suggestion = total == 0 && request.Query.Clauses.Count > 0 ? Suggest(searcher.IndexReader, request.Query, ct) : null;
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

    // ---- Query building: our clauses to Lucene Query objects; user text never reaches a query parser. ----

    private Query BuildQuery(IndexReader reader, ChargeQuery parsed, CancellationToken ct)
    {
        if (parsed.MatchesAll)
        {
            return new MatchAllDocsQuery();
        }
        // The reading of each clause (analysis, which words are fuzzy) is ChargeQueryPlan's, shared with Elasticsearch.
        var description = MultiFields.GetTerms(reader, DescriptionField);
        var plan = ChargeQueryPlan.Plan(parsed, term => description is null || description.GetEnumerator().SeekExact(new BytesRef(term)));
        var root = new BooleanQuery();
        foreach (var clause in plan.Clauses)
        {
            ct.ThrowIfCancellationRequested();
            root.Add(ClauseQuery(reader, clause, ct), Occur.MUST);
        }
        // Text made only of symbols or emoji has no words: it matches nothing rather than everything.
        return root.Clauses.Count > 0 ? root : new BooleanQuery { { new TermQuery(new Term(IdField, "")), Occur.MUST } };
    }

    private Query ClauseQuery(IndexReader reader, PlannedClause clause, CancellationToken ct)
    {
        var tokens = clause.Terms;
        switch (clause.Kind)
        {
            case QueryClauseKind.Word:
                {
                    if (tokens.Count == 1)
                    {
                        return WordQuery(reader, tokens[0], clause.FuzzyEdits, ct);
                    }
                    var all = new BooleanQuery();
                    foreach (var token in tokens)
                    {
                        all.Add(EitherField(f => new TermQuery(new Term(f, token))), Occur.MUST);
                    }
                    return all;
                }
            case QueryClauseKind.Phrase:
                return EitherField(f =>
                {
                    var phrase = new PhraseQuery();
                    foreach (var token in tokens)
                    {
                        phrase.Add(new Term(f, token));
                    }
                    return phrase;
                });
            default:
                {
                    var all = new BooleanQuery();
                    foreach (var word in tokens.SkipLast(1))
                    {
                        all.Add(new TermQuery(new Term(WordsField, word)), Occur.MUST);
                    }
                    // Prefixes match unstemmed words ("drivin*" finds "driving") and the stemmed text (synonyms, codes).
                    var last = tokens[^1];
                    var prefixes = new BooleanQuery();
                    foreach (var field in new[] { WordsField, DescriptionField, CodesField })
                    {
                        prefixes.Add(new PrefixQuery(new Term(field, last)), Occur.SHOULD);
                    }
                    all.Add(prefixes, Occur.MUST);
                    return all;
                }
        }
    }

    private Query WordQuery(IndexReader reader, string token, int fuzzyEdits, CancellationToken ct)
    {
        var either = new BooleanQuery
        {
            { new TermQuery(new Term(DescriptionField, token)) { Boost = 2 }, Occur.SHOULD },
            { new TermQuery(new Term(CodesField, token)), Occur.SHOULD },
            { new TermQuery(new Term(ExpandedField, token)) { Boost = ExpandedBoost }, Occur.SHOULD },
        };
        // A typo of a category name ("asault") finds what the word itself finds, in the codes field too.
        if (TypoAutomata(token, fuzzyEdits) is { } automata)
        {
            foreach (var field in new[] { DescriptionField, CodesField })
            {
                if (FuzzyQuery(reader, token, field, automata, ct) is { } fuzzy)
                {
                    either.Add(fuzzy, Occur.SHOULD);
                }
            }
        }
        return either;
    }

    /// <summary>
    /// The automata of the words within 1 to <paramref name="fuzzyEdits"/> edits of <paramref name="token"/>, built once
    /// for both fields; null when the plan gives the word no typo tolerance (it has none, or the index knows the word:
    /// expanding "dui" to its one-edit neighbours "dwi", "owi" and "oui", its own synonyms, cost 150-300 ms for nothing).
    /// </summary>
    private CompiledAutomaton[]? TypoAutomata(string token, int fuzzyEdits) =>
        fuzzyEdits == 0 ? null : EditAutomata(token, fuzzyEdits);

    /// <summary>
    /// Compiled Levenshtein automata (with transpositions) for 1 to <paramref name="maxEdits"/> edits. Compiled as
    /// FuzzyQuery's terms enum does (finite, not simplified): the "simplify" checks of the one-argument constructor
    /// (is it a prefix? a single string?) compare whole automata and never apply to a Levenshtein automaton. Most of
    /// the cost is determinizing the UTF-8 automaton either way, hence the cache.
    /// </summary>
    private CompiledAutomaton[] EditAutomata(string token, int maxEdits)
    {
        var key = (token, maxEdits);
        if (_editAutomata.TryGet(key, out var cached))
        {
            return cached;
        }
        var levenshtein = new LevenshteinAutomata(token, withTranspositions: true);
        CompiledAutomaton[] built = [.. Enumerable.Range(1, maxEdits).Select(edits => new CompiledAutomaton(levenshtein.ToAutomaton(edits), finite: true, simplify: false))];
        _editAutomata.Add(key, built, EstimateBytes(token, built));
        return built;
    }

    /// <summary>
    /// Compiled automata of recent typos: building them (determinizing the UTF-8 automaton) is about 1.5 ms of a
    /// fuzzy search at 100k, and the same misspellings recur. An automaton depends only on the word, not the index,
    /// and is read-only once built, so searches share them. Bounded by the estimated bytes of its automata
    /// (<see cref="EstimateBytes"/>), not by their count: a 30-letter mixed-script word's automata took about
    /// 2 MB, so the former bound of 1,024 words let the cache reach 2 GB.
    /// </summary>
    private readonly ByteBoundedCache<(string Token, int MaxEdits), CompiledAutomaton[]> _editAutomata;

    /// <summary>The typo cache's budget unless <c>Search:TypoCacheBytes</c> says otherwise: 16 MB.</summary>
    public const long DefaultTypoCacheBytes = 16 * 1024 * 1024;

    /// <summary>The estimated bytes the typo cache holds now (never above its budget).</summary>
    public long TypoCacheBytes => _editAutomata.Bytes;

    /// <summary>
    /// The managed memory compiled automata hold, estimated from their shape: the run automaton's transition table
    /// (states × character classes × 4 bytes) and accept flags, and the sorted transitions (an array per state, an
    /// object per transition) with the states they reach, plus the key.
    /// </summary>
    public static long EstimateBytes(string token, CompiledAutomaton[] automata)
    {
        long bytes = 64 + (2L * token.Length);
        foreach (var automaton in automata)
        {
            var states = automaton.SortedTransitions?.Length ?? 0;
            long transitions = 0;
            foreach (var perState in automaton.SortedTransitions ?? [])
            {
                transitions += perState.Length;
            }
            var classes = automaton.RunAutomaton?.GetCharIntervals().Length ?? 0;
            bytes += 1024 + (states * ((4L * classes) + 1 + 32 + 72)) + (transitions * (8 + 32));
        }
        return bytes;
    }

    /// <summary>
    /// Typo tolerance for a word the index does not hold: the indexed words within <see cref="ChargeQuery.AutoEdits"/> edits, as a disjunction that
    /// scores a document by its best such word. Each word's boost is its similarity times a factor that gives
    /// every expansion the same IDF (that of the most common one), like Elasticsearch's blended-frequency
    /// rewrite: otherwise a rare near-miss ("asslt", "adult") would outrank the common intended word ("assault").
    /// </summary>
    private static DisjunctionMaxQuery? FuzzyQuery(IndexReader reader, string token, string field, CompiledAutomaton[] automata, CancellationToken ct)
    {
        var terms = MultiFields.GetTerms(reader, field);
        if (terms is null)
        {
            return null;
        }
        // One pass over the words within the most edits; each word's distance is the fewest edits whose automaton
        // accepts it. Words enter in index order, as separate passes per distance would add them.
        var found = new Dictionary<string, (int Edits, int DocFreq)>(StringComparer.Ordinal);
        var candidates = automata[^1].GetTermsEnum(terms);
        var seen = 0;
        while (candidates.MoveNext())
        {
            if ((++seen & 255) == 0)
            {
                ct.ThrowIfCancellationRequested();
            }
            var term = candidates.Term;
            var edits = 1;
            while (edits < automata.Length && !automata[edits - 1].RunAutomaton.Run(term.Bytes, term.Offset, term.Length))
            {
                edits++;
            }
            var word = term.Utf8ToString();
            if (word != token)
            {
                found.TryAdd(word, (edits, candidates.DocFreq));
            }
        }
        if (found.Count == 0)
        {
            return null;
        }
        var expansions = found.OrderBy(p => p.Value.Edits).ThenByDescending(p => p.Value.DocFreq).Take(50).ToList();
        var documents = Math.Max(1, reader.NumDocs);
        var blended = Idf(expansions.Max(p => p.Value.DocFreq), documents);
        var disjunction = new DisjunctionMaxQuery(0f);
        foreach (var (word, (edits, docFreq)) in expansions)
        {
            var similarity = 1f - ((float)edits / Math.Max(token.Length, word.Length));
            disjunction.Add(new TermQuery(new Term(field, word)) { Boost = similarity * blended / Idf(docFreq, documents) });
        }
        return disjunction;
    }

    private static float Idf(int docFreq, int documents) => (float)Math.Log(1 + ((documents - docFreq + 0.5) / (docFreq + 0.5)));

    private static BooleanQuery EitherField(Func<string, Query> make) => new()
    {
        { make(DescriptionField), Occur.SHOULD },
        { make(CodesField), Occur.SHOULD },
        { Boosted(make(ExpandedField), ExpandedBoost), Occur.SHOULD },
    };

    private static Query Boosted(Query query, float boost)
    {
        query.Boost = boost;
        return query;
    }

    private static Filter? BuildFilter(ChargeSearchFilter filter)
    {
        var all = new BooleanQuery();
        AnyOf(all, "state", filter.States?.Select(s => s.ToUpperInvariant()));
        AnyOf(all, "jurisdiction", filter.JurisdictionIds?.Select(id => id.ToString(CultureInfo.InvariantCulture)));
        AnyOf(all, "outcome", filter.Outcomes?.Select(o => o.ToString()));
        AnyOf(all, "type", filter.DetainerTypes?.Select(t => t.ToString()));
        AnyOf(all, "citizenship", filter.Citizenships);
        AnyOf(all, "status", filter.Statuses?.Select(s => s.ToString()));
        AnyOf(all, "category", filter.Categories);
        AnyOf(all, "source_kind", filter.SourceKinds?.Select(k => k.ToString()));
        AnyOf(all, "week", filter.WeekStarts?.Select(Day));
        if (filter.WeekFrom is not null || filter.WeekTo is not null)
        {
            all.Add(TermRangeQuery.NewStringRange("week", filter.WeekFrom is { } from ? Day(from) : null,
                filter.WeekTo is { } to ? Day(to) : null, true, true), Occur.MUST);
        }
        return all.Clauses.Count == 0 ? null : new QueryWrapperFilter(all);
    }

    private static void AnyOf(BooleanQuery all, string field, IEnumerable<string>? values)
    {
        var list = values?.ToList();
        if (list is null)
        {
            return;
        }
        var distinct = list.Distinct(StringComparer.Ordinal).ToList();
        if (distinct.Count > 1)
        {
            // Many values (a week range resolved to its week starts, a state to its jurisdictions) as one
            // multi-term query over their union: rewritten like a range, to a bit set per segment built from each
            // value's postings, instead of a disjunction of one scorer per value advanced on every candidate hit
            // ("burglary" in 40 weeks at 100k: 6.9 ms as a disjunction, 2.1 ms as the same weeks' range).
            var union = BasicAutomata.MakeStringUnion(distinct.Select(v => new BytesRef(v)).Order().ToList());
            all.Add(new AutomatonQuery(new Term(field), union), Occur.MUST);
            return;
        }
        // An empty list allows no value: the clause stays empty, and an empty MUST clause matches nothing.
        var any = new BooleanQuery();
        foreach (var value in distinct)
        {
            any.Add(new TermQuery(new Term(field, value)), Occur.SHOULD);
        }
        all.Add(any, Occur.MUST);
    }

    // ---- Highlighting: the index analyzer, so synonym and stem matches are marked too; prefixes are expanded
    // against the hit's own text (a rewritten prefix is a constant-score filter with no terms to mark). No index
    // reader: given one, the scorer weights each query term by its IDF, a term-dictionary lookup per term, per
    // segment, per hit (100 lookups a hit for a fuzzy word), which only changes the fragment scores; the one
    // fragment (NullFragmenter) and the words marked (any positive weight) are the same. ----

    private static Highlighter NewHighlighter(Query query) =>
        // Markers on the raw text, escaped afterwards by ChargeHighlight exactly as Elasticsearch's highlights are.
        new(new SimpleHTMLFormatter(ChargeHighlight.Open, ChargeHighlight.Close), new DefaultEncoder(), new QueryScorer(query, DescriptionField) { ExpandMultiTermQuery = true })
        {
            TextFragmenter = new NullFragmenter(),
        };

    private string Highlight(Highlighter? highlighter, string description)
    {
        return ChargeHighlight.Html(description, highlighter?.GetBestFragment(_indexAnalyzer, DescriptionField, description));
    }

    // ---- "Did you mean": the nearest indexed words (unstemmed) within two edits, most frequent first. ----

    private string? Suggest(IndexReader reader, ChargeQuery query, CancellationToken ct)
    {
        var terms = MultiFields.GetTerms(reader, WordsField);
        if (terms is null)
        {
            return null;
        }
        var changed = false;
        var words = new List<string>();
        foreach (var clause in query.Clauses)
        {
            var tokens = ChargeAnalysis.Tokens(_plainAnalyzer, WordsField, clause.Text);
            var fixedTokens = new List<string>();
            foreach (var token in tokens)
            {
                ct.ThrowIfCancellationRequested();
                var best = Nearest(terms, token, ct);
                changed |= best != token;
                fixedTokens.Add(best);
            }
            var text = string.Join(' ', fixedTokens);
            words.Add(clause.Kind switch
            {
                QueryClauseKind.Phrase => $"\"{text}\"",
                QueryClauseKind.Prefix => text + "*",
                _ => text,
            });
        }
        return changed ? string.Join(' ', words) : null;
    }

    private string Nearest(Terms terms, string token, CancellationToken ct)
    {
        var termsEnum = terms.GetEnumerator();
        // Within two edits, and only for words whose automata stay small (see ChargeQuery.TypoEdits).
        var maxEdits = token.Length < 3 || token.Length > ChargeQuery.MaxTypoLength || token.Count(c => c > 0x7F) > 2 ? 0 : 2;
        if (maxEdits == 0 || termsEnum.SeekExact(new BytesRef(token)))
        {
            return token;
        }
        foreach (var automaton in EditAutomata(token, maxEdits))
        {
            var candidates = automaton.GetTermsEnum(terms);
            string? best = null;
            var bestFrequency = 0;
            var seen = 0;
            while (candidates.MoveNext())
            {
                if ((++seen & 255) == 0)
                {
                    ct.ThrowIfCancellationRequested();
                }
                if (candidates.DocFreq > bestFrequency)
                {
                    bestFrequency = candidates.DocFreq;
                    best = candidates.Term.Utf8ToString();
                }
            }
            if (best is not null)
            {
                return best;
            }
        }
        return token;
    }

    // ---- Documents ----

    /// <summary>
    /// Turns charge documents into Lucene documents, reusing one <see cref="Document"/> and its
    /// <see cref="Field"/> instances from one document to the next (Lucene's fast path for bulk indexing: a
    /// new keyword field builds a new token stream, whose attributes are looked up under a global lock). Not
    /// thread-safe: one per writing thread, and each document must be handed to the writer before the next is made.
    /// </summary>
    private sealed class DocumentBuilder(ChargeReader? reader)
    {
        private readonly TextField _expanded = new(ExpandedField, "", Field.Store.NO);
        private readonly Document _doc = [];
        private readonly StringField _id = new(IdField, "", Field.Store.YES);
        private readonly StoredField _detainerId = new(DetainerIdField, 0L);
        private readonly NumericDocValuesField _sortId = new(SortIdField, 0L);
        private readonly TextField _description = new(DescriptionField, "", Field.Store.YES);
        private readonly TextField _words = new(WordsField, "", Field.Store.NO);
        private readonly TextField _codes = new(CodesField, "", Field.Store.NO);
        private readonly KeywordField _state = new("state", FacetName(SearchFacet.State));
        private readonly KeywordField _jurisdiction = new("jurisdiction", FacetName(SearchFacet.Jurisdiction));
        private readonly KeywordField _week = new("week", FacetName(SearchFacet.Week));
        private readonly KeywordField _outcome = new("outcome", FacetName(SearchFacet.Outcome));
        private readonly KeywordField _type = new("type", null);
        private readonly KeywordField _citizenship = new("citizenship", FacetName(SearchFacet.Citizenship));
        private readonly KeywordField _status = new("status", FacetName(SearchFacet.Status));
        private readonly KeywordField _category = new("category", FacetName(SearchFacet.ChargeCategory));
        private readonly KeywordField _sourceKind = new("source_kind", FacetName(SearchFacet.SourceKind));

        public Document Build(ChargeDocument d)
        {
            _doc.Fields.Clear();
            _id.SetStringValue(Key(d.ChargeId));
            _detainerId.SetInt64Value(d.DetainerId);
            _sortId.SetInt64Value(d.ChargeId);
            _description.SetStringValue(d.Description);
            _words.SetStringValue(d.Description);
            _codes.SetStringValue(d.NcicCode is null ? d.Category ?? "" : d.Category is null ? d.NcicCode : d.NcicCode + " " + d.Category);
            _doc.Add(_id);
            _doc.Add(_detainerId);
            _doc.Add(_sortId);
            _doc.Add(_description);
            _doc.Add(_words);
            _doc.Add(_codes);
            if (reader?.Read(d.Description, d.Category).IndexText is { Length: > 0 } expanded)
            {
                _expanded.SetStringValue(expanded);
                _doc.Add(_expanded);
            }
            _state.AddTo(_doc, d.State, d.State);
            _jurisdiction.AddTo(_doc, d.JurisdictionId?.ToString(CultureInfo.InvariantCulture),
                d.JurisdictionId is { } j ? $"{j}{LabelSeparator}{d.JurisdictionName}, {d.State}" : null);
            var week = d.WeekStart is { } w ? Day(w) : null;
            _week.AddTo(_doc, week, week);
            _outcome.AddTo(_doc, d.Outcome.ToString(), d.Outcome.ToString());
            _type.AddTo(_doc, d.DetainerType.ToString(), null);
            _citizenship.AddTo(_doc, d.Citizenship, d.Citizenship);
            _status.AddTo(_doc, d.Status.ToString(), d.Status.ToString());
            _category.AddTo(_doc, d.Category, d.Category);
            _sourceKind.AddTo(_doc, d.SourceKind.ToString(), d.SourceKind.ToString());
            return _doc;
        }
    }

    /// <summary>
    /// A filter field (indexed, not analyzed) and, when the field has a facet, its doc-values field; either is
    /// left out of a document whose value is null.
    /// </summary>
    private sealed class KeywordField(string field, string? facet)
    {
        private readonly StringField _term = new(field, "", Field.Store.NO);
        private readonly SortedDocValuesField? _facet = facet is null ? null : new(FacetPrefix + facet, new BytesRef());

        public void AddTo(Document doc, string? value, string? facetValue)
        {
            if (value is not null)
            {
                _term.SetStringValue(value);
                doc.Add(_term);
            }
            if (_facet is not null && facetValue is not null)
            {
                // The writer copies the bytes into its own pool before the next document.
                _facet.SetBytesValue(new BytesRef(facetValue));
                doc.Add(_facet);
            }
        }
    }

    private static string FacetName(SearchFacet facet) => facet.ToString().ToLowerInvariant();

    private static string Key(long chargeId) => chargeId.ToString(CultureInfo.InvariantCulture);

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    // ---- Index lifetime ----

    private IndexState State()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_state is { } state)
        {
            return state;
        }
        lock (_swapLock)
        {
            if (_state is null)
            {
                System.IO.Directory.CreateDirectory(_root);
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
        LuceneDirectory directory = new NIOFSDirectory(new DirectoryInfo(Path.Combine(_root, folder)));
        var config = new IndexWriterConfig(ChargeAnalysis.Version, new PerFieldAnalyzerWrapper(_indexAnalyzer,
            new Dictionary<string, Analyzer> { [WordsField] = _plainAnalyzer }))
        {
            OpenMode = mode,
            Similarity = new BM25Similarity(),
            // Fewer, larger flushed segments while importing (the default is 16 MB): fewer merges later.
            RAMBufferSizeMB = 48,
        };
        var writer = new IndexWriter(directory, config);
        // A fresh index needs one commit before a reader can open it.
        writer.Commit();
        var manager = new SearcherManager(writer, applyAllDeletes: true, new Bm25SearcherFactory());
        return new IndexState(folder, directory, writer, manager);
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
            throw new IOException($"The search index under {_root} is open in another process (a running server?); its writes are left to that process.", e);
        }
    }

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

    private sealed class Bm25SearcherFactory : SearcherFactory
    {
        public override IndexSearcher NewSearcher(IndexReader reader) => new(reader) { Similarity = new BM25Similarity() };
    }

    /// <summary>
    /// Passes hits on to <paramref name="inner"/> and stops the search (<see cref="OperationCanceledException"/>) once
    /// <paramref name="ct"/> is cancelled: checked at every segment and every 1,024 hits.
    /// </summary>
    private sealed class CancellableCollector(ICollector inner, CancellationToken ct) : ICollector
    {
        private int _collected;

        public bool AcceptsDocsOutOfOrder => inner.AcceptsDocsOutOfOrder;

        public void SetScorer(Scorer scorer) => inner.SetScorer(scorer);

        public void SetNextReader(AtomicReaderContext context)
        {
            ct.ThrowIfCancellationRequested();
            inner.SetNextReader(context);
        }

        public void Collect(int doc)
        {
            if ((++_collected & 1023) == 0)
            {
                ct.ThrowIfCancellationRequested();
            }
            inner.Collect(doc);
        }
    }

    /// <summary>Counts facet values over every hit (not just the page), per segment by ordinal; a missing value counts as null.</summary>
    private sealed class FacetCollector(string[] fields) : ICollector
    {
        private readonly Dictionary<string, int>[] _counts = [.. fields.Select(_ => new Dictionary<string, int>(StringComparer.Ordinal))];
        private readonly int[] _missing = new int[fields.Length];
        private SortedDocValues?[] _values = new SortedDocValues?[fields.Length];
        private int[][] _ordCounts = new int[fields.Length][];

        // In order: doc values are read from NIOFSDirectory through a buffer, so out-of-order (random) reads
        // would cost a file read each. Measured on 1M detainers: 640 ms out of order, tens of ms in order.
        public bool AcceptsDocsOutOfOrder => false;

        public void SetScorer(Scorer scorer)
        {
        }

        public void SetNextReader(AtomicReaderContext context)
        {
            Flush();
            _values = [.. fields.Select(f => context.AtomicReader.GetSortedDocValues(f))];
            _ordCounts = [.. _values.Select(v => new int[v?.ValueCount ?? 0])];
        }

        public void Collect(int doc)
        {
            for (var i = 0; i < fields.Length; i++)
            {
                var ord = _values[i]?.GetOrd(doc) ?? -1;
                if (ord < 0)
                {
                    _missing[i]++;
                }
                else
                {
                    _ordCounts[i][ord]++;
                }
            }
        }

        private void Flush()
        {
            var term = new BytesRef();
            for (var i = 0; i < fields.Length; i++)
            {
                if (_values[i] is not { } values)
                {
                    continue;
                }
                for (var ord = 0; ord < _ordCounts[i].Length; ord++)
                {
                    if (_ordCounts[i][ord] > 0)
                    {
                        values.LookupOrd(ord, term);
                        var key = term.Utf8ToString();
                        _counts[i][key] = _counts[i].GetValueOrDefault(key) + _ordCounts[i][ord];
                    }
                }
                _ordCounts[i] = [];
            }
        }

        /// <summary>Most frequent first, then by value; the null bucket last.</summary>
        public IReadOnlyList<FacetBucket> Buckets(int index)
        {
            Flush();
            var buckets = _counts[index]
                .Select(p => p.Key.Split(LabelSeparator) is [var value, var label] ? new FacetBucket(value, label, p.Value) : new FacetBucket(p.Key, p.Key, p.Value))
                .OrderByDescending(b => b.Count).ThenBy(b => b.Value, StringComparer.Ordinal)
                .ToList();
            if (_missing[index] > 0)
            {
                buckets.Add(new FacetBucket(null, null, _missing[index]));
            }
            return buckets;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Search index rebuilt: {Count} documents in {Folder}")]
    private static partial void LogRebuilt(ILogger logger, int count, string folder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete the old search index {Folder}: {Reason}")]
    private static partial void LogDeleteFailed(ILogger logger, string folder, string reason);
}
