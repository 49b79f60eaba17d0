using System.Diagnostics;
using System.Linq.Expressions;
using DetainerGraph.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Detainers;

/// <summary>
/// The count rollups kept in memory on the embedded store, so that a count or a grouping is summed from arrays instead of read
/// and sorted by SQLite: at a million generated detainers the finest rollup (<c>DetainerCounts</c>: a citizenship with a field
/// office, a jurisdiction by week...) has 352,359 rows, which SQLite scans in 60-120 ms and groups in up to 0.6 s, and the
/// coarse ones (a state by week, a citizenship by week...) 7,000-30,000, which it sums in 10-30 ms; the same rows in memory
/// take 0.1-5 ms. Each question is summed from the smallest rollup that holds it, as in SQL (<see cref="ResidentSnapshot"/>).
/// <para><b>Exact, or not used.</b> A snapshot is the rollups' rows (and the jurisdictions, facilities, weeks and sources they
/// name) read in one read transaction. It is used only while SQLite's <c>PRAGMA data_version</c>, asked on a connection of
/// its own that never writes, is the one read before it was loaded: any commit by any other connection (this server's
/// corrections, an <c>import</c> command in another process, the sample data) changes it. A request that finds it changed
/// is answered by the database as before and starts a new load in the background; no answer ever comes from rows older
/// than the last commit. The filter is the same expression the SQL is written from, run compiled (<see cref="ResidentExpressions"/>),
/// and one it cannot run exactly is answered by the database.</para>
/// <para>SQL Server keeps its rollup as an indexed view and is never read from here. <c>Storage:ResidentCounts=false</c> turns it
/// off; a rollup larger than <see cref="MaxRows"/> is not kept (about 130 bytes a row).</para>
/// </summary>
public sealed partial class ResidentDetainerCounts : IDisposable
{
    /// <summary>The most rollup rows kept in memory (about 150-200 MB as columns); past it, every count is the database's again.</summary>
    public const int MaxRows = 1_500_000;

    private readonly IServiceScopeFactory _scopes;
    private readonly ILogger<ResidentDetainerCounts> _logger;
    private readonly SqliteConnection? _watch;
    private readonly Lock _watchLock = new();
    private readonly Lock _loadLock = new();
    private readonly TimeSpan _reloadInterval;
    private ResidentSnapshot? _snapshot;
    private Task? _loading;
    private long _lastLoadStarted = long.MinValue;
    private bool _disposed;

    public ResidentDetainerCounts(StorageOptions storage, IConfiguration configuration, IServiceScopeFactory scopes, ILogger<ResidentDetainerCounts> logger)
    {
        _scopes = scopes;
        _logger = logger;
        // After a load, the next one waits this long: a stream of corrections, each a commit, re-reads the rollup at most this often
        // (meanwhile the database answers).
        _reloadInterval = TimeSpan.FromSeconds(configuration.GetValue("Storage:ResidentCountsReloadSeconds", 5.0));
        if (storage.Provider == DatabaseProvider.Sqlite && configuration.GetValue("Storage:ResidentCounts", true))
        {
            _watch = new SqliteConnection(storage.ConnectionString);
        }
    }

    public bool Enabled => _watch is not null;

    /// <summary>The snapshot when it is as current as the store; else null (the caller asks the database) and a load starts.</summary>
    public ResidentSnapshot? Current()
    {
        if (_watch is null || _disposed)
        {
            return null;
        }
        long version;
        try
        {
            version = DataVersion();
        }
        catch (SqliteException)
        {
            // A store that cannot be read right now (being created, locked for a migration): the database decides.
            return null;
        }
        if (Volatile.Read(ref _snapshot) is { } snapshot)
        {
            if (snapshot.Version == version)
            {
                return snapshot;
            }
            // Older than a commit: never used again, so its memory goes now rather than beside the next copy's (only this one:
            // a load that just finished may have put a current one in its place).
            Interlocked.CompareExchange(ref _snapshot, null, snapshot);
        }
        StartLoad();
        return null;
    }

    /// <summary>Loads a snapshot now (at start-up, and in tests) and returns it; null when the rollup is too large to keep.</summary>
    public async Task<ResidentSnapshot?> LoadAsync(CancellationToken ct)
    {
        if (_watch is null)
        {
            return null;
        }
        Task loading;
        lock (_loadLock)
        {
            loading = _loading is { IsCompleted: false } running ? running : _loading = LoadCoreAsync(ct);
        }
        await loading;
        return Volatile.Read(ref _snapshot);
    }

    private void StartLoad()
    {
        lock (_loadLock)
        {
            if (_loading is { IsCompleted: false }
                || _lastLoadStarted != long.MinValue && Stopwatch.GetElapsedTime(_lastLoadStarted) < _reloadInterval)
            {
                return;
            }
            _loading = Task.Run(() => LoadCoreAsync(CancellationToken.None));
        }
    }

    private long DataVersion()
    {
        lock (_watchLock)
        {
            if (_watch!.State != System.Data.ConnectionState.Open)
            {
                _watch.Open();
            }
            using var command = _watch.CreateCommand();
            command.CommandText = "PRAGMA data_version";
            return (long)command.ExecuteScalar()!;
        }
    }

    private async Task LoadCoreAsync(CancellationToken ct)
    {
        _lastLoadStarted = Stopwatch.GetTimestamp();
        var started = Stopwatch.StartNew();
        try
        {
            // The version first: a commit after this point changes it, so a snapshot that may have missed it is never used.
            var version = DataVersion();
            await using var scope = _scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<SqliteDetainerDbContext>();
            await db.Database.OpenConnectionAsync(ct);
            // One read transaction (deferred: it takes no write lock), so the rollup and the rows it names agree.
            await using var transaction = ((SqliteConnection)db.Database.GetDbConnection()).BeginTransaction(deferred: true);
            await db.Database.UseTransactionAsync(transaction, ct);
            var size = await db.Set<DetainerCount>().LongCountAsync(ct);
            if (size > MaxRows)
            {
                Volatile.Write(ref _snapshot, null);
                LogTooLarge(_logger, size, MaxRows);
                return;
            }
            var jurisdictions = await db.Jurisdictions.AsNoTracking().ToDictionaryAsync(j => j.Id, ct);
            var facilities = await db.Facilities.AsNoTracking().ToDictionaryAsync(f => f.Id, ct);
            var weeks = await db.Weeks.AsNoTracking().ToDictionaryAsync(w => w.Start, ct);
            var sources = await db.Sources.AsNoTracking().ToDictionaryAsync(s => s.Id, ct);
            var (columns, add) = RollupColumns.Create<DetainerCount>((int)size);
            foreach (var entity in jurisdictions.Values.Concat<object>(facilities.Values).Concat(weeks.Values).Concat(sources.Values))
            {
                columns.KeepTexts(entity);
            }
            await foreach (var row in db.Set<DetainerCount>().AsNoTracking().AsAsyncEnumerable().WithCancellation(ct))
            {
                row.Jurisdiction = row.JurisdictionId is { } j ? jurisdictions[j] : null;
                row.Facility = row.FacilityId is { } f ? facilities[f] : null;
                row.Week = row.WeekStart is { } w ? weeks[w] : null;
                row.Source = sources[row.SourceId];
                add(row);
            }
            // The coarse rollups, smallest first as DetainerCountRollup reads them; bounded by design (states, weeks, months,
            // citizenships and the kinds, not detainers), 7,000-30,000 rows each at a million generated detainers.
            var totals = await CoarseAsync<DetainerTotal>(db, columns, row => row.Source = sources[row.SourceId], ct);
            var smallestFirst = new[]
            {
                totals,
                await CoarseAsync<DetainerCitizenshipWeekCount>(db, columns, null, ct),
                await CoarseAsync<DetainerStateWeekCount>(db, columns, null, ct),
                await CoarseAsync<DetainerRegionMonthCount>(db, columns, null, ct),
                await CoarseAsync<DetainerRegionWeekCount>(db, columns, null, ct),
                ResidentRollup.Of<DetainerCount>(columns),
            };
            var idSpans = await PublishedIdSpans.LoadAsync(db, columns, ct);
            Volatile.Write(ref _snapshot, new ResidentSnapshot(smallestFirst, version, idSpans));
            var coarseRows = 0;
            foreach (var rollup in smallestFirst[..^1])
            {
                coarseRows += rollup.Rows;
            }
            LogLoaded(_logger, columns.Length, coarseRows, started.ElapsedMilliseconds);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // The database answers meanwhile; the next request that finds the store changed tries again.
            LogLoadFailed(_logger, e);
        }
    }

    /// <summary>A coarse rollup's rows, read in the same transaction, as columns that share the finest's kept texts.</summary>
    private static async Task<ResidentRollup> CoarseAsync<TRow>(SqliteDetainerDbContext db, RollupColumns finest, Action<TRow>? navigate, CancellationToken ct)
        where TRow : class
    {
        var rows = await db.Set<TRow>().AsNoTracking().ToListAsync(ct);
        var (columns, add) = RollupColumns.Create<TRow>(rows.Count, texts: finest);
        foreach (var row in rows)
        {
            navigate?.Invoke(row);
            add(row);
        }
        return ResidentRollup.Of<TRow>(columns);
    }

    public void Dispose()
    {
        _disposed = true;
        lock (_watchLock)
        {
            _watch?.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Counts in memory: {Rows} rollup rows and {CoarseRows} rows of the coarser rollups loaded in {Milliseconds} ms")]
    private static partial void LogLoaded(ILogger logger, int rows, int coarseRows, long milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Counts in memory: the rollup has {Rows} rows, more than the {Max} kept; counts are read from the database")]
    private static partial void LogTooLarge(ILogger logger, long rows, int max);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Counts in memory: the rollup could not be loaded; counts are read from the database")]
    private static partial void LogLoadFailed(ILogger logger, Exception exception);
}

/// <summary>Loads the snapshot when serving starts, so the first counts need not wait for a request to ask.</summary>
public sealed class ResidentDetainerCountsLoader(ResidentDetainerCounts resident) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => resident.Enabled ? resident.LoadAsync(stoppingToken) : Task.CompletedTask;
}

/// <summary>
/// One consistent copy of every count rollup on the embedded store (the finest, <c>DetainerCounts</c>, and the coarser ones),
/// taken in one read transaction, with the version of the store it was read at. A question is answered by the smallest
/// rollup that holds it, as <see cref="DetainerCountRollup"/> chooses in SQL: the coarse ones have 7,000-30,000 rows at a
/// million generated detainers against the finest's 352,359, so a pass over them takes a tenth of the time.
/// </summary>
public sealed class ResidentSnapshot(IReadOnlyList<ResidentRollup> smallestFirst, long version, PublishedIdSpans? idSpans = null)
{
    public long Version { get; } = version;

    /// <summary>The finest rollup's rows.</summary>
    public int Rows => smallestFirst[^1].Rows;

    /// <summary>How many detainers <paramref name="detainers"/> holds, summed from the smallest rollup that holds its filter; null when none can run it exactly in memory.</summary>
    public long? TryCount(IQueryable<Detainer> detainers)
    {
        foreach (var rollup in smallestFirst)
        {
            if (rollup.TryCount(detainers) is { } count)
            {
                return count;
            }
        }
        return null;
    }

    /// <summary>
    /// Whether it is certain that <paramref name="detainers"/> holds no detainer: counted exactly by a coarse rollup that holds
    /// its filter, else seen in the finest from the parts of its filter that can be run there (<see cref="ResidentRollup.KnownEmpty"/>).
    /// </summary>
    public bool KnownEmpty(IQueryable<Detainer> detainers)
    {
        for (var r = 0; r < smallestFirst.Count - 1; r++)
        {
            if (smallestFirst[r].TryCount(detainers) is { } count)
            {
                return count == 0;
            }
        }
        return smallestFirst[^1].KnownEmpty(detainers);
    }

    /// <summary>
    /// The ids the rows of a published-only list (<paramref name="shown"/>, which holds no synthetic row) lie between, when they
    /// are few and the list leaves many synthetic rows out (<paramref name="excluded"/>), as a condition to add to its page's read (<see cref="PublishedIdSpans.Narrowing"/>);
    /// else null.
    /// </summary>
    public Expression<Func<Detainer, bool>>? PublishedIdRange(IQueryable<Detainer> shown, IQueryable<Detainer> excluded)
    {
        if (idSpans is null || MayMatch(shown) is not { } shownMay || MayMatch(excluded) is not { } excludedMay)
        {
            return null;
        }
        // One pass, each row tried once: a published row against the list's conditions, a synthetic one against those of what
        // it leaves out, until enough of those are found to decide (PublishedIdSpans.MinExcluded).
        var rows = smallestFirst[^1].Columns;
        var sources = new HashSet<int>();
        long left = 0;
        var counts = rows.Count;
        var synthetic = (bool[])rows.Of(nameof(DetainerCount.IsSynthetic))!;
        var sourceOf = (int[])rows.Of(nameof(DetainerCount.SourceId))!;
        for (var i = 0; i < counts.Length; i++)
        {
            if (counts[i] == 0)
            {
                continue;
            }
            if (synthetic[i])
            {
                if (left < PublishedIdSpans.MinExcluded && excludedMay(i))
                {
                    left += counts[i];
                }
            }
            else if (shownMay(i))
            {
                sources.Add(sourceOf[i]);
            }
        }
        return idSpans.Narrowing(sources, left);
    }

    /// <summary>The rows that may match the parts of the filter that run exactly in memory (a superset of those that match).</summary>
    private Func<int, bool>? MayMatch(IQueryable<Detainer> detainers) => smallestFirst[^1].Matcher(detainers, necessaryOnly: true);

    /// <summary>
    /// The groups <see cref="DetainerStats.Groups"/> would read from a rollup, summed and ordered here as the SQL orders them,
    /// from the smallest rollup that holds the filter and every dimension; null when none can run them exactly in memory.
    /// </summary>
    public IQueryable<DetainerStatsGroup>? TryGroups(
        IQueryable<Detainer> detainers, IReadOnlyList<DetainerStatsDimension> dimensions, DetainerStatsOrder order, bool withOutcomes)
    {
        foreach (var rollup in smallestFirst)
        {
            if (rollup.TryGroups(detainers, dimensions, order, withOutcomes) is { } groups)
            {
                return groups;
            }
        }
        return null;
    }
}

/// <summary>Two stats keys are the same group when every member is equal (text ordinally, as the stores' binary collation).</summary>
internal sealed class DetainerStatsKeyComparer : IEqualityComparer<DetainerStatsKey>
{
    public static readonly DetainerStatsKeyComparer Instance = new();

    public bool Equals(DetainerStatsKey? x, DetainerStatsKey? y) =>
        ReferenceEquals(x, y) || x is not null && y is not null
        && string.Equals(x.State, y.State, StringComparison.Ordinal) && x.JurisdictionId == y.JurisdictionId
        && string.Equals(x.FieldOffice, y.FieldOffice, StringComparison.Ordinal) && x.FacilityId == y.FacilityId && x.Week == y.Week
        && x.IssuedYear == y.IssuedYear && x.IssuedQuarterYear == y.IssuedQuarterYear && x.IssuedQuarter == y.IssuedQuarter
        && x.IssuedMonthYear == y.IssuedMonthYear && x.IssuedMonth == y.IssuedMonth && x.OutcomeYear == y.OutcomeYear
        && x.OutcomeQuarterYear == y.OutcomeQuarterYear && x.OutcomeQuarter == y.OutcomeQuarter && x.OutcomeMonthYear == y.OutcomeMonthYear
        && x.OutcomeMonth == y.OutcomeMonth && x.Outcome == y.Outcome && x.DetainerType == y.DetainerType
        && string.Equals(x.Citizenship, y.Citizenship, StringComparison.Ordinal) && string.Equals(x.ChargeCategory, y.ChargeCategory, StringComparison.Ordinal)
        && x.SourceKind == y.SourceKind && x.JurisdictionResolution == y.JurisdictionResolution
        && string.Equals(x.PlaceOfBirth, y.PlaceOfBirth, StringComparison.Ordinal) && x.IssuedOnOrAfterYear == y.IssuedOnOrAfterYear;

    public int GetHashCode(DetainerStatsKey k)
    {
        var hash = new HashCode();
        hash.Add(k.State, StringComparer.Ordinal);
        hash.Add(k.JurisdictionId);
        hash.Add(k.FieldOffice, StringComparer.Ordinal);
        hash.Add(k.FacilityId);
        hash.Add(k.Week);
        hash.Add(k.IssuedYear);
        hash.Add(k.IssuedQuarterYear);
        hash.Add(k.IssuedQuarter);
        hash.Add(k.IssuedMonthYear);
        hash.Add(k.IssuedMonth);
        hash.Add(k.OutcomeYear);
        hash.Add(k.OutcomeQuarterYear);
        hash.Add(k.OutcomeQuarter);
        hash.Add(k.OutcomeMonthYear);
        hash.Add(k.OutcomeMonth);
        hash.Add(k.Outcome);
        hash.Add(k.DetainerType);
        hash.Add(k.Citizenship, StringComparer.Ordinal);
        hash.Add(k.ChargeCategory, StringComparer.Ordinal);
        hash.Add(k.SourceKind);
        hash.Add(k.JurisdictionResolution);
        hash.Add(k.PlaceOfBirth, StringComparer.Ordinal);
        hash.Add(k.IssuedOnOrAfterYear);
        return hash.ToHashCode();
    }
}

/// <summary>
/// The key order <c>DetainerStats</c> writes in SQL (after the count, unless ordering by key), in memory: every key member in
/// <c>groupBy</c> order (<see cref="ResidentSnapshot"/> reverses it for <see cref="DetainerStatsOrder.KeyDesc"/>). Values compare as the stores compare the
/// columns: NULL below everything, text by code point (SQLite's BINARY, SQL Server's BIN2 collation, both UTF-8/code point
/// orders, unlike .NET's UTF-16 ordinal past U+D7FF), enums by their stored names, dates and numbers by value.
/// </summary>
internal static class GroupOrder
{
    /// <summary>Ascending key order of groups given by index into <paramref name="keys"/>.</summary>
    public static Comparison<int> ByKey(IReadOnlyList<DetainerStatsDimension> dimensions, IReadOnlyList<DetainerStatsKey> keys)
    {
        var members = dimensions.SelectMany(DetainerStats.Members).Select(m => typeof(DetainerStatsKey).GetProperty(m)!).ToArray();
        return (a, b) =>
        {
            foreach (var member in members)
            {
                var c = Compare(member.GetValue(keys[a]), member.GetValue(keys[b]));
                if (c != 0)
                {
                    return c;
                }
            }
            return 0;
        };
    }

    internal static int Compare(object? x, object? y) => (x, y) switch
    {
        (null, null) => 0,
        (null, _) => -1,
        (_, null) => 1,
        (string a, string b) => CodePointOrder(a, b),
        (Enum a, Enum b) => string.CompareOrdinal(a.ToString(), b.ToString()),
        (IComparable a, _) => a.CompareTo(y),
        _ => 0,
    };

    /// <summary>Text by Unicode code point: UTF-16 ordinal, with surrogates (code points past U+FFFF) above U+E000-U+FFFF.</summary>
    internal static int CodePointOrder(string a, string b)
    {
        var length = Math.Min(a.Length, b.Length);
        for (var i = 0; i < length; i++)
        {
            if (a[i] != b[i])
            {
                return Fixup(a[i]) - Fixup(b[i]);
            }
        }
        return a.Length - b.Length;

        static int Fixup(char c) => c >= 0xD800 && c <= 0xDFFF ? c + 0x2000 : c >= 0xE000 ? c - 0x800 : c;
    }
}
