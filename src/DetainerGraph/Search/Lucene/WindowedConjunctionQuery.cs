using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Util;

namespace DetainerGraph.Search;

/// <summary>
/// Several words that must all match, each in any of its fields ("traffic offense": (description:traffic OR
/// codes:traffic) AND (description:offens OR codes:offens OR expanded:offens)), scored exactly as the plain
/// <see cref="BooleanQuery"/> of the same clauses, but a window of 2,048 documents at a time, like Lucene's bucket
/// scorer does for pure alternatives: each term's postings are read straight into the window's per-clause sums
/// instead of through a heap per clause and a leap-frog between clauses, whose per-document cost was most of the
/// time of "traffic offense" with a status filter at 1M detainers (188,904 hits, 36 ms of CPU).
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
/// <item>Each term's score comes from the term's own scorer (<see cref="TermQuery"/>'s weight, normalized as the
/// boolean query normalizes it), so BM25's per-document arithmetic is Lucene's.</item>
/// </list>
/// The documents visited are those matching every clause and accepted (deletions and cached filters), in document
/// order, so every collector sees the same hits with the same scores. The leap-frog filter strategy, which needs a
/// scorer rather than a bulk scorer, gets the plain query's scorer. A test compares both on generated charges.
/// </remarks>
public sealed class WindowedConjunctionQuery : Query
{
    /// <summary>The most terms a clause may have here (the exactness argument above); ours have at most three.</summary>
    public const int MaxTermsPerClause = 4;

    /// <summary>The most clauses: each is a bit of a per-document mask. A longer query (up to 32 words) is searched plainly.</summary>
    public const int MaxClauses = 16;

    private const int WindowSize = 2048;

    private readonly BooleanQuery _plain;
    private readonly TermQuery[][] _clauses;

    private WindowedConjunctionQuery(BooleanQuery plain, TermQuery[][] clauses)
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
        if (query is not BooleanQuery root || root.Boost != 1f || root.MinimumNumberShouldMatch != 0 || root.Clauses.Count is < 2 or > MaxClauses)
        {
            return query;
        }
        var clauses = new List<TermQuery[]>();
        foreach (var clause in root.Clauses)
        {
            if (clause.Occur != Occur.MUST)
            {
                return query;
            }
            switch (clause.Query)
            {
                case TermQuery term:
                    clauses.Add([term]);
                    break;
                case BooleanQuery either when either.Boost == 1f && either.MinimumNumberShouldMatch == 0
                    && either.Clauses.Count is > 0 and <= MaxTermsPerClause
                    && either.Clauses.All(c => c.Occur == Occur.SHOULD && c.Query is TermQuery):
                    clauses.Add([.. either.Clauses.Select(c => (TermQuery)c.Query)]);
                    break;
                default:
                    return query;
            }
        }
        return new WindowedConjunctionQuery(root, [.. clauses]);
    }

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
        private readonly Weight _plain;
        private readonly Weight[][] _terms;

        public WindowedWeight(WindowedConjunctionQuery query, IndexSearcher searcher)
        {
            _query = query;
            _plain = query._plain.CreateWeight(searcher);
            _terms = [.. query._clauses.Select(clause => clause.Select(t => t.CreateWeight(searcher)).ToArray())];
        }

        public override Query Query => _query;

        public override bool ScoresDocsOutOfOrder => false;

        public override float GetValueForNormalization() => _plain.GetValueForNormalization();

        public override void Normalize(float norm, float topLevelBoost)
        {
            _plain.Normalize(norm, topLevelBoost);
            // As BooleanWeight does: its own boost (1 here) times the level above, passed to every clause, and by
            // each clause (a boolean query of boost 1, or the term itself) to its terms.
            foreach (var clause in _terms)
            {
                foreach (var term in clause)
                {
                    term.Normalize(norm, topLevelBoost);
                }
            }
        }

        public override Explanation Explain(AtomicReaderContext context, int doc) => _plain.Explain(context, doc);

        public override Scorer GetScorer(AtomicReaderContext context, IBits acceptDocs) => _plain.GetScorer(context, acceptDocs);

        public override BulkScorer GetBulkScorer(AtomicReaderContext context, bool scoreDocsInOrder, IBits acceptDocs)
        {
            var clauses = new Scorer[_terms.Length][];
            var costs = new long[_terms.Length];
            for (var c = 0; c < _terms.Length; c++)
            {
                var scorers = new List<Scorer>(_terms[c].Length);
                foreach (var term in _terms[c])
                {
                    if (term.GetScorer(context, acceptDocs) is { } scorer)
                    {
                        scorers.Add(scorer);
                        costs[c] += scorer.GetCost();
                    }
                }
                if (scorers.Count == 0)
                {
                    // A clause with no term in this segment: the conjunction matches nothing here.
                    return null!;
                }
                clauses[c] = [.. scorers];
            }
            // The order Lucene's conjunction adds the clauses' scores in: ascending cost, ties in clause order.
            var sumOrder = Enumerable.Range(0, clauses.Length).OrderBy(c => costs[c]).ToArray();
            return new WindowedScorer(this, clauses, sumOrder);
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

    private sealed class WindowedScorer : BulkScorer
    {
        private readonly Scorer[][] _clauses;
        private readonly int[] _sumOrder;
        private readonly double[][] _sums;
        private readonly int[] _matched = new int[WindowSize];
        private readonly int _all;
        private readonly CurrentHit _hit;
        private int _windowStart;

        public WindowedScorer(Weight weight, Scorer[][] clauses, int[] sumOrder)
        {
            _clauses = clauses;
            _sumOrder = sumOrder;
            _sums = [.. clauses.Select(_ => new double[WindowSize])];
            _all = (1 << clauses.Length) - 1;
            _hit = new CurrentHit(weight);
            foreach (var clause in clauses)
            {
                foreach (var scorer in clause)
                {
                    scorer.NextDoc();
                }
            }
        }

        public override bool Score(ICollector collector, int max)
        {
            collector.SetScorer(_hit);
            var page = collector as RankedPageCollector;
            while (_windowStart < max)
            {
                var end = (int)Math.Min((long)_windowStart + WindowSize, max);
                var any = false;
                for (var c = 0; c < _clauses.Length; c++)
                {
                    // A document counts for this clause only if every earlier clause matched it: later clauses
                    // read their postings but score only the survivors.
                    var earlier = (1 << c) - 1;
                    var bit = 1 << c;
                    var sums = _sums[c];
                    var hasAny = false;
                    foreach (var scorer in _clauses[c])
                    {
                        var doc = scorer.DocID;
                        while (doc < end)
                        {
                            var slot = doc - _windowStart;
                            if ((_matched[slot] & earlier) == earlier)
                            {
                                sums[slot] += scorer.GetScore();
                                _matched[slot] |= bit;
                                hasAny = true;
                            }
                            doc = scorer.NextDoc();
                        }
                    }
                    any = hasAny;
                    if (!hasAny)
                    {
                        // No survivor: the later clauses still skip past this window.
                        for (var later = c + 1; later < _clauses.Length; later++)
                        {
                            foreach (var scorer in _clauses[later])
                            {
                                if (scorer.DocID < end)
                                {
                                    scorer.Advance(end);
                                }
                            }
                        }
                        break;
                    }
                }
                if (any)
                {
                    var length = end - _windowStart;
                    for (var slot = 0; slot < length; slot++)
                    {
                        if (_matched[slot] == _all)
                        {
                            var score = 0f;
                            foreach (var c in _sumOrder)
                            {
                                score += (float)_sums[c][slot];
                            }
                            if (page is not null)
                            {
                                // The engine's page collector takes the hit and its score directly (same hit, same score).
                                page.Offer(_windowStart + slot, score);
                                continue;
                            }
                            _hit.Doc = _windowStart + slot;
                            _hit.Score = score;
                            collector.Collect(_hit.Doc);
                        }
                    }
                }
                Array.Clear(_matched);
                foreach (var sums in _sums)
                {
                    Array.Clear(sums);
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

        /// <summary>Whether some clause has no document left (the conjunction has none either).</summary>
        private bool Exhausted()
        {
            foreach (var clause in _clauses)
            {
                if (clause.All(s => s.DocID == DocIdSetIterator.NO_MORE_DOCS))
                {
                    return true;
                }
            }
            return false;
        }
    }
}
