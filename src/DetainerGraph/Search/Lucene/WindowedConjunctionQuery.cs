using System.Collections.Concurrent;
using System.Numerics;
using System.Runtime.CompilerServices;
using Lucene.Net.Codecs;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Util;

namespace DetainerGraph.Search;

/// <summary>
/// Several words that must all match, each in any of its fields ("traffic offense": (description:traffic OR
/// codes:traffic) AND (description:offens OR codes:offens OR expanded:offens)), scored exactly as the plain
/// <see cref="BooleanQuery"/> of the same clauses, but a window of 2,048 documents at a time, like Lucene's bucket
/// scorer does for pure alternatives. Per window, each term's postings set a bit per document and keep its
/// frequency, with no test per posting; the clauses' bits and the accepted documents (a cached filter's bit set)
/// are intersected 64 documents at a time; only the documents left are scored. Testing a 60% filter on every
/// posting, and scoring every posting of the first clause, were most of the time of "traffic offense" with a
/// status filter at 1M detainers (188,904 hits out of a million postings).
/// </summary>
/// <remarks>
/// Why the scores are identical, bit for bit, under BM25 (the only similarity it accepts; any other query shape,
/// boost or similarity is searched as the plain query, see <see cref="TryCreate"/>):
/// <list type="bullet">
/// <item>BM25's coordination factor and query norm are both 1, so a clause's score is the sum of its matching terms'
/// scores, and the query's the sum of its clauses'.</item>
/// <item>Lucene sums a clause's terms in a double (DisjunctionSumScorer), then rounds to float; a sum of at most
/// <see cref="MaxTermsPerClause"/> floats of BM25's range is exact in a double, so the order of the terms does not
/// matter. A clause with one term scores as that term's float.</item>
/// <item>Lucene's conjunction then adds the clauses' floats in float, in ascending order of their cost (the sum of
/// their terms' document frequencies in the segment, a stable sort), starting from 0: this does the same.</item>
/// <item>Each term's score is BM25's scorer for the term (its statistics computed by the same calls as
/// <see cref="TermQuery"/>'s weight, normalized as the boolean query normalizes it) at the document and frequency,
/// or the value that scorer gave another document of the same norm at that frequency (see NormClasses), so
/// BM25's per-document arithmetic is Lucene's.</item>
/// </list>
/// The documents visited are those matching every clause and accepted (deletions and cached filters), in document
/// order, so every collector sees the same hits with the same scores. The leap-frog filter strategy, which needs a
/// scorer rather than a bulk scorer, gets the plain query's scorer. Tests compare both on generated documents
/// (with and without deletions, filters by bits and by leap-frog, windows cut at odd places) and on generated charges.
/// </remarks>
public sealed class WindowedConjunctionQuery : Query
{
    /// <summary>The most terms a clause may have here (the exactness argument above); ours have at most three.</summary>
    public const int MaxTermsPerClause = 4;

    /// <summary>The most clauses: each is a bit of a per-document mask. A longer query (up to 32 words) is searched plainly.</summary>
    public const int MaxClauses = 16;

    private const int WindowSize = 2048;

    /// <summary>The most terms a segment's windowed scorer reads (each holds a window's bits and frequencies, 8.25 KB).</summary>
    private const int MaxTermsPerSegment = 64;

    /// <summary>A single word's postings below one document in this many of a segment are scored by Lucene's own scorer.</summary>
    private const int SparseShare = 8;

    private readonly BooleanQuery _plain;
    /// <summary>Each clause's members; a member is one term, or a typo's expansions in one field (its best scores).</summary>
    private readonly TermQuery[][][] _clauses;

    private WindowedConjunctionQuery(BooleanQuery plain, TermQuery[][][] clauses)
    {
        _plain = plain;
        _clauses = clauses;
    }

    /// <summary>
    /// The windowed form of <paramref name="query"/> when it is 2 to <see cref="MaxClauses"/> required clauses, each a term or a
    /// disjunction of up to <see cref="MaxTermsPerClause"/> terms (optional clauses only, no minimum), with no boost
    /// other than the terms' own; otherwise <paramref name="query"/> itself.
    /// </summary>
    public static Query TryCreate(Query query)
    {
        if (query is not BooleanQuery root || root.Boost != 1f || root.MinimumNumberShouldMatch != 0 || root.Clauses.Count is < 1 or > MaxClauses)
        {
            return query;
        }
        // One word: windowed only when it is a disjunction of several terms (a word in several fields); a single term
        // is Lucene's term scorer already.
        if (root.Clauses.Count == 1 && root.Clauses[0].Query is not BooleanQuery { Clauses.Count: > 1 })
        {
            return query;
        }
        var clauses = new List<TermQuery[][]>();
        foreach (var clause in root.Clauses)
        {
            if (clause.Occur != Occur.MUST)
            {
                return query;
            }
            switch (clause.Query)
            {
                case TermQuery term:
                    clauses.Add([[term]]);
                    break;
                case BooleanQuery either when either.Boost == 1f && either.MinimumNumberShouldMatch == 0
                    && either.Clauses.Count is > 0 and <= MaxTermsPerClause
                    && either.Clauses.All(c => c.Occur == Occur.SHOULD && Member(c.Query) is not null):
                    clauses.Add([.. either.Clauses.Select(c => Member(c.Query)!)]);
                    break;
                default:
                    return query;
            }
        }
        return new WindowedConjunctionQuery(root, [.. clauses]);
    }

    /// <summary>Whether member <paramref name="m"/> of clause <paramref name="c"/> is a typo's expansions in the plain query.</summary>
    private bool IsBestOf(int c, int m) =>
        _plain.Clauses[c].Query is BooleanQuery either && either.Clauses[m].Query is BestOfTermsQuery;

    /// <summary>
    /// A member of a clause: a term, or a typo's expansions (<see cref="BestOfTermsQuery"/> of boost 1 over terms of one
    /// field, no tie breaker: it scores a document by its best expansion); otherwise null.
    /// </summary>
    private static TermQuery[]? Member(Query query) => query switch
    {
        TermQuery term => [term],
        BestOfTermsQuery best when best.Boost == 1f && best.TieBreakerMultiplier == 0f && best.Disjuncts.Count > 0
            && best.Disjuncts.All(d => d is TermQuery t && t.Term.Field == ((TermQuery)best.Disjuncts[0]).Term.Field)
            => [.. best.Disjuncts.Cast<TermQuery>()],
        _ => null,
    };

    /// <summary>
    /// Lucene's default filter strategy (random access to a filter's bits when it has them and they start early), but
    /// handing the filter's bits to the windowed scorer as accepted documents where Lucene would hand them to a
    /// scorer: its strategy asks the query for a scorer, never a bulk scorer, so a filtered search would otherwise
    /// fall back to the plain query. Used only for this query; other queries keep Lucene's strategy as it is.
    /// </summary>
    public static readonly FilteredQuery.FilterStrategy FilterStrategy = new BulkRandomAccess();

    private sealed class BulkRandomAccess : FilteredQuery.RandomAccessFilterStrategy
    {
        public override BulkScorer FilteredBulkScorer(AtomicReaderContext context, Weight weight, bool scoreDocsInOrder, DocIdSet docIdSet)
        {
            var bits = docIdSet.Bits;
            if (bits is null)
            {
                return base.FilteredBulkScorer(context, weight, scoreDocsInOrder, docIdSet);
            }
            // The same test as the strategy's scorer: the filter's first document decides random access.
            var iterator = docIdSet.GetIterator();
            if (iterator is null)
            {
                return null!;
            }
            var first = iterator.NextDoc();
            if (first == DocIdSetIterator.NO_MORE_DOCS)
            {
                return null!;
            }
            return UseRandomAccess(bits, first)
                ? weight.GetBulkScorer(context, scoreDocsInOrder, bits)
                : base.FilteredBulkScorer(context, weight, scoreDocsInOrder, docIdSet);
        }
    }

    public override Weight CreateWeight(IndexSearcher searcher) =>
        searcher.Similarity is BM25Similarity ? new WindowedWeight(this, searcher) : _plain.CreateWeight(searcher);

    public override Query Rewrite(IndexReader reader) => this;

    public override void ExtractTerms(ISet<Term> terms) => _plain.ExtractTerms(terms);

    public override string ToString(string field) => "windowed(" + _plain.ToString(field) + ")";

    public override bool Equals(object? obj) => obj is WindowedConjunctionQuery other && _plain.Equals(other._plain);

    public override int GetHashCode() => _plain.GetHashCode() ^ 0x5eed;

    private sealed class WindowedWeight : Weight
    {
        private readonly WindowedConjunctionQuery _query;
        private readonly IndexSearcher _searcher;
        private Weight? _plainWeight;
        private (float Norm, float TopLevelBoost)? _normalized;
        private readonly Similarity _similarity;
        private readonly bool _memo;
        private readonly bool _single;
        /// <summary>Each clause's members (a term, or a typo's expansions), each member's terms.</summary>
        private readonly TermPart[][][] _terms;

        /// <summary>Each member's terms' query weights squared (as <see cref="BestOfTermsQuery"/> orders its expansions).</summary>
        private readonly float[][][] _weights;

        public WindowedWeight(WindowedConjunctionQuery query, IndexSearcher searcher)
        {
            _query = query;
            // One clause: the plain query is that disjunction as Lucene rewrites it (the single required clause alone),
            // whose bulk scorer takes a window of documents at a time too, for the segments where its postings are sparse.
            _single = query._clauses.Length == 1;
            _searcher = searcher;
            _similarity = searcher.Similarity;
            // Scores are remembered per norm value (see NormClasses): only for BM25 itself, whose scorer reads a
            // document through its norm alone.
            _memo = _similarity.GetType() == typeof(BM25Similarity);
            // The plain query's weight is built only when a segment needs it, for BM25 itself, whose query norm is 1
            // whatever the weights (a typo's weight holds a term lookup per expansion and per segment: 50 expansions
            // in two fields cost more than scoring the word). For a subclass, as Lucene builds it.
            if (!_memo)
            {
                _plainWeight = searcher.Rewrite(query._plain).CreateWeight(searcher);
            }
            _terms = [.. query._clauses.Select((clause, c) => clause.Select((member, m) => member.Select(t => new TermPart(t, searcher, query.IsBestOf(c, m))).ToArray()).ToArray())];
            _weights = [.. _terms.Select(clause => clause.Select(member => member.Select(t => t.Stats.GetValueForNormalization()).ToArray()).ToArray())];
        }

        public override Query Query => _query;

        public override bool ScoresDocsOutOfOrder => false;

        /// <summary>The plain query's weight, built and normalized as Lucene would have on first use.</summary>
        private Weight Plain
        {
            get
            {
                if (_plainWeight is null)
                {
                    var weight = _searcher.Rewrite(PlainWithStates()).CreateWeight(_searcher);
                    weight.GetValueForNormalization();
                    if (_normalized is { } n)
                    {
                        weight.Normalize(n.Norm, n.TopLevelBoost);
                    }
                    _plainWeight = weight;
                }
                return _plainWeight;
            }
        }

        /// <summary>
        /// The plain query again, clause for clause and member for member, its terms given the per-segment states this
        /// weight looked up already (Lucene's TermQuery reuses given states for the same reader), so that a fallback
        /// does not look every term (every typo expansion) up a second time. Same terms, boosts and shape: same scores.
        /// </summary>
        private BooleanQuery PlainWithStates()
        {
            var root = new BooleanQuery();
            for (var c = 0; c < _terms.Length; c++)
            {
                if (_query._plain.Clauses[c].Query is TermQuery)
                {
                    root.Add(_terms[c][0][0].WithStates(), Occur.MUST);
                    continue;
                }
                var either = new BooleanQuery();
                foreach (var member in _terms[c])
                {
                    if (member.Length == 1 && !member[0].InBestOf)
                    {
                        either.Add(member[0].WithStates(), Occur.SHOULD);
                        continue;
                    }
                    var best = new BestOfTermsQuery();
                    foreach (var term in member)
                    {
                        best.Add(term.WithStates());
                    }
                    either.Add(best, Occur.SHOULD);
                }
                root.Add(either, Occur.MUST);
            }
            return root;
        }

        // BM25's query norm is 1 whatever this says (the plain weight is built here already for any other similarity).
        public override float GetValueForNormalization() => _plainWeight?.GetValueForNormalization() ?? 1f;

        public override void Normalize(float norm, float topLevelBoost)
        {
            _normalized = (norm, topLevelBoost);
            _plainWeight?.Normalize(norm, topLevelBoost);
            // As BooleanWeight does: its own boost (1 here) times the level above, passed to every clause, and by
            // each clause (a boolean query of boost 1, or the term itself) to its terms, whose weight passes it on
            // to its statistics.
            // A typo's expansions (a disjunction of boost 1) pass it on unchanged, as DisjunctionMaxWeight does.
            foreach (var clause in _terms)
            {
                foreach (var member in clause)
                {
                    foreach (var term in member)
                    {
                        term.Stats.Normalize(norm, topLevelBoost);
                    }
                }
            }
        }

        public override Explanation Explain(AtomicReaderContext context, int doc) => Plain.Explain(context, doc);

        /// <summary>
        /// Whether the one clause's terms hold fewer than one document in <see cref="SparseShare"/> of the segment: then
        /// each window would hold a few postings and cost more than Lucene's scorer does for them.
        /// </summary>
        private bool SparseIn(AtomicReaderContext context)
        {
            long postings = 0;
            foreach (var member in _terms[0])
            {
                foreach (var term in member)
                {
                    postings += term.DocFreqIn(context);
                }
            }
            return postings * SparseShare < context.AtomicReader.MaxDoc;
        }

        public override Scorer GetScorer(AtomicReaderContext context, IBits acceptDocs) => Plain.GetScorer(context, acceptDocs);

        /// <summary>
        /// The terms of member <paramref name="m"/> of clause <paramref name="c"/> that can score in this segment: the term
        /// itself; of a typo's expansions, those <see cref="BestOfTermsQuery"/> does not prove never to be a document's
        /// best here (the same proof, so the same choice), in the query's order.
        /// </summary>
        private IEnumerable<TermPart> Live(AtomicReaderContext context, int c, int m)
        {
            var member = _terms[c][m];
            if (member.Length == 1)
            {
                return member;
            }
            var terms = member.Select(t => (Term?)t.Term).ToArray();
            return member.Where((t, i) => t.DocFreqIn(context) > 0 && !BestOfTermsQuery.IsCovered(context.AtomicReader, terms, _weights[c][m], i));
        }

        public override BulkScorer GetBulkScorer(AtomicReaderContext context, bool scoreDocsInOrder, IBits acceptDocs)
        {
            if (_single && SparseIn(context))
            {
                return Plain.GetBulkScorer(context, scoreDocsInOrder, acceptDocs);
            }
            var docs = new List<DocsEnum>();
            var scorers = new List<Similarity.SimScorer>();
            var classes = new List<NormClasses?>();
            var clauses = new int[_terms.Length][];
            var members = new int[_terms.Length][][];
            var costs = new long[_terms.Length];
            for (var c = 0; c < _terms.Length; c++)
            {
                var inClause = new List<int>(_terms[c].Length);
                var clauseMembers = new List<int[]>(_terms[c].Length);
                for (var m = 0; m < _terms[c].Length; m++)
                {
                    var inMember = new List<int>(1);
                    foreach (var term in Live(context, c, m))
                    {
                        if (term.Postings(context) is { } postings)
                        {
                            inMember.Add(docs.Count);
                            docs.Add(postings);
                            scorers.Add(_similarity.GetSimScorer(term.Stats, context));
                            classes.Add(_memo ? NormClasses.Of(context.AtomicReader, term.Field) : null);
                            costs[c] += postings.GetCost();
                        }
                    }
                    if (inMember.Count > 0)
                    {
                        inClause.AddRange(inMember);
                        clauseMembers.Add([.. inMember]);
                    }
                }
                if (inClause.Count == 0)
                {
                    // A clause with no term in this segment: the conjunction matches nothing here.
                    return null!;
                }
                if (docs.Count > MaxTermsPerSegment)
                {
                    // Many typo expansions left unproven: a window's bits and frequencies per term (8 KB each) would
                    // add up; Lucene's scorers take them as before.
                    return Plain.GetBulkScorer(context, scoreDocsInOrder, acceptDocs);
                }
                clauses[c] = [.. inClause];
                members[c] = [.. clauseMembers];
            }
            // The order Lucene's conjunction adds the clauses' scores in: ascending cost, ties in clause order. The
            // postings are read in the same order, so the rarest clause empties a window first.
            var sumOrder = Enumerable.Range(0, clauses.Length).OrderBy(c => costs[c]).ToArray();
            return new WindowedScorer(this, [.. docs], [.. scorers], [.. classes], clauses, members, sumOrder, acceptDocs, context.AtomicReader.MaxDoc);
        }
    }

    /// <summary>
    /// A field's documents in one segment grouped by their norm value (at most 256 distinct values, BM25's norms
    /// being one byte): BM25 scores a term in a document from the term's frequency and the document's norm alone,
    /// so a term's score at a frequency is computed once per group, by Lucene's own scorer for the first document
    /// met, and reused for the others, the same float. Reading the norm through Lucene's doc values for every hit
    /// was most of the cost of scoring a broad query at 1M detainers. Read once per segment (segments are
    /// immutable) and kept with it: a byte per document.
    /// </summary>
    private sealed class NormClasses
    {
        private static readonly ConditionalWeakTable<object, ConcurrentDictionary<string, NormClasses?>> PerSegment = new();

        /// <summary>Each document's group, or null when the field has no norms (every document in group 0).</summary>
        public byte[]? OfDoc { get; private init; }

        /// <summary>How many groups.</summary>
        public int Count { get; private init; }

        /// <summary>The groups of <paramref name="field"/> in the segment, or null when it has more than 256 distinct norm values.</summary>
        public static NormClasses? Of(AtomicReader reader, string field) =>
            PerSegment.GetValue(reader.CoreCacheKey, _ => new(StringComparer.Ordinal)).GetOrAdd(field, f =>
            {
                if (reader.GetNormValues(f) is not { } norms)
                {
                    return new NormClasses { Count = 1 };
                }
                var groups = new Dictionary<long, byte>();
                var ofDoc = new byte[reader.MaxDoc];
                for (var doc = 0; doc < ofDoc.Length; doc++)
                {
                    var norm = norms.Get(doc);
                    if (!groups.TryGetValue(norm, out var group))
                    {
                        if (groups.Count == 256)
                        {
                            return null;
                        }
                        group = (byte)groups.Count;
                        groups.Add(norm, group);
                    }
                    ofDoc[doc] = group;
                }
                return new NormClasses { OfDoc = ofDoc, Count = Math.Max(1, groups.Count) };
            });
    }

    /// <summary>
    /// One term of the query as <see cref="TermQuery"/>'s weight holds it: its per-segment states and BM25's
    /// statistics, computed by the same calls (so the same floats), without the scorer that reads one document at
    /// a time.
    /// </summary>
    private sealed class TermPart
    {
        private readonly Term _term;
        private readonly TermContext _states;

        private readonly TermQuery _query;

        public TermPart(TermQuery query, IndexSearcher searcher, bool inBestOf)
        {
            _query = query;
            InBestOf = inBestOf;
            _term = query.Term;
            _states = TermContext.Build(searcher.TopReaderContext, _term);
            Stats = searcher.Similarity.ComputeWeight(query.Boost, searcher.CollectionStatistics(_term.Field), searcher.TermStatistics(_term, _states));
        }

        public Similarity.SimWeight Stats { get; }

        public string Field => _term.Field;

        public Term Term => _term;

        /// <summary>Whether the term is one of a typo's expansions (a member of a best-of, perhaps its only one).</summary>
        public bool InBestOf { get; }

        /// <summary>The term's query again, with the states looked up here and its own boost.</summary>
        public TermQuery WithStates() => new(_term, _states) { Boost = _query.Boost };

        /// <summary>How many documents of the segment hold the term (deleted ones included).</summary>
        public int DocFreqIn(AtomicReaderContext context) => _states.Get(context.Ord) switch
        {
            null => 0,
            BlockTermState state => state.DocFreq,
            _ => context.AtomicReader.DocFreq(_term),
        };

        /// <summary>The term's documents and frequencies in the segment, deleted ones included (accepted documents are applied by the window), or null.</summary>
        public DocsEnum? Postings(AtomicReaderContext context)
        {
            if (_states.Get(context.Ord) is not { } state)
            {
                return null;
            }
            var terms = context.AtomicReader.GetTerms(_term.Field).GetEnumerator();
            terms.SeekExact(_term.Bytes, state);
            return terms.Docs(null, null, DocsFlags.FREQS);
        }
    }

    /// <summary>The hit being collected, for the collector's score and document id.</summary>
    private sealed class CurrentHit(Weight weight) : Scorer(weight)
    {
        public int Doc = -1;
        public float Score;

        public override int DocID => Doc;

        public override int Freq => 1;

        public override float GetScore() => Score;

        public override int NextDoc() => throw new NotSupportedException();

        public override int Advance(int target) => throw new NotSupportedException();

        public override long GetCost() => 1;
    }

    /// <summary>
    /// A window of documents at a time: each term's postings set its bits and keep its frequencies (no test per
    /// posting), the clauses' bits and the accepted documents are intersected a word of 64 documents at a time,
    /// and only the documents left are scored, each term by BM25's scorer for that document and frequency.
    /// </summary>
    private sealed class WindowedScorer : BulkScorer
    {
        private const int Words = WindowSize / 64;

        private readonly DocsEnum[] _docs;
        private readonly Similarity.SimScorer[] _scorers;
        private readonly int[][] _clauses;
        private readonly int[][][] _members;
        private readonly int[] _sumOrder;
        private readonly ulong[][] _termBits;
        private readonly int[][] _freqs;
        private readonly ulong[] _match = new ulong[Words];
        private readonly float[] _scores = new float[WindowSize];
        private readonly double[] _sums = new double[WindowSize];
        private float[]? _best;
        private ulong[]? _present;
        private readonly long[]? _acceptWords;
        private readonly IBits? _acceptOther;
        private readonly int _maxDoc;
        private readonly CurrentHit _hit;
        private readonly byte[]?[] _classOf;
        private readonly int[] _classCount;
        private readonly float[]?[] _memo;
        private int _windowStart;

        /// <summary>Frequencies remembered per group up to this; a higher one is scored directly.</summary>
        private const int MemoFreqs = 4;

        /// <param name="clauses">Each clause's terms.</param>
        /// <param name="members">Each clause's members, each member's terms (one, or a typo's expansions, which score their best).</param>
        public WindowedScorer(Weight weight, DocsEnum[] docs, Similarity.SimScorer[] scorers, NormClasses?[] classes, int[][] clauses, int[][][] members, int[] sumOrder, IBits? acceptDocs, int maxDoc)
        {
            _members = members;
            _classOf = [.. classes.Select(c => c?.OfDoc)];
            _classCount = [.. classes.Select(c => c?.Count ?? 0)];
            _memo = [.. classes.Select(c => c is null ? null : Enumerable.Repeat(float.NaN, MemoFreqs * c.Count).ToArray())];
            _docs = docs;
            _scorers = scorers;
            _clauses = clauses;
            _sumOrder = sumOrder;
            _termBits = [.. docs.Select(_ => new ulong[Words])];
            _freqs = [.. docs.Select(_ => new int[WindowSize])];
            // A bit set (the engine's cached filters without deletions) is intersected a word at a time; other
            // accepted documents (deletions, a filter combined with them) are asked document by document, for the
            // documents every clause matched only.
            if (acceptDocs is FixedBitSet bits)
            {
                _acceptWords = bits.GetBits();
            }
            else
            {
                _acceptOther = acceptDocs;
            }
            _maxDoc = maxDoc;
            _hit = new CurrentHit(weight);
            foreach (var postings in docs)
            {
                postings.NextDoc();
            }
        }

        public override bool Score(ICollector collector, int max)
        {
            collector.SetScorer(_hit);
            var page = collector as RankedPageCollector;
            max = Math.Min(max, _maxDoc);
            while (_windowStart < max)
            {
                // Nothing matches before the rarest clause's next document: the window starts there (at a multiple of
                // 64 documents, so that a filter's bits are read a whole word at a time), which skips the stretches
                // a sparse word ("cocaine") does not occur in.
                var next = FirstOf(_sumOrder[0]);
                if (next == DocIdSetIterator.NO_MORE_DOCS)
                {
                    _windowStart = int.MaxValue;
                    return false;
                }
                var start = Math.Max(_windowStart, next & ~63);
                if (start >= max)
                {
                    _windowStart = max;
                    break;
                }
                var end = (int)Math.Min((long)start + WindowSize, max);
                var words = (end - start + 63) >> 6;
                var any = Accepted(start, end, words);
                foreach (var c in _sumOrder)
                {
                    if (!any)
                    {
                        // Nothing left in this window: the remaining clauses skip past it.
                        SkipTo(c, end);
                        continue;
                    }
                    var acc = 0UL;
                    foreach (var t in _clauses[c])
                    {
                        Read(t, start, end);
                    }
                    for (var w = 0; w < words; w++)
                    {
                        var either = 0UL;
                        foreach (var t in _clauses[c])
                        {
                            either |= _termBits[t][w];
                        }
                        acc |= _match[w] &= either;
                    }
                    any = acc != 0;
                }
                if (any && _acceptOther is not null)
                {
                    any = DropUnaccepted(start, words);
                }
                if (any)
                {
                    ScoreWindow(start, words);
                    var scores = _scores;
                    for (var w = 0; w < words; w++)
                    {
                        var bits = _match[w];
                        while (bits != 0)
                        {
                            var slot = (w << 6) + BitOperations.TrailingZeroCount(bits);
                            bits &= bits - 1;
                            var doc = start + slot;
                            var score = scores[slot];
                            if (page is not null)
                            {
                                // The engine's page collector takes the hit and its score directly (same hit, same score).
                                page.Offer(doc, score);
                                continue;
                            }
                            _hit.Doc = doc;
                            _hit.Score = score;
                            collector.Collect(doc);
                        }
                    }
                }
                _windowStart = end;
                if (Exhausted())
                {
                    _windowStart = int.MaxValue;
                    return false;
                }
            }
            return true;
        }

        /// <summary>
        /// BM25's scores of the window's documents every clause matched (the set bits of the match words), a term at
        /// a time: each clause's terms summed per document in a double, in the clause's term order, and rounded to
        /// float; the clauses added per document in float, in ascending order of cost, starting from 0. The same
        /// additions in the same order as scoring one document at a time, so the same floats; what changes is that a
        /// term's scorer, norm groups and remembered scores are read once per window instead of once per document,
        /// and the test "does this document hold this term?" becomes the term's bits ANDed with the matches.
        /// </summary>
        private void ScoreWindow(int start, int words)
        {
            var scores = _scores;
            var sums = _sums;
            for (var w = 0; w < words; w++)
            {
                var bits = _match[w];
                while (bits != 0)
                {
                    scores[(w << 6) + BitOperations.TrailingZeroCount(bits)] = 0f;
                    bits &= bits - 1;
                }
            }
            foreach (var c in _sumOrder)
            {
                for (var w = 0; w < words; w++)
                {
                    var bits = _match[w];
                    while (bits != 0)
                    {
                        sums[(w << 6) + BitOperations.TrailingZeroCount(bits)] = 0d;
                        bits &= bits - 1;
                    }
                }
                foreach (var member in _members[c])
                {
                    if (member.Length == 1)
                    {
                        AddTermScores(member[0], start, words);
                    }
                    else
                    {
                        AddBestScores(member, start, words);
                    }
                }
                for (var w = 0; w < words; w++)
                {
                    var bits = _match[w];
                    while (bits != 0)
                    {
                        var slot = (w << 6) + BitOperations.TrailingZeroCount(bits);
                        bits &= bits - 1;
                        scores[slot] += (float)sums[slot];
                    }
                }
            }
        }

        /// <summary>Term <paramref name="t"/>'s score added to the clause sum of every matched document of the window that holds it.</summary>
        private void AddTermScores(int t, int start, int words)
        {
            var sums = _sums;
            var termBits = _termBits[t];
            var freqs = _freqs[t];
            var memo = _memo[t];
            var classOf = _classOf[t];
            var classCount = _classCount[t];
            var scorer = _scorers[t];
            for (var w = 0; w < words; w++)
            {
                var bits = termBits[w] & _match[w];
                while (bits != 0)
                {
                    var slot = (w << 6) + BitOperations.TrailingZeroCount(bits);
                    bits &= bits - 1;
                    sums[slot] += Score(scorer, memo, classOf, classCount, start + slot, freqs[slot]);
                }
            }
        }

        /// <summary>
        /// A typo's expansions: each matched document holding one adds the best of their scores (Math.Max over the
        /// expansions in the query's order, as <see cref="BestOfTermsQuery"/>'s scorer takes it) to its clause sum.
        /// </summary>
        private void AddBestScores(int[] member, int start, int words)
        {
            var best = _best ??= new float[WindowSize];
            var present = _present ??= new ulong[Words];
            Array.Clear(present);
            foreach (var t in member)
            {
                var termBits = _termBits[t];
                var freqs = _freqs[t];
                for (var w = 0; w < words; w++)
                {
                    var bits = termBits[w] & _match[w];
                    while (bits != 0)
                    {
                        var bit = BitOperations.TrailingZeroCount(bits);
                        bits &= bits - 1;
                        var slot = (w << 6) + bit;
                        var score = TermScore(t, start + slot, freqs[slot]);
                        if ((present[w] & (1UL << bit)) == 0)
                        {
                            present[w] |= 1UL << bit;
                            best[slot] = score;
                        }
                        else
                        {
                            best[slot] = Math.Max(best[slot], score);
                        }
                    }
                }
            }
            var sums = _sums;
            for (var w = 0; w < words; w++)
            {
                var bits = present[w];
                while (bits != 0)
                {
                    var slot = (w << 6) + BitOperations.TrailingZeroCount(bits);
                    bits &= bits - 1;
                    sums[slot] += best[slot];
                }
            }
        }

        /// <summary>Term <paramref name="t"/>'s BM25 score in <paramref name="doc"/> at <paramref name="freq"/>: Lucene's scorer, or its value for the document's norm group.</summary>
        private float TermScore(int t, int doc, int freq) => Score(_scorers[t], _memo[t], _classOf[t], _classCount[t], doc, freq);

        /// <summary>
        /// A term's BM25 score in <paramref name="doc"/> at <paramref name="freq"/>, from that term's scorer, remembered scores
        /// and norm groups (<see cref="TermScore"/>; the window's loop passes them once per term): the scorer's value, or the
        /// one remembered for the document's norm group and frequency, computed the first time.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static float Score(Similarity.SimScorer scorer, float[]? memo, byte[]? classOf, int classCount, int doc, int freq)
        {
            if (memo is null || freq is < 1 or > MemoFreqs)
            {
                return scorer.Score(doc, freq);
            }
            var i = ((freq - 1) * classCount) + (classOf is null ? 0 : classOf[doc]);
            var score = memo[i];
            if (float.IsNaN(score))
            {
                score = memo[i] = scorer.Score(doc, freq);
            }
            return score;
        }

        /// <summary>Clears the matches of [start, start + 64 × words) that the accepted documents (other than a bit set) refuse; whether any is left.</summary>
        private bool DropUnaccepted(int start, int words)
        {
            var any = 0UL;
            for (var w = 0; w < words; w++)
            {
                var bits = _match[w];
                var kept = bits;
                while (bits != 0)
                {
                    var bit = BitOperations.TrailingZeroCount(bits);
                    bits &= bits - 1;
                    if (!_acceptOther!.Get(start + (w << 6) + bit))
                    {
                        kept &= ~(1UL << bit);
                    }
                }
                any |= _match[w] = kept;
            }
            return any != 0;
        }

        /// <summary>Term <paramref name="t"/>'s documents in [start, end): a bit each, and their frequencies.</summary>
        private void Read(int t, int start, int end)
        {
            var bits = _termBits[t];
            Array.Clear(bits);
            var freqs = _freqs[t];
            var postings = _docs[t];
            var doc = postings.DocID;
            if (doc < start)
            {
                doc = postings.Advance(start);
            }
            while (doc < end)
            {
                var slot = doc - start;
                bits[slot >> 6] |= 1UL << slot;
                freqs[slot] = postings.Freq;
                doc = postings.NextDoc();
            }
        }

        /// <summary>The accepted documents of [start, end) into the match words; whether there is any.</summary>
        private bool Accepted(int start, int end, int words)
        {
            var any = 0UL;
            for (var w = 0; w < words; w++)
            {
                var from = start + (w << 6);
                var count = Math.Min(64, end - from);
                var mask = count == 64 ? ulong.MaxValue : (1UL << count) - 1;
                var value = ulong.MaxValue;
                if (_acceptWords is { } accept)
                {
                    // The 64 bits from document `from` on, which straddle two words unless `from` is a multiple of 64.
                    var i = from >> 6;
                    var shift = from & 63;
                    value = (ulong)accept[i] >> shift;
                    if (shift != 0 && i + 1 < accept.Length)
                    {
                        value |= (ulong)accept[i + 1] << (64 - shift);
                    }
                }
                any |= _match[w] = value & mask;
            }
            return any != 0;
        }

        /// <summary>Clause <paramref name="c"/>'s postings past <paramref name="end"/> (by their skip lists, unread).</summary>
        private void SkipTo(int c, int end)
        {
            foreach (var t in _clauses[c])
            {
                if (_docs[t].DocID < end)
                {
                    _docs[t].Advance(end);
                }
            }
        }

        /// <summary>The first document not yet read of clause <paramref name="c"/> (the least of its terms').</summary>
        private int FirstOf(int c)
        {
            var first = DocIdSetIterator.NO_MORE_DOCS;
            foreach (var t in _clauses[c])
            {
                first = Math.Min(first, _docs[t].DocID);
            }
            return first;
        }

        /// <summary>Whether some clause has no document left (the conjunction has none either).</summary>
        private bool Exhausted()
        {
            foreach (var clause in _clauses)
            {
                if (clause.All(t => _docs[t].DocID == DocIdSetIterator.NO_MORE_DOCS))
                {
                    return true;
                }
            }
            return false;
        }
    }
}
