using DetainerGraph.Api;
using DetainerGraph.Api.Filtering;
using DetainerGraph.Charges;
using DetainerGraph.Data;
using DetainerGraph.Jurisdictions;
using DetainerGraph.Weeks;

namespace DetainerGraph.Detainers;

public sealed class DetainerFilterInputGraphType : FilterInputGraphType<Detainer, DetainerFilterInputGraphType>
{
    public DetainerFilterInputGraphType()
        : base("DetainerFilterInput", "Conditions on detainers.")
    {
        Id("Detainer", d => d.Id);
        Date("issuedOn", d => d.IssuedOn, "When the detainer was issued.");
        Date("outcomeRecordedOn", d => d.OutcomeRecordedOn, "When its outcome was recorded.");
        Enum<DetainerOutcomeGraphType, DetainerOutcome>("outcome", d => d.Outcome, "What became of it.");
        Enum<DetainerTypeGraphType, DetainerType>("detainerType", d => d.DetainerType, "The form ICE used.");
        String("citizenship", d => d.Citizenship, "The person's country of citizenship.");
        Object<Jurisdiction, JurisdictionFilterInputGraphType>("jurisdiction", d => d.Jurisdiction, "The jurisdiction it was issued to.");
        Object<Facility, FacilityFilterInputGraphType>("facility", d => d.Facility, "The facility holding the person.");
        Object<Week, WeekFilterInputGraphType>("week", d => d.Week, "The reporting week.");
        List<Charge, ChargeFilterInputGraphType>("charges", d => d.Charges, "The person's charges and convictions.");
    }
}

public sealed class DetainerSortInputGraphType : SortInputGraphType<Detainer, DetainerSortInputGraphType>
{
    public DetainerSortInputGraphType()
        : base("DetainerSortInput", "A sort key for detainers.")
    {
        Key("issuedOn", d => d.IssuedOn, "When the detainer was issued.");
        Key("outcomeRecordedOn", d => d.OutcomeRecordedOn, "When its outcome was recorded.");
        Key("outcome", d => d.Outcome, "The outcome, by name.");
        Key("detainerType", d => d.DetainerType, "The form, by name.");
        Key("citizenship", d => d.Citizenship, "The country of citizenship.");
        Object<Jurisdiction, JurisdictionSortInputGraphType>("jurisdiction", d => d.Jurisdiction, "By a field of the jurisdiction.");
        Object<Facility, FacilitySortInputGraphType>("facility", d => d.Facility, "By a field of the facility.");
        Object<Week, WeekSortInputGraphType>("week", d => d.Week, "By the reporting week.");
    }
}
