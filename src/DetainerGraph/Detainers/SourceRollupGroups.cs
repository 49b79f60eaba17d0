using System.Globalization;
using System.Runtime.InteropServices;
using DetainerGraph.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using SQLitePCL;

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

    /// <summary>The <c>GROUP BY</c>'s key order: JurisdictionId, FacilityId, WeekStart, Outcome, DetainerType, Citizenship, the months.</summary>
    private int Compare(in SourceRollupKey a, in SourceRollupKey b)
    {
        var c = CompareNullable(a.JurisdictionId, b.JurisdictionId);
        if (c == 0) c = CompareNullable(a.FacilityId, b.FacilityId);
        if (c == 0) c = CompareNullable(a.WeekStart, b.WeekStart);
        if (c == 0 && a.Outcome != b.Outcome) c = CompareText(_outcomes[a.Outcome], _outcomes[b.Outcome]);
        if (c == 0 && a.DetainerType != b.DetainerType) c = CompareText(_types[a.DetainerType], _types[b.DetainerType]);
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
    /// Writes the groups, in the order <see cref="Sort"/> gave them, into the temporary table <paramref name="table"/>, created
    /// here with the columns of <c>DetainerCounts</c>, through one prepared statement on the connection's handle, inside the
    /// import's transaction.
    /// </summary>
    internal void Write(DetainerDbContext db, string table, int sourceId, bool isSynthetic, CancellationToken ct)
    {
        var groups = _sorted ?? throw new InvalidOperationException("The groups are sorted before they are written.");
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("The rollup groups are written inside the import's transaction.");
        }
        var handle = ((SqliteConnection)db.Database.GetDbConnection()).Handle ?? throw new InvalidOperationException("The connection is not open.");
        Execute(handle, $"""
            CREATE TEMP TABLE "{table}" ("JurisdictionId" INTEGER, "FacilityId" INTEGER, "WeekStart" TEXT, "Outcome" TEXT, "DetainerType" TEXT,
            "Citizenship" TEXT, "SourceId" INTEGER, "IssuedMonth" TEXT, "OutcomeMonth" TEXT, "Retracted" INTEGER, "IsSynthetic" INTEGER, "Count" INTEGER)
            """);
        Check(raw.sqlite3_prepare_v2(handle, $"INSERT INTO temp.\"{table}\" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)", out var statement), handle);
        using (statement)
        {
            var done = 0;
            foreach (var (key, count) in groups)
            {
                if (++done % 65_536 == 0)
                {
                    ct.ThrowIfCancellationRequested();
                }
                Check(BindInteger(statement, 1, key.JurisdictionId), handle);
                Check(BindInteger(statement, 2, key.FacilityId), handle);
                Check(BindDate(statement, 3, key.WeekStart), handle);
                Check(BindText(statement, 4, _outcomes[key.Outcome]), handle);
                Check(BindText(statement, 5, _types[key.DetainerType]), handle);
                Check(BindText(statement, 6, key.Citizenship), handle);
                Check(raw.sqlite3_bind_int64(statement, 7, sourceId), handle);
                Check(BindDate(statement, 8, key.IssuedMonth), handle);
                Check(BindDate(statement, 9, key.OutcomeMonth), handle);
                // A new detainer is never retracted: the import writes Retracted false.
                Check(raw.sqlite3_bind_int64(statement, 10, 0), handle);
                Check(raw.sqlite3_bind_int64(statement, 11, isSynthetic ? 1 : 0), handle);
                Check(raw.sqlite3_bind_int64(statement, 12, count), handle);
                var rc = raw.sqlite3_step(statement);
                raw.sqlite3_reset(statement);
                if (rc != raw.SQLITE_DONE)
                {
                    Check(rc, handle);
                }
            }
        }
    }

    private static int BindInteger(sqlite3_stmt statement, int index, int? value) =>
        value is { } v ? raw.sqlite3_bind_int64(statement, index, v) : raw.sqlite3_bind_null(statement, index);

    private static int BindDate(sqlite3_stmt statement, int index, DateOnly? value) =>
        value is { } d ? BindText(statement, index, d.ToString("yyyy\\-MM\\-dd", CultureInfo.InvariantCulture)) : raw.sqlite3_bind_null(statement, index);

    // As the bulk insert binds text; the empty string as UTF-16 (an empty UTF-8 span would bind NULL).
    private static int BindText(sqlite3_stmt statement, int index, string? value) => value switch
    {
        null => raw.sqlite3_bind_null(statement, index),
        "" => raw.sqlite3_bind_text16(statement, index, value),
        _ => raw.sqlite3_bind_text(statement, index, value),
    };

    private static void Execute(sqlite3 handle, string sql) => Check(raw.sqlite3_exec(handle, sql), handle);

    private static void Check(int rc, sqlite3 handle)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, handle);
        }
    }
}
