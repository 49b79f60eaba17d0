using DetainerGraph.Data;
using GraphQL;
using GraphQL.DataLoader;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Api;

/// <summary>Where one record came from: its imported file and the line in it.</summary>
public sealed record Provenance(Source File, int Line, string? Url = null);

public static class ProvenanceLoader
{
    private static readonly Loader<int, Source> SourceById = new(async (db, ids, ct) =>
        await db.Sources.Where(s => ids.Contains(s.Id)).ToDictionaryAsync(s => s.Id, ct));

    /// <summary>The record's provenance; the files of a whole page are fetched in one query.</summary>
    public static IDataLoaderResult<Provenance> LoadProvenance(this IResolveFieldContext context, int sourceId, int line, string? url = null) =>
        SourceById.Load(context, sourceId)
            .Then(source => new Provenance(source!, line, url));

    /// <summary>Adds the <c>source</c> field to a type whose records keep a source and line.</summary>
    public static void SourceField<T>(this ObjectGraphType<T> type, Func<T, (int SourceId, int Line, string? Url)> provenance, string description)
    {
        type.Field<NonNullGraphType<SourceGraphType>>("source")
            .Description(description)
            .Resolve(c =>
            {
                var (sourceId, line, url) = provenance(c.Source);
                return c.LoadProvenance(sourceId, line, url);
            });
    }
}

public sealed class SourceGraphType : ObjectGraphType<Provenance>
{
    public SourceGraphType()
    {
        Name = "Source";
        Description = "Where a record came from: the imported file (a transcription of a report section, an ICE release, or synthetic data) and the line in it.";
        Field(p => p.Line).Description("The line of the file where the record starts (the header is line 1).");
        Field(p => p.Url, nullable: true).Description("Where the source published this row, when it said.");
        Field<NonNullGraphType<StringGraphType>>("fileName").Description("The file's name as imported.").Resolve(c => c.Source.File.FileName);
        Field<NonNullGraphType<StringGraphType>>("format").Description("The import format read from the file's header, e.g. `ddor-section2`.").Resolve(c => c.Source.File.Format);
        Field<NonNullGraphType<SourceKindGraphType>>("kind").Description("Whether the file holds real or synthetic records.").Resolve(c => c.Source.File.Kind);
        Field<StringGraphType>("section").Description("What the file transcribes, e.g. \"DDOR Section I\".").Resolve(c => c.Source.File.Section);
        Field<IntGraphType>("syntheticSeed").Description("For synthetic data, the generator's seed; null for real records.").Resolve(c => c.Source.File.SyntheticSeed);
        Field<NonNullGraphType<StringGraphType>>("contentSha256").Description("SHA-256 of the file's bytes: the same file is never imported twice.").Resolve(c => c.Source.File.ContentSha256);
        Field<NonNullGraphType<DateTimeOffsetGraphType>>("importedAt").Description("When the file was imported.").Resolve(c => c.Source.File.ImportedAt);
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
