using DetainerGraph.Search;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using static DetainerGraph.Tests.Search.ScorerComparison;

namespace DetainerGraph.Tests.Search;

/// <summary>
/// Required words scored a window at a time (<see cref="WindowedConjunctionQuery"/>) find exactly what the plain
/// <see cref="BooleanQuery"/> finds: the same documents, the same total, and scores equal to the last bit, over
/// generated texts in several segments with and without deletions (a filter's bits are then intersected a word at a
/// time, or asked document by document), with no filter, a filter read by random access, one Lucene leap-frogs
/// with, and windows cut at places that are not multiples of 64.
/// </summary>
public sealed class WindowedConjunctionQueryTests
{
    private static readonly string[] Fields = ["description", "codes", "expanded"];
    private static readonly string[] Words = ["traffic", "offens", "assault", "agg", "drive", "burglari", "theft", "weapon", "aslt", "dui"];

    /// <summary>Three segments of generated documents (texts of 1 to 6 words, words repeated), some deleted unless <paramref name="deletions"/> is false.</summary>
    private static DirectoryReader Index(int seed, bool deletions = true)
    {
        var random = new Random(seed);
        int[] sizes = [5000, 2500, 700];
        return SegmentedIndex(sizes, (s, id) =>
        {
            var document = new Document { new StringField("id", id.ToString(System.Globalization.CultureInfo.InvariantCulture), Field.Store.YES) };
            foreach (var field in Fields)
            {
                // The expanded field is mostly empty, as ours is; the last segment never holds "agg" anywhere.
                var count = field == "expanded" && random.Next(4) > 0 ? 0 : random.Next(1, 7);
                // "aslt" comes with "assault" (a synonym), so that a typo's expansion "aslt" is sometimes proven
                // never to be a document's best and skipped (see BestOfTermsQuery).
                var words = Enumerable.Range(0, count).Select(_ => Words[random.Next(Words.Length)])
                    .Where(w => sizes[s] != 700 || w != "agg")
                    .SelectMany(w => w == "aslt" ? new[] { w, "assault" } : [w]);
                document.Add(new TextField(field, string.Join(' ', words), Field.Store.NO));
            }
            return document;
        }, "id", deleteEvery: deletions ? 7 : 0);
    }

    /// <summary>
    /// Each word in any field, with the engine's boosts (description 2, codes 1, expanded 0.3); some words in one field
    /// only; some, when <paramref name="typos"/>, a typo's expansions in a field (a best-of of the word and two others,
    /// boosted below 1 as the engine's typo expansions are).
    /// </summary>
    private static BooleanQuery Conjunction(Random random, int words, bool typos = false)
    {
        var root = new BooleanQuery();
        foreach (var word in Words.OrderBy(_ => random.Next()).Take(words))
        {
            var either = new BooleanQuery();
            foreach (var (field, boost) in new[] { ("description", 2f), ("codes", 1f), ("expanded", 0.3f) })
            {
                if (typos && random.Next(2) == 0)
                {
                    var best = new BestOfTermsQuery();
                    foreach (var other in new[] { word }.Concat(Words.Where(w => w != word).OrderBy(_ => random.Next()).Take(2)).Append("aslt").Distinct())
                    {
                        best.Add(new TermQuery(new Term(field, other)) { Boost = 0.4f + (0.5f * (float)random.NextDouble()) });
                    }
                    either.Add(best, Occur.SHOULD);
                    continue;
                }
                if (random.Next(4) > 0)
                {
                    either.Add(new TermQuery(new Term(field, word)) { Boost = boost }, Occur.SHOULD);
                }
            }
            if (either.Clauses.Count == 0)
            {
                either.Add(new TermQuery(new Term("codes", word)), Occur.SHOULD);
            }
            // A word in one field only is sometimes the term itself, as Lucene's rewrite would leave it.
            root.Add(either.Clauses.Count == 1 && either.Clauses[0].Query is TermQuery && random.Next(2) == 0 ? either.Clauses[0].Query : either, Occur.MUST);
        }
        return root;
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(2, true)]
    [InlineData(3, true)]
    [InlineData(4, false)]
    [InlineData(5, false)]
    public void Required_words_scored_a_window_at_a_time_match_the_plain_query_hit_for_hit_and_bit_for_bit(int seed, bool deletions)
    {
        using var reader = Index(seed, deletions);
        Assert.Equal(deletions, reader.HasDeletions);
        var searcher = new IndexSearcher(reader) { Similarity = new BM25Similarity() };
        var random = new Random(seed * 31);
        var compared = 0;
        for (var q = 0; q < 40; q++)
        {
            // One word in several fields, or two to four words; typo expansions in a third of the queries.
            var plain = Conjunction(random, random.Next(1, 5), typos: q % 3 == 0);
            var windowed = WindowedConjunctionQuery.TryCreate(plain);
            Assert.IsType(plain.Clauses.Count == 1 && plain.Clauses[0].Query is not BooleanQuery { Clauses.Count: > 1 } ? typeof(BooleanQuery) : typeof(WindowedConjunctionQuery), windowed);
            foreach (var inOrder in new[] { false, true })
            {
                var expected = Everything(searcher, plain, inOrder);
                Same(expected, Everything(searcher, windowed, inOrder));
                compared += expected.Hits.Count;
                // Filtered by random access (the filter starts at document 0) and by leap-frog (it starts past 100).
                foreach (var from in new[] { 0, 150 })
                {
                    var filter = new EveryThird(from);
                    Same(
                        Everything(searcher, new FilteredQuery(plain, filter), inOrder),
                        Everything(searcher, new FilteredQuery(windowed, filter, WindowedConjunctionQuery.FilterStrategy), inOrder));
                }
            }
        }
        // The queries found something to compare: thousands of hits over the 40 queries.
        Assert.True(compared > 5000, $"only {compared} hits compared");
    }

    [Theory]
    [InlineData(7, true)]
    [InlineData(8, false)]
    public void Windows_cut_at_any_document_find_the_same_hits_in_order_with_the_same_scores(int seed, bool deletions)
    {
        using var reader = Index(seed, deletions);
        var searcher = new IndexSearcher(reader) { Similarity = new BM25Similarity() };
        var random = new Random(seed * 17);
        var compared = 0;
        for (var q = 0; q < 12; q++)
        {
            var plain = Conjunction(random, random.Next(1, 4), typos: q % 2 == 0);
            var windowed = WindowedConjunctionQuery.TryCreate(plain);
            foreach (var accept in LiveOrEveryThird)
            {
                // The plain query's hits, in document order, scored one document at a time.
                var expected = InSteps(searcher, plain, accept, int.MaxValue - 1);
                foreach (var step in new[] { 777, 2048, 100_000 })
                {
                    Assert.Equal(expected, InSteps(searcher, windowed, accept, step));
                }
                compared += expected.Count;
            }
        }
        Assert.True(compared > 1000, $"only {compared} hits compared");
    }

    [Fact]
    public void Only_required_words_in_any_field_are_scored_by_windows()
    {
        var word = new BooleanQuery { { new TermQuery(new Term("codes", "traffic")), Occur.SHOULD }, { new TermQuery(new Term("description", "traffic")), Occur.SHOULD } };
        var other = new TermQuery(new Term("codes", "offens"));
        Assert.IsType<WindowedConjunctionQuery>(WindowedConjunctionQuery.TryCreate(new BooleanQuery { { word, Occur.MUST }, { other, Occur.MUST } }));
        // One word in several fields, or in one field with a typo's expansions there.
        Assert.IsType<WindowedConjunctionQuery>(WindowedConjunctionQuery.TryCreate(new BooleanQuery { { word, Occur.MUST } }));
        var typo = new BestOfTermsQuery { new TermQuery(new Term("codes", "assault")), new TermQuery(new Term("codes", "aslt")) };
        Assert.IsType<WindowedConjunctionQuery>(WindowedConjunctionQuery.TryCreate(new BooleanQuery { { new BooleanQuery { { typo, Occur.SHOULD }, { other, Occur.SHOULD } }, Occur.MUST } }));
        // One word in one field, more clauses than a mask holds, an optional clause, a phrase, a boosted word, a typo's
        // expansions over two fields or with a tie breaker: the plain query.
        Assert.IsType<BooleanQuery>(WindowedConjunctionQuery.TryCreate(new BooleanQuery { { other, Occur.MUST } }));
        Assert.IsType<BooleanQuery>(WindowedConjunctionQuery.TryCreate(new BooleanQuery { { new BooleanQuery { { other, Occur.SHOULD } }, Occur.MUST } }));
        var twoFields = new BestOfTermsQuery { new TermQuery(new Term("codes", "assault")), new TermQuery(new Term("description", "aslt")) };
        Assert.IsType<BooleanQuery>(WindowedConjunctionQuery.TryCreate(new BooleanQuery { { new BooleanQuery { { twoFields, Occur.SHOULD }, { other, Occur.SHOULD } }, Occur.MUST } }));
        var tie = new DisjunctionMaxQuery(0.1f) { new TermQuery(new Term("codes", "assault")), new TermQuery(new Term("codes", "aslt")) };
        Assert.IsType<BooleanQuery>(WindowedConjunctionQuery.TryCreate(new BooleanQuery { { new BooleanQuery { { tie, Occur.SHOULD }, { other, Occur.SHOULD } }, Occur.MUST }, { other, Occur.MUST } }));
        Assert.IsType<BooleanQuery>(WindowedConjunctionQuery.TryCreate(new BooleanQuery { { word, Occur.MUST }, { other, Occur.SHOULD } }));
        Assert.IsType<BooleanQuery>(WindowedConjunctionQuery.TryCreate(new BooleanQuery { { word, Occur.MUST }, { new PhraseQuery { new Term("codes", "traffic"), new Term("codes", "offens") }, Occur.MUST } }));
        var many = new BooleanQuery();
        for (var i = 0; i <= WindowedConjunctionQuery.MaxClauses; i++)
        {
            many.Add(other, Occur.MUST);
        }
        Assert.IsType<BooleanQuery>(WindowedConjunctionQuery.TryCreate(many));
        var boosted = new BooleanQuery { { new TermQuery(new Term("codes", "traffic")), Occur.SHOULD } };
        boosted.Boost = 2f;
        Assert.IsType<BooleanQuery>(WindowedConjunctionQuery.TryCreate(new BooleanQuery { { boosted, Occur.MUST }, { other, Occur.MUST } }));
    }
}
