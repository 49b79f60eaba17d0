using System.Runtime.InteropServices;
using DetainerGraph.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace DetainerGraph.Detainers;

/// <summary>
/// The values of a new detainer that make its <see cref="DetainerCount"/> key, apart from the source's own (its id, whether
/// it is synthetic) and the retraction (a detainer is imported unretracted). The months are the first day of the month of
/// <see cref="Detainer.IssuedOn"/> and <see cref="Detainer.OutcomeRecordedOn"/>.
/// </summary>
public readonly record struct SourceRollupKey(
    int? JurisdictionId, int? FacilityId, DateOnly? WeekStart, DetainerOutcome Outcome, DetainerType DetainerType, string? Citizenship,
    DateOnly? IssuedMonth, DateOnly? OutcomeMonth)
{
    public static DateOnly? MonthOf(DateOnly? date) => date is { } d ? new DateOnly(d.Year, d.Month, 1) : null;
}

/// <summary>
/// A SQLite bulk import's fine rollup groups, counted in memory from the rows it wrote, so that no <c>GROUP BY</c> over a
/// million just-written rows (a sort of all of them) runs in the import's single-threaded tail: the import counts them on
/// another thread while SQLite rebuilds the indexes. <see cref="Sort"/> puts them in the order that <c>GROUP BY</c>
/// gave (SQLite's: NULL first, integers and dates by value, text by its UTF-8 bytes), so the <c>DetainerCounts</c> rows
/// and their row ids are the same as before. Not thread-safe: one thread counts, then sorts.
/// </summary>
public sealed class SourceRollupGroups
{
    private readonly Dictionary<SourceRollupKey, long> _counts = [];
    private readonly Dictionary<DetainerOutcome, string> _outcomes;
    private readonly Dictionary<DetainerType, string> _types;
    private List<(SourceRollupKey Key, long Count)>? _sorted;
    private List<(TotalKey Key, long Count)>? _totals;
    private List<(CoarseKey Key, long Count)>[]? _coarse;

    /// <summary>Reads the enums' stored texts from the model (the converters the bulk insert writes them with).</summary>
    public SourceRollupGroups(IModel model)
    {
        var detainer = model.FindEntityType(typeof(Detainer)) ?? throw new InvalidOperationException("Detainer is not in the model.");
        foreach (var name in new[] { nameof(Detainer.IssuedOn), nameof(Detainer.OutcomeRecordedOn), nameof(Detainer.WeekStart) })
        {
            // The months are written yyyy-MM-01 here, as substr(date, 1, 8) || '01' of a date stored as yyyy-MM-dd.
            if (detainer.FindProperty(name)?.GetTypeMapping().Converter is not null)
            {
                throw new NotSupportedException($"Detainer.{name} is stored through a converter: the in-memory rollup groups assume yyyy-MM-dd text.");
            }
        }
        _outcomes = Texts<DetainerOutcome>(detainer, nameof(Detainer.Outcome));
        _types = Texts<DetainerType>(detainer, nameof(Detainer.DetainerType));
    }

    private static Dictionary<TEnum, string> Texts<TEnum>(IEntityType detainer, string property)
        where TEnum : struct, Enum
    {
        var converter = detainer.FindProperty(property)?.GetTypeMapping().Converter
            ?? throw new NotSupportedException($"Detainer.{property} has no converter to text.");
        return Enum.GetValues<TEnum>().ToDictionary(v => v, v => converter.ConvertToProvider(v) as string
            ?? throw new NotSupportedException($"Detainer.{property} is not stored as text."));
    }

    /// <summary>How many groups so far.</summary>
    public int Count => _counts.Count;

    /// <summary>Counts one detainer.</summary>
    public void Add(in SourceRollupKey key) => CollectionsMarshal.GetValueRefOrAddDefault(_counts, key, out _)++;

    /// <summary>Sorts the groups counted so far into the order of the <c>GROUP BY</c> they replace, for <see cref="Write"/>.</summary>
    public IReadOnlyList<(SourceRollupKey Key, long Count)> Sort(CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var groups = new List<(SourceRollupKey Key, long Count)>(_counts.Count);
        foreach (var (key, count) in _counts)
        {
            groups.Add((key, count));
        }
        groups.Sort((a, b) => Compare(a.Key, b.Key));
        _sorted = groups;
        return groups;
    }

    /// <summary>
    /// After <see cref="Sort"/>: the new source's <c>DetainerTotals</c> rows and the groups of each coarse rollup
    /// (<see cref="CoarseRollup"/>), summed from the fine groups and sorted as the <c>GROUP BY</c>s over them gave them.
    /// <paramref name="regions"/> holds the state and field office of every jurisdiction the groups name, as stored.
    /// </summary>
    public void Summarize(IReadOnlyDictionary<int, (string State, string? FieldOffice)> regions, CancellationToken ct)
    {
        var groups = _sorted ?? throw new InvalidOperationException("The groups are sorted before they are summed.");
        var totals = new Dictionary<TotalKey, long>();
        var coarse = new Dictionary<CoarseKey, long>[CoarseRollups];
        for (var i = 0; i < coarse.Length; i++)
        {
            coarse[i] = [];
        }
        var done = 0;
        foreach (var (key, count) in groups)
        {
            if (++done % 65_536 == 0)
            {
                ct.ThrowIfCancellationRequested();
            }
            CollectionsMarshal.GetValueRefOrAddDefault(totals, new TotalKey(key.Outcome, key.DetainerType, key.IssuedMonth, key.OutcomeMonth), out _) += count;
            var (state, office) = key.JurisdictionId is { } id ? regions[id] : ((string?)null, (string?)null);
            CollectionsMarshal.GetValueRefOrAddDefault(coarse[(int)CoarseRollup.RegionWeek],
                new CoarseKey(state, key.WeekStart, office, key.Outcome, key.DetainerType), out _) += count;
            CollectionsMarshal.GetValueRefOrAddDefault(coarse[(int)CoarseRollup.RegionMonth],
                new CoarseKey(state, key.IssuedMonth, office, key.Outcome, key.DetainerType), out _) += count;
            CollectionsMarshal.GetValueRefOrAddDefault(coarse[(int)CoarseRollup.CitizenshipWeek],
                new CoarseKey(key.Citizenship, key.WeekStart, null, key.Outcome, key.DetainerType), out _) += count;
            CollectionsMarshal.GetValueRefOrAddDefault(coarse[(int)CoarseRollup.StateWeek],
                new CoarseKey(state, key.WeekStart, null, key.Outcome, default), out _) += count;
        }
        ct.ThrowIfCancellationRequested();
        _totals = [.. totals.Select(p => (p.Key, p.Value))];
        _totals.Sort((a, b) => Compare(a.Key, b.Key));
        _coarse = [.. coarse.Select(c =>
        {
            var sorted = c.Select(p => (p.Key, p.Value)).ToList();
            sorted.Sort((a, b) => Compare(a.Key, b.Key));
            return sorted;
        })];
    }

    /// <summary>The coarse rollups, in the order of <see cref="DetainerCountRollup"/>'s merge.</summary>
    public enum CoarseRollup
    {
        RegionWeek,
        RegionMonth,
        CitizenshipWeek,
        StateWeek,
    }

    private const int CoarseRollups = 4;

    /// <summary>A <c>DetainerTotals</c> key of the new source (its id, retraction and synthetic flag are the source's own).</summary>
    public readonly record struct TotalKey(DetainerOutcome Outcome, DetainerType DetainerType, DateOnly? IssuedMonth, DateOnly? OutcomeMonth);

    /// <summary>
    /// A coarse rollup's key, in the order of its <c>GROUP BY</c>: a text (the state, or the citizenship), a date (the week or
    /// the issue month), the field office (null where the rollup has none), the outcome and the detainer type (the default
    /// where the rollup has none). The retraction and synthetic flag are the source's own.
    /// </summary>
    public readonly record struct CoarseKey(string? Text, DateOnly? Date, string? FieldOffice, DetainerOutcome Outcome, DetainerType DetainerType);

    /// <summary>The <c>DetainerTotals</c> rows from <see cref="Summarize"/>, in order.</summary>
    public IReadOnlyList<(TotalKey Key, long Count)> Totals => _totals ?? throw new InvalidOperationException("Summarize first.");

    /// <summary>A coarse rollup's groups from <see cref="Summarize"/>, in order.</summary>
    public IReadOnlyList<(CoarseKey Key, long Count)> Coarse(CoarseRollup rollup) =>
        (_coarse ?? throw new InvalidOperationException("Summarize first."))[(int)rollup];

    private int Compare(in TotalKey a, in TotalKey b)
    {
        var c = CompareOutcome(a.Outcome, b.Outcome);
        if (c == 0) c = CompareType(a.DetainerType, b.DetainerType);
        if (c == 0) c = CompareNullable(a.IssuedMonth, b.IssuedMonth);
        if (c == 0) c = CompareNullable(a.OutcomeMonth, b.OutcomeMonth);
        return c;
    }

    private int Compare(in CoarseKey a, in CoarseKey b)
    {
        var c = CompareText(a.Text, b.Text);
        if (c == 0) c = CompareNullable(a.Date, b.Date);
        if (c == 0) c = CompareText(a.FieldOffice, b.FieldOffice);
        if (c == 0) c = CompareOutcome(a.Outcome, b.Outcome);
        if (c == 0) c = CompareType(a.DetainerType, b.DetainerType);
        return c;
    }

    // The outcome and the detainer type are stored as their text, so groups sort by it, not by the enum's value.
    private int CompareOutcome(DetainerOutcome a, DetainerOutcome b) => a == b ? 0 : CompareText(_outcomes[a], _outcomes[b]);

    private int CompareType(DetainerType a, DetainerType b) => a == b ? 0 : CompareText(_types[a], _types[b]);

    /// <summary>The <c>GROUP BY</c>'s key order: JurisdictionId, FacilityId, WeekStart, Outcome, DetainerType, Citizenship, the months.</summary>
    private int Compare(in SourceRollupKey a, in SourceRollupKey b)
    {
        var c = CompareNullable(a.JurisdictionId, b.JurisdictionId);
        if (c == 0) c = CompareNullable(a.FacilityId, b.FacilityId);
        if (c == 0) c = CompareNullable(a.WeekStart, b.WeekStart);
        if (c == 0) c = CompareOutcome(a.Outcome, b.Outcome);
        if (c == 0) c = CompareType(a.DetainerType, b.DetainerType);
        if (c == 0) c = CompareText(a.Citizenship, b.Citizenship);
        if (c == 0) c = CompareNullable(a.IssuedMonth, b.IssuedMonth);
        if (c == 0) c = CompareNullable(a.OutcomeMonth, b.OutcomeMonth);
        return c;
    }

    // A date's yyyy-MM-dd text (a four-digit year) sorts as the date does.
    private static int CompareNullable<T>(T? a, T? b)
        where T : struct, IComparable<T> =>
        a is { } x ? b is { } y ? x.CompareTo(y) : 1 : b is null ? 0 : -1;

    /// <summary>
    /// SQLite's BINARY order (memcmp of the UTF-8 bytes), NULL first. UTF-16 code units sort as UTF-8 bytes except a
    /// surrogate (a code point above U+FFFF: four bytes from 0xF0) against U+E000-U+FFFF (three bytes from 0xEE).
    /// </summary>
    internal static int CompareText(string? a, string? b)
    {
        if (a is null || b is null)
        {
            return a is null ? b is null ? 0 : -1 : 1;
        }
        var length = Math.Min(a.Length, b.Length);
        for (var i = 0; i < length; i++)
        {
            var (x, y) = (a[i], b[i]);
            if (x != y)
            {
                if (x >= 0xD800 && y >= 0xD800 && char.IsSurrogate(x) != char.IsSurrogate(y))
                {
                    return char.IsSurrogate(x) ? 1 : -1;
                }
                return x < y ? -1 : 1;
            }
        }
        return a.Length.CompareTo(b.Length);
    }

    /// <summary>
    /// Writes the groups, in the order <see cref="Sort"/> gave them, into <c>DetainerCounts</c> (no existing row can share
    /// their key: the source is part of it), or when <paramref name="table"/> is given, into that temporary table, created here
    /// with the columns of <c>DetainerCounts</c>; inside the import's transaction (the bulk inserter's statement, so values are
    /// bound as the rows' own are).
    /// </summary>
    internal async Task WriteAsync(DetainerDbContext db, string? table, int sourceId, bool isSynthetic, CancellationToken ct)
    {
        var groups = _sorted ?? throw new InvalidOperationException("The groups are sorted before they are written.");
        if (table is not null)
        {
            // The table's name is the caller's constant, not input.
#pragma warning disable EF1002
            await db.Database.ExecuteSqlRawAsync($"""
                CREATE TEMP TABLE "{table}" ("JurisdictionId" INTEGER, "FacilityId" INTEGER, "WeekStart" TEXT, "Outcome" TEXT, "DetainerType" TEXT,
                "Citizenship" TEXT, "SourceId" INTEGER, "IssuedMonth" TEXT, "OutcomeMonth" TEXT, "Retracted" INTEGER, "IsSynthetic" INTEGER, "Count" INTEGER)
                """, ct);
#pragma warning restore EF1002
        }
        using var inserter = new SqliteBulkInserter<DetainerCount>(db, into: table);
        // One row object, its values replaced per group: the inserter reads them as it binds.
        var row = new DetainerCount { SourceId = sourceId, IsSynthetic = isSynthetic, Retracted = false };
        var done = 0;
        foreach (var (key, count) in groups)
        {
            if (++done % 65_536 == 0)
            {
                ct.ThrowIfCancellationRequested();
            }
            (row.JurisdictionId, row.FacilityId, row.WeekStart, row.Outcome, row.DetainerType, row.Citizenship, row.IssuedMonth, row.OutcomeMonth, row.Count) =
                (key.JurisdictionId, key.FacilityId, key.WeekStart, key.Outcome, key.DetainerType, key.Citizenship, key.IssuedMonth, key.OutcomeMonth, count);
            inserter.Insert(row);
        }
    }
}
