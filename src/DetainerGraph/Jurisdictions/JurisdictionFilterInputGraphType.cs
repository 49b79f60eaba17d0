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
