namespace DetainerGraph.Import;

/// <summary>One bad cell or row: where it is, what it holds, and what was expected there.</summary>
public sealed record ImportError(string File, int Line, string? Column, string? Value, string Expected)
{
    public override string ToString()
    {
        var at = Column is null ? $"{File}:{Line}" : $"{File}:{Line} [{Shorten(Column)}]";
        return Value is null ? $"{at}: expected {Expected}" : $"{at}: '{Shorten(Value)}': expected {Expected}";
    }

    /// <summary>
    /// Text of the file (a cell, or a column name from its header) as a message quotes it: at most 80 characters. A file
    /// may hold a header cell of a megabyte (a record holds up to <see cref="CsvReader.MaxRecordChars"/>), and a warning
    /// naming it was printed whole: a 1 MB line on the console.
    /// </summary>
    public static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "...";
}

/// <summary>A file refused whole. Nothing from it was written.</summary>
/// <param name="total">How many problems were found, when more than <paramref name="errors"/> holds (see <see cref="ImportErrorList"/>).</param>
public sealed class ImportRejectedException(string file, IReadOnlyList<ImportError> errors, int? total = null)
    : Exception($"{file}: refused, {Math.Max(total ?? 0, errors.Count)} bad row(s); nothing was written")
{
    public string File { get; } = file;
    public IReadOnlyList<ImportError> Errors { get; } = errors;

    /// <summary>Problems found beyond those listed in <see cref="Errors"/>.</summary>
    public int Omitted { get; } = Math.Max(0, (total ?? 0) - errors.Count);
}

/// <summary>
/// A file's problems: the first <see cref="Kept"/> are kept (with their values), the rest only counted, so a file of a
/// million bad rows is refused with a bounded list (and bounded memory) instead of a million lines.
/// </summary>
public sealed class ImportErrorList : System.Collections.ObjectModel.Collection<ImportError>
{
    public const int Kept = 1_000;

    /// <summary>Every problem found, kept or not.</summary>
    public int Total { get; private set; }

    protected override void InsertItem(int index, ImportError item)
    {
        Total++;
        if (Count < Kept)
        {
            base.InsertItem(index, item);
        }
    }
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
