using System.Runtime.CompilerServices;
using Lucene.Net.Index;
using Lucene.Net.Search;

namespace DetainerGraph.Search;

/// <summary>
/// The best hits by score, then ascending id (a per-document <see cref="long"/> from <c>ids</c>), then document, and
/// the count of every hit: what Lucene's <see cref="TopFieldCollector"/> keeps for the sort (score, id) with document
/// scores tracked, including its paging after a hit's (score, id), but with one score read per hit and no
/// comparator calls. A hit that does not beat the current last of the page is rejected by one float comparison.
/// </summary>
/// <remarks>
/// Why the page is the same: the ranking (score descending, id ascending, document ascending) is a total order, and
/// TopFieldCollector keeps the first <c>numHits</c> in that order whatever order documents arrive in (in order, a
/// hit tying the last on both keys is later in document order, so not kept; out of order, it compares documents).
/// After a key, it skips hits ranked before or tied with the key on both values (the key's document is unknown,
/// so Lucene's tie-break on it skips every tie): so does this. Every hit offered counts in
/// <see cref="TotalHits"/>, as TopFieldCollector counts it, before any test. Scores compare as
/// <see cref="float.CompareTo(float)"/>. A test compares both on generated segments with deletions and filters.
/// The windowed conjunction hands its hits straight to <see cref="Offer"/>, without the scorer indirection.
/// Stops the search (<see cref="OperationCanceledException"/>) once cancelled: checked at every segment and every
/// 1,024 hits.
/// </remarks>
public sealed class RankedPageCollector : ICollector
{
    private readonly int _size;
    private readonly float[] _scores;
    private readonly long[] _ids;
    private readonly int[] _docs;
    private readonly Func<AtomicReader, long[]> _idsOf;
    private readonly bool _hasAfter;
    private readonly float _afterScore;
    private readonly long _afterId;
    private readonly CancellationToken _ct;
    private int _count;
    private long[] _segmentIds = [];
    private int _docBase;
    private Scorer? _scorer;

    // The last hit of a full page (the heap's root), copied out for the rejection test.
    private float _bottomScore = float.NegativeInfinity;
    private long _bottomId;
    private int _bottomDoc;

    /// <param name="numHits">The page's length counted from the first hit (offset plus limit); at least 1.</param>
    /// <param name="after">The (score, id) the page starts after, or null.</param>
    /// <param name="idsOf">Each segment's ids by document.</param>
    /// <param name="docsInOrder">Whether hits must arrive in document order (false lets Lucene score out of order).</param>
    /// <param name="ct">Stops the search when cancelled.</param>
    public RankedPageCollector(int numHits, (float Score, long Id)? after, Func<AtomicReader, long[]> idsOf, bool docsInOrder, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numHits, 1);
        _size = numHits;
        _scores = new float[numHits];
        _ids = new long[numHits];
        _docs = new int[numHits];
        _idsOf = idsOf;
        if (after is { } key)
        {
            _hasAfter = true;
            _afterScore = key.Score;
            _afterId = key.Id;
        }
        AcceptsDocsOutOfOrder = !docsInOrder;
        _ct = ct;
    }

    /// <summary>Every hit offered, kept or not.</summary>
    public int TotalHits { get; private set; }

    public bool AcceptsDocsOutOfOrder { get; }

    public void SetScorer(Scorer scorer) => _scorer = scorer;

    public void SetNextReader(AtomicReaderContext context)
    {
        _ct.ThrowIfCancellationRequested();
        _docBase = context.DocBase;
        _segmentIds = _idsOf(context.AtomicReader);
    }

    public void Collect(int doc) => Offer(doc, _scorer!.GetScore());

    /// <summary>A hit of the current segment with its score.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Offer(int doc, float score)
    {
        if ((++TotalHits & 1023) == 0)
        {
            _ct.ThrowIfCancellationRequested();
        }
        // Not better than the last of a full page: the common case on a broad query, one comparison; or tied with
        // it and of a higher id, the common case when most hits score alike (a charge id is unique, so a hit tying
        // the last on both keys is left to Consider's tie-break on the document).
        if (_count == _size && score <= _bottomScore && (score < _bottomScore || _segmentIds[doc] > _bottomId))
        {
            return;
        }
        Consider(doc, score);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Consider(int doc, float score)
    {
        var id = _segmentIds[doc];
        if (_hasAfter)
        {
            var c = score.CompareTo(_afterScore);
            if (c > 0 || (c == 0 && id <= _afterId))
            {
                return;
            }
        }
        var global = _docBase + doc;
        if (_count < _size)
        {
            // Sift up from the new leaf: the root is the worst hit kept.
            var i = _count++;
            while (i > 0)
            {
                var parent = (i - 1) >> 1;
                if (!Worse(score, id, global, _scores[parent], _ids[parent], _docs[parent]))
                {
                    break;
                }
                Move(parent, i);
                i = parent;
            }
            Put(i, score, id, global);
        }
        else
        {
            if (!Worse(_bottomScore, _bottomId, _bottomDoc, score, id, global))
            {
                return;
            }
            // Replace the root and sift down.
            var i = 0;
            while (true)
            {
                var child = (2 * i) + 1;
                if (child >= _size)
                {
                    break;
                }
                if (child + 1 < _size && Worse(_scores[child + 1], _ids[child + 1], _docs[child + 1], _scores[child], _ids[child], _docs[child]))
                {
                    child++;
                }
                if (!Worse(_scores[child], _ids[child], _docs[child], score, id, global))
                {
                    break;
                }
                Move(child, i);
                i = child;
            }
            Put(i, score, id, global);
        }
        if (_count == _size)
        {
            _bottomScore = _scores[0];
            _bottomId = _ids[0];
            _bottomDoc = _docs[0];
        }
    }

    /// <summary>Whether hit a ranks after hit b: lower score, else higher id, else later document.</summary>
    private static bool Worse(float scoreA, long idA, int docA, float scoreB, long idB, int docB)
    {
        var c = scoreA.CompareTo(scoreB);
        return c != 0 ? c < 0 : idA != idB ? idA > idB : docA > docB;
    }

    private void Move(int from, int to)
    {
        _scores[to] = _scores[from];
        _ids[to] = _ids[from];
        _docs[to] = _docs[from];
    }

    private void Put(int i, float score, long id, int doc)
    {
        _scores[i] = score;
        _ids[i] = id;
        _docs[i] = doc;
    }

    /// <summary>
    /// The kept hits ranked, from the <paramref name="offset"/>-th, at most <paramref name="limit"/> (as
    /// <see cref="TopDocsCollector{T}.GetTopDocs(int, int)"/>), with their scores and global document ids.
    /// </summary>
    public ScoreDoc[] Page(int offset, int limit)
    {
        var order = Enumerable.Range(0, _count).ToArray();
        Array.Sort(order, (a, b) => a == b ? 0 : Worse(_scores[a], _ids[a], _docs[a], _scores[b], _ids[b], _docs[b]) ? 1 : -1);
        return [.. order.Skip(offset).Take(Math.Max(0, limit)).Select(i => new ScoreDoc(_docs[i], _scores[i]))];
    }
}
