using DetainerGraph.Api;
using DetainerGraph.Api.Filtering;
using DetainerGraph.Corrections;
using DetainerGraph.Data;
using DetainerGraph.Detainers;
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
            .Description("The jails and other facilities in this jurisdiction.")
            .Resolve(c => JurisdictionDataLoaders.FacilitiesByJurisdictionId.Load(c, c.Source.Id));
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
            .ResolveAsync(async c => await c.StatsListAsync(c.Db().Detainers.Listed(c).Where(d => d.JurisdictionId == c.Source.Id)));
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
            .ResolveAsync(async c => await c.StatsListAsync(c.Db().Detainers.Listed(c).Where(d => d.FacilityId == c.Source.Id)));
        this.SourceField(x => (x.SourceId, x.SourceLine, null), "The record this facility was first read from.");
    }
}

public sealed class PolicyGraphType : ObjectGraphType<Policy>
{
    public PolicyGraphType()
    {
        Name = "Policy";
        Description = "A jurisdiction's published policy limiting cooperation with ICE detainers (DDOR Section III).";
        this.ImplementsNode();
        Field<NonNullGraphType<IdGraphType>>("id").Description("The policy's opaque ID.").Resolve(c => GlobalId.Encode("Policy", c.Source.Id));
        Field(p => p.Name).Description("The policy as published, e.g. an ordinance or a sheriff's policy.");
        Field("dateEnacted", p => p.DateEnactedAsPublished, nullable: true).Description("The date enacted as published, e.g. \"February 2017\".");
        Field<IsoDateGraphType>("enactedOn").Description("The first day of the published enactment period, for sorting.").Resolve(c => c.Source.EnactedOn);
        Field(p => p.CriteriaForHonoringDetainers, nullable: true).Description("When the jurisdiction will honor a detainer, as published.");
        Field<JurisdictionGraphType>("jurisdiction").Description("The jurisdiction whose policy this is.").Resolve(c => c.LoadJurisdiction(c.Source.JurisdictionId));
        this.SourceField(x => (x.SourceId, x.SourceLine, null), "Where this row was published.");
    }
}
