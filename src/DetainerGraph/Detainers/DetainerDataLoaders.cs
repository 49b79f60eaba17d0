using DetainerGraph.Api;
using DetainerGraph.Data;
using GraphQL;
using GraphQL.DataLoader;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Detainers;

/// <summary>The detainer feature's batch loaders: a page of N items reads their detainers in one query.</summary>
public static class DetainerDataLoaders
{
    public static readonly Loader<long, Detainer> DetainerById = new(async (db, ids, ct) =>
        await db.Detainers.Where(d => ids.Contains(d.Id)).ToDictionaryAsync(d => d.Id, ct));

    public static IDataLoaderResult<Detainer?> LoadDetainer(this IResolveFieldContext context, long id) => DetainerById.Load(context, id);
}
