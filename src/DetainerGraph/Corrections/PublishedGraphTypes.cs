using DetainerGraph.Api;
using DetainerGraph.Charges;
using DetainerGraph.Data;
using DetainerGraph.Detainers;
using DetainerGraph.Facilities;
using DetainerGraph.Jurisdictions;
using GraphQL;
using GraphQL.DataLoader;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Corrections;

// The values as published, read back from the corrections: a field's first applied correction kept the
// published value in its OldValue (see CorrectionWriter); a field never corrected still holds it.

/// <summary>A record's published values: from the first applied correction of each field, else the current value.</summary>
public sealed record AsPublished<T>(T Current, IReadOnlyList<Correction> Corrections, long? ChargeId = null)
{
    public string? Value(string field, string? current) =>
        Corrections.FirstOrDefault(c => c.IsApplied && c.ChargeId == ChargeId && c.Field == field) is { } first ? first.OldValue : current;
}

public sealed class DetainerAsPublishedGraphType : ObjectGraphType<AsPublished<Detainer>>
{
    public DetainerAsPublishedGraphType()
    {
        Name = "DetainerAsPublished";
        Description = "A detainer's correctable fields as first published, before any correction.";
        Field<NonNullGraphType<DetainerOutcomeGraphType>>("outcome").Description("The outcome as published.")
            .Resolve(c => CorrectionValues.ParseEnum<DetainerOutcome>(c.Source.Value("outcome", CorrectionValues.Enum(c.Source.Current.Outcome))));
        Field<IsoDateGraphType>("issuedOn").Description("The issue date as published.")
            .Resolve(c => CorrectionValues.ParseDate(c.Source.Value("issuedOn", CorrectionValues.Date(c.Source.Current.IssuedOn))));
        Field<IsoDateGraphType>("outcomeRecordedOn").Description("The outcome date as published.")
            .Resolve(c => CorrectionValues.ParseDate(c.Source.Value("outcomeRecordedOn", CorrectionValues.Date(c.Source.Current.OutcomeRecordedOn))));
        Field<JurisdictionGraphType>("jurisdiction").Description("The jurisdiction as published.")
            .Resolve(c => CorrectionValues.ParseReference("Jurisdiction", c.Source.Value("jurisdiction", CorrectionValues.Reference("Jurisdiction", c.Source.Current.JurisdictionId))) is { } id
                ? c.LoadJurisdiction(id)
                : null);
        Field<FacilityGraphType>("facility").Description("The facility as published.")
            .Resolve(c => CorrectionValues.ParseReference("Facility", c.Source.Value("facility", CorrectionValues.Reference("Facility", c.Source.Current.FacilityId))) is { } id
                ? c.LoadFacility(id)
                : null);
        Field<StringGraphType>("citizenship").Description("The citizenship as published.")
            .Resolve(c => c.Source.Value("citizenship", c.Source.Current.Citizenship));
    }
}

public sealed class ChargeAsPublishedGraphType : ObjectGraphType<AsPublished<Charge>>
{
    public ChargeAsPublishedGraphType()
    {
        Name = "ChargeAsPublished";
        Description = "A charge's correctable fields as first published, before any correction.";
        Field<NonNullGraphType<StringGraphType>>("description").Description("The offense text as published.")
            .Resolve(c => c.Source.Value("charge.description", c.Source.Current.Description));
        Field<NonNullGraphType<ChargeStatusGraphType>>("status").Description("The status as published.")
            .Resolve(c => CorrectionValues.ParseEnum<ChargeStatus>(c.Source.Value("charge.status", CorrectionValues.Enum(c.Source.Current.Status))));
    }
}

public sealed class SectionOneEntryAsPublishedGraphType : ObjectGraphType<AsPublished<SectionOneEntry>>
{
    public SectionOneEntryAsPublishedGraphType()
    {
        Name = "SectionOneEntryAsPublished";
        Description = "A Section I entry's correctable fields as ICE published them, before any correction made here.";
        Field<NonNullGraphType<IntGraphType>>("rank").Description("The rank as published.")
            .Resolve(c => CorrectionValues.ParseNumber(c.Source.Value("rank", CorrectionValues.Number(c.Source.Current.Rank))));
        Field<NonNullGraphType<JurisdictionGraphType>>("jurisdiction").Description("The jurisdiction as published.")
            .Resolve(c => c.LoadJurisdiction(CorrectionValues.ParseReference("Jurisdiction", c.Source.Value("jurisdiction", CorrectionValues.Reference("Jurisdiction", c.Source.Current.JurisdictionId))) ?? c.Source.Current.JurisdictionId));
        Field<IntGraphType>("detainersIssued").Description("The count as published; null where it was not printed.")
            .Resolve(c => CorrectionValues.ParseNumber(c.Source.Value("detainersIssued", CorrectionValues.Number(c.Source.Current.DetainersIssued))));
    }
}

/// <summary>The read side of corrections that the feature types call: each record with its values as published. Retracted records are left out of lists by <see cref="DetainerGraph.Detainers.RetractedRecords"/>.</summary>
public static class CorrectionReads
{
    public static IDataLoaderResult<AsPublished<Detainer>> LoadPublished(this IResolveFieldContext context, Detainer detainer) =>
        context.LoadCorrectionsOfDetainer(detainer.Id).Then(list => new AsPublished<Detainer>(detainer, list ?? []));

    public static IDataLoaderResult<AsPublished<Charge>> LoadPublished(this IResolveFieldContext context, Charge charge) =>
        context.LoadCorrectionsOfDetainer(charge.DetainerId).Then(list => new AsPublished<Charge>(charge, list ?? [], charge.Id));

    public static IDataLoaderResult<AsPublished<SectionOneEntry>> LoadPublished(this IResolveFieldContext context, SectionOneEntry entry) =>
        context.LoadCorrectionsOfSectionOneEntry(entry.Id).Then(list => new AsPublished<SectionOneEntry>(entry, list ?? []));
}
