using System.Linq.Expressions;
using DetainerGraph.Data;

namespace DetainerGraph.Detainers;

/// <summary>
/// One rollup's rows in memory (<see cref="RollupColumns"/>), with what they name; immutable once loaded. Each dimension is
/// worked out once per copy, on first use (each row's value as a small number, the distinct values, their key order), so a
/// grouping by any of them together is one pass that sums the matching rows under a number made of their values' numbers,
/// whatever the combination. Each answer is null when the question is not this rollup's (a member it does not hold) or
/// cannot be run exactly in memory (<see cref="ResidentExpressions"/>).
/// </summary>
public abstract class ResidentRollup
{
    /// <summary>The copy of a rollup whose rows are <typeparamref name="TRow"/>.</summary>
    public static ResidentRollup Of<TRow>(RollupColumns rows) => new ResidentRollup<TRow>(rows);

    public abstract int Rows { get; }

    /// <summary>The rollup's rows as columns.</summary>
    public abstract RollupColumns Columns { get; }

    /// <summary>How many detainers <paramref name="detainers"/> holds, summed here.</summary>
    public abstract long? TryCount(IQueryable<Detainer> detainers);

    /// <summary>
    /// Whether it is certain here that <paramref name="detainers"/> holds no detainer: no row matches the parts of its filter
    /// that this rollup can run exactly (the others are left out, so a row that matches these may still not match; false
    /// then). Stops at the first row that may match, so it costs a whole pass only when nothing or almost nothing does.
    /// </summary>
    public abstract bool KnownEmpty(IQueryable<Detainer> detainers);

    /// <summary>
    /// <paramref name="detainers"/>' filter as a delegate over this rollup's row numbers (compiled once per copy and filter); with
    /// <paramref name="necessaryOnly"/>, of the parts that run exactly here (a superset of the rows). Null when it is not this rollup's.
    /// </summary>
    public abstract Func<int, bool>? Matcher(IQueryable<Detainer> detainers, bool necessaryOnly = false);

    /// <summary>
    /// The groups <see cref="DetainerStats.Groups"/> would read from the rollup, summed and ordered here as the SQL orders them
    /// (<see cref="GroupOrder"/>).
    /// </summary>
    public abstract IQueryable<DetainerStatsGroup>? TryGroups(
        IQueryable<Detainer> detainers, IReadOnlyList<DetainerStatsDimension> dimensions, DetainerStatsOrder order, bool withOutcomes);
}

internal sealed class ResidentRollup<TRow>(RollupColumns rows) : ResidentRollup
{
    private static readonly int Outcomes = Enum.GetValues<DetainerOutcome>().Length;

    /// <summary>Combinations with at most this many possible groups are summed in arrays; more, in a dictionary of the groups found.</summary>
    private const long DenseGroups = 1 << 16;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<DetainerStatsDimension, Lazy<Column?>> _columns = new();

    /// <summary>
    /// The filters compiled for this copy, by their text with every captured value written out (<see cref="ResidentExpressions.Key"/>),
    /// each with what has been summed with it: compiling one costs 0.3-1.5 ms, more than a pass over a coarse rollup, and a page
    /// asks twice (is it empty, and its count). The copy never changes, so a count once summed is the count of every later
    /// question of the same filter on it.
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Compiled?> _compiled = new(StringComparer.Ordinal);

    /// <summary>The most compiled filters kept per copy.</summary>
    private const int MaxMatchers = 256;

    /// <summary>The longest key of a kept filter, so the kept keys stay under about 2 MB per copy.</summary>
    private const int MaxKeyLength = 4_096;

    public override int Rows => rows.Length;

    public override RollupColumns Columns => rows;

    public override long? TryCount(IQueryable<Detainer> detainers) => Compile(detainers, necessaryOnly: false)?.Count(rows.Count);

    public override bool KnownEmpty(IQueryable<Detainer> detainers) => Compile(detainers, necessaryOnly: true)?.NoneMay(rows.Count) == true;

    public override Func<int, bool>? Matcher(IQueryable<Detainer> detainers, bool necessaryOnly = false) => Compile(detainers, necessaryOnly)?.Matches;

    private Compiled? Compile(IQueryable<Detainer> detainers, bool necessaryOnly)
    {
        if (DetainerCountRollup.TryRewritePredicates<TRow>(detainers, necessaryOnly) is not { } predicates)
        {
            return null;
        }
        if (ResidentExpressions.Key(predicates, necessaryOnly) is not { Length: <= MaxKeyLength } key)
        {
            // Not kept: a filter whose values cannot be read, or one of long lists (1,000 texts of 30 letters make a key of
            // about 40,000 characters; 256 of them would hold some 20 MB per rollup).
            return Compiled.Of(ResidentExpressions.TryPredicate(predicates, rows, necessaryOnly));
        }
        if (_compiled.TryGetValue(key, out var known))
        {
            return known;
        }
        var compiled = Compiled.Of(ResidentExpressions.TryPredicate(predicates, rows, necessaryOnly));
        if (_compiled.Count >= MaxMatchers)
        {
            // Many different filters (a client, or an attacker, asking each once): start again rather than grow.
            _compiled.Clear();
        }
        _compiled[key] = compiled;
        return compiled;
    }

    /// <summary>
    /// A filter compiled over this copy's row numbers, with its sum and whether any counted row may match, each worked out on
    /// first use. Two requests that ask at once may both work one out; they find the same.
    /// </summary>
    private sealed class Compiled(Func<int, bool> matches)
    {
        private const long Unknown = -1;
        private long _count = Unknown;
        private int _noneMay = -1;

        public Func<int, bool> Matches { get; } = matches;

        public static Compiled? Of(Func<int, bool>? matches) => matches is null ? null : new Compiled(matches);

        /// <summary>The sum of the counts of the rows it matches.</summary>
        public long Count(long[] counts)
        {
            var known = Volatile.Read(ref _count);
            if (known != Unknown)
            {
                return known;
            }
            long total = 0;
            for (var i = 0; i < counts.Length; i++)
            {
                if (Matches(i))
                {
                    total += counts[i];
                }
            }
            Volatile.Write(ref _count, total);
            return total;
        }

        /// <summary>Whether no row that counts a detainer matches (stops at the first that does).</summary>
        public bool NoneMay(long[] counts)
        {
            var known = Volatile.Read(ref _noneMay);
            if (known >= 0)
            {
                return known == 1;
            }
            var none = true;
            for (var i = 0; i < counts.Length; i++)
            {
                if (counts[i] > 0 && Matches(i))
                {
                    none = false;
                    break;
                }
            }
            Volatile.Write(ref _noneMay, none ? 1 : 0);
            return none;
        }
    }

    public override IQueryable<DetainerStatsGroup>? TryGroups(
        IQueryable<Detainer> detainers, IReadOnlyList<DetainerStatsDimension> dimensions, DetainerStatsOrder order, bool withOutcomes)
    {
        if (withOutcomes && rows.Outcome is null)
        {
            return null;
        }
        var columns = new Column[dimensions.Count];
        long possible = 1;
        for (var d = 0; d < columns.Length; d++)
        {
            if (ColumnOf(dimensions[d]) is not { } column)
            {
                return null;
            }
            columns[d] = column;
            // A group's number: its values' numbers in mixed radix, which also sorts as the keys do when each digit is a rank. A
            // combination with more possible groups than a long numbers (many fine dimensions at once) is the database's: checked
            // before multiplying (a checked product threw, which answered INTERNAL_SERVER_ERROR).
            var radix = Math.Max(1, column.Values.Length);
            if (possible > long.MaxValue / radix)
            {
                return null;
            }
            possible *= radix;
        }
        // The filter last: compiling it is the dearest refusal.
        if (Matcher(detainers) is not { } matches)
        {
            return null;
        }
        var dense = possible <= DenseGroups;
        var index = dense ? null : new Dictionary<long, int>();
        var counts = new List<long>();
        var codes = new List<long>();
        var outcomes = withOutcomes ? new List<long[]>() : null;
        var slotOfCode = dense ? new int[possible] : null;
        var rowCounts = rows.Count;
        var rowOutcomes = rows.Outcome;
        for (var i = 0; i < rowCounts.Length; i++)
        {
            if (!matches(i))
            {
                continue;
            }
            long code = 0;
            foreach (var column in columns)
            {
                code = code * column.Values.Length + column.CodeOfRow[i];
            }
            int slot;
            if (dense)
            {
                slot = slotOfCode![code] - 1;
                if (slot < 0)
                {
                    slotOfCode[code] = (slot = counts.Count) + 1;
                }
            }
            else if (!index!.TryGetValue(code, out slot))
            {
                index.Add(code, slot = counts.Count);
            }
            if (slot == counts.Count)
            {
                counts.Add(0);
                codes.Add(code);
                outcomes?.Add(new long[Outcomes]);
            }
            counts[slot] += rowCounts[i];
            if (outcomes is not null)
            {
                outcomes[slot][(int)rowOutcomes![i]] += rowCounts[i];
            }
        }
        // Each group's place in key order: its values' ranks in the same mixed radix.
        var ranks = new long[codes.Count];
        var digits = new int[columns.Length];
        for (var g = 0; g < codes.Count; g++)
        {
            Decode(codes[g], columns, digits);
            long rank = 0;
            for (var d = 0; d < columns.Length; d++)
            {
                rank = rank * columns[d].Values.Length + columns[d].RankOfValue[digits[d]];
            }
            ranks[g] = rank;
        }
        var found = Enumerable.Range(0, codes.Count).ToArray();
        Array.Sort(found, order switch
        {
            DetainerStatsOrder.CountDesc => (x, y) => counts[x] != counts[y] ? counts[y].CompareTo(counts[x]) : ranks[x].CompareTo(ranks[y]),
            DetainerStatsOrder.CountAsc => (x, y) => counts[x] != counts[y] ? counts[x].CompareTo(counts[y]) : ranks[x].CompareTo(ranks[y]),
            DetainerStatsOrder.KeyDesc => (x, y) => ranks[y].CompareTo(ranks[x]),
            _ => (x, y) => ranks[x].CompareTo(ranks[y]),
        });
        // Made when read: a page of 100 groups out of 300,000 builds 100 (LINQ's Skip/Take and Count index a list).
        var result = new LazyList<DetainerStatsGroup>(found.Length, n =>
        {
            var g = found[n];
            var groupDigits = new int[columns.Length];
            Decode(codes[g], columns, groupDigits);
            var keys = new DetainerStatsKey();
            for (var d = 0; d < columns.Length; d++)
            {
                columns[d].CopyValue(columns[d].Values[groupDigits[d]], keys);
            }
            return new DetainerStatsGroup
            {
                Keys = keys,
                Count = (int)counts[g],
                Outcomes = outcomes is null ? null : OutcomesOf(outcomes[g]),
            };
        });
        return new ResidentQueryable<DetainerStatsGroup>(result.AsQueryable());
    }

    private static void Decode(long code, Column[] columns, int[] digits)
    {
        for (var d = columns.Length - 1; d >= 0; d--)
        {
            var radix = columns[d].Values.Length;
            digits[d] = (int)(code % radix);
            code /= radix;
        }
    }

    /// <summary>The snapshot's column for <paramref name="dimension"/>, made once on first use; null when its key cannot be run in memory.</summary>
    private Column? ColumnOf(DetainerStatsDimension dimension) =>
        _columns.GetOrAdd(dimension, d => new Lazy<Column?>(() => Column.Make(rows, d))).Value;

    private static DetainerOutcomeCounts OutcomesOf(long[] sums)
    {
        var counts = new DetainerOutcomeCounts();
        foreach (var (outcome, property) in DetainerOutcomeCounts.Properties)
        {
            property.SetValue(counts, (int)sums[(int)outcome]);
        }
        return counts;
    }

    /// <summary>
    /// One dimension over the snapshot's rows: each row's value as a number, the distinct values (keys with only this dimension's
    /// members set), each value's rank in ascending key order, and how to copy its members into a group's key.
    /// </summary>
    private sealed class Column(int[] codeOfRow, DetainerStatsKey[] values, int[] rankOfValue, Action<DetainerStatsKey, DetainerStatsKey> copyValue)
    {
        public int[] CodeOfRow { get; } = codeOfRow;
        public DetainerStatsKey[] Values { get; } = values;
        public int[] RankOfValue { get; } = rankOfValue;
        public Action<DetainerStatsKey, DetainerStatsKey> CopyValue { get; } = copyValue;

        public static Column? Make(RollupColumns rows, DetainerStatsDimension dimension)
        {
            // The same key selector the SQL groups by, rewritten onto the rollup and compiled (or refused).
            if (DetainerCountRollup.RewriteKey<TRow>(DetainerStats.KeySelector<Detainer>([dimension], d => d)) is not { } rowKey
                || ResidentExpressions.TryKeyWriter(rowKey, rows) is not { } write)
            {
                return null;
            }
            var index = new Dictionary<DetainerStatsKey, int>(DetainerStatsKeyComparer.Instance);
            var values = new List<DetainerStatsKey>();
            var codeOfRow = new int[rows.Length];
            var scratch = new DetainerStatsKey();
            for (var i = 0; i < rows.Length; i++)
            {
                write(i, scratch);
                if (!index.TryGetValue(scratch, out var code))
                {
                    var value = scratch.Copy();
                    index.Add(value, code = values.Count);
                    values.Add(value);
                }
                codeOfRow[i] = code;
            }
            var byKey = Enumerable.Range(0, values.Count).ToArray();
            Array.Sort(byKey, GroupOrder.ByKey([dimension], values));
            var rank = new int[values.Count];
            for (var r = 0; r < byKey.Length; r++)
            {
                rank[byKey[r]] = r;
            }
            return new Column(codeOfRow, [.. values], rank, Copier(dimension));
        }

        /// <summary><c>(from, to) => { to.M = from.M; ... }</c> for the dimension's members.</summary>
        private static Action<DetainerStatsKey, DetainerStatsKey> Copier(DetainerStatsDimension dimension)
        {
            var from = Expression.Parameter(typeof(DetainerStatsKey), "from");
            var to = Expression.Parameter(typeof(DetainerStatsKey), "to");
            var copies = DetainerStats.Members(dimension)
                .Select(m => (Expression)Expression.Assign(Expression.Property(to, m), Expression.Property(from, m)));
            return Expression.Lambda<Action<DetainerStatsKey, DetainerStatsKey>>(Expression.Block(copies), from, to).Compile();
        }
    }
}
