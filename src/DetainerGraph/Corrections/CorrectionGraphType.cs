using DetainerGraph.Api;
using DetainerGraph.Charges;
using DetainerGraph.Data;
using GraphQL;
using GraphQL.DataLoader;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Corrections;

public sealed class CorrectionGraphType : ObjectGraphType<Correction>
{
    public CorrectionGraphType()
    {
        Name = "Correction";
        Description = "A correction to a published record. The record keeps its published values; the correction says what changed, when, why and on whose authority.";
        this.ImplementsNode();
        Field<NonNullGraphType<IdGraphType>>("id").Description("The correction's opaque ID.").Resolve(c => GlobalId.Encode("Correction", c.Source.Id));
        Field(c => c.Field).Description("The corrected field as the API names it: \"outcome\", \"issuedOn\", \"jurisdiction\", \"charge.status\"..., or \"retracted\" for a retraction.");
        Field(c => c.OldValue, nullable: true).Description("The value before (for the first correction of a field, as published). Enum names as in the schema, dates as YYYY-MM-DD, references as IDs; null for none.");
        Field(c => c.NewValue, nullable: true).Description("The corrected value, in the same format; null when the correction withdrew the value without naming a new one.");
        Field(c => c.CorrectedOn).Description("When it was corrected, as precisely as known: \"2017-04\" or \"2017-04-10\".");
        Field(c => c.Reason).Description("Why, in the words of the correcting authority or editor.");
        Field(c => c.Authority).Description("On whose authority, or from which document (an agency, a court record, a URL).");
        Field(c => c.Editor, nullable: true).Description("The editor who made the correction through the API; null for corrections imported from a file.");
        Field<DateTimeOffsetGraphType>("recordedAt").Description("When the API recorded the correction; null for imported ones.").Resolve(c => c.Source.RecordedAt);
        Field<NonNullGraphType<BooleanGraphType>>("applied")
            .Description("Whether the record's fields show this correction's new value. Corrections made through the API are applied; ICE's imported 2017 corrections are attached as notes to the entry as published.")
            .Resolve(c => c.Source.IsApplied);
        Field<ChargeGraphType>("charge").Description("For a correction to one of a detainer's charges, the charge.")
            .Resolve(c => c.Source.ChargeId is { } id
                ? c.LoadCharge(id)
                : null);
        Field<SourceGraphType>("source").Description("The file the correction was imported from; null for corrections made through the API.")
            .Resolve(c => c.Source.SourceId is { } sourceId ? c.LoadProvenance(sourceId, c.Source.SourceLine) : null);
    }
}
