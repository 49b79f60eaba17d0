using DetainerGraph.Api;
using DetainerGraph.Corrections;
using DetainerGraph.Data;
using DetainerGraph.Detainers;
using DetainerGraph.Jurisdictions;
using GraphQL.Types;

namespace DetainerGraph.Facilities;

public sealed class FacilityGraphType : ObjectGraphType<Facility>
{
    public FacilityGraphType()
    {
        Name = "Facility";
        Description = "A jail, prison or other facility where a detainer was lodged.";
        this.ImplementsNode();
        Field<NonNullGraphType<IdGraphType>>("id").Description("The facility's opaque ID.").Resolve(c => GlobalId.Encode("Facility", c.Source.Id));
        Field(f => f.Name).Description("The name as published, e.g. \"MONTGOMERY CNTY JAIL, PA\".");
        Field(f => f.City, nullable: true).Description("The city as published, when known.");
        Field(f => f.State).Description("The state's two-letter USPS code.");
        Field<NonNullGraphType<BooleanGraphType>>("isSynthetic")
                    .Description("Whether this facility is known only from synthetic sources (the generated demo): created by a synthetic import and named by no published record. Lists of facilities leave such ones out unless `includeSynthetic` is true.")
                    .Resolve(c => JurisdictionDataLoaders.FacilityIsSynthetic.Load(c, c.Source.Id));
        Field<JurisdictionGraphType>("jurisdiction")
            .Description("The jurisdiction that runs the facility, when the source names it or the name says it.")
            .Resolve(c => c.Source.JurisdictionId is { } id ? c.LoadJurisdiction(id) : null);
        this.DetainerListField("detainers",
            "The detainers lodged at this facility; by default oldest first. Published records only unless `includeSynthetic` is true.",
            c => d => d.FacilityId == c.Source.Id,
            q => q.OrderBy(d => d.IssuedOn).ThenBy(d => d.Id));
        Field<ListGraphType<NonNullGraphType<DetainerStatsGroupGraphType>>>("stats")
            .Description($"Counts of the detainers lodged here, grouped as asked. At most {DetainerStats.MaxGroups} groups, with a `{DetainerStatsQueries.TruncatedCode}` warning when more exist.")
            .WithStatsArguments()
            .ResolveAsync(async c => await c.StatsListAsync(c.Db().Detainers.ExceptRetractedUnlessAsked(c).Where(d => d.FacilityId == c.Source.Id)));
        this.SourceField(x => (x.SourceId, x.SourceLine, null), "The record this facility was first read from.");
    }
}
