using DetainerGraph.Api;
using DetainerGraph.Api.Filtering;
using DetainerGraph.Data;
using DetainerGraph.Detainers;
using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Facilities;

public static class FacilityQueries
{
    private static readonly ListOf<FacilityGraphType, Facility, FacilityFilterInputGraphType, FacilitySortInputGraphType, int> Facilities = new(f => f.Id);

    public static void AddFacilityQueries(this ObjectGraphType query)
    {
        Facilities.Field(query, "facilities",
                "Jails and other facilities, filtered and sorted as asked; by default by state and name. Those known only from synthetic sources (the generated demo) are left out unless `includeSynthetic` is true.",
                c => c.Db().Facilities, q => q.OrderBy(f => f.State).ThenBy(f => f.Name).ThenBy(f => f.Id),
                (c, matching) => matching.SplitSyntheticPlaces(SyntheticPlaces.SyntheticFacility(c.Db()), c.ExcludesSyntheticPlaces()))
            .WithIncludeSyntheticPlaces("facilities");

        query.Field<FacilityGraphType>("facility")
            .Description("One facility by its ID, or null when there is none.")
            .Argument<NonNullGraphType<IdGraphType>>("id", "The facility's ID. " + GlobalId.Rule)
            .ResolveAsync(async c =>
            {
                var id = c.GetIdArgument<int>("id", "Facility");
                return await c.Db().Facilities.FirstOrDefaultAsync(f => f.Id == id, c.CancellationToken);
            });
    }
}
