using DetainerGraph.Api;
using DetainerGraph.Charges;
using DetainerGraph.Corrections;
using DetainerGraph.Data;
using DetainerGraph.Facilities;
using DetainerGraph.Jurisdictions;
using DetainerGraph.Weeks;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Detainers;

public sealed class DetainerGraphType : ObjectGraphType<Detainer>
{
    public DetainerGraphType()
    {
        Name = "Detainer";
        Description = "An ICE detainer: a request to a local agency to hold or report a person, and what became of it.";
        this.ImplementsNode();
        Field<NonNullGraphType<IdGraphType>>("id").Description("The detainer's opaque ID.").Resolve(c => GlobalId.Encode("Detainer", c.Source.Id));
        Field(d => d.IsSynthetic).Description("Whether the detainer was generated (the synthetic demo), not published: lists, stats and search leave such records out unless asked with `includeSynthetic: true`. The same as `source.kind == SYNTHETIC`.");
        Field<IsoDateGraphType>("issuedOn").Description("When ICE issued (lodged) the detainer, when known: the current value (after any correction). Null when the source did not say; see `issuedOnOrAfter`.").Resolve(c => c.Source.IssuedOn);
        Field<IsoDateGraphType>("issuedOnOrAfter").Description("When `issuedOn` is unknown, the earliest date the detainer can have been lodged, as the source bounds it: a jail's booking date (the detainer was lodged during that booking). Null otherwise.").Resolve(c => c.Source.IssuedOnOrAfter);
        Field(d => d.DetainerType).Description("The form ICE used: the current value (after any correction).");
        Field(d => d.DetainerTypeAsPublished, nullable: true).Description("Published text: the form exactly as the source spelled it, never changed by corrections.");
        Field(d => d.Outcome).Description("Current value: what became of the detainer (ICE's lift reason, or OPEN), after any correction. `published { outcome }` is the published value, before corrections; `outcomeAsPublished` the source's own words.");
        Field(d => d.OutcomeAsPublished, nullable: true).Description("Published text: the outcome exactly as the source wrote it (ICE's lift reason, a jail's disposition such as \"RELEASED TO ICE\"), never changed by corrections; null when the source gave none (e.g. synthetic or DDOR rows whose outcome is implied).");
        Field<IsoDateGraphType>("outcomeRecordedOn").Description("When the outcome was recorded, when known: the current value (after any correction).").Resolve(c => c.Source.OutcomeRecordedOn);
        Field(d => d.Citizenship, nullable: true).Description("The person's country of citizenship: the current value. Null when the source did not say; place of birth is not citizenship (see `placeOfBirth`).");
        Field(d => d.PlaceOfBirth, nullable: true).Description("Published text: the person's place of birth as the source recorded it (e.g. a jail's \"Guanajuato, Mexico\"). Not citizenship: a person born abroad may be a U.S. citizen.");
        Field<JurisdictionGraphType>("jurisdiction")
            .Description("The jurisdiction the detainer was issued to, when known: the current value. `jurisdictionResolution` says how it was found.")
            .Resolve(c => c.Source.JurisdictionId is { } id ? c.LoadJurisdiction(id) : null);
        Field<NonNullGraphType<JurisdictionResolutionGraphType>>("jurisdictionResolution").Resolve(c => c.Source.JurisdictionResolution).Description("How `jurisdiction` was found from the published names: named by the source, a county's exact name in the facility name, an alias, a spelling fold or a rule of data/jurisdiction_rules.csv; UNRESOLVED when none matched.");
        Field(d => d.JurisdictionRule, nullable: true).Description("The row of data/jurisdiction_rules.csv that placed the detainer, e.g. \"SCI → Pennsylvania Department of Corrections\"; null when no rule or alias was needed.");
        Field<FacilityGraphType>("facility")
            .Description("The facility holding the person, when known.")
            .Resolve(c => c.Source.FacilityId is { } id
                ? c.LoadFacility(id)
                : null);
        Field<WeekGraphType>("week")
            .Description("The reporting week: given by the report, or the week its outcome was recorded in.")
            .Resolve(c => c.Source.WeekStart is { } start ? Week.Starting(start) : null);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ChargeGraphType>>>>("charges")
            .Description("The person's criminal charges and convictions, as listed.")
            .Resolve(c => c.LoadCharges(c.Source.Id));
        this.SourceField(x => (x.SourceId, x.SourceLine, x.SourceUrl), "Where this record came from.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<CorrectionGraphType>>>>("corrections")
            .Description("Corrections made to this record and its charges since it was published, oldest first. The fields above show the corrected values; `published` keeps the values as published.")
            .Resolve(c => c.LoadCorrectionsOfDetainer(c.Source.Id));
        Field<NonNullGraphType<DetainerAsPublishedGraphType>>("published")
            .Description("Published values: the correctable fields as imported, before any correction made here (enum values and references, not the source's own words: those are the `…AsPublished` fields).")
            .Resolve(c => c.LoadPublished(c.Source));
        Field(d => d.Retracted).Description("Whether the detainer was retracted (should never have been listed). Lists leave retracted detainers out unless `includeRetracted` is true.");
    }
}

public sealed class DetainerOutcomeGraphType : EnumerationGraphType<DetainerOutcome>
{
    public DetainerOutcomeGraphType()
    {
        Name = "DetainerOutcome";
        Description = "What became of a detainer: ICE's lift-reason vocabulary, plus OPEN.";
    }
}

public sealed class JurisdictionResolutionGraphType : EnumerationGraphType<JurisdictionResolution>
{
    public JurisdictionResolutionGraphType()
    {
        Name = "JurisdictionResolution";
        Description = "How a detainer's jurisdiction was found from what its source published. The rules and aliases, each with its basis, are in data/jurisdiction_rules.csv.";
    }
}

public sealed class DetainerTypeGraphType : EnumerationGraphType<DetainerType>
{
    public DetainerTypeGraphType()
    {
        Name = "DetainerType";
        Description = "The detainer form.";
    }

    // The form names read as ICE writes them (I247D), not split at the digits (I_247_D).
    protected override string ChangeEnumCase(string val) => val.ToUpperInvariant();
}
