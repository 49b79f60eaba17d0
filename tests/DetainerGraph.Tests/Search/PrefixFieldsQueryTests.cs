using System.Globalization;
using DetainerGraph.Search;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using static DetainerGraph.Tests.Search.ScorerComparison;

namespace DetainerGraph.Tests.Search;

/// <summary>
/// A prefix alone in several fields scored from per-field bit sets (<see cref="PrefixFieldsQuery"/>) finds exactly what
/// the plain disjunction of constant-score <see cref="PrefixQuery"/>s finds: the same documents, the same total and
/// scores equal to the last bit, over generated texts in several segments with and without deletions, with no filter,
/// a filter Lucene would read by random access and one it would leap-frog with, in and out of document order, and
/// with scoring stopped at any document.
/// </summary>
public sealed class PrefixFieldsQueryTests
{
    private static readonly string[] Fields = ["words", "description", "codes"];

    // Words sharing prefixes ("assa" starts three of them, "as" five), and some that share none.
    private static readonly string[] Words = ["assault", "assaulting", "assa", "asset", "as", "traffic", "trafficking", "drive", "driving", "driver", "dui", "theft", "weapon"];

    private static readonly string[] Prefixes = ["assa", "as", "a", "dri", "driving", "traf", "t", "dui", "zz", "w", ""];

    /// <summary>Three segments of generated documents (texts of 0 to 5 words per field), some deleted unless <paramref name="deletions"/> is false.</summary>
    private static DirectoryReader Index(int seed, bool deletions = true)
    {
        var random = new Random(seed);
        int[] sizes = [5000, 2500, 700];
        return SegmentedIndex(sizes, (s, id) =>
        {
            var document = new Document { new StringField("id", id.ToString(CultureInfo.InvariantCulture), Field.Store.YES) };
            foreach (var field in Fields)
            {
                // The codes field is mostly empty; the last segment never holds a word starting with "dri".
                var count = field == "codes" && random.Next(3) > 0 ? 0 : random.Next(0, 6);
                var words = Enumerable.Range(0, count).Select(_ => Words[random.Next(Words.Length)]).Where(w => sizes[s] != 700 || !w.StartsWith("dri", StringComparison.Ordinal));
                document.Add(new TextField(field, string.Join(' ', words), Field.Store.NO));
            }
            return document;
        }, "id", deleteEvery: deletions ? 7 : 0);
    }

    /// <summary>The prefix in some of the fields (at least one), as the engine builds it: the disjunction under one or two required wrappers.</summary>
    private static BooleanQuery Plain(Random random, string prefix)
    {
        var either = new BooleanQuery();
        foreach (var field in Fields)
        {
            if (random.Next(4) > 0)
            {
                either.Add(new PrefixQuery(new Term(field, prefix)), Occur.SHOULD);
            }
        }
        if (either.Clauses.Count == 0)
        {
            either.Add(new PrefixQuery(new Term("description", prefix)), Occur.SHOULD);
        }
        var all = new BooleanQuery { { either, Occur.MUST } };
        return random.Next(2) == 0 ? all : new BooleanQuery { { all, Occur.MUST } };
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(2, true)]
    [InlineData(3, false)]
    public void A_prefix_in_several_fields_scored_from_bit_sets_matches_the_plain_query_hit_for_hit_and_bit_for_bit(int seed, bool deletions)
    {
        using var reader = Index(seed, deletions);
        Assert.Equal(deletions, reader.HasDeletions);
        var searcher = new IndexSearcher(reader) { Similarity = new BM25Similarity() };
        var random = new Random(seed * 31);
        var compared = 0;
        var scores = new HashSet<int>();
        foreach (var prefix in Prefixes.Concat(Prefixes))
        {
            var plain = Plain(random, prefix);
            var fast = PrefixFieldsQuery.TryCreate(plain);
            Assert.IsType<PrefixFieldsQuery>(fast);
            foreach (var inOrder in new[] { false, true })
            {
                var expected = Everything(searcher, plain, inOrder);
                Same(expected, Everything(searcher, fast, inOrder));
                compared += expected.Hits.Count;
                scores.UnionWith(expected.Hits.Select(h => h.Score));
                // Filtered: the plain query as the engine filters it, the bit-set form with its own strategy, for a filter
                // that starts at document 0 and one that starts past 100 (which Lucene's strategy leap-frogs with).
                foreach (var from in new[] { 0, 150 })
                {
                    var filter = new EveryThird(from);
                    Same(
                        Everything(searcher, new FilteredQuery(plain, filter, FilteredQuery.RANDOM_ACCESS_FILTER_STRATEGY), inOrder),
                        Everything(searcher, new FilteredQuery(fast, filter, PrefixFieldsQuery.FilterStrategy), inOrder));
                }
            }
        }
        // The queries found something to compare, with charges matching in one, two and three fields.
        Assert.True(compared > 50_000, $"only {compared} hits compared");
        Assert.True(scores.Count >= 3, $"only {scores.Count} distinct scores");
    }

    [Theory]
    [InlineData(7, true)]
    [InlineData(8, false)]
    public void Scoring_stopped_at_any_document_finds_the_same_hits_in_order_with_the_same_scores(int seed, bool deletions)
    {
        using var reader = Index(seed, deletions);
        var searcher = new IndexSearcher(reader) { Similarity = new BM25Similarity() };
        var random = new Random(seed * 17);
        var compared = 0;
        foreach (var prefix in new[] { "assa", "dri", "a", "zz" })
        {
            var plain = Plain(random, prefix);
            var fast = PrefixFieldsQuery.TryCreate(plain);
            foreach (var accept in LiveOrEveryThird)
            {
                // The plain query's hits in document order, scored one document at a time.
                var expected = InSteps(searcher, plain, accept, int.MaxValue - 1);
                foreach (var step in new[] { 1, 63, 64, 777, 2048, 100_000 })
                {
                    Assert.Equal(expected, InSteps(searcher, fast, accept, step));
                }
                compared += expected.Count;
            }
        }
        Assert.True(compared > 5000, $"only {compared} hits compared");
    }

    [Fact]
    public void Only_a_prefix_alone_in_its_fields_is_scored_from_bit_sets()
    {
        var prefixes = new BooleanQuery { { new PrefixQuery(new Term("words", "assa")), Occur.SHOULD }, { new PrefixQuery(new Term("codes", "assa")), Occur.SHOULD } };
        Assert.IsType<PrefixFieldsQuery>(PrefixFieldsQuery.TryCreate(prefixes));
        Assert.IsType<PrefixFieldsQuery>(PrefixFieldsQuery.TryCreate(new BooleanQuery { { new BooleanQuery { { prefixes, Occur.MUST } }, Occur.MUST } }));
        // Words before the prefix, a boosted prefix or wrapper, a scoring rewrite, an optional wrapper, a minimum, another
        // kind of member, or more members than the scorer takes: the plain query.
        var withWord = new BooleanQuery { { new TermQuery(new Term("words", "agg")), Occur.MUST }, { prefixes, Occur.MUST } };
        Assert.Same(withWord, PrefixFieldsQuery.TryCreate(withWord));
        var boosted = new BooleanQuery { { new PrefixQuery(new Term("words", "assa")) { Boost = 2f }, Occur.SHOULD } };
        Assert.Same(boosted, PrefixFieldsQuery.TryCreate(boosted));
        var wrapper = new BooleanQuery { { prefixes, Occur.MUST } };
        wrapper.Boost = 2f;
        Assert.Same(wrapper, PrefixFieldsQuery.TryCreate(wrapper));
        var scoring = new BooleanQuery { { new PrefixQuery(new Term("words", "assa")) { MultiTermRewriteMethod = MultiTermQuery.SCORING_BOOLEAN_QUERY_REWRITE }, Occur.SHOULD } };
        Assert.Same(scoring, PrefixFieldsQuery.TryCreate(scoring));
        var optional = new BooleanQuery { { prefixes, Occur.SHOULD } };
        Assert.Same(optional, PrefixFieldsQuery.TryCreate(optional));
        var minimum = new BooleanQuery { { new PrefixQuery(new Term("words", "assa")), Occur.SHOULD }, { new PrefixQuery(new Term("codes", "assa")), Occur.SHOULD } };
        minimum.MinimumNumberShouldMatch = 1;
        Assert.Same(minimum, PrefixFieldsQuery.TryCreate(minimum));
        var mixed = new BooleanQuery { { new PrefixQuery(new Term("words", "assa")), Occur.SHOULD }, { new TermQuery(new Term("codes", "assault")), Occur.SHOULD } };
        Assert.Same(mixed, PrefixFieldsQuery.TryCreate(mixed));
        var many = new BooleanQuery();
        for (var i = 0; i <= PrefixFieldsQuery.MaxMembers; i++)
        {
            many.Add(new PrefixQuery(new Term("words", "a" + i.ToString(CultureInfo.InvariantCulture))), Occur.SHOULD);
        }
        Assert.Same(many, PrefixFieldsQuery.TryCreate(many));
        var phrase = new BooleanQuery { { new PhraseQuery { new Term("description", "drive"), new Term("description", "under") }, Occur.MUST } };
        Assert.Same(phrase, PrefixFieldsQuery.TryCreate(phrase));
    }
}
