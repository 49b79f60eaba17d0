using System.Numerics;
using System.Runtime.CompilerServices;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;

namespace DetainerGraph.Search;

/// <summary>
/// A typo's expansions in one field: a <see cref="DisjunctionMaxQuery"/> of <see cref="TermQuery"/>s without a tie
/// breaker (a charge scores its best expansion), which skips in each segment the expansions that can never be a
/// charge's best nor add a charge. The typo "asault" expands to "assault", "aslt" and "asslt": synonyms of one
/// another, so every charge holding "aslt" also holds "assault", as often, and "assault" (one edit, not two) weighs
/// more. Reading the postings of all three (about 1.1 million at 1M detainers, in two fields) was most of the
/// typo's cost; reading only those of "assault" gives the same charges with the same scores.
/// </summary>
/// <remarks>
/// An expansion X is skipped in a segment only when another expansion Y of the same field weighs strictly more
/// (BM25's query-side weight, idf times boost) and the segment proves that every document holding X holds Y at
/// least as often. BM25 scores a document as weight × f(frequency, field length) with f increasing in the
/// frequency, and both terms share the field's length, so Y's score is at least X's wherever X matches: the maximum
/// and the set of matching documents are unchanged. The proof reads both postings once per segment and is kept
/// with the segment's core (segments are immutable), so it is paid once per index generation, not per search.
/// </remarks>
public sealed class BestOfTermsQuery : DisjunctionMaxQuery
{
    /// <summary>A best-of query with no tie breaker; add <see cref="TermQuery"/>s of one field.</summary>
    public BestOfTermsQuery()
        : base(0f)
    {
    }

    /// <inheritdoc/>
    public override Weight CreateWeight(IndexSearcher searcher) => new BestOfWeight(this, searcher);

    /// <summary>Per segment core: whether X is covered by Y (key "field\0X\0Y"), proven once.</summary>
    private static readonly ConditionalWeakTable<object, System.Collections.Concurrent.ConcurrentDictionary<string, bool>> Proofs = new();

    /// <summary>Pairs remembered per segment at most (a proof is a bool; this bounds unusual query mixes).</summary>
    private const int MaxProofsPerSegment = 4096;

    /// <summary>Expansions matching fewer documents than this in a segment are read rather than proven away.</summary>
    private const int MinDocFreqToSkip = 1024;

    /// <summary>
    /// Whether disjunct <paramref name="x"/> of <paramref name="terms"/> (query weights squared <paramref name="weights"/>)
    /// is covered in this segment by a strictly heavier disjunct of its field: then it is never a document's best nor
    /// adds a document, and is skipped. The windowed scorer asks the same question to make the same choice.
    /// </summary>
    internal static bool IsCovered(AtomicReader reader, Term?[] terms, float[] weights, int x)
    {
        if (terms[x] is not { } termX || reader.DocFreq(termX) < MinDocFreqToSkip)
        {
            return false;
        }
        for (var y = 0; y < terms.Length; y++)
        {
            // A clear margin, so that rounding in how Lucene multiplies idf and boosts cannot reorder the two.
            if (y == x || terms[y] is not { } termY || termY.Field != termX.Field || !(weights[x] < weights[y] * 0.999f))
            {
                continue;
            }
            if (BestOfWeight.Proven(reader, termX, termY))
            {
                return true;
            }
        }
        return false;
    }

    private sealed class BestOfWeight : DisjunctionMaxWeight
    {
        private readonly Term?[] _terms;
        private readonly float[] _weights;

        public BestOfWeight(BestOfTermsQuery query, IndexSearcher searcher)
            : base(query, searcher)
        {
            _terms = [.. query.Disjuncts.Select(q => (q as TermQuery)?.Term)];
            // BM25's query-side weight of each term squared ((idf × boost)²): the order of the weights.
            _weights = [.. m_weights.Select(w => w.GetValueForNormalization())];
        }

        public override Scorer GetScorer(AtomicReaderContext context, IBits acceptDocs)
        {
            var scorers = new List<Scorer>(m_weights.Count);
            for (var i = 0; i < m_weights.Count; i++)
            {
                if (!Covered(context.AtomicReader, i) && m_weights[i].GetScorer(context, acceptDocs) is { } scorer)
                {
                    scorers.Add(scorer);
                }
            }
            return scorers.Count switch
            {
                0 => null!,
                1 => scorers[0],
                _ => new BestOfScorer(this, [.. scorers]),
            };
        }

        private bool Covered(AtomicReader reader, int x) => IsCovered(reader, _terms, _weights, x);

        internal static bool Proven(AtomicReader reader, Term x, Term y)
        {
            var proofs = Proofs.GetValue(reader.CoreCacheKey, _ => new(StringComparer.Ordinal));
            var key = x.Field + "\0" + x.Text + "\0" + y.Text;
            if (proofs.TryGetValue(key, out var known))
            {
                return known;
            }
            var proven = CoversAsOften(reader, x, y);
            if (proofs.Count < MaxProofsPerSegment)
            {
                proofs.TryAdd(key, proven);
            }
            return proven;
        }

        /// <summary>Every document holding <paramref name="x"/> holds <paramref name="y"/> at least as often (deleted ones included).</summary>
        internal static bool CoversAsOften(AtomicReader reader, Term x, Term y)
        {
            if (reader.DocFreq(y) < reader.DocFreq(x))
            {
                return false;
            }
            var xs = reader.GetTermDocsEnum(x);
            var ys = reader.GetTermDocsEnum(y);
            if (xs is null || ys is null)
            {
                return xs is null;
            }
            for (var doc = xs.NextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = xs.NextDoc())
            {
                if (ys.DocID < doc && ys.Advance(doc) != doc)
                {
                    return false;
                }
                if (ys.DocID != doc || ys.Freq < xs.Freq)
                {
                    return false;
                }
            }
            return true;
        }
    }

    /// <summary>
    /// The best of several scorers, document by document in order: each disjunct's postings are read a window of
    /// documents at a time into a table of best scores (the same maximum as Lucene's heap-merged scorer).
    /// </summary>
    private sealed class BestOfScorer(Weight weight, Scorer[] subs) : Scorer(weight)
    {
        private const int Window = 2048;
        private readonly float[] _scores = new float[Window];
        private readonly int[] _freqs = new int[Window];
        private readonly ulong[] _present = new ulong[Window / 64];
        private int _base = -Window;
        private int _doc = -1;
        private float _score;
        private int _freq;

        public override int DocID => _doc;

        public override float GetScore() => _score;

        public override int Freq => _freq;

        public override long GetCost() => subs.Sum(s => s.GetCost());

        public override int NextDoc() => Advance(_doc + 1);

        public override int Advance(int target)
        {
            while (true)
            {
                var offset = target - _base;
                if (offset >= 0 && offset < Window)
                {
                    var word = offset >> 6;
                    var bits = _present[word] & (ulong.MaxValue << (offset & 63));
                    while (true)
                    {
                        if (bits != 0)
                        {
                            var i = (word << 6) + BitOperations.TrailingZeroCount(bits);
                            _score = _scores[i];
                            _freq = _freqs[i];
                            return _doc = _base + i;
                        }
                        if (++word == _present.Length)
                        {
                            break;
                        }
                        bits = _present[word];
                    }
                    target = _base + Window;
                }
                var first = NO_MORE_DOCS;
                foreach (var sub in subs)
                {
                    var d = sub.DocID;
                    if (d < target)
                    {
                        d = sub.Advance(target);
                    }
                    first = Math.Min(first, d);
                }
                if (first == NO_MORE_DOCS)
                {
                    return _doc = NO_MORE_DOCS;
                }
                _base = first;
                Array.Clear(_present);
                var end = (long)first + Window;
                foreach (var sub in subs)
                {
                    for (var d = sub.DocID; d < end; d = sub.NextDoc())
                    {
                        var i = d - first;
                        var score = sub.GetScore();
                        ref var mask = ref _present[i >> 6];
                        var bit = 1UL << (i & 63);
                        if ((mask & bit) == 0)
                        {
                            mask |= bit;
                            _scores[i] = score;
                            _freqs[i] = 1;
                        }
                        else
                        {
                            _scores[i] = Math.Max(_scores[i], score);
                            _freqs[i]++;
                        }
                    }
                }
                target = first;
            }
        }
    }
}
