using System.Runtime.CompilerServices;
using Lucene.Net.Index;
using Lucene.Net.Search;

namespace DetainerGraph.Search;

public sealed partial class LuceneChargeSearch
{
    // Hits sort by score, then by charge id (RankedPageCollector). The charge id tie-break reads the sort_id doc
    // values from memory: Lucene's own INT64 comparator read them from the file through NIOFSDirectory's 1 KB buffer,
    // and on a broad query, where many hits tie on score (the same charge text scores the same), a buffer refill per
    // compared hit was a third of the search's time ("asault" at 100k: 27% of the samples).

    /// <summary>
    /// Each segment's charge ids by document, read once per segment (8 bytes a document; segments never change,
    /// so a refreshed reader reuses the arrays of the segments it kept). Keyed by the segment's core, so an array
    /// is dropped with its segment.
    /// </summary>
    private static readonly ConditionalWeakTable<object, long[]> SegmentChargeIds = [];

    private static long[] ChargeIds(AtomicReader reader) =>
        SegmentChargeIds.GetValue(reader.CoreCacheKey, _ =>
        {
            var ids = new long[reader.MaxDoc];
            if (reader.GetNumericDocValues(SortIdField) is { } values)
            {
                for (var doc = 0; doc < ids.Length; doc++)
                {
                    ids[doc] = values.Get(doc);
                }
            }
            return ids;
        });
}
