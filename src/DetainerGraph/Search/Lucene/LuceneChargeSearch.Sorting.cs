using System.Buffers.Text;
using System.Runtime.CompilerServices;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;

namespace DetainerGraph.Search;

public sealed partial class LuceneChargeSearch
{
    // Hits sort by score, then by charge id (RankedPageCollector). The charge id tie-break reads each segment's ids from
    // memory: Lucene's own INT64 comparator read doc values from the file through NIOFSDirectory's 1 KB buffer, and on a
    // broad query, where many hits tie on score (the same charge text scores the same), a buffer refill per compared
    // hit was a third of the search's time ("asault" at 100k: 27% of the samples).
    //
    // The ids come from the id field's terms (every document has exactly one: its charge id in decimal), not from
    // doc values. Documents no longer carry the sort_id doc values that indexes written before 2026-11-30 hold: with
    // Lucene.NET 4.8.0-beta00017, adding a numeric doc value measures the writer's buffer by reflection on every
    // document (NumericDocValuesWriter passes a FixedBitSet to RamUsageEstimator.SizeOf(object)): 4% of a 300k import's
    // CPU samples, plus the garbage it makes. The terms give every segment the same ids, old or new, merged or not.

    /// <summary>
    /// Each segment's charge ids by document, read once per segment from its id terms (8 bytes a document; segments
    /// never change, so a refreshed reader reuses the arrays of the segments it kept). Keyed by the segment's core, so
    /// an array is dropped with its segment. A deleted document keeps its id here (its term stays until a merge).
    /// </summary>
    private static readonly ConditionalWeakTable<object, long[]> SegmentChargeIds = [];

    private static long[] ChargeIds(AtomicReader reader) =>
        SegmentChargeIds.GetValue(reader.CoreCacheKey, _ => ReadChargeIds(reader));

    private static long[] ReadChargeIds(AtomicReader reader)
    {
        var ids = new long[reader.MaxDoc];
        if (reader.GetTerms(IdField) is not { } terms)
        {
            return ids;
        }
        var termsEnum = terms.GetEnumerator();
        DocsEnum? docs = null;
        while (termsEnum.MoveNext())
        {
            var term = termsEnum.Term;
            if (!Utf8Parser.TryParse(term.Bytes.AsSpan(term.Offset, term.Length), out long id, out var used) || used != term.Length)
            {
                throw new InvalidDataException($"The search index holds a charge key that is not a number: '{term.Utf8ToString()}'.");
            }
            docs = termsEnum.Docs(null, docs, DocsFlags.NONE);
            for (var doc = docs.NextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = docs.NextDoc())
            {
                ids[doc] = id;
            }
        }
        return ids;
    }

    /// <summary>Every document whose charge key is at least <paramref name="first"/> (read from <see cref="ChargeIds"/>).</summary>
    private sealed class FromKeyFilter(long first) : Filter
    {
        public override DocIdSet GetDocIdSet(AtomicReaderContext context, IBits? acceptDocs)
        {
            var ids = ChargeIds(context.AtomicReader);
            var bits = new FixedBitSet(ids.Length);
            for (var doc = 0; doc < ids.Length; doc++)
            {
                if (ids[doc] >= first)
                {
                    bits.Set(doc);
                }
            }
            return BitsFilteredDocIdSet.Wrap(bits, acceptDocs);
        }
    }
}
