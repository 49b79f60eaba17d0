using System.Buffers;
using System.Numerics;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Util;

namespace DetainerGraph.Search;

/// <summary>
/// A prefix in several fields ("assa*": words, description and codes), alone: the same hits and scores as the plain
/// disjunction of constant-score <see cref="PrefixQuery"/>s, a charge scoring by how many of the fields hold a word
/// with the prefix. Per segment, each field's matches are a bit set read from the postings of its words with the
/// prefix, as Lucene's constant-score rewrite reads them; then the fields' bits and the accepted documents are
/// combined 64 documents at a time and each hit is scored by the count of its bits. Lucene's bucket scorer took each
/// hit through a bucket, a linked list and a virtual call per field (two thirds of <c>assa*</c>'s engine time at 1M,
/// 254,587 hits).
/// </summary>
/// <remarks>
/// Why the scores are identical, bit for bit, under BM25 (the only similarity it accepts; otherwise the plain query is
/// searched): BM25's query norm and coordination factor are 1, so a constant-score prefix scores its boost (1, the
/// only boost accepted) times the boost above it, and the disjunction sums its matching members' scores in a double and
/// rounds to float. With every member scoring the same value, a hit's score depends only on how many members it
/// matches, and is computed by the same additions. The hits are the accepted documents holding a word with the prefix
/// in some field (the words enumerated as <see cref="PrefixQuery"/>'s terms enum does: from the prefix on, while they
/// start with it), visited in document order. The leap-frog filter strategy, which needs a scorer rather than a bulk
/// scorer, and <see cref="Weight.Explain"/> get the plain query's.
/// </remarks>
public sealed class PrefixFieldsQuery : Query
{
    /// <summary>The most fields (members) a query may have here.</summary>
    public const int MaxMembers = 8;

    private readonly Query _plain;
    private readonly Term[] _members;

    private PrefixFieldsQuery(Query plain, Term[] members)
    {
        _plain = plain;
        _members = members;
    }

    /// <summary>
    /// The bit-set form of <paramref name="query"/> when it is, through single required clauses of boost 1, a disjunction
    /// (optional clauses only, no minimum, boost 1) of 1 to <see cref="MaxMembers"/> constant-score prefix queries of
    /// boost 1; otherwise <paramref name="query"/> itself.
    /// </summary>
    public static Query TryCreate(Query query)
    {
        var inner = query;
        // The engine wraps a lone clause in required-clause boolean queries (the root, a prefix clause's words), which
        // Lucene's rewrite unwraps; so does this.
        while (inner is BooleanQuery { Clauses.Count: 1 } wrapper && wrapper.Boost == 1f && wrapper.Clauses[0].Occur == Occur.MUST)
        {
            inner = wrapper.Clauses[0].Query;
        }
        if (inner is not BooleanQuery either || either.Boost != 1f || either.MinimumNumberShouldMatch != 0
            || either.Clauses.Count is < 1 or > MaxMembers
            || !either.Clauses.All(c => c.Occur == Occur.SHOULD && c.Query is PrefixQuery p && p.Boost == 1f && ConstantScore(p.MultiTermRewriteMethod)))
        {
            return query;
        }
        return new PrefixFieldsQuery(query, [.. either.Clauses.Select(c => ((PrefixQuery)c.Query).Prefix)]);
    }

    /// <summary>Whether a multi-term rewrite scores every match with the query's boost (Lucene's constant-score rewrites).</summary>
    private static bool ConstantScore(MultiTermQuery.RewriteMethod method) =>
        ReferenceEquals(method, MultiTermQuery.CONSTANT_SCORE_AUTO_REWRITE_DEFAULT)
        || ReferenceEquals(method, MultiTermQuery.CONSTANT_SCORE_FILTER_REWRITE)
        || ReferenceEquals(method, MultiTermQuery.CONSTANT_SCORE_BOOLEAN_QUERY_REWRITE);

    /// <summary>
    /// A filter's bits handed to the bulk scorer as accepted documents whenever the filter has bits (the page's hits are
    /// the same whichever way a filter is applied): Lucene's strategies ask for a scorer, and its default one leap-frogs
    /// with a filter whose first document is past 100, which would search the plain query.
    /// </summary>
    public static readonly FilteredQuery.FilterStrategy FilterStrategy = new BulkBits();

    private sealed class BulkBits : FilteredQuery.RandomAccessFilterStrategy
    {
        public override BulkScorer FilteredBulkScorer(AtomicReaderContext context, Weight weight, bool scoreDocsInOrder, DocIdSet docIdSet) =>
            docIdSet.Bits is { } bits
                ? weight.GetBulkScorer(context, scoreDocsInOrder, bits)
                : base.FilteredBulkScorer(context, weight, scoreDocsInOrder, docIdSet);
    }

    public override Weight CreateWeight(IndexSearcher searcher) =>
        searcher.Similarity.GetType() == typeof(BM25Similarity) ? new PrefixFieldsWeight(this, searcher) : searcher.Rewrite(_plain).CreateWeight(searcher);

    public override Query Rewrite(IndexReader reader) => this;

    public override void ExtractTerms(ISet<Term> terms) => _plain.ExtractTerms(terms);

    public override string ToString(string field) => "prefixFields(" + _plain.ToString(field) + ")";

    public override bool Equals(object? obj) => obj is PrefixFieldsQuery other && _plain.Equals(other._plain);

    public override int GetHashCode() => _plain.GetHashCode() ^ 0x9f1e;

    private sealed class PrefixFieldsWeight(PrefixFieldsQuery query, IndexSearcher searcher) : Weight
    {
        private Weight? _plainWeight;
        private (float Norm, float TopLevelBoost)? _normalized;

        public override Query Query => query;

        public override bool ScoresDocsOutOfOrder => false;

        /// <summary>The plain query's weight, built and normalized as Lucene would have, on first use.</summary>
        private Weight Plain
        {
            get
            {
                if (_plainWeight is null)
                {
                    var weight = searcher.Rewrite(query._plain).CreateWeight(searcher);
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

        // BM25's query norm is 1 whatever this says (any other similarity searches the plain query).
        public override float GetValueForNormalization() => query._members.Length;

        public override void Normalize(float norm, float topLevelBoost) => _normalized = (norm, topLevelBoost);

        public override Explanation Explain(AtomicReaderContext context, int doc) => Plain.Explain(context, doc);

        public override Scorer GetScorer(AtomicReaderContext context, IBits acceptDocs) => Plain.GetScorer(context, acceptDocs);

        public override BulkScorer GetBulkScorer(AtomicReaderContext context, bool scoreDocsInOrder, IBits acceptDocs)
        {
            // A constant-score member scores its weight, boost (1) times the query norm and the boost above it
            // (ConstantScoreQuery's weight); the disjunction sums its members' in a double, times a coordination
            // factor of 1, rounded to float. Every member's is the same, so a hit's score is that of its count.
            var (norm, topLevelBoost) = _normalized ?? (1f, 1f);
            var value = 1f * (norm * topLevelBoost);
            var scores = new float[query._members.Length + 1];
            var sum = 0d;
            for (var k = 1; k < scores.Length; k++)
            {
                sum += value;
                scores[k] = (float)(sum * 1f);
            }
            return new PrefixFieldsScorer(this, context.AtomicReader, query._members, scores, acceptDocs);
        }
    }

    /// <summary>Each member's matches in the segment as a bit set, then the hits a word of 64 documents at a time, in document order.</summary>
    private sealed class PrefixFieldsScorer : BulkScorer
    {
        private readonly int _maxDoc;
        private readonly int _words;
        private readonly float[] _scores;
        private readonly long[]? _acceptWords;
        private readonly IBits? _acceptOther;
        private ulong[][]? _bits;
        private readonly Weight _weight;
        private int _next;

        public PrefixFieldsScorer(Weight weight, AtomicReader reader, Term[] members, float[] scores, IBits? acceptDocs)
        {
            _weight = weight;
            _maxDoc = reader.MaxDoc;
            _words = (_maxDoc + 63) >> 6;
            _scores = scores;
            if (acceptDocs is FixedBitSet bits)
            {
                _acceptWords = bits.GetBits();
            }
            else
            {
                _acceptOther = acceptDocs;
            }
            var sets = new List<ulong[]>(members.Length);
            DocsEnum? docs = null;
            foreach (var member in members)
            {
                var set = Matches(reader, member, ref docs);
                if (set is not null)
                {
                    sets.Add(set);
                }
            }
            _bits = [.. sets];
        }

        /// <summary>
        /// The documents (deleted ones too; accepted documents are applied per word) holding a word of
        /// <paramref name="prefix"/>'s field that starts with it, or null when none does. The bits come from the shared
        /// array pool (at 1M, 190 KB a field) and go back when the segment is done.
        /// </summary>
        private ulong[]? Matches(AtomicReader reader, Term prefix, ref DocsEnum? docs)
        {
            if (reader.GetTerms(prefix.Field) is not { } terms)
            {
                return null;
            }
            var words = terms.GetEnumerator();
            if (words.SeekCeil(prefix.Bytes) == TermsEnum.SeekStatus.END)
            {
                return null;
            }
            ulong[]? set = null;
            do
            {
                if (!StringHelper.StartsWith(words.Term, prefix.Bytes))
                {
                    break;
                }
                if (set is null)
                {
                    set = ArrayPool<ulong>.Shared.Rent(_words);
                    Array.Clear(set, 0, _words);
                }
                docs = words.Docs(null, docs, DocsFlags.NONE);
                for (var doc = docs.NextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = docs.NextDoc())
                {
                    set[doc >> 6] |= 1UL << doc;
                }
            }
            while (words.MoveNext());
            return set;
        }

        public override bool Score(ICollector collector, int max)
        {
            if (_bits is not { } sets)
            {
                return false;
            }
            var hit = new ConstantHit(_weight);
            collector.SetScorer(hit);
            var page = collector as RankedPageCollector;
            var end = Math.Min(max, _maxDoc);
            var scores = _scores;
            var doc = _next;
            while (doc < end)
            {
                var w = doc >> 6;
                var any = 0UL;
                foreach (var set in sets)
                {
                    any |= set[w];
                }
                // This word's documents from `doc` to `end` only (a call may stop inside a word).
                any &= ulong.MaxValue << (doc & 63);
                var wordEnd = (w + 1) << 6;
                if (end < wordEnd)
                {
                    any &= (1UL << (end & 63)) - 1;
                }
                if (_acceptWords is { } accept)
                {
                    any &= (ulong)accept[w];
                }
                while (any != 0)
                {
                    var bit = BitOperations.TrailingZeroCount(any);
                    any &= any - 1;
                    var hitDoc = (w << 6) + bit;
                    if (_acceptOther is { } other && !other.Get(hitDoc))
                    {
                        continue;
                    }
                    var count = 0;
                    foreach (var set in sets)
                    {
                        count += (int)((set[w] >> bit) & 1);
                    }
                    var score = scores[count];
                    if (page is not null)
                    {
                        page.Offer(hitDoc, score);
                        continue;
                    }
                    hit.Doc = hitDoc;
                    hit.Score = score;
                    collector.Collect(hitDoc);
                }
                doc = Math.Min(wordEnd, end);
            }
            _next = doc;
            if (doc < _maxDoc)
            {
                return true;
            }
            // Done with the segment: the bits go back to the pool, and a later call finds nothing.
            _bits = null;
            foreach (var set in sets)
            {
                ArrayPool<ulong>.Shared.Return(set);
            }
            return false;
        }
    }

    /// <summary>The hit being collected, for a collector that asks its scorer.</summary>
    private sealed class ConstantHit(Weight weight) : Scorer(weight)
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
}
