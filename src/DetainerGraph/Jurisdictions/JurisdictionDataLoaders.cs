using DetainerGraph.Api;
using DetainerGraph.Data;
using DetainerGraph.Detainers;
using DetainerGraph.Facilities;
using GraphQL;
using GraphQL.DataLoader;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Jurisdictions;

/// <summary>The jurisdiction feature's batch loaders: jurisdictions and facilities by ID, a jurisdiction's facilities and policies, whether a place is synthetic.</summary>
public static class JurisdictionDataLoaders
{
    public static readonly Loader<int, Jurisdiction> JurisdictionById = new(async (db, ids, ct) =>
        await db.Jurisdictions.Where(j => ids.Contains(j.Id)).ToDictionaryAsync(j => j.Id, ct));

    public static readonly Loader<int, Facility> FacilityById = new(async (db, ids, ct) =>
        await db.Facilities.Where(f => ids.Contains(f.Id)).ToDictionaryAsync(f => f.Id, ct));

    /// <summary>By name, synthetic ones included.</summary>
    public static readonly Loader<int, IReadOnlyList<Facility>> FacilitiesByJurisdictionId = new(async (db, ids, ct) =>
        await FacilitiesOfAsync(db.Facilities, ids, ct));

    /// <summary>By name, without the synthetic ones (<see cref="SyntheticPlaces"/>).</summary>
    public static readonly Loader<int, IReadOnlyList<Facility>> PublishedFacilitiesByJurisdictionId = new(async (db, ids, ct) =>
        await FacilitiesOfAsync(db.Facilities.Published(SyntheticPlaces.SyntheticFacility(db)), ids, ct));

    /// <summary>Which of the jurisdictions asked for are synthetic (<see cref="SyntheticPlaces"/>).</summary>
    public static readonly Loader<int, bool> JurisdictionIsSynthetic = new(async (db, ids, ct) =>
    {
        var synthetic = (await db.Jurisdictions.Where(j => ids.Contains(j.Id)).Where(SyntheticPlaces.SyntheticJurisdiction(db))
            .Select(j => j.Id).ToListAsync(ct)).ToHashSet();
        return ids.ToDictionary(id => id, synthetic.Contains);
    });

    /// <summary>Which of the facilities asked for are synthetic (<see cref="SyntheticPlaces"/>).</summary>
    public static readonly Loader<int, bool> FacilityIsSynthetic = new(async (db, ids, ct) =>
    {
        var synthetic = (await db.Facilities.Where(f => ids.Contains(f.Id)).Where(SyntheticPlaces.SyntheticFacility(db))
            .Select(f => f.Id).ToListAsync(ct)).ToHashSet();
        return ids.ToDictionary(id => id, synthetic.Contains);
    });

    private static async Task<IDictionary<int, IReadOnlyList<Facility>>> FacilitiesOfAsync(IQueryable<Facility> facilities, IReadOnlyCollection<int> ids, CancellationToken ct)
    {
        var rows = (await facilities.Where(f => f.JurisdictionId != null && ids.Contains(f.JurisdictionId.Value))
            .OrderBy(f => f.Name).ToListAsync(ct)).ToLookup(f => f.JurisdictionId!.Value);
        return ids.ToDictionary(id => id, id => (IReadOnlyList<Facility>)[.. rows[id]]);
    }

    /// <summary>Newest first.</summary>
    public static readonly Loader<int, IReadOnlyList<Policy>> PoliciesByJurisdictionId = new(async (db, ids, ct) =>
    {
        var rows = (await db.Policies.Where(p => ids.Contains(p.JurisdictionId))
            .OrderByDescending(p => p.EnactedOn).ThenBy(p => p.Id).ToListAsync(ct)).ToLookup(p => p.JurisdictionId);
        return ids.ToDictionary(id => id, id => (IReadOnlyList<Policy>)[.. rows[id]]);
    });

    public static IDataLoaderResult<Jurisdiction?> LoadJurisdiction(this IResolveFieldContext context, int id) => JurisdictionById.Load(context, id);

    /// <summary>A facility from the server's <see cref="FacilityCache"/> when it holds it, else through the batch loader (and then kept).</summary>
    public static IDataLoaderResult<Facility?> LoadFacility(this IResolveFieldContext context, int id)
    {
        var cache = context.RequestServices!.GetRequiredService<FacilityCache>();
        return cache.TryGet(id, out var facility)
            ? DataLoaderResultExtensions.Known<Facility?>(facility)
            : FacilityById.Load(context, id).Then(cache.Remember);
    }
}
