using DetainerGraph.Api;
using DetainerGraph.Api.Filtering;
using DetainerGraph.Data;
using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Jurisdictions;

public static class JurisdictionQueries
{
    public static void AddJurisdictionQueries(this ObjectGraphType query)
    {
        query.Field<ConnectionGraphType<JurisdictionGraphType, Jurisdiction>>("jurisdictions")
            .Description("Jurisdictions, filtered and sorted as asked; by default by state and name.")
            .WithPagingArguments()
            .WithFilterAndSort<object?, object, JurisdictionFilterInputGraphType, JurisdictionSortInputGraphType>()
            .ResolveAsync(async c => await c.Db().Jurisdictions
                .Filtered<Jurisdiction, JurisdictionFilterInputGraphType>(c)
                .Sorted<Jurisdiction, JurisdictionSortInputGraphType, int>(c, j => j.Id, q => q.OrderBy(j => j.State).ThenBy(j => j.Name).ThenBy(j => j.Id))
                .ToConnectionAsync(c));

        query.Field<JurisdictionGraphType>("jurisdiction")
            .Description("One jurisdiction by its ID, or null when there is none.")
            .Argument<NonNullGraphType<IdGraphType>>("id", "The jurisdiction's ID.")
            .ResolveAsync(async c =>
            {
                var key = c.GetIdArgument("id", "Jurisdiction");
                return int.TryParse(key, out var id) ? await c.Db().Jurisdictions.FirstOrDefaultAsync(j => j.Id == id, c.CancellationToken) : null;
            });

        query.Field<ConnectionGraphType<FacilityGraphType, Facility>>("facilities")
            .Description("Jails and other facilities, filtered and sorted as asked; by default by state and name.")
            .WithPagingArguments()
            .WithFilterAndSort<object?, object, FacilityFilterInputGraphType, FacilitySortInputGraphType>()
            .ResolveAsync(async c => await c.Db().Facilities
                .Filtered<Facility, FacilityFilterInputGraphType>(c)
                .Sorted<Facility, FacilitySortInputGraphType, int>(c, f => f.Id, q => q.OrderBy(f => f.State).ThenBy(f => f.Name).ThenBy(f => f.Id))
                .ToConnectionAsync(c));

        query.Field<FacilityGraphType>("facility")
            .Description("One facility by its ID, or null when there is none.")
            .Argument<NonNullGraphType<IdGraphType>>("id", "The facility's ID.")
            .ResolveAsync(async c =>
            {
                var key = c.GetIdArgument("id", "Facility");
                return int.TryParse(key, out var id) ? await c.Db().Facilities.FirstOrDefaultAsync(f => f.Id == id, c.CancellationToken) : null;
            });
    }
}
