using DetainerGraph.Api;
using DetainerGraph.Charges;
using DetainerGraph.Corrections;
using DetainerGraph.Data;
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
        Field<IsoDateGraphType>("issuedOn").Description("When ICE issued (lodged) the detainer, when known.").Resolve(c => c.Source.IssuedOn);
        Field(d => d.DetainerType).Description("The form ICE used.");
        Field(d => d.DetainerTypeAsPublished, nullable: true).Description("The form as the source spelled it.");
        Field(d => d.Outcome).Description("What became of the detainer (ICE's lift reason), or OPEN.");
        Field(d => d.OutcomeAsPublished, nullable: true).Description("The lift reason as the source spelled it.");
        Field<IsoDateGraphType>("outcomeRecordedOn").Description("When the outcome was recorded, when known.").Resolve(c => c.Source.OutcomeRecordedOn);
        Field(d => d.Citizenship, nullable: true).Description("The person's country of citizenship, as published.");
        Field<JurisdictionGraphType>("jurisdiction")
            .Description("The jurisdiction the detainer was issued to, when known.")
            .Resolve(c => c.Source.JurisdictionId is { } id ? c.LoadJurisdiction(id) : null);
        Field<FacilityGraphType>("facility")
            .Description("The facility holding the person, when known.")
            .Resolve(c => c.Source.FacilityId is { } id
                ? c.Batch<int, Facility>("FacilitiesById", id, async (db, ids, ct) =>
                    await db.Facilities.Where(f => ids.Contains(f.Id)).ToDictionaryAsync(f => f.Id, ct))
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
            .Description("The correctable fields as published, before any correction.")
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

public static class DetainerByIdLoader
{
    public static GraphQL.DataLoader.IDataLoaderResult<Detainer?> LoadDetainer(this GraphQL.IResolveFieldContext context, long id) =>
        context.Batch<long, Detainer>(nameof(DetainerByIdLoader), id, async (db, ids, ct) =>
            await db.Detainers.Where(d => ids.Contains(d.Id)).ToDictionaryAsync(d => d.Id, ct));
}
