using DetainerGraph.Api;
using DetainerGraph.Corrections;
using DetainerGraph.Data;
using DetainerGraph.Jurisdictions;
using GraphQL.Types;

namespace DetainerGraph.Weeks;

public sealed class SectionOneEntryGraphType : ObjectGraphType<SectionOneEntry>
{
    public SectionOneEntryGraphType()
    {
        Name = "SectionOneEntry";
        Description = "A row of Section I: a jurisdiction among the week's top ten by detainers issued, as published.";
        this.ImplementsNode();
        Field<NonNullGraphType<IdGraphType>>("id").Description("The entry's opaque ID.").Resolve(c => GlobalId.Encode("SectionOneEntry", c.Source.Id));
        Field(e => e.Rank).Description("The published rank, from 1.");
        Field<NonNullGraphType<JurisdictionGraphType>>("jurisdiction").Description("The jurisdiction, as corrected (`published` keeps the one ICE printed).").Resolve(c => c.LoadJurisdiction(c.Source.JurisdictionId));
        Field(e => e.DetainersIssued, nullable: true).Description("Detainers issued to it that week, as corrected; null where the count was not printed.");
        Field(e => e.SourceNotes, nullable: true).Description("Where the row was transcribed from.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<CorrectionGraphType>>>>("corrections")
            .Description("Corrections made to this entry since publication, oldest first: ICE's own (attached as notes) and editors' (applied to the fields above).")
            .Resolve(c => c.LoadCorrectionsOfSectionOneEntry(c.Source.Id));
        Field<NonNullGraphType<BooleanGraphType>>("isCorrected").Description("Whether any correction has been made to this entry.")
            .Resolve(c => c.LoadCorrectionsOfSectionOneEntry(c.Source.Id).Then(list => list is { Count: > 0 }));
        this.SourceField(x => (x.SourceId, x.SourceLine, null), "Where this row was transcribed from.");
        Field<NonNullGraphType<SectionOneEntryAsPublishedGraphType>>("published")
            .Description("The correctable fields as ICE published them, before any correction made here.")
            .Resolve(c => c.LoadPublished(c.Source));
        Field(e => e.Retracted).Description("Whether the entry was retracted (should never have been listed); `sectionOne` leaves retracted entries out unless `includeRetracted` is true.");
    }
}
