using System.Runtime.CompilerServices;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Int64 = J2N.Numerics.Int64;

namespace DetainerGraph.Search;

public sealed partial class LuceneChargeSearch
{
    /// <summary>
    /// Hits sort by score, then by charge id. The charge id tie-break reads the <c>sort_id</c> doc values from memory:
    /// Lucene's own INT64 comparator reads them from the file through <see cref="Lucene.Net.Store.NIOFSDirectory"/>'s
    /// 1 KB buffer, and on a broad query, where many hits tie on score (the same charge text scores the same), a
    /// buffer refill per compared hit was a third of the search's time ("asault" at 100k: 27% of the samples).
    /// </summary>
    private static readonly SortField ChargeIdSort = new(SortIdField, new ChargeIdComparerSource());

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

    private sealed class ChargeIdComparerSource : FieldComparerSource
    {
        public override FieldComparer NewComparer(string fieldname, int numHits, int sortPos, bool reversed) => new ChargeIdComparer(numHits);
    }

    /// <summary>Ascending charge id, like <see cref="SortFieldType.INT64"/> on <c>sort_id</c> (a missing value is 0), from <see cref="ChargeIds"/>.</summary>
    private sealed class ChargeIdComparer(int numHits) : FieldComparer<Int64>
    {
        private readonly long[] _slots = new long[numHits];
        private long[] _current = [];
        private long _bottom;
        private long _top;

        public override int Compare(int slot1, int slot2) => _slots[slot1].CompareTo(_slots[slot2]);

        public override void SetBottom(int slot) => _bottom = _slots[slot];

        public override void SetTopValue(Int64 value) => _top = value.ToInt64();

        public override int CompareBottom(int doc) => _bottom.CompareTo(_current[doc]);

        public override int CompareTop(int doc) => _top.CompareTo(_current[doc]);

        public override void Copy(int slot, int doc) => _slots[slot] = _current[doc];

        public override FieldComparer SetNextReader(AtomicReaderContext context)
        {
            _current = ChargeIds(context.AtomicReader);
            return this;
        }

        public override Int64 this[int slot] => Int64.GetInstance(_slots[slot]);
    }
}
