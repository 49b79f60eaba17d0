using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using DetainerGraph.Import;
using DetainerGraph.Reference;
using DetainerGraph.Search.Analysis;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Data;

/// <summary>
/// Keeps each stored charge's derived fields (its <see cref="Charge.Category"/>, and its <see cref="Charge.NcicCode"/>
/// where that was matched from the text) as the shipped rules derive them now. The import derives them from
/// <c>data/</c> (the category rules, abbreviations, concepts, synonyms, vocabularies, NCIC lists) and stores them; an
/// upgrade that changes those files would otherwise leave every earlier import classified by the old rules, so that
/// <c>detainerStats</c> by <c>CHARGE_CATEGORY</c>, the category filter, the export and the rebuilt search index answer
/// one way on an upgraded store and another on a fresh one. The store keeps the <see cref="Fingerprint"/> of the rules
/// its rows were derived by (<see cref="StoreSetting"/>); at start, before anything reads them, a store whose
/// fingerprint differs is brought up to date.
/// </summary>
public static partial class ChargeClassifications
{
    /// <summary>The <see cref="StoreSetting"/> key the fingerprint is stored under.</summary>
    public const string SettingKey = "charge-classification";

    /// <summary>Raise by one with any change to how the import derives a charge's code or category from its text and file code.</summary>
    public const int Revision = 1;

    /// <summary>
    /// The reference files <see cref="ReferenceData.MatchOffense"/>, <see cref="ReferenceData.OffenseOfCode"/> and the
    /// categories of NCIC blocks read, beside the analysis files <see cref="ChargeReader"/> classifies by
    /// (<see cref="AnalysisFingerprint.DataFiles"/>).
    /// </summary>
    public static readonly IReadOnlyList<string> ReferenceFiles = ["ncic_offense_codes.csv", "ncic_categories.csv", "ncic_spelling_folds.csv"];

    /// <summary>Updates per statement: SQL Server takes at most 2,100 parameters.</summary>
    private const int Chunk = 1000;

    private static readonly ConcurrentDictionary<string, string> Computed = new();

    /// <summary>The fingerprint of the rules in <paramref name="dataDirectory"/>: the analysis's and the NCIC reference files'.</summary>
    public static string Fingerprint(string dataDirectory) =>
        Computed.GetOrAdd(Path.GetFullPath(dataDirectory), directory =>
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            hash.AppendData(Encoding.UTF8.GetBytes($"{AnalysisFingerprint.Of(directory)}\n"));
            foreach (var file in ReferenceFiles)
            {
                var bytes = File.ReadAllBytes(Path.Combine(directory, file));
                hash.AppendData(Encoding.UTF8.GetBytes($"{file}\n{bytes.Length}\n"));
                hash.AppendData(bytes);
            }
            return $"c{Revision}-{Convert.ToHexStringLower(hash.GetHashAndReset())[..32]}";
        });

    /// <summary>
    /// Re-derives the stored charges' codes and categories when the store's fingerprint is not the shipped rules' (or is
    /// absent while it holds charges), then stores the fingerprint; returns how many charges changed. One transaction:
    /// every row is derived by one set of rules or the other, never a mix. Only rows whose value changes are written,
    /// their detainers are owed to the search index through the outbox, and the planner statistics of the two indexes
    /// over these columns are taken again.
    /// </summary>
    /// <remarks>
    /// The import does not record whether a stored code came from the file: only the jail bookings format carries codes
    /// (<c>charge_code</c>), so a charge of such a source keeps its stored code as if the file gave it (its category is
    /// derived from it, as the import derives it), and every other charge is matched again from its text. A correction
    /// changes a charge's description and derives both fields from the corrected text; re-deriving reads that same
    /// corrected text, so it never brings back the published one.
    /// </remarks>
    public static async Task<int> RecomputeIfStaleAsync(DetainerDbContext db, ReferenceData reference, ILogger logger, CancellationToken ct = default)
    {
        var fingerprint = Fingerprint(reference.DataDirectory);
        var stored = await db.StoreSettings.Where(s => s.Key == SettingKey).Select(s => s.Value).FirstOrDefaultAsync(ct);
        if (stored == fingerprint)
        {
            return 0;
        }
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(async ct =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var changed = await RecomputeAsync(db, reference, stored, logger, ct);
            var setting = await db.StoreSettings.AsTracking().FirstOrDefaultAsync(s => s.Key == SettingKey, ct);
            if (setting is null)
            {
                db.StoreSettings.Add(new StoreSetting { Key = SettingKey, Value = fingerprint });
            }
            else
            {
                setting.Value = fingerprint;
            }
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            db.ChangeTracker.Clear();
            return changed;
        }, ct);
    }

    private sealed record Stored(string Description, string? NcicCode, string? Category, bool Coded);

    private static async Task<int> RecomputeAsync(DetainerDbContext db, ReferenceData reference, string? stored, ILogger logger, CancellationToken ct)
    {
        if (!await db.Charges.AnyAsync(ct))
        {
            return 0;
        }
        var started = Stopwatch.GetTimestamp();
        var codedFormat = ImportFormatSpec.Of(ImportFormat.JailBookings).Name;
        var coded = await db.Sources.Where(s => s.Format == codedFormat).Select(s => s.Id).ToListAsync(ct);
        // Each distinct stored triple once (a few thousand texts at a million detainers), with whether its code may be a file's.
        var distinct = coded.Count == 0
            ? await db.Charges.Select(c => new Stored(c.Description, c.NcicCode, c.Category, false)).Distinct().ToListAsync(ct)
            : await db.Charges.Select(c => new Stored(c.Description, c.NcicCode, c.Category, c.NcicCode != null && coded.Contains(c.Detainer.SourceId)))
                .Distinct().ToListAsync(ct);
        var targets = new Dictionary<Stored, (string? Code, string? Category)>();
        foreach (var pair in distinct)
        {
            var target = reference.ClassifyStoredCharge(pair.Description, pair.Coded ? pair.NcicCode : null);
            if (target != (pair.NcicCode, pair.Category))
            {
                targets[pair] = target;
            }
        }
        var derived = Stopwatch.GetElapsedTime(started).TotalSeconds;
        LogRecomputing(logger, stored ?? "none", distinct.Count, targets.Count, derived);
        if (targets.Count == 0)
        {
            return 0;
        }

        // The rows of the texts that change, read once (the description has no index: one scan per chunk of texts).
        var byTarget = new Dictionary<(string? Code, string? Category), List<long>>();
        var detainers = new HashSet<long>();
        var changedCodes = false;
        foreach (var texts in targets.Keys.Select(k => k.Description).Distinct(StringComparer.Ordinal).Chunk(Chunk))
        {
            var rows = await db.Charges.Where(c => texts.Contains(c.Description))
                .Select(c => new { c.Id, c.DetainerId, c.Description, c.NcicCode, c.Category, c.Detainer.SourceId })
                .ToListAsync(ct);
            foreach (var row in rows)
            {
                var key = new Stored(row.Description, row.NcicCode, row.Category, row.NcicCode != null && coded.Contains(row.SourceId));
                if (targets.TryGetValue(key, out var target))
                {
                    if (!byTarget.TryGetValue(target, out var ids))
                    {
                        byTarget[target] = ids = [];
                    }
                    ids.Add(row.Id);
                    detainers.Add(row.DetainerId);
                    changedCodes |= target.Code != row.NcicCode;
                }
            }
        }
        var changed = 0;
        foreach (var ((code, category), ids) in byTarget)
        {
            foreach (var chunk in ids.Chunk(Chunk))
            {
                changed += await db.Charges.Where(c => chunk.Contains(c.Id))
                    .ExecuteUpdateAsync(u => u.SetProperty(c => c.NcicCode, code).SetProperty(c => c.Category, category), ct);
            }
        }
        // The search documents carry the code and category: their detainers are indexed again (a rebuild that the
        // analysis change may also start reads these rows after this commit).
        var now = DateTimeOffset.UtcNow;
        db.SearchOutbox.AddRange(detainers.Select(id => new SearchOutboxEntry { DetainerId = id, CreatedAt = now }));
        await db.SaveChangesAsync(ct);
        if (db.Database.IsSqlite())
        {
            // Exact figures for the indexes over the changed columns (see PlannerStatistics), with every entry read.
            await db.Database.ExecuteSqlRawAsync(
                changedCodes
                    ? "PRAGMA analysis_limit=0; ANALYZE \"IX_Charges_Category_DetainerId\"; ANALYZE \"IX_Charges_NcicCode\";"
                    : "PRAGMA analysis_limit=0; ANALYZE \"IX_Charges_Category_DetainerId\";", ct);
        }
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        LogRecomputed(logger, changed, detainers.Count, seconds);
        return changed;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The stored charge categories were derived by other rules ({Stored}) than this version's: {Distinct} distinct charge texts re-derived, {Changing} of which change ({Seconds:0.0} s)")]
    private static partial void LogRecomputing(ILogger logger, string stored, int distinct, int changing, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Re-derived charge categories and matched NCIC codes: {Charges} charges of {Detainers} detainers changed, in {Seconds:0.0} s")]
    private static partial void LogRecomputed(ILogger logger, int charges, int detainers, double seconds);
}
