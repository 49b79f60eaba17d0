using DetainerGraph.Api.Filtering;
using DetainerGraph.Data;
using DetainerGraph.Jurisdictions;

namespace DetainerGraph.Facilities;

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
