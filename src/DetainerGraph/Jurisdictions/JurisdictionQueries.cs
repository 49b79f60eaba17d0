using DetainerGraph.Api;
using DetainerGraph.Api.Filtering;
using DetainerGraph.Data;
using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Jurisdictions;

public static class JurisdictionQueries
{
    private static readonly ListOf<JurisdictionGraphType, Jurisdiction, JurisdictionFilterInputGraphType, JurisdictionSortInputGraphType, int> Jurisdictions = new(j => j.Id);
    private static readonly ListOf<FacilityGraphType, Facility, FacilityFilterInputGraphType, FacilitySortInputGraphType, int> Facilities = new(f => f.Id);

    public static void AddJurisdictionQueries(this ObjectGraphType query)
    {
        Jurisdictions.Field(query, "jurisdictions", "Jurisdictions, filtered and sorted as asked; by default by state and name.",
            c => c.Db().Jurisdictions, q => q.OrderBy(j => j.State).ThenBy(j => j.Name).ThenBy(j => j.Id));

        query.Field<JurisdictionGraphType>("jurisdiction")
            .Description("One jurisdiction by its ID, or null when there is none.")
            .Argument<NonNullGraphType<IdGraphType>>("id", "The jurisdiction's ID. " + GlobalId.Rule)
            .ResolveAsync(async c =>
            {
                var id = c.GetIdArgument<int>("id", "Jurisdiction");
                return await c.Db().Jurisdictions.FirstOrDefaultAsync(j => j.Id == id, c.CancellationToken);
            });

        Facilities.Field(query, "facilities", "Jails and other facilities, filtered and sorted as asked; by default by state and name.",
            c => c.Db().Facilities, q => q.OrderBy(f => f.State).ThenBy(f => f.Name).ThenBy(f => f.Id));

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
