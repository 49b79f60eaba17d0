using DetainerGraph.Search;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Store;
using Lucene.Net.Util;

namespace DetainerGraph.Tests.Search;

/// <summary>
/// A typo's expansions (<see cref="BestOfTermsQuery"/>) match the same documents with the same scores as Lucene's
/// <see cref="DisjunctionMaxQuery"/> without tie breaker, whether or not an expansion is proven covered by a
/// heavier one and skipped; and it is skipped only when every document holding it holds the heavier word as often.
/// </summary>
public sealed class BestOfTermsQueryTests
{
    private const string FieldName = "f";

    /// <summary>An index of <paramref name="texts"/>, one document each, split on spaces.</summary>
    private static DirectoryReader Index(IEnumerable<string> texts)
    {
        var directory = new RAMDirectory();
        using (var writer = new IndexWriter(directory, new IndexWriterConfig(LuceneVersion.LUCENE_48, new WhitespaceAnalyzer(LuceneVersion.LUCENE_48))))
        {
            foreach (var text in texts)
            {
                writer.AddDocument(new Document { new TextField(FieldName, text, Field.Store.NO) });
            }
            writer.ForceMerge(1);
        }
        return DirectoryReader.Open(directory);
    }

    /// <summary>"assault" (weighed as one edit away) and "aslt" (two edits), as the typo "asault" expands.</summary>
    private static T Expansions<T>(T query)
        where T : DisjunctionMaxQuery
    {
        query.Add(new TermQuery(new Term(FieldName, "assault")) { Boost = 2f });
        query.Add(new TermQuery(new Term(FieldName, "aslt")) { Boost = 1f });
        return query;
    }

    private static Dictionary<int, float> EveryScore(IndexSearcher searcher, Query query) =>
        searcher.Search(query, searcher.IndexReader.MaxDoc).ScoreDocs.ToDictionary(d => d.Doc, d => d.Score);

    /// <summary>The documents the query reads in the (single) segment: the postings its scorer will visit.</summary>
    private static long Cost(IndexSearcher searcher, Query query) =>
        searcher.CreateNormalizedWeight(query).GetScorer(searcher.IndexReader.Leaves[0], null).GetCost();

    private static IEnumerable<string> Charges(int both, int assaultOnly, int other) =>
        Enumerable.Repeat("aslt assault ord", both).Concat(Enumerable.Repeat("assault 3", assaultOnly)).Concat(Enumerable.Repeat("vault burglary", other));

    [Fact]
    public void An_expansion_covered_by_a_heavier_one_is_skipped_and_every_score_stays_the_same()
    {
        using var reader = Index(Charges(1500, 500, 1000));
        var searcher = new IndexSearcher(reader);
        var plain = EveryScore(searcher, Expansions(new DisjunctionMaxQuery(0f)));
        var best = EveryScore(searcher, Expansions(new BestOfTermsQuery()));

        Assert.Equal(2000, plain.Count);
        Assert.Equal(plain, best);
        // Only "assault"'s 2,000 postings are read, not "aslt"'s 1,500 as well.
        Assert.Equal(2000, Cost(searcher, Expansions(new BestOfTermsQuery())));
        Assert.Equal(3500, Cost(searcher, Expansions(new DisjunctionMaxQuery(0f))));
    }

    [Fact]
    public void An_expansion_that_some_document_holds_more_often_than_the_heavier_one_is_read()
    {
        // One charge says "aslt" twice and "assault" once: there "aslt" may score higher, so it must be read.
        using var reader = Index(Charges(1500, 500, 1000).Append("aslt aslt assault"));
        var searcher = new IndexSearcher(reader);

        Assert.Equal(EveryScore(searcher, Expansions(new DisjunctionMaxQuery(0f))), EveryScore(searcher, Expansions(new BestOfTermsQuery())));
        Assert.Equal(3502, Cost(searcher, Expansions(new BestOfTermsQuery())));
    }

    [Fact]
    public void An_expansion_found_without_the_heavier_word_is_read_and_its_documents_match()
    {
        using var reader = Index(Charges(1500, 500, 1000).Append("aslt 2"));
        var searcher = new IndexSearcher(reader);
        var best = EveryScore(searcher, Expansions(new BestOfTermsQuery()));

        Assert.Equal(2001, best.Count);
        Assert.Equal(EveryScore(searcher, Expansions(new DisjunctionMaxQuery(0f))), best);
    }

    [Fact]
    public void A_lighter_word_is_never_skipped_in_favour_of_a_covering_word_that_weighs_less()
    {
        // Boosts reversed: "aslt" now weighs more than "assault", so nothing covers it and both are read.
        using var reader = Index(Charges(1500, 500, 1000));
        var searcher = new IndexSearcher(reader);
        Query Reversed(DisjunctionMaxQuery query)
        {
            query.Add(new TermQuery(new Term(FieldName, "assault")) { Boost = 0.5f });
            query.Add(new TermQuery(new Term(FieldName, "aslt")) { Boost = 3f });
            return query;
        }

        Assert.Equal(EveryScore(searcher, Reversed(new DisjunctionMaxQuery(0f))), EveryScore(searcher, Reversed(new BestOfTermsQuery())));
        Assert.Equal(3500, Cost(searcher, Reversed(new BestOfTermsQuery())));
    }
}
