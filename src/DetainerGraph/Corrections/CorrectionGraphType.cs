using DetainerGraph.Api;
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
        Field(c => c.Field).Description("The corrected field, e.g. \"jurisdiction\".");
        Field(c => c.OldValue, nullable: true).Description("The value as published.");
        Field(c => c.NewValue, nullable: true).Description("The corrected value; null when the correction withdrew the value without naming a new one.");
        Field(c => c.CorrectedOn).Description("When it was corrected, as precisely as known: \"2017-04\" or \"2017-04-10\".");
        Field(c => c.Reason).Description("Why, in the words of the correcting authority where it gave them.");
        Field(c => c.Authority).Description("Who made the correction.");
        this.SourceField(x => (x.SourceId, x.SourceLine, null), "Where the correction was recorded.");
    }
}

public static class CorrectionLoaders
{
    public static IDataLoaderResult<IReadOnlyList<Correction>?> LoadCorrectionsOfDetainer(this IResolveFieldContext context, long detainerId) =>
        context.Batch<long, IReadOnlyList<Correction>>("CorrectionsByDetainerId", detainerId, async (db, ids, ct) =>
        {
            var rows = (await db.Corrections.Where(c => c.DetainerId != null && ids.Contains(c.DetainerId.Value)).OrderBy(c => c.Id).ToListAsync(ct))
                .ToLookup(c => c.DetainerId!.Value);
            return ids.ToDictionary(id => id, id => (IReadOnlyList<Correction>)[.. rows[id]]);
        });

    public static IDataLoaderResult<IReadOnlyList<Correction>?> LoadCorrectionsOfSectionOneEntry(this IResolveFieldContext context, int entryId) =>
        context.Batch<int, IReadOnlyList<Correction>>("CorrectionsBySectionOneEntryId", entryId, async (db, ids, ct) =>
        {
            var rows = (await db.Corrections.Where(c => c.SectionOneEntryId != null && ids.Contains(c.SectionOneEntryId.Value)).OrderBy(c => c.Id).ToListAsync(ct))
                .ToLookup(c => c.SectionOneEntryId!.Value);
            return ids.ToDictionary(id => id, id => (IReadOnlyList<Correction>)[.. rows[id]]);
        });

    /// <summary>Corrections to any record published about a jurisdiction (today: its Section I entries).</summary>
    public static IDataLoaderResult<IReadOnlyList<Correction>?> LoadCorrectionsOfJurisdiction(this IResolveFieldContext context, int jurisdictionId) =>
        context.Batch<int, IReadOnlyList<Correction>>("CorrectionsByJurisdictionId", jurisdictionId, async (db, ids, ct) =>
        {
            var rows = (await db.Corrections
                    .Where(c => c.SectionOneEntry != null && ids.Contains(c.SectionOneEntry.JurisdictionId))
                    .Select(c => new { c.SectionOneEntry!.JurisdictionId, Correction = c })
                    .OrderBy(c => c.Correction.Id)
                    .ToListAsync(ct))
                .ToLookup(c => c.JurisdictionId, c => c.Correction);
            return ids.ToDictionary(id => id, id => (IReadOnlyList<Correction>)[.. rows[id]]);
        });
}
