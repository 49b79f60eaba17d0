using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Data;

/// <summary>The counts the <c>stats</c> command prints (and tests check): rows per table, how detainers were placed.</summary>
public static class StoreStatistics
{
    public static async Task<IReadOnlyList<(string Table, int Rows)>> CountAsync(DetainerDbContext db, CancellationToken ct = default) =>
    [
        ("sources", await db.Sources.CountAsync(ct)),
        ("jurisdictions", await db.Jurisdictions.CountAsync(ct)),
        ("facilities", await db.Facilities.CountAsync(ct)),
        ("reports", await db.Reports.CountAsync(ct)),
        ("weeks", await db.Weeks.CountAsync(ct)),
        ("detainers", await db.Detainers.CountAsync(ct)),
        ("charges", await db.Charges.CountAsync(ct)),
        ("policies", await db.Policies.CountAsync(ct)),
        ("section_one_entries", await db.SectionOneEntries.CountAsync(ct)),
        ("corrections", await db.Corrections.CountAsync(ct)),
    ];

    /// <summary>Published detainers by how their jurisdiction was found (and the rule or alias that found it), most first.</summary>
    public static async Task<IReadOnlyList<(JurisdictionResolution Resolution, string? Rule, int Detainers)>> PlacementsAsync(DetainerDbContext db, CancellationToken ct = default) =>
        [.. (await db.Detainers.Where(d => !d.IsSynthetic)
            .GroupBy(d => new { d.JurisdictionResolution, d.JurisdictionRule })
            .Select(g => new { g.Key.JurisdictionResolution, g.Key.JurisdictionRule, Count = g.Count() })
            .ToListAsync(ct))
            .OrderByDescending(g => g.Count).ThenBy(g => g.JurisdictionRule, StringComparer.Ordinal)
            .Select(g => (g.JurisdictionResolution, g.JurisdictionRule, g.Count))];

    /// <summary>The facility names of published detainers that no name, alias or rule placed, with their detainer counts, most first.</summary>
    public static async Task<IReadOnlyList<(string State, string Facility, int Detainers)>> UnresolvedFacilitiesAsync(DetainerDbContext db, CancellationToken ct = default) =>
        [.. (await db.Detainers.Where(d => !d.IsSynthetic && d.JurisdictionId == null)
            .GroupBy(d => new { State = d.Facility == null ? null : d.Facility.State, Name = d.Facility == null ? null : d.Facility.Name })
            .Select(g => new { g.Key.State, g.Key.Name, Count = g.Count() })
            .ToListAsync(ct))
            .OrderByDescending(g => g.Count).ThenBy(g => g.Name, StringComparer.Ordinal)
            .Select(g => (g.State ?? "-", g.Name ?? "(no facility)", g.Count))];
}
