using DetainerGraph.Api;
using DetainerGraph.Api.Filtering;
using DetainerGraph.Corrections;
using DetainerGraph.Data;
using DetainerGraph.Detainers;
using DetainerGraph.Facilities;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Jurisdictions;

public sealed class JurisdictionGraphType : ObjectGraphType<Jurisdiction>
{
    public JurisdictionGraphType()
    {
        Name = "Jurisdiction";
        Description = "A county, city or agency that holds people on ICE detainers.";
        this.ImplementsNode();
        Field<NonNullGraphType<IdGraphType>>("id").Description("The jurisdiction's opaque ID.").Resolve(c => GlobalId.Encode("Jurisdiction", c.Source.Id));
        Field(j => j.Name).Description("The name as published, e.g. \"Travis County\".");
        Field(j => j.State).Description("The state's two-letter USPS code.");
        Field(j => j.Kind).Description("County, city, state agency or other.");
        Field(j => j.Fips, nullable: true).Description("The five-digit county FIPS code, when the name matches a U.S. county.");
        Field(j => j.FieldOffice, nullable: true).Description("The ICE field office (Area of Responsibility), e.g. \"San Antonio\", when known.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<FacilityGraphType>>>>("facilities")
            .Description("The jails and other facilities in this jurisdiction, by name. Those known only from synthetic sources (the generated demo) are left out unless `includeSynthetic` is true.")
            .WithIncludeSyntheticPlaces("facilities", counted: false)
            .Resolve(c => (c.ExcludesSyntheticPlaces() ? JurisdictionDataLoaders.PublishedFacilitiesByJurisdictionId : JurisdictionDataLoaders.FacilitiesByJurisdictionId).Load(c, c.Source.Id));
        Field<NonNullGraphType<BooleanGraphType>>("isSynthetic")
            .Description("Whether this jurisdiction is known only from synthetic sources (the generated demo): created by a synthetic import and named by no published record. Lists of jurisdictions leave such ones out unless `includeSynthetic` is true.")
            .Resolve(c => JurisdictionDataLoaders.JurisdictionIsSynthetic.Load(c, c.Source.Id));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<PolicyGraphType>>>>("policies")
            .Description("Published policies that limit cooperation with ICE (DDOR Section III), newest first.")
            .Resolve(c => JurisdictionDataLoaders.PoliciesByJurisdictionId.Load(c, c.Source.Id));
        this.DetainerListField("detainers",
            "The detainers issued to this jurisdiction; by default oldest first. Published records only unless `includeSynthetic` is true.",
            c => d => d.JurisdictionId == c.Source.Id,
            q => q.OrderBy(d => d.IssuedOn).ThenBy(d => d.Id));
        Field<ListGraphType<NonNullGraphType<DetainerStatsGroupGraphType>>>("stats")
            .Description($"Counts of this jurisdiction's detainers, grouped as asked (e.g. `groupBy: [ISSUED_YEAR]` with `outcomes` for a trend). At most {DetainerStats.MaxGroups} groups, with a `{DetainerStatsQueries.TruncatedCode}` warning when more exist.")
            .WithStatsArguments()
            .ResolveAsync(async c => await c.StatsListAsync(c.Db().Detainers.ExceptRetractedUnlessAsked(c).Where(d => d.JurisdictionId == c.Source.Id)));
        this.SourceField(x => (x.SourceId, x.SourceLine, null), "The record this jurisdiction was first read from.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<CorrectionGraphType>>>>("corrections")
            .Description("Corrections to records published about this jurisdiction, such as ICE's 2017 corrections to Section I.")
            .Resolve(c => c.LoadCorrectionsOfJurisdiction(c.Source.Id));
    }
}

public sealed class JurisdictionKindGraphType : EnumerationGraphType<JurisdictionKind>
{
    public JurisdictionKindGraphType()
    {
        Name = "JurisdictionKind";
        Description = "What sort of body a jurisdiction is.";
    }
}
