using DetainerGraph.Api;
using DetainerGraph.Api.Filtering;
using DetainerGraph.Data;
using DetainerGraph.Detainers;
using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Jurisdictions;

public static class JurisdictionQueries
{
    private static readonly ListOf<JurisdictionGraphType, Jurisdiction, JurisdictionFilterInputGraphType, JurisdictionSortInputGraphType, int> Jurisdictions = new(j => j.Id);

    public static void AddJurisdictionQueries(this ObjectGraphType query)
    {
        Jurisdictions.Field(query, "jurisdictions",
                "Jurisdictions, filtered and sorted as asked; by default by state and name. Those known only from synthetic sources (the generated demo) are left out unless `includeSynthetic` is true.",
                c => c.Db().Jurisdictions, q => q.OrderBy(j => j.State).ThenBy(j => j.Name).ThenBy(j => j.Id),
                (c, matching) => matching.SplitSyntheticPlaces(SyntheticPlaces.SyntheticJurisdiction(c.Db()), c.ExcludesSyntheticPlaces()))
            .WithIncludeSyntheticPlaces("jurisdictions");

        query.Field<JurisdictionGraphType>("jurisdiction")
            .Description("One jurisdiction by its ID, or null when there is none.")
            .Argument<NonNullGraphType<IdGraphType>>("id", "The jurisdiction's ID. " + GlobalId.Rule)
            .ResolveAsync(async c =>
            {
                var id = c.GetIdArgument<int>("id", "Jurisdiction");
                return await c.Db().Jurisdictions.FirstOrDefaultAsync(j => j.Id == id, c.CancellationToken);
            });
    }
}
