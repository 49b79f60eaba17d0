using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using DetainerGraph.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using SQLitePCL;

namespace DetainerGraph.Import;

/// <summary>
/// A SQLite bulk import's detainers counted by the <c>DetainerCounts</c> rollup's key as they are written (one
/// dictionary increment per row), so that the rollups are summed from these groups at the end instead of from a
/// GROUP BY over the rows just written (see <c>DetainerCountRollup.AddImportedSourceAsync</c>). The groups hold the
/// values exactly as the store keeps them (enum names, <c>yyyy-MM-dd</c> dates, the month as its first day) and are
/// written in the order SQLite's GROUP BY gives them, so the rollup rows are the same rows, in the same order, as
/// those the GROUP BY made.
/// </summary>
public sealed class ImportedCountGroups
{
    private readonly Dictionary<Key, long> _counts = [];

    /// <summary>How many distinct groups the rows fell into.</summary>
    public int Count => _counts.Count;

    /// <summary>Counts one detainer, as written.</summary>
    public void Add(Detainer d) =>
        CollectionsMarshal.GetValueRefOrAddDefault(_counts, new Key(d.JurisdictionId, d.FacilityId, d.WeekStart, d.Outcome, d.DetainerType,
            d.Citizenship, FirstOfMonth(d.IssuedOn), FirstOfMonth(d.OutcomeRecordedOn), d.Retracted, d.IsSynthetic), out _)++;

    private static DateOnly? FirstOfMonth(DateOnly? day) => day is { } d ? new DateOnly(d.Year, d.Month, 1) : null;

    /// <summary>
    /// Writes the groups of <paramref name="sourceId"/> into a new temporary table <c>RollupSourceDelta</c> with the
    /// columns of <c>DetainerCounts</c>, inside the context's current transaction.
    /// </summary>
    public async Task WriteTempTableAsync(DetainerDbContext db, int sourceId, CancellationToken ct)
    {
        await db.Database.ExecuteSqlRawAsync("""
            CREATE TEMP TABLE "RollupSourceDelta" ("JurisdictionId" INTEGER, "FacilityId" INTEGER, "WeekStart" TEXT, "Outcome" TEXT, "DetainerType" TEXT,
                "Citizenship" TEXT, "SourceId" INTEGER, "IssuedMonth" TEXT, "OutcomeMonth" TEXT, "Retracted" INTEGER, "IsSynthetic" INTEGER, "Count" INTEGER)
            """, ct);
        var rows = StoredRows(db);
        rows.Sort(StoredOrder.Instance);
        var handle = ((SqliteConnection)db.Database.GetDbConnection()).Handle ?? throw new InvalidOperationException("The connection is not open.");
        Check(handle, raw.sqlite3_prepare_v2(handle, "INSERT INTO temp.\"RollupSourceDelta\" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)", out var statement));
        using (statement)
        {
            foreach (var row in rows)
            {
                ct.ThrowIfCancellationRequested();
                BindInteger(statement, 1, row.JurisdictionId);
                BindInteger(statement, 2, row.FacilityId);
                BindText(statement, 3, row.WeekStart);
                BindText(statement, 4, row.Outcome);
                BindText(statement, 5, row.DetainerType);
                BindText(statement, 6, row.Citizenship);
                BindInteger(statement, 7, sourceId);
                BindText(statement, 8, row.IssuedMonth);
                BindText(statement, 9, row.OutcomeMonth);
                BindInteger(statement, 10, row.Retracted ? 1 : 0);
                BindInteger(statement, 11, row.IsSynthetic ? 1 : 0);
                BindInteger(statement, 12, row.Count);
                var rc = raw.sqlite3_step(statement);
                raw.sqlite3_reset(statement);
                if (rc != raw.SQLITE_DONE)
                {
                    Check(handle, rc);
                }
            }
        }
    }

    /// <summary>The groups with their values converted as the model stores them (each distinct value once).</summary>
    private List<StoredRow> StoredRows(DetainerDbContext db)
    {
        var detainer = db.Model.FindEntityType(typeof(Detainer))!;
        var outcomes = Converted<DetainerOutcome>(detainer.FindProperty(nameof(Detainer.Outcome))!.GetTypeMapping().Converter);
        var types = Converted<DetainerType>(detainer.FindProperty(nameof(Detainer.DetainerType))!.GetTypeMapping().Converter);
        var days = new Dictionary<DateOnly, string>();
        string? Day(DateOnly? day)
        {
            if (day is not { } d)
            {
                return null;
            }
            if (!days.TryGetValue(d, out var text))
            {
                // As Microsoft.Data.Sqlite (and the bulk inserter) write a DateOnly.
                text = d.ToString("yyyy\\-MM\\-dd", CultureInfo.InvariantCulture);
                days[d] = text;
            }
            return text;
        }
        var rows = new List<StoredRow>(_counts.Count);
        foreach (var (key, count) in _counts)
        {
            rows.Add(new StoredRow(key.JurisdictionId, key.FacilityId, Day(key.WeekStart), outcomes(key.Outcome), types(key.DetainerType), key.Citizenship,
                Day(key.IssuedMonth), Day(key.OutcomeMonth), key.Retracted, key.IsSynthetic, count));
        }
        return rows;
    }

    private static Func<TEnum, string> Converted<TEnum>(ValueConverter? converter)
        where TEnum : struct, Enum
    {
        var names = new Dictionary<TEnum, string>();
        return value =>
        {
            if (!names.TryGetValue(value, out var name))
            {
                name = converter?.ConvertToProvider(value) as string
                    ?? throw new NotSupportedException($"{typeof(TEnum).Name} is not stored as text; the rollup groups expect its names.");
                names[value] = name;
            }
            return name;
        };
    }

    private static void BindInteger(sqlite3_stmt statement, int index, long? value) =>
        Check(null, value is { } v ? raw.sqlite3_bind_int64(statement, index, v) : raw.sqlite3_bind_null(statement, index));

    private static void BindText(sqlite3_stmt statement, int index, string? value) =>
        Check(null, value is null ? raw.sqlite3_bind_null(statement, index) : raw.sqlite3_bind_text16(statement, index, value));

    private static void Check(sqlite3? handle, int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, handle);
        }
    }

    private readonly record struct Key(int? JurisdictionId, int? FacilityId, DateOnly? WeekStart, DetainerOutcome Outcome, DetainerType DetainerType,
        string? Citizenship, DateOnly? IssuedMonth, DateOnly? OutcomeMonth, bool Retracted, bool IsSynthetic);

    private sealed record StoredRow(int? JurisdictionId, int? FacilityId, string? WeekStart, string Outcome, string DetainerType, string? Citizenship,
        string? IssuedMonth, string? OutcomeMonth, bool Retracted, bool IsSynthetic, long Count);

    /// <summary>
    /// SQLite's order of the GROUP BY's key columns, in the key's order: null first, integers by value, text by its
    /// UTF-8 bytes (the BINARY collation).
    /// </summary>
    private sealed class StoredOrder : IComparer<StoredRow>
    {
        public static readonly StoredOrder Instance = new();

        public int Compare(StoredRow? x, StoredRow? y)
        {
            int c;
            if ((c = Nullable.Compare(x!.JurisdictionId, y!.JurisdictionId)) != 0
                || (c = Nullable.Compare(x.FacilityId, y.FacilityId)) != 0
                || (c = Utf8(x.WeekStart, y.WeekStart)) != 0
                || (c = Utf8(x.Outcome, y.Outcome)) != 0
                || (c = Utf8(x.DetainerType, y.DetainerType)) != 0
                || (c = Utf8(x.Citizenship, y.Citizenship)) != 0
                || (c = Utf8(x.IssuedMonth, y.IssuedMonth)) != 0
                || (c = Utf8(x.OutcomeMonth, y.OutcomeMonth)) != 0
                || (c = x.Retracted.CompareTo(y.Retracted)) != 0)
            {
                return c;
            }
            return x.IsSynthetic.CompareTo(y.IsSynthetic);
        }

        /// <summary>
        /// The byte order of two texts' UTF-8: the same as their UTF-16 code unit order except where a surrogate pair
        /// meets a character from U+E000 up, so the encodings are compared only then.
        /// </summary>
        internal static int Utf8(string? x, string? y)
        {
            if (x is null || y is null)
            {
                return x is null ? (y is null ? 0 : -1) : 1;
            }
            var length = Math.Min(x.Length, y.Length);
            for (var i = 0; i < length; i++)
            {
                if (x[i] != y[i])
                {
                    return x[i] < 0xD800 && y[i] < 0xD800
                        ? x[i] - y[i]
                        : Encoding.UTF8.GetBytes(x[i..]).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(y[i..]));
                }
            }
            return x.Length - y.Length;
        }
    }
}
