using System.Collections.Concurrent;
using System.Numerics;
using System.Runtime.CompilerServices;
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
        if (query is not BooleanQuery root || root.Boost != 1f || root.MinimumNumberShouldMatch != 0 || root.Clauses.Count is < 1 or > MaxClauses)
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
        private readonly Similarity _similarity;
        private readonly bool _bounded;
        private readonly TermPart[][] _terms;

        public WindowedWeight(WindowedConjunctionQuery query, IndexSearcher searcher)
        {
            _query = query;
            _plain = query._plain.CreateWeight(searcher);
            _similarity = searcher.Similarity;
            // Upper bounds of scores are derived from BM25's own scorer (see NormRepresentatives): exactly BM25 only.
            _bounded = _similarity.GetType() == typeof(BM25Similarity);
            _terms = [.. query._clauses.Select(clause => clause.Select(t => new TermPart(t, searcher)).ToArray())];
        }

        public override Query Query => _query;

        public override bool ScoresDocsOutOfOrder => false;

        public override float GetValueForNormalization() => _plain.GetValueForNormalization();

        public override void Normalize(float norm, float topLevelBoost)
        {
            _plain.Normalize(norm, topLevelBoost);
            // As BooleanWeight does: its own boost (1 here) times the level above, passed to every clause, and by
            // each clause (a boolean query of boost 1, or the term itself) to its terms, whose weight passes it on
            // to its statistics.
            foreach (var clause in _terms)
            {
                foreach (var term in clause)
                {
                    term.Stats.Normalize(norm, topLevelBoost);
                }
            }
        }

        public override Explanation Explain(AtomicReaderContext context, int doc) => _plain.Explain(context, doc);

        public override Scorer GetScorer(AtomicReaderContext context, IBits acceptDocs) => _plain.GetScorer(context, acceptDocs);

        public override BulkScorer GetBulkScorer(AtomicReaderContext context, bool scoreDocsInOrder, IBits acceptDocs)
        {
            var docs = new List<DocsEnum>();
            var scorers = new List<Similarity.SimScorer>();
            var representatives = new List<int[]?>();
            var clauses = new int[_terms.Length][];
            var costs = new long[_terms.Length];
            for (var c = 0; c < _terms.Length; c++)
            {
                var members = new List<int>(_terms[c].Length);
                foreach (var term in _terms[c])
                {
                    if (term.Postings(context) is { } postings)
                    {
                        members.Add(docs.Count);
                        docs.Add(postings);
                        scorers.Add(_similarity.GetSimScorer(term.Stats, context));
                        representatives.Add(_bounded ? NormRepresentatives(context.AtomicReader, term.Field) : null);
                        costs[c] += postings.GetCost();
                    }
                }
                if (members.Count == 0)
                {
                    // A clause with no term in this segment: the conjunction matches nothing here.
                    return null!;
                }
                clauses[c] = [.. members];
            }
            // The order Lucene's conjunction adds the clauses' scores in: ascending cost, ties in clause order. The
            // postings are read in the same order, so the rarest clause empties a window first.
            var sumOrder = Enumerable.Range(0, clauses.Length).OrderBy(c => costs[c]).ToArray();
            // Bounds need every term's norm representatives (a field with too many distinct lengths has none).
            int[][]? bounds = representatives.All(r => r is not null) ? [.. representatives.Select(r => r!)] : null;
            return new WindowedScorer(this, [.. docs], [.. scorers], clauses, sumOrder, acceptDocs, context.AtomicReader.MaxDoc, bounds);
        }
    }

    /// <summary>Per segment core and field: one document for each distinct norm value (see <see cref="NormRepresentatives"/>).</summary>
    private static readonly ConditionalWeakTable<object, ConcurrentDictionary<string, int[]?>> Representatives = new();

    /// <summary>A field with more distinct norm values than this gets no bounds (BM25's norms are one byte: 256 at most).</summary>
    private const int MaxRepresentatives = 256;

    /// <summary>
    /// One document for each distinct norm value of <paramref name="field"/> in the segment (deleted ones included),
    /// or null when there are too many. BM25 scores a term in a document from its frequency and the document's norm
    /// alone, so a term's best score at a frequency is the best of its scorer over these documents: an exact upper
    /// bound of its score in any document with that frequency, computed by the same arithmetic. Read once per
    /// segment (segments are immutable).
    /// </summary>
    private static int[]? NormRepresentatives(AtomicReader reader, string field)
    {
        var perField = Representatives.GetValue(reader.CoreCacheKey, _ => new(StringComparer.Ordinal));
        return perField.GetOrAdd(field, f =>
        {
            if (reader.GetNormValues(f) is not { } norms)
            {
                // No norms: the score does not depend on the document.
                return reader.MaxDoc > 0 ? [0] : [];
            }
            var first = new Dictionary<long, int>();
            for (var doc = 0; doc < reader.MaxDoc; doc++)
            {
                if (first.TryAdd(norms.Get(doc), doc) && first.Count > MaxRepresentatives)
                {
                    return null;
                }
            }
            return [.. first.Values];
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

        public TermPart(TermQuery query, IndexSearcher searcher)
        {
            _term = query.Term;
            _states = TermContext.Build(searcher.TopReaderContext, _term);
            Stats = searcher.Similarity.ComputeWeight(query.Boost, searcher.CollectionStatistics(_term.Field), searcher.TermStatistics(_term, _states));
        }

        public Similarity.SimWeight Stats { get; }

        public string Field => _term.Field;

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
        private readonly int[] _sumOrder;
        private readonly ulong[][] _termBits;
        private readonly int[][] _freqs;
        private readonly ulong[] _match = new ulong[Words];
        private readonly long[]? _acceptWords;
        private readonly IBits? _acceptOther;
        private readonly int _maxDoc;
        private readonly CurrentHit _hit;
        private readonly int[][]? _representatives;
        private readonly float[][]? _bounds;
        private int _windowStart;

        /// <summary>Term bounds kept per frequency below this; higher frequencies are bounded when met.</summary>
        private const int BoundTable = 64;

        public WindowedScorer(Weight weight, DocsEnum[] docs, Similarity.SimScorer[] scorers, int[][] clauses, int[] sumOrder, IBits? acceptDocs, int maxDoc, int[][]? representatives)
        {
            _representatives = representatives;
            if (representatives is not null)
            {
                _bounds = [.. docs.Select(_ => Enumerable.Repeat(float.NaN, BoundTable).ToArray())];
            }
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
                var start = _windowStart;
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
                if (any)
                {
                    for (var w = 0; w < words; w++)
                    {
                        var bits = _match[w];
                        while (bits != 0)
                        {
                            var slot = (w << 6) + BitOperations.TrailingZeroCount(bits);
                            bits &= bits - 1;
                            var doc = start + slot;
                            if (_acceptOther is not null && !_acceptOther.Get(doc))
                            {
                                continue;
                            }
                            if (page is not null && _bounds is not null && page.Rejects(doc, Bound(slot, w)))
                            {
                                // It cannot enter the page whatever its exact score: counted, not scored.
                                page.Count();
                                continue;
                            }
                            var score = Score(doc, slot, w);
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
        /// BM25's score of a document every clause matched: each clause's terms summed in a double and rounded to
        /// float (exact in any order, see the class remarks), the clauses added in float in ascending order of cost.
        /// </summary>
        private float Score(int doc, int slot, int word)
        {
            var bit = 1UL << slot;
            var score = 0f;
            foreach (var c in _sumOrder)
            {
                var sum = 0d;
                foreach (var t in _clauses[c])
                {
                    if ((_termBits[t][word] & bit) != 0)
                    {
                        sum += _scorers[t].Score(doc, _freqs[t][slot]);
                    }
                }
                score += (float)sum;
            }
            return score;
        }

        /// <summary>
        /// An upper bound of <see cref="Score(int, int, int)"/> for the document in <paramref name="slot"/>: the same
        /// sums of each matched term's best score at its frequency. Every step (a float at most another, summed in a
        /// double exactly, rounded to float, added in float in the same order) is monotone, so the bound is never
        /// below the score.
        /// </summary>
        private float Bound(int slot, int word)
        {
            var bit = 1UL << slot;
            var bound = 0f;
            foreach (var c in _sumOrder)
            {
                var sum = 0d;
                foreach (var t in _clauses[c])
                {
                    if ((_termBits[t][word] & bit) != 0)
                    {
                        sum += TermBound(t, _freqs[t][slot]);
                    }
                }
                bound += (float)sum;
            }
            return bound;
        }

        /// <summary>Term <paramref name="t"/>'s best score at <paramref name="freq"/> over the segment's norm values.</summary>
        private float TermBound(int t, int freq)
        {
            var table = _bounds![t];
            if (freq < BoundTable && !float.IsNaN(table[freq]))
            {
                return table[freq];
            }
            var best = float.NegativeInfinity;
            foreach (var doc in _representatives![t])
            {
                best = Math.Max(best, _scorers[t].Score(doc, freq));
            }
            if (freq < BoundTable)
            {
                table[freq] = best;
            }
            return best;
        }

        /// <summary>Term <paramref name="t"/>'s documents in [start, end): a bit each, and their frequencies.</summary>
        private void Read(int t, int start, int end)
        {
            var bits = _termBits[t];
            Array.Clear(bits);
            var freqs = _freqs[t];
            var postings = _docs[t];
            var doc = postings.DocID;
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
