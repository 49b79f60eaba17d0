using DetainerGraph.Data;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Api;

/// <summary>Where one record came from: its source and the line in it.</summary>
public sealed record Provenance(int SourceId, int Line, string? Url = null);

public sealed class ProvenanceGraphType : ObjectGraphType<Provenance>
{
    public ProvenanceGraphType()
    {
        Name = "Provenance";
        Description = "Where a record came from: the source file or report, and the line within it.";
        Field(p => p.Line).Description("The line of the source file where the record starts (the header is line 1).");
        Field(p => p.Url, nullable: true).Description("Where the source published this row, when it said.");
        Field<NonNullGraphType<SourceGraphType>>("source")
            .Description("The imported file or report.")
            .Resolve(c => c.Batch<int, Source>("SourcesById", c.Source.SourceId, async (db, ids, ct) =>
                await db.Sources.Where(s => ids.Contains(s.Id)).ToDictionaryAsync(s => s.Id, ct)));
    }
}

public sealed class SourceGraphType : ObjectGraphType<Source>
{
    public SourceGraphType()
    {
        Name = "Source";
        Description = "An imported file: a transcription of a report section, an ICE release, or synthetic data.";
        Field<NonNullGraphType<IdGraphType>>("id").Description("The source's opaque ID.").Resolve(c => GlobalId.Encode("Source", c.Source.Id));
        Field(s => s.Kind).Description("Whether the source holds real records or synthetic ones.");
        Field(s => s.Format).Description("The import format read from the file's header, e.g. `ddor-section2`.");
        Field(s => s.FileName).Description("The file's name as imported.");
        Field(s => s.ContentSha256).Description("SHA-256 of the file's bytes: the same file is never imported twice.");
        Field(s => s.Section, nullable: true).Description("What the file transcribes, e.g. \"DDOR Section I\".");
        Field(s => s.SyntheticSeed, nullable: true).Description("For synthetic data, the generator's seed; null for real records.");
        Field(s => s.ImportedAt).Description("When the file was imported.");
        Field(s => s.RowCount).Description("How many records the file held.");
    }
}

public sealed class SourceKindGraphType : EnumerationGraphType<SourceKind>
{
    public SourceKindGraphType()
    {
        Name = "SourceKind";
        Description = "Whether a source holds real or synthetic records.";
    }
}
