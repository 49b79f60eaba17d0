namespace DetainerGraph.Import;

/// <summary>One bad cell or row: where it is, what it holds, and what was expected there.</summary>
public sealed record ImportError(string File, int Line, string? Column, string? Value, string Expected)
{
    public override string ToString()
    {
        var at = Column is null ? $"{File}:{Line}" : $"{File}:{Line} [{Column}]";
        return Value is null ? $"{at}: expected {Expected}" : $"{at}: '{Truncate(Value)}': expected {Expected}";
    }

    private static string Truncate(string value) => value.Length <= 80 ? value : value[..77] + "...";
}

/// <summary>A file refused whole. Nothing from it was written.</summary>
public sealed class ImportRejectedException(string file, IReadOnlyList<ImportError> errors)
    : Exception($"{file}: refused, {errors.Count} bad row(s); nothing was written")
{
    public string File { get; } = file;
    public IReadOnlyList<ImportError> Errors { get; } = errors;
}

/// <summary>
/// The content was imported by another import between the lookup before the parse and the write's transaction (see
/// <see cref="ImportWriter.WriteAsync"/>): nothing was written; the caller answers "already imported".
/// </summary>
public sealed class ContentAlreadyImportedException(Data.Source existing)
    : Exception($"The content was imported meanwhile as source #{existing.Id}.")
{
    public Data.Source Existing { get; } = existing;
}
