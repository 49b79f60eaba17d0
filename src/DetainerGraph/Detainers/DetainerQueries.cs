using DetainerGraph.Api;
using DetainerGraph.Api.Filtering;
using DetainerGraph.Corrections;
using DetainerGraph.Data;
using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Detainers;

public static class DetainerQueries
{
    public static void AddDetainerQueries(this ObjectGraphType query)
    {
        query.DetainerListField("detainers",
            "Detainers, filtered and sorted as asked; by default in the order they were imported. Published records only unless `includeSynthetic` is true.");

        query.Field<DetainerGraphType>("detainer")
            .Description("One detainer by its ID, or null when there is none; a retracted detainer is returned, marked `retracted`, and a synthetic one marked `isSynthetic`.")
            .Argument<NonNullGraphType<IdGraphType>>("id", "The detainer's ID. " + GlobalId.Rule)
            .ResolveAsync(async c =>
            {
                var id = c.GetIdArgument<long>("id", "Detainer");
                return await c.Db().Detainers.FirstOrDefaultAsync(d => d.Id == id, c.CancellationToken);
            });
    }
}
