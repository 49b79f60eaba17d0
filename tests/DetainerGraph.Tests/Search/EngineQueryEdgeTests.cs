using System.Globalization;
using DetainerGraph.Search;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using static DetainerGraph.Tests.Search.ScorerComparison;

namespace DetainerGraph.Tests.Search;

/// <summary>
/// The engine's own queries (<see cref="PrefixFieldsQuery"/>, <see cref="WindowedConjunctionQuery"/>) against the plain
/// query on inputs their property tests do not build: many segments of sizes at and around a word of 64 documents and a
/// window of 2,048 (1 document included), a segment whose every document is deleted, empty fields, words outside ASCII
/// (accented, combining marks, CJK, right-to-left, beyond U+FFFF), and the engine's page collector, which these queries
/// hand their hits to directly (<see cref="RankedPageCollector.Offer"/>) rather than through a scorer: same page, same
/// scores, same total, after a hit's key too, filtered or not.
/// </summary>
public sealed class EngineQueryEdgeTests
{
    private static readonly string[] Fields = ["description", "codes", "expanded"];

    private static readonly string[] Words =
        ["assault", "assa", "asset", "traffic", "offens", "ñandú", "ñu", "e\u0301lan", "偽造", "偽", "עבירה", "\U0001F600x", "\U0001F600", "dui", "theft"];

    private static readonly int[] SegmentSizes = [1, 63, 64, 65, 127, 128, 129, 2047, 2048, 2049, 4100, 50];

    /// <summary>One segment per size, every seventh document deleted, and the one-before-last segment deleted whole (the writer drops it).</summary>
    private static DirectoryReader Index(int seed)
    {
        var random = new Random(seed);
        return SegmentedIndex(SegmentSizes, (s, id) =>
        {
            var document = new Document
            {
                new StringField("id", id.ToString(CultureInfo.InvariantCulture), Field.Store.NO),
                new StringField("segment", s.ToString(CultureInfo.InvariantCulture), Field.Store.NO),
                // Ids not in document order, so that ties on the score are broken by something else than the document.
                new NumericDocValuesField("nid", (id * 7919L) % 100_003),
            };
            foreach (var field in Fields)
            {
                // Often empty, as the codes and expanded fields are.
                var count = random.Next(3) == 0 ? 0 : random.Next(1, 5);
                document.Add(new TextField(field, string.Join(' ', Enumerable.Range(0, count).Select(_ => Words[random.Next(Words.Length)])), Field.Store.NO));
            }
            return document;
        }, "id", deleteEvery: 7, alsoDelete: new Term("segment", (SegmentSizes.Length - 2).ToString(CultureInfo.InvariantCulture)));
    }

    private static long[] Ids(AtomicReader reader)
    {
        var values = reader.GetNumericDocValues("nid");
        return [.. Enumerable.Range(0, reader.MaxDoc).Select(d => values.Get(d))];
    }

    /// <summary>The page of <paramref name="window"/> hits (after <paramref name="after"/>) as (document, score bits), and the total.</summary>
    private static (List<(int Doc, int Score)> Page, int Total) Paged(IndexSearcher searcher, Query query, int window, (float, long)? after, bool inOrder)
    {
        var collector = new RankedPageCollector(window, after, Ids, inOrder, CancellationToken.None);
        searcher.Search(query, collector);
        return ([.. collector.Page(0, window).Select(d => (d.Doc, BitConverter.SingleToInt32Bits(d.Score)))], collector.TotalHits);
    }

    private static void SamePages(IndexSearcher searcher, Query plain, Query fast, FilteredQuery.FilterStrategy strategy)
    {
        var filter = new EveryThird(1);
        foreach (var inOrder in new[] { false, true })
        {
            foreach (var window in new[] { 1, 10, 1000, 20_000 })
            {
                var expected = Paged(searcher, plain, window, null, inOrder);
                Same(expected, Paged(searcher, fast, window, null, inOrder));
                Same(
                    Paged(searcher, new FilteredQuery(plain, filter, FilteredQuery.RANDOM_ACCESS_FILTER_STRATEGY), window, null, inOrder),
                    Paged(searcher, new FilteredQuery(fast, filter, strategy), window, null, inOrder));
                if (expected.Page.Count > 0)
                {
                    // After the page's middle hit (its score and id), as the engine pages on.
                    var middle = expected.Page[expected.Page.Count / 2];
                    var leaf = searcher.IndexReader.Leaves[ReaderUtil.SubIndex(middle.Doc, searcher.IndexReader.Leaves)];
                    var key = (BitConverter.Int32BitsToSingle(middle.Score), Ids(leaf.AtomicReader)[middle.Doc - leaf.DocBase]);
                    Same(Paged(searcher, plain, window, key, inOrder), Paged(searcher, fast, window, key, inOrder));
                }
            }
            Same(Everything(searcher, plain, inOrder), Everything(searcher, fast, inOrder));
        }
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public void A_prefix_in_several_fields_gives_the_plain_querys_page_in_many_small_segments_with_words_outside_ascii(int seed)
    {
        using var reader = Index(seed);
        // Segments left wholly deleted (the one-document one, its document deleted too) are dropped by the writer.
        Assert.Equal(SegmentSizes.Length - 2, reader.Leaves.Count);
        var searcher = new IndexSearcher(reader) { Similarity = new BM25Similarity() };
        var compared = 0;
        foreach (var prefix in new[] { "assa", "a", "ñ", "ñu", "e\u0301", "偽", "עב", "\U0001F600", "\uD83D", "zz", "" })
        {
            var either = new BooleanQuery();
            foreach (var field in Fields)
            {
                either.Add(new PrefixQuery(new Term(field, prefix)), Occur.SHOULD);
            }
            // The same field twice: a hit there counts twice, as in the plain disjunction.
            either.Add(new PrefixQuery(new Term("codes", prefix)), Occur.SHOULD);
            var plain = new BooleanQuery { { either, Occur.MUST } };
            var fast = PrefixFieldsQuery.TryCreate(plain);
            Assert.IsType<PrefixFieldsQuery>(fast);
            SamePages(searcher, plain, fast, PrefixFieldsQuery.FilterStrategy);
            compared += Everything(searcher, plain, false).Total;
        }
        Assert.True(compared > 10_000, $"only {compared} hits compared");
    }

    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    public void Required_words_give_the_plain_querys_page_in_many_small_segments_with_words_outside_ascii(int seed)
    {
        using var reader = Index(seed);
        var searcher = new IndexSearcher(reader) { Similarity = new BM25Similarity() };
        var random = new Random(seed);
        var compared = 0;
        string[][] queries = [["assault", "ñandú"], ["偽造", "e\u0301lan", "dui"], ["\U0001F600x", "עבירה"], ["theft"], ["assa", "ñu", "traffic", "offens"]];
        foreach (var words in queries)
        {
            var root = new BooleanQuery();
            foreach (var word in words)
            {
                var either = new BooleanQuery();
                foreach (var (field, boost) in new[] { ("description", 2f), ("codes", 1f), ("expanded", 0.3f) })
                {
                    either.Add(new TermQuery(new Term(field, word)) { Boost = boost }, Occur.SHOULD);
                }
                if (random.Next(2) == 0)
                {
                    var best = new BestOfTermsQuery();
                    foreach (var other in Words.OrderBy(_ => random.Next()).Take(3).Append(word).Distinct())
                    {
                        best.Add(new TermQuery(new Term("description", other)) { Boost = 0.4f + (0.5f * (float)random.NextDouble()) });
                    }
                    either.Add(best, Occur.SHOULD);
                }
                root.Add(either, Occur.MUST);
            }
            var fast = WindowedConjunctionQuery.TryCreate(root);
            Assert.IsType<WindowedConjunctionQuery>(fast);
            SamePages(searcher, root, fast, WindowedConjunctionQuery.FilterStrategy);
            compared += Everything(searcher, root, false).Total;
        }
        Assert.True(compared > 1_000, $"only {compared} hits compared");
    }
}
