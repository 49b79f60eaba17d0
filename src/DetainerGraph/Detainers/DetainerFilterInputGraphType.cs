using DetainerGraph.Api;
using DetainerGraph.Api.Filtering;
using DetainerGraph.Charges;
using DetainerGraph.Data;
using DetainerGraph.Facilities;
using DetainerGraph.Jurisdictions;
using DetainerGraph.Weeks;

namespace DetainerGraph.Detainers;

public sealed class DetainerFilterInputGraphType : FilterInputGraphType<Detainer, DetainerFilterInputGraphType>
{
    public DetainerFilterInputGraphType()
        : base("DetainerFilterInput", "Conditions on detainers.")
    {
        Id("Detainer", d => d.Id);
        Date("issuedOn", d => d.IssuedOn, "When the detainer was issued (`issuedOn: null`: the date is unknown).");
        Date("outcomeRecordedOn", d => d.OutcomeRecordedOn, "When its outcome was recorded (`outcomeRecordedOn: null`: not recorded).");
        Enum<DetainerOutcomeGraphType, DetainerOutcome>("outcome", d => d.Outcome, "What became of it.");
        Enum<DetainerTypeGraphType, DetainerType>("detainerType", d => d.DetainerType, "The form ICE used.");
        String("citizenship", d => d.Citizenship, "The person's country of citizenship (`citizenship: null`: the source did not say).");
        Object<Jurisdiction, JurisdictionFilterInputGraphType>("jurisdiction", d => d.Jurisdiction, "The jurisdiction it was issued to (`jurisdiction: null`: the detainers without one).");
        Object<Facility, FacilityFilterInputGraphType>("facility", d => d.Facility, "The facility holding the person (`facility: null`: the detainers without one).");
        Object<Week, WeekFilterInputGraphType, DateOnly>("week", d => d.Week, d => d.WeekStart, w => w.Start, "The reporting week (`week: null`: the detainers in no reporting week).");
        List<Charge, ChargeFilterInputGraphType>("charges", d => d.Charges, "The person's charges and convictions.");
        Enum<SourceKindGraphType, SourceKind>("sourceKind", d => d.IsSynthetic ? SourceKind.Synthetic : SourceKind.File,
            "The kind of the detainer's source. Any condition on it replaces the default of published (FILE) records only: `{ eq: SYNTHETIC }` lists the demo alone.");
        Enum<JurisdictionResolutionGraphType, JurisdictionResolution>("jurisdictionResolution", d => d.JurisdictionResolution,
            "How the jurisdiction was found (`{ eq: UNRESOLVED }`: the detainers no name or rule placed).");
        Date("issuedOnOrAfter", d => d.IssuedOnOrAfter, "The earliest the detainer can have been issued, where `issuedOn` is unknown (a jail's booking date).");
        String("placeOfBirth", d => d.PlaceOfBirth, "The person's place of birth as the source recorded it (not citizenship).");
    }
}

public sealed class DetainerSortInputGraphType : SortInputGraphType<Detainer, DetainerSortInputGraphType>
{
    public DetainerSortInputGraphType()
        : base("DetainerSortInput", "A sort key for detainers.")
    {
        Key("issuedOn", d => d.IssuedOn, "When the detainer was issued.");
        Key("outcomeRecordedOn", d => d.OutcomeRecordedOn, "When its outcome was recorded.");
        Key("issuedOnOrAfter", d => d.IssuedOnOrAfter, "The earliest the detainer can have been issued, where `issuedOn` is unknown (a jail's booking date: every Travis County record). Missing values first ascending, last descending, as for `issuedOn`.");
        Key("outcome", d => d.Outcome, "The outcome, by name.");
        Key("detainerType", d => d.DetainerType, "The form, by name.");
        Key("citizenship", d => d.Citizenship, "The country of citizenship.");
        Object<Jurisdiction, JurisdictionSortInputGraphType>("jurisdiction", d => d.Jurisdiction, "By a field of the jurisdiction.");
        Object<Facility, FacilitySortInputGraphType>("facility", d => d.Facility, "By a field of the facility.");
        Object<Week, WeekSortInputGraphType>("week", d => d.Week, "By the reporting week.");
    }
}
