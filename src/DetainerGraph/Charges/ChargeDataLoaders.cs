using DetainerGraph.Api;
using DetainerGraph.Data;
using GraphQL;
using GraphQL.DataLoader;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Charges;

/// <summary>The charge feature's batch loaders: charges by their ID, and a detainer's charges in their listed order.</summary>
public static class ChargeDataLoaders
{
    public static readonly Loader<long, Charge> ChargeById = new(async (db, ids, ct) =>
        await db.Charges.Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct));

    public static readonly Loader<long, IReadOnlyList<Charge>> ChargesByDetainerId = new(async (db, ids, ct) =>
    {
        var charges = await db.Charges.Where(c => ids.Contains(c.DetainerId)).OrderBy(c => c.Ordinal).ToListAsync(ct);
        var byDetainer = charges.ToLookup(c => c.DetainerId);
        return ids.ToDictionary(id => id, id => (IReadOnlyList<Charge>)[.. byDetainer[id]]);
    });

    public static IDataLoaderResult<Charge?> LoadCharge(this IResolveFieldContext context, long id) => ChargeById.Load(context, id);

    public static IDataLoaderResult<IReadOnlyList<Charge>?> LoadCharges(this IResolveFieldContext context, long detainerId) =>
        ChargesByDetainerId.Load(context, detainerId);
}
