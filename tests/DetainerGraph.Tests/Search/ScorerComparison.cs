using System.Globalization;
using Lucene.Net.Analysis.Core;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;

namespace DetainerGraph.Tests.Search;

/// <summary>
/// What the tests of the engine's own queries (<see cref="DetainerGraph.Search.WindowedConjunctionQuery"/>,
/// <see cref="DetainerGraph.Search.PrefixFieldsQuery"/>) compare with Lucene's plain query: every hit with its score's
/// bits, through a collector or through the bulk scorer stopped every few documents, with or without a filter.
/// </summary>
internal static class ScorerComparison
{
    /// <summary>
    /// A test index with one segment per entry of <paramref name="sizes"/>, each committed apart and never merged (BM25,
    /// whitespace analysis, no compound files). Its documents are made in order by <paramref name="document"/> (the
    /// segment's number, the document's number over all) and must carry that number in <paramref name="idField"/>; then
    /// every <paramref name="deleteEvery"/>-th of them is deleted by it (0: none), and <paramref name="alsoDelete"/>, in
    /// one last commit.
    /// </summary>
    public static DirectoryReader SegmentedIndex(int[] sizes, Func<int, int, Document> document, string idField, int deleteEvery, Term? alsoDelete = null)
    {
        var directory = new RAMDirectory();
        var config = new IndexWriterConfig(LuceneVersion.LUCENE_48, new WhitespaceAnalyzer(LuceneVersion.LUCENE_48))
        {
            Similarity = new BM25Similarity(),
            MergePolicy = NoMergePolicy.NO_COMPOUND_FILES,
        };
        using (var writer = new IndexWriter(directory, config))
        {
            var n = 0;
            for (var s = 0; s < sizes.Length; s++)
            {
                for (var i = 0; i < sizes[s]; i++, n++)
                {
                    writer.AddDocument(document(s, n));
                }
                writer.Commit();
            }
            for (var i = 0; deleteEvery > 0 && i < n; i += deleteEvery)
            {
                writer.DeleteDocuments(new Term(idField, i.ToString(CultureInfo.InvariantCulture)));
            }
            if (alsoDelete is not null)
            {
                writer.DeleteDocuments(alsoDelete);
            }
            writer.Commit();
        }
        return DirectoryReader.Open(directory);
    }

    /// <summary>Every hit as (document, score bits), best first, then by document; and the total.</summary>
    public static (List<(int Doc, int Score)> Hits, int Total) Everything(IndexSearcher searcher, Query query, bool inOrder)
    {
        var collector = TopScoreDocCollector.Create(searcher.IndexReader.MaxDoc, inOrder);
        searcher.Search(query, collector);
        var top = collector.GetTopDocs();
        return ([.. top.ScoreDocs.Select(d => (d.Doc, BitConverter.SingleToInt32Bits(d.Score)))], top.TotalHits);
    }

    public static void Same((List<(int Doc, int Score)> Hits, int Total) expected, (List<(int Doc, int Score)> Hits, int Total) actual)
    {
        Assert.Equal(expected.Total, actual.Total);
        Assert.Equal(expected.Hits, actual.Hits);
    }

    /// <summary>Every hit of each segment as (global document, score bits), scored by the bulk scorer in calls that stop every <paramref name="step"/> documents.</summary>
    public static List<(int Doc, int Score)> InSteps(IndexSearcher searcher, Query query, Func<AtomicReaderContext, IBits?> accept, int step)
    {
        var weight = searcher.CreateNormalizedWeight(query);
        var hits = new List<(int Doc, int Score)>();
        foreach (var leaf in searcher.IndexReader.Leaves)
        {
            var collector = new Recorder(hits, leaf.DocBase);
            if (weight.GetBulkScorer(leaf, true, accept(leaf)) is not { } scorer)
            {
                continue;
            }
            for (var max = step; scorer.Score(collector, max); max += step)
            {
                Assert.True(max < int.MaxValue - step, "the scorer never finished");
            }
        }
        return hits;
    }

    /// <summary>
    /// The accepted documents a bulk scorer is given: the segment's live documents, or a bit set of every third document
    /// from 1 (a filter's bits) combined with them.
    /// </summary>
    public static readonly Func<AtomicReaderContext, IBits?>[] LiveOrEveryThird =
    [
        leaf => leaf.AtomicReader.LiveDocs,
        leaf =>
        {
            var bits = new FixedBitSet(leaf.AtomicReader.MaxDoc);
            for (var doc = 1; doc < bits.Length; doc += 3)
            {
                bits.Set(doc);
            }
            return leaf.AtomicReader.LiveDocs is null ? bits : new AndBits(bits, leaf.AtomicReader.LiveDocs);
        },
    ];

    /// <summary>
    /// A filter of every third document (random access, as the engine's cached filters), from <paramref name="from"/> on in each
    /// segment: from 0 Lucene's default strategy applies it by random access, from past 100 by leap-frog.
    /// </summary>
    public sealed class EveryThird(int from) : Filter
    {
        public override DocIdSet GetDocIdSet(AtomicReaderContext context, IBits acceptDocs)
        {
            var bits = new FixedBitSet(context.AtomicReader.MaxDoc);
            for (var doc = from; doc < bits.Length; doc += 3)
            {
                bits.Set(doc);
            }
            return BitsFilteredDocIdSet.Wrap(bits, acceptDocs);
        }
    }

    /// <summary>The documents both accept.</summary>
    public sealed class AndBits(IBits a, IBits b) : IBits
    {
        public int Length => a.Length;

        public bool Get(int index) => a.Get(index) && b.Get(index);
    }

    private sealed class Recorder(List<(int Doc, int Score)> hits, int docBase) : ICollector
    {
        private Scorer? _scorer;

        public bool AcceptsDocsOutOfOrder => false;

        public void SetScorer(Scorer scorer) => _scorer = scorer;

        public void SetNextReader(AtomicReaderContext context)
        {
        }

        public void Collect(int doc) => hits.Add((docBase + doc, BitConverter.SingleToInt32Bits(_scorer!.GetScore())));
    }
}
