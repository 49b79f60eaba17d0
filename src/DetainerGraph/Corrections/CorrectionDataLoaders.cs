using DetainerGraph.Api;
using DetainerGraph.Data;
using GraphQL;
using GraphQL.DataLoader;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Corrections;

/// <summary>The corrections feature's batch loaders: the corrections of a detainer, a Section I entry or a jurisdiction, oldest first.</summary>
public static class CorrectionDataLoaders
{
    public static readonly Loader<long, IReadOnlyList<Correction>> CorrectionsByDetainerId = new(async (db, ids, ct) =>
    {
        var rows = (await db.Corrections.Where(c => c.DetainerId != null && ids.Contains(c.DetainerId.Value)).OrderBy(c => c.Id).ToListAsync(ct))
            .ToLookup(c => c.DetainerId!.Value);
        return ids.ToDictionary(id => id, id => (IReadOnlyList<Correction>)[.. rows[id]]);
    });

    public static readonly Loader<int, IReadOnlyList<Correction>> CorrectionsBySectionOneEntryId = new(async (db, ids, ct) =>
    {
        var rows = (await db.Corrections.Where(c => c.SectionOneEntryId != null && ids.Contains(c.SectionOneEntryId.Value)).OrderBy(c => c.Id).ToListAsync(ct))
            .ToLookup(c => c.SectionOneEntryId!.Value);
        return ids.ToDictionary(id => id, id => (IReadOnlyList<Correction>)[.. rows[id]]);
    });

    /// <summary>Corrections to any record published about a jurisdiction (today: its Section I entries).</summary>
    public static readonly Loader<int, IReadOnlyList<Correction>> CorrectionsByJurisdictionId = new(async (db, ids, ct) =>
    {
        var rows = (await db.Corrections
                .Where(c => c.SectionOneEntry != null && ids.Contains(c.SectionOneEntry.JurisdictionId))
                .Select(c => new { c.SectionOneEntry!.JurisdictionId, Correction = c })
                .OrderBy(c => c.Correction.Id)
                .ToListAsync(ct))
            .ToLookup(c => c.JurisdictionId, c => c.Correction);
        return ids.ToDictionary(id => id, id => (IReadOnlyList<Correction>)[.. rows[id]]);
    });

    public static IDataLoaderResult<IReadOnlyList<Correction>?> LoadCorrectionsOfDetainer(this IResolveFieldContext context, long detainerId) =>
        CorrectionsByDetainerId.Load(context, detainerId);

    public static IDataLoaderResult<IReadOnlyList<Correction>?> LoadCorrectionsOfSectionOneEntry(this IResolveFieldContext context, int entryId) =>
        CorrectionsBySectionOneEntryId.Load(context, entryId);

    public static IDataLoaderResult<IReadOnlyList<Correction>?> LoadCorrectionsOfJurisdiction(this IResolveFieldContext context, int jurisdictionId) =>
        CorrectionsByJurisdictionId.Load(context, jurisdictionId);
}
