using DetainerGraph.Search;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;

namespace DetainerGraph.Tests.Search;

/// <summary>
/// The engine's page collector (<see cref="RankedPageCollector"/>) keeps exactly what Lucene's
/// <see cref="TopFieldCollector"/> keeps for the sort (score, id): the same documents in the same order, the same
/// scores to the last bit and the same total, for every page length, offset and search_after key, over generated
/// texts in several segments with deletions and ids that repeat (so hits tie on score and on id), for the windowed
/// conjunction, a disjunction Lucene scores out of order, and both filter strategies.
/// </summary>
public sealed class RankedPageCollectorTests
{
    private static readonly string[] Fields = ["description", "codes", "expanded"];
    private static readonly string[] Words = ["traffic", "offens", "assault", "agg", "drive", "burglari", "theft", "weapon"];

    /// <summary>Three segments of short generated texts (many equal scores), ids from a small range (many equal ids), some deleted.</summary>
    private static DirectoryReader Index(int seed)
    {
        var random = new Random(seed);
        return ScorerComparison.SegmentedIndex([4000, 2000, 600], (_, key) =>
        {
            var document = new Document
            {
                new StringField("key", key.ToString(System.Globalization.CultureInfo.InvariantCulture), Field.Store.NO),
                new NumericDocValuesField("sort_id", random.Next(0, 3000)),
            };
            foreach (var field in Fields)
            {
                var count = field == "expanded" && random.Next(4) > 0 ? 0 : random.Next(1, 4);
                document.Add(new TextField(field, string.Join(' ', Enumerable.Range(0, count).Select(_ => Words[random.Next(Words.Length)])), Field.Store.NO));
            }
            return document;
        }, "key", deleteEvery: 5);
    }

    private static long[] Ids(AtomicReader reader)
    {
        var ids = new long[reader.MaxDoc];
        var values = reader.GetNumericDocValues("sort_id");
        for (var doc = 0; doc < ids.Length; doc++)
        {
            ids[doc] = values.Get(doc);
        }
        return ids;
    }

    private static BooleanQuery Either(string word)
    {
        var either = new BooleanQuery();
        foreach (var (field, boost) in new[] { ("description", 2f), ("codes", 1f), ("expanded", 0.3f) })
        {
            either.Add(new TermQuery(new Term(field, word)) { Boost = boost }, Occur.SHOULD);
        }
        return either;
    }

    private static readonly Sort ScoreThenId = new(SortField.FIELD_SCORE, new SortField("sort_id", SortFieldType.INT64));

    private static (List<(int Doc, int Score)> Hits, int Total) Lucene(IndexSearcher searcher, Query query, int numHits, int offset, int limit, FieldDoc? after, bool inOrder)
    {
        var collector = TopFieldCollector.Create(ScoreThenId, numHits, after, fillFields: false, trackDocScores: true, trackMaxScore: false, docsScoredInOrder: inOrder);
        searcher.Search(query, collector);
        return ([.. collector.GetTopDocs(offset, limit).ScoreDocs.Select(d => (d.Doc, BitConverter.SingleToInt32Bits(d.Score)))], collector.TotalHits);
    }

    private static (List<(int Doc, int Score)> Hits, int Total) Ours(IndexSearcher searcher, Query query, int numHits, int offset, int limit, (float, long)? after, bool inOrder)
    {
        var collector = new RankedPageCollector(numHits, after, Ids, inOrder, CancellationToken.None);
        searcher.Search(query, collector);
        return ([.. collector.Page(offset, limit).Select(d => (d.Doc, BitConverter.SingleToInt32Bits(d.Score)))], collector.TotalHits);
    }

    private static void Same((List<(int Doc, int Score)> Hits, int Total) expected, (List<(int Doc, int Score)> Hits, int Total) actual)
    {
        Assert.Equal(expected.Total, actual.Total);
        Assert.Equal(expected.Hits, actual.Hits);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void The_page_collector_keeps_what_Lucenes_sorted_collector_keeps_hit_for_hit_and_bit_for_bit(int seed)
    {
        using var reader = Index(seed);
        var searcher = new IndexSearcher(reader) { Similarity = new BM25Similarity() };
        var random = new Random(seed * 17);
        var compared = 0;
        var ties = 0;
        for (var q = 0; q < 12; q++)
        {
            var words = Words.OrderBy(_ => random.Next()).Take(random.Next(1, 4)).ToList();
            var plain = new BooleanQuery();
            foreach (var word in words)
            {
                plain.Add(Either(word), words.Count == 1 || random.Next(3) > 0 ? Occur.MUST : Occur.SHOULD);
            }
            var windowed = WindowedConjunctionQuery.TryCreate(plain);
            var strategy = windowed is WindowedConjunctionQuery ? WindowedConjunctionQuery.FilterStrategy : FilteredQuery.RANDOM_ACCESS_FILTER_STRATEGY;
            var queries = new List<Query> { plain, windowed, new FilteredQuery(windowed, new ScorerComparison.EveryThird(0), strategy), new FilteredQuery(windowed, new ScorerComparison.EveryThird(150), strategy) };
            foreach (var query in queries)
            {
                foreach (var inOrder in new[] { false, true })
                {
                    // Everything, ranked: the reference for picking offsets and search_after keys.
                    var all = Lucene(searcher, query, reader.MaxDoc, 0, reader.MaxDoc, null, inOrder);
                    var ranked = searcher.Search(query, null, reader.MaxDoc, ScoreThenId, doDocScores: true, doMaxScore: false).ScoreDocs;
                    Assert.Equal(all.Hits.Count, ranked.Length);
                    Same(all, Ours(searcher, query, reader.MaxDoc, 0, reader.MaxDoc, null, inOrder));
                    ties += all.Hits.Zip(all.Hits.Skip(1)).Count(p => p.First.Score == p.Second.Score);
                    foreach (var (numHits, offset) in new[] { (1, 0), (10, 0), (25, 15), (200, 150), (all.Hits.Count + 5, all.Hits.Count - 3) })
                    {
                        if (numHits < 1 || offset < 0)
                        {
                            continue;
                        }
                        var limit = numHits - offset;
                        var expected = Lucene(searcher, query, numHits, offset, limit, null, inOrder);
                        Same(expected, Ours(searcher, query, numHits, offset, limit, null, inOrder));
                        compared += expected.Hits.Count;
                        // Pages after a hit's key, at a random hit (its score usually shared by the hits around it).
                        if (ranked.Length > 0)
                        {
                            var at = ranked[random.Next(ranked.Length)];
                            var id = Ids(reader.Leaves[ReaderUtil.SubIndex(at.Doc, reader.Leaves)].AtomicReader)[at.Doc - reader.Leaves[ReaderUtil.SubIndex(at.Doc, reader.Leaves)].DocBase];
                            var key = new FieldDoc(int.MaxValue, at.Score, [J2N.Numerics.Single.GetInstance(at.Score), J2N.Numerics.Int64.GetInstance(id)]);
                            var afterExpected = Lucene(searcher, query, numHits, 0, numHits, key, inOrder);
                            Same(afterExpected, Ours(searcher, query, numHits, 0, numHits, (at.Score, id), inOrder));
                            compared += afterExpected.Hits.Count;
                        }
                    }
                }
            }
        }
        // Thousands of hits compared, many of them tied on score with their neighbour.
        Assert.True(compared > 5000, $"only {compared} hits compared");
        Assert.True(ties > 1000, $"only {ties} ties");
    }

    [Fact]
    public void A_cancelled_search_stops_at_the_page_collector()
    {
        using var reader = Index(4);
        var searcher = new IndexSearcher(reader) { Similarity = new BM25Similarity() };
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var collector = new RankedPageCollector(10, null, Ids, docsInOrder: false, cancelled.Token);
        Assert.Throws<OperationCanceledException>(() => searcher.Search(Either("assault"), collector));
    }
}
