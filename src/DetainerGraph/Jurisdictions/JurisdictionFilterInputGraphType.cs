using DetainerGraph.Api.Filtering;
using DetainerGraph.Data;

namespace DetainerGraph.Jurisdictions;

public sealed class JurisdictionFilterInputGraphType : FilterInputGraphType<Jurisdiction, JurisdictionFilterInputGraphType>
{
    public JurisdictionFilterInputGraphType()
        : base("JurisdictionFilterInput", "Conditions on jurisdictions.")
    {
        Id("Jurisdiction", j => j.Id);
        String("name", j => j.Name, "The name as published.");
        String("state", j => j.State, "The two-letter state code.");
        Enum<JurisdictionKindGraphType, JurisdictionKind>("kind", j => j.Kind, "County, city, state agency or other.");
        String("fips", j => j.Fips, "The county FIPS code.");
        String("fieldOffice", j => j.FieldOffice, "The ICE field office.");
        List<Policy, PolicyFilterInputGraphType>("policies", j => j.Policies, "The published non-cooperation policies.");
    }
}

public sealed class JurisdictionSortInputGraphType : SortInputGraphType<Jurisdiction, JurisdictionSortInputGraphType>
{
    public JurisdictionSortInputGraphType()
        : base("JurisdictionSortInput", "A sort key for jurisdictions.")
    {
        Key("name", j => j.Name, "The name.");
        Key("state", j => j.State, "The state code.");
        Key("kind", j => j.Kind, "The kind, by name.");
        Key("fips", j => j.Fips, "The FIPS code.");
        Key("fieldOffice", j => j.FieldOffice, "The field office.");
    }
}

public sealed class FacilityFilterInputGraphType : FilterInputGraphType<Facility, FacilityFilterInputGraphType>
{
    public FacilityFilterInputGraphType()
        : base("FacilityFilterInput", "Conditions on facilities.")
    {
        Id("Facility", f => f.Id);
        String("name", f => f.Name, "The name as published.");
        String("city", f => f.City, "The city.");
        String("state", f => f.State, "The two-letter state code.");
        Object<Jurisdiction, JurisdictionFilterInputGraphType>("jurisdiction", f => f.Jurisdiction, "The jurisdiction that runs it.");
    }
}

public sealed class FacilitySortInputGraphType : SortInputGraphType<Facility, FacilitySortInputGraphType>
{
    public FacilitySortInputGraphType()
        : base("FacilitySortInput", "A sort key for facilities.")
    {
        Key("name", f => f.Name, "The name.");
        Key("city", f => f.City, "The city.");
        Key("state", f => f.State, "The state code.");
    }
}

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
