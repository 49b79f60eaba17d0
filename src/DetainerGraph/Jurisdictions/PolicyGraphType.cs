using DetainerGraph.Api;
using DetainerGraph.Data;
using GraphQL.Types;

namespace DetainerGraph.Jurisdictions;

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
