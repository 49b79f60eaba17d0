using DetainerGraph.Api.Filtering;
using DetainerGraph.Data;

namespace DetainerGraph.Jurisdictions;

public sealed class PolicyFilterInputGraphType : FilterInputGraphType<Policy, PolicyFilterInputGraphType>
{
    public PolicyFilterInputGraphType()
        : base("PolicyFilterInput", "Conditions on published policies.")
    {
        Id("Policy", p => p.Id);
        String("name", p => p.Name, "The policy as published.");
        Date("enactedOn", p => p.EnactedOn, "The first day of the published enactment period.");
        String("criteriaForHonoringDetainers", p => p.CriteriaForHonoringDetainers, "When the jurisdiction honors a detainer.");
    }
}
