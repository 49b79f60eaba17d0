using System.Security.Cryptography;
using System.Text;
using DetainerGraph.Data;
using DetainerGraph.Reference;
using DetainerGraph.Search;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Import;

public enum ImportOutcome
{
    Imported,
    AlreadyImported,
}

public sealed record ImportResult(string File, ImportOutcome Outcome, Source Source, IReadOnlyList<string> Warnings);

/// <summary>
/// Imports one file: all of it or none of it, and at most once. The file's format comes from its header;
/// every bad row is reported (line, column, value, expectation) before anything is written.
/// </summary>
public sealed class Importer(DetainerDbContext db, ReferenceData reference, SearchSync? search = null)
{
    /// <summary>
    /// The smallest file (in bytes) whose CSV is scanned on another thread while its rows are read (see
    /// <see cref="ReadAheadRecords"/>): a few thousand generated detainers. Tests lower it to take that path with small files.
    /// </summary>
    internal int ReadAheadFromBytes { get; init; } = 1 << 20;

    /// <summary>
    /// Run after the content was looked up and not found, before the write begins (tests hold two imports there, so that
    /// each has looked up before either writes).
    /// </summary>
    internal Func<Task>? AfterLookup { get; init; }

    /// <summary>
    /// The fewest bytes of a source after whose parse the garbage collector is asked to return its memory to the system
    /// (see <see cref="ImportOnceAsync"/>): below it the collection is not worth its pause.
    /// </summary>
    internal const int CollectAfterReleasingBytes = 64 << 20;

    /// <summary>The most bytes a source may hold, a pipe's as a regular file's: what one array holds (about 2 GB). Tests lower it.</summary>
    internal long MaxSourceBytes { get; init; } = Array.MaxLength;

    /// <summary>
    /// The SHA-256 of the content this importer last read (what its source records), once it was read whole; null before.
    /// After a failed or stopped import, whether its commit came first is asked by it (<see cref="FindImportedAsync"/>).
    /// </summary>
    public string? ContentSha256 { get; private set; }

    public async Task<ImportResult> ImportAsync(string path, IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        var fileName = SourceName(path);
        var content = new SourceContent(await ReadSourceAsync(path, fileName, ct));
        return await ImportAsync(fileName, content, progress, ct);
    }

    /// <summary>
    /// The file's bytes, at most <see cref="MaxSourceBytes"/>. Opened and read on a pool thread that a stop abandons:
    /// opening a FIFO waits in open() for a writer, and a pipe's read waits for data, where no token reaches (a first
    /// Ctrl+C did not end 'import FIFO'). A regular file that grows or shrinks while it is read is refused: what was read
    /// is not the file (a download or an export still being written).
    /// </summary>
    private async Task<byte[]> ReadSourceAsync(string path, string fileName, CancellationToken ct)
    {
        var max = MaxSourceBytes;
        var reading = Task.Run(() => ReadBounded(path, max, ct), CancellationToken.None);
        try
        {
            return await reading.WaitAsync(ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or OutOfMemoryException)
        {
            throw new ImportRejectedException(fileName, [new ImportError(fileName, 0, null, null, $"a readable file ({e.Message})")]);
        }
        catch (SourceTooLargeException e)
        {
            throw new ImportRejectedException(fileName, [new ImportError(fileName, 0, null, null, e.Message)]);
        }
    }

    private static byte[] ReadBounded(string path, long max, CancellationToken ct)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1, FileOptions.SequentialScan);
        if (stream.CanSeek)
        {
            var length = stream.Length;
            if (length > max)
            {
                throw new SourceTooLargeException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"a file of at most {max:N0} bytes (this one has {length:N0}): split it into several files"));
            }
            var bytes = new byte[length];
            var done = 0;
            while (done < bytes.Length)
            {
                ct.ThrowIfCancellationRequested();
                var read = stream.Read(bytes, done, Math.Min(bytes.Length - done, 1 << 20));
                if (read == 0)
                {
                    throw new SourceTooLargeException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                        $"a file that does not change while it is read (it held {length:N0} bytes when opened and ended at {done:N0}): import it once it is complete"));
                }
                done += read;
            }
            Span<byte> more = stackalloc byte[1];
            if (length > 0 && stream.Read(more) > 0)
            {
                throw new SourceTooLargeException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"a file that does not change while it is read (it held {length:N0} bytes when opened and grew while it was read): import it once it is complete"));
            }
            return bytes;
        }
        // A pipe or a device: read until it ends, never past the bound (a pipe of more once ran the process out of memory).
        using var buffer = new MemoryStream();
        var block = new byte[1 << 16];
        int n;
        while ((n = stream.Read(block)) > 0)
        {
            ct.ThrowIfCancellationRequested();
            if (buffer.Length + n > max)
            {
                throw new SourceTooLargeException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"an input of at most {max:N0} bytes (this pipe gave more): split it into several files"));
            }
            buffer.Write(block, 0, n);
        }
        return buffer.ToArray();
    }

    private sealed class SourceTooLargeException(string expected) : Exception(expected);

    /// <summary>
    /// The name a source records for <paramref name="path"/>: the file's name, except for a pipe or a descriptor, whose
    /// last segment is only a number (<c>import &lt;(zcat x.csv.gz)</c> reads <c>/dev/fd/63</c>): standard input is
    /// "(standard input)", another descriptor keeps its path as given.
    /// </summary>
    public static string SourceName(string path) =>
        path is "/dev/stdin" or "/dev/fd/0" or "/proc/self/fd/0" ? "(standard input)"
        : path.StartsWith("/dev/fd/", StringComparison.Ordinal) || (path.StartsWith("/proc/", StringComparison.Ordinal) && path.Contains("/fd/", StringComparison.Ordinal)) ? path
        : Path.GetFileName(path);

    /// <summary>
    /// The source a file's content was imported as (by its SHA-256, as <see cref="ImportAsync(string, byte[], IProgress{ImportProgress}?, CancellationToken)"/>
    /// recognizes it), or null: after an interrupted import, whether its commit came first.
    /// </summary>
    public async Task<Source?> FindImportedAsync(string sha256, CancellationToken ct) =>
        await db.Sources.AsNoTracking().FirstOrDefaultAsync(s => s.ContentSha256 == sha256, ct);

    public Task<ImportResult> ImportAsync(string fileName, byte[] bytes, IProgress<ImportProgress>? progress = null, CancellationToken ct = default) =>
        ImportAsync(fileName, new SourceContent(bytes), progress, ct);

    private async Task<ImportResult> ImportAsync(string fileName, SourceContent content, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        try
        {
            return await ImportOnceAsync(fileName, content, progress, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException && ct.IsCancellationRequested && SqliteInterrupt.IsInterrupt(e))
        {
            // As inside the write (ImportWriter): a statement stopped by this import's cancellation (sqlite3_interrupt) is
            // its cancellation, here those before the write and after the commit (the planner statistics' ANALYZE, the
            // outbox drain). What the store kept is what the commit decided; the caller is told it was cancelled.
            throw new OperationCanceledException("The import was cancelled.", e, ct);
        }
    }

    private async Task<ImportResult> ImportOnceAsync(string fileName, SourceContent content, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        var sha256 = ContentIdentity.Of(content.Bytes);
        ContentSha256 = sha256;
        // The same text under other line endings or a byte-order mark is the same content (ContentIdentity). Worked out
        // at the first lookup, which comes before the parse is done: the lookup inside the write needs no bytes.
        string[]? spellings = null;
        Task<Source?> LookUpAsync(CancellationToken token)
        {
            spellings ??= ContentIdentity.Spellings(content.Bytes, sha256);
            return db.Sources.AsNoTracking().Where(s => spellings.Contains(s.ContentSha256)).OrderBy(s => s.Id).FirstOrDefaultAsync(token);
        }
        var (existing, parsed) = await ParseBesideAsync(fileName, content, () => LookUpAsync(ct), ct);
        // Hashed, looked up and parsed: the rows hold all the write needs, and the file's bytes (as large as the file,
        // up to 2 GB) are let go before it rather than held to its commit beside the rows and the index's buffer. The
        // rest runs from the thread pool, on a stack of its own: the parse's task finished on a pool thread and ran this
        // continuation on top of its own frames, which may still hold the array, and SQLite's statements complete
        // synchronously, so the write could run to its commit without ever leaving that stack.
        var released = content.Release();
        if (existing is not null)
        {
            return await AlreadyImportedAsync(fileName, sha256, existing, ct);
        }
        if (released >= CollectAfterReleasingBytes)
        {
            // The collector keeps the memory it has (the array's, and the parse's garbage) committed for its next
            // allocations, and would hold it through the write beside the index's buffer and SQLite's page cache: one
            // blocking collection returns it, a few hundred milliseconds for a file of hundreds of megabytes.
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        }
        await Task.Yield();
        if (AfterLookup is not null)
        {
            await AfterLookup();
        }
        try
        {
            // Looked up again inside the write's transaction, which holds the store's write lock (SQLite's BEGIN
            // IMMEDIATE): another import of the same content (the same bytes, or the same text with other line endings
            // or mark) may have committed since the lookup above, and would otherwise be imported twice.
            return await WriteAsync(fileName, sha256, parsed!, progress, LookUpAsync, ct);
        }
        catch (ContentAlreadyImportedException e)
        {
            return await AlreadyImportedAsync(fileName, sha256, e.Existing, ct);
        }
    }

    private async Task<ImportResult> AlreadyImportedAsync(string fileName, string sha256, Source existing, CancellationToken ct)
    {
        // The data is all there, but a process killed after the commit may have left its search documents
        // owed: rerunning the import finishes them too.
        if (search is not null)
        {
            await search.IndexOwedNowAsync(db, ct);
        }
        string[] warnings = existing.ContentSha256 == sha256 ? [] :
            [$"{fileName} holds the same text as source #{existing.Id} ({existing.FileName}), with other line endings or byte-order mark; it was not imported again"];
        return new ImportResult(fileName, ImportOutcome.AlreadyImported, existing, warnings);
    }

    /// <summary>
    /// The file's parse on a pool thread while <paramref name="lookUp"/> asks the store whether its content was already
    /// imported: neither needs the other, and in a fresh process EF Core's first query (compiled, its code made) costs
    /// about as much as parsing 100,000 rows. The source found, or the parsed file; the parse is stopped and waited for
    /// when the content was imported or the lookup failed, so nothing of it runs on after this returns.
    /// </summary>
    private async Task<(Source? Existing, ParsedFile? File)> ParseBesideAsync(string fileName, SourceContent content, Func<Task<Source?>> lookUp, CancellationToken ct)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var parsing = Task.Run(() => Parse(fileName, content.Bytes, stop.Token), CancellationToken.None);
        Source? existing;
        try
        {
            existing = await lookUp();
        }
        catch (Exception)
        {
            await StopAsync();
            throw;
        }
        if (existing is not null)
        {
            await StopAsync();
            return (existing, null);
        }
        return (null, await parsing);

        // The parse's own outcome (a refused file, a cancellation) is observed and dropped: the lookup's decides.
        async Task StopAsync()
        {
            await stop.CancelAsync();
            await parsing.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private async Task<ImportResult> WriteAsync(string fileName, string sha256, ParsedFile parsed, IProgress<ImportProgress>? progress,
        Func<CancellationToken, Task<Source?>> alreadyImported, CancellationToken ct)
    {
        // Texts longer than their columns: SQL Server would refuse them at write time, so both providers refuse them here.
        ImportLengths.Check(parsed, db.Model);
        if (parsed.Errors.Count > 0)
        {
            throw new ImportRejectedException(fileName, [.. parsed.Errors.OrderBy(e => e.Line)], parsed.Errors.Total);
        }
        // The import's commit leaves its WAL checkpoint to a connection of its own, run beside the steps after it.
        await using var checkpoint = await SqliteImportCheckpoint.DeferAsync(db, ct);
        Source source;
        // The planner's statistics, when this import moved the detainer count by more than a tenth (SQLite only).
        Task RefreshStatisticsAsync() => PlannerStatistics.RefreshAfterImportAsync(db, ct);
        var statisticsRefreshed = false;
        // Indexed beside the write when the engine and the store allow it (see SearchSync.BeginImportAsync);
        // the outbox row is written either way, so a crash at any point leaves the documents owed, not lost.
        await using (var session = search is not null && parsed.Detainers.Count > 0 ? await search.BeginImportAsync(db, ct) : null)
        {
            source = await new ImportWriter(db, reference).WriteAsync(parsed, sha256, progress, session, ct, alreadyImported);
            checkpoint?.Start();
            if (session is not null)
            {
                // The statistics while the index commits.
                await session.CompleteAsync(source.Id, RefreshStatisticsAsync, ct);
                statisticsRefreshed = true;
            }
        }
        if (!statisticsRefreshed)
        {
            await RefreshStatisticsAsync();
        }
        if (search is not null)
        {
            await search.IndexOwedNowAsync(db, ct);
        }
        if (await EarlierOfSameNameAsync(source, ct) is { } earlier)
        {
            parsed.Warnings.Add($"{fileName}: source #{earlier.Id}, imported on {earlier.ImportedAt:yyyy-MM-dd} from a file of the same name and format, "
                + $"holds other content; this file's {source.RowCount} records were added beside its {earlier.RowCount}, not in place of them, and every "
                + "count now includes both. Nothing removes a source: to count only this version, import it into a fresh store");
        }
        return new ImportResult(fileName, ImportOutcome.Imported, source, parsed.Warnings);
    }

    /// <summary>
    /// An earlier source of the same file name and format as <paramref name="source"/> (whose content differs, or it
    /// would have been "already imported"): most often the same release downloaded again, corrected or edited by hand.
    /// A source is its content, so the new one is added beside the old, and every record both hold is counted twice;
    /// the import says so rather than let the counts double unseen. Pipes and descriptors have no name to compare.
    /// </summary>
    private Task<Source?> EarlierOfSameNameAsync(Source source, CancellationToken ct) =>
        source.FileName == "(standard input)" || source.FileName.StartsWith('/')
            ? Task.FromResult<Source?>(null)
            : db.Sources.AsNoTracking()
                .Where(s => s.FileName == source.FileName && s.Format == source.Format && s.Id < source.Id)
                .OrderByDescending(s => s.Id)
                .FirstOrDefaultAsync(ct);

    /// <summary>Reads and checks a whole file without touching the database.</summary>
    /// <remarks>
    /// The file is checked to be UTF-8 first, then decoded and read one record at a time: no copy of the whole
    /// file as one string, and no list of every record beside the parsed rows (at a million rows both were
    /// hundreds of megabytes of large-object heap and long garbage collections).
    /// </remarks>
    /// <param name="ct">Checked between records: a parse stopped part-way throws <see cref="OperationCanceledException"/>.</param>
    public ParsedFile Parse(string fileName, byte[] bytes, CancellationToken ct = default)
    {
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            throw NotUtf8(fileName, bytes);
        }
        var crAlone = EndsLinesWithCrAlone(bytes);
        // A NUL is no character of a CSV's text: the file is binary, or UTF-16 (whose ASCII letters each carry one).
        if (bytes.AsSpan().IndexOf((byte)0) is var nul and >= 0)
        {
            throw Rejected(fileName, LineOf(bytes, nul, crAlone), "text without NUL characters (byte 0x00): a CSV file in UTF-8, not a binary or UTF-16 file");
        }
        // Lines ended by CR alone (classic Mac OS) read as one line, and the header would be reported as missing columns.
        if (crAlone)
        {
            throw Rejected(fileName, 1, $"{CrAlone}. Convert with tr '\\r' '\\n' < {ShellName(fileName)} > fixed.csv, or save as \"CSV UTF-8\"");
        }
        using var text = new StreamReader(new MemoryStream(bytes, writable: false),
            new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: false);
        // A large file's CSV is scanned on another thread meanwhile (ReadAheadRecords); a small one's is not worth a thread.
        using var records = bytes.Length >= ReadAheadFromBytes ? new ReadAheadRecords(text, ct) : CsvReader.Read(text).GetEnumerator();
        try
        {
            if (!records.MoveNext())
            {
                throw Rejected(fileName, 1, "a CSV header naming the columns");
            }
            var headerRecord = records.Current;
            // Some exports begin with Excel's separator line, "sep=,", so that Excel splits the columns: skipped when it
            // says comma, and a refusal naming the separator when it says another.
            if (SeparatorLine(headerRecord) is { } separator)
            {
                if (separator != ',')
                {
                    throw Rejected(fileName, 1, $"comma-separated values: this file's first line, 'sep={separator}', says its fields are separated by "
                        + $"{SeparatorName(separator)}: save it again as \"CSV UTF-8\" (comma-separated), without that line");
                }
                if (!records.MoveNext())
                {
                    throw Rejected(fileName, 2, "a CSV header naming the columns");
                }
                headerRecord = records.Current;
            }

            var header = headerRecord.Fields.Select(h => h.Trim().ToLowerInvariant()).ToList();
            // A spreadsheet saves its used range: columns someone once touched to the right of the data are empty, and
            // so is their header cell. They are dropped (a row's cells there must be empty too).
            while (header.Count > 0 && header[^1].Length == 0)
            {
                header.RemoveAt(header.Count - 1);
            }
            var spec = ImportFormatSpec.Detect(header, out var problem)
                ?? throw new ImportRejectedException(fileName, [new ImportError(fileName, headerRecord.Line, null, string.Join(",", header),
                    ImportFormatSpec.SeparatedBy(header, out var other, out var format)
                        ? $"comma-separated values: this header's fields are separated by {SeparatorName(other)} (it is {Article(format)} {format} header otherwise), "
                            + (other == '\t'
                                ? "as a spreadsheet's \"Text (Tab delimited)\" or \"Unicode Text\" save writes them: save as \"CSV UTF-8\""
                                : "as a spreadsheet set to a language with decimal commas saves \"CSV\": save it with ',' as the field separator "
                                    + "(LibreOffice: Save As, Edit filter settings; Excel: the list separator of the computer's region settings)")
                        : problem)]);
            var parsed = new ParsedFile(fileName, spec.Format);

            var columns = new Dictionary<string, int>(StringComparer.Ordinal);
            var ignored = new List<string>();
            // A name given many times is one problem, reported once (5,000 copies of one name were 4,999 "bad rows").
            var repeated = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < header.Count; i++)
            {
                if (!columns.TryAdd(header[i], i))
                {
                    if (repeated.Add(header[i]))
                    {
                        parsed.Errors.Add(new ImportError(fileName, headerRecord.Line, header[i], null, "each column named once"));
                    }
                }
                else if (!spec.Required.Contains(header[i]) && !spec.Optional.Contains(header[i]))
                {
                    ignored.Add(header[i]);
                }
            }
            if (IgnoredColumnsWarning(fileName, spec.Name, ignored) is { } warning)
            {
                parsed.Warnings.Add(warning);
            }

            var rowCount = 0;
            IEnumerable<Row> Rows()
            {
                while (records.MoveNext())
                {
                    ct.ThrowIfCancellationRequested();
                    var record = records.Current;
                    // A row of empty cells (the rows a spreadsheet saves below its data) is skipped, as an empty line is.
                    if (AllEmpty(record.Fields, 0))
                    {
                        continue;
                    }
                    if (record.Fields.Count != header.Count && !(record.Fields.Count > header.Count && AllEmpty(record.Fields, header.Count)))
                    {
                        parsed.Errors.Add(new ImportError(fileName, record.Line, null, null, $"{header.Count} fields as in the header, not {record.Fields.Count}"));
                        continue;
                    }
                    rowCount++;
                    yield return new Row(fileName, record, columns, parsed.Errors);
                }
            }
            new FormatReaders(reference).Read(spec.Format, Rows(), parsed);
            if (rowCount == 0 && parsed.Errors.Count == 0)
            {
                parsed.Errors.Add(new ImportError(fileName, headerRecord.Line + 1, null, null, "at least one row after the header"));
            }
            return parsed;
        }
        catch (CsvFormatException e)
        {
            throw Rejected(fileName, e.Line, $"well-formed CSV ({e.Problem})");
        }
    }

    /// <summary>The most ignored columns one warning names; the rest are counted.</summary>
    internal const int MaxIgnoredColumnsNamed = 20;

    /// <summary>
    /// One warning for the header's columns that the format does not read, or null when there are none: a header of
    /// thousands of columns (an export with every field of its system) once printed a line for each.
    /// </summary>
    private static string? IgnoredColumnsWarning(string fileName, string format, List<string> ignored)
    {
        if (ignored.Count == 0)
        {
            return null;
        }
        if (ignored.Count == 1)
        {
            return $"{fileName}: column '{ImportError.Shorten(ignored[0])}' is not part of the {format} format and was ignored";
        }
        var named = string.Join(", ", ignored.Take(MaxIgnoredColumnsNamed).Select(c => $"'{ImportError.Shorten(c)}'"));
        var more = ignored.Count > MaxIgnoredColumnsNamed
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $" and {ignored.Count - MaxIgnoredColumnsNamed:N0} more")
            : "";
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{fileName}: {ignored.Count:N0} columns are not part of the {format} format and were ignored: {named}{more}");
    }

    /// <summary>Whether the cells from <paramref name="from"/> on are all empty or blank.</summary>
    private static bool AllEmpty(IReadOnlyList<string> fields, int from)
    {
        for (var i = from; i < fields.Count; i++)
        {
            if (!string.IsNullOrWhiteSpace(fields[i]))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The separator Excel's first line "sep=X" names (read as the two cells "sep=" and "" when X is a comma), or null.</summary>
    private static char? SeparatorLine(CsvRecord first) => first switch
    {
        { Line: 1, Fields: [var sep, ""] } when sep.Equals("sep=", StringComparison.OrdinalIgnoreCase) => ',',
        { Line: 1, Fields: [var sep] } when sep.Length == 5 && sep.StartsWith("sep=", StringComparison.OrdinalIgnoreCase) => sep[4],
        _ => null,
    };

    private static string SeparatorName(char separator) => separator switch
    {
        ';' => "semicolons",
        '\t' => "tabs",
        '|' => "vertical bars",
        ',' => "commas",
        _ => $"'{separator}'",
    };

    private static string Article(string word) => word.Length > 0 && "aeiou".Contains(word[0], StringComparison.Ordinal) ? "an" : "a";

    private static ImportRejectedException Rejected(string fileName, int line, string expected) =>
        new(fileName, [new ImportError(fileName, line, null, null, expected)]);

    private const string CrAlone = "lines ending in LF or CRLF: this file ends its lines with CR alone (classic Mac OS), so it reads as a single line";

    /// <summary>
    /// Whether the file's first line break is a CR alone (classic Mac OS, and Excel for Mac's "CSV (Macintosh)" save):
    /// its first CR is not followed by an LF, and no LF comes before it.
    /// </summary>
    private static bool EndsLinesWithCrAlone(ReadOnlySpan<byte> bytes)
    {
        var firstCr = bytes.IndexOf((byte)'\r');
        return firstCr >= 0 && (firstCr + 1 == bytes.Length || bytes[firstCr + 1] != (byte)'\n') && bytes[..firstCr].IndexOf((byte)'\n') < 0;
    }

    /// <summary>The line (1-based) of the byte at <paramref name="at"/>: lines end at each LF, or at each CR in a file of CR-ended lines.</summary>
    private static int LineOf(ReadOnlySpan<byte> bytes, int at, bool crAlone) => 1 + bytes[..at].Count(crAlone ? (byte)'\r' : (byte)'\n');

    /// <summary>The file's name as a shell command may hold it unquoted, or FILE.</summary>
    private static string ShellName(string fileName) =>
        fileName.Length is > 0 and <= 64 && fileName[0] != '-' && fileName.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '+') ? fileName : "FILE";

    /// <summary>
    /// The refusal of a file that is not UTF-8, at its first byte that is not: its line and character, the byte, what
    /// it would be in the encoding that most likely wrote it and how to convert. That is Windows-1252 (a spreadsheet's
    /// plain "CSV" save on Windows, the usual culprit), or Mac Roman when the file's lines end in CR alone (Excel for
    /// Mac's "CSV (Macintosh)" save, whose CR endings are then refused too, so one conversion fixes both) or the byte is
    /// no character in Windows-1252.
    /// </summary>
    private static ImportRejectedException NotUtf8(string fileName, ReadOnlySpan<byte> bytes)
    {
        if (bytes is [0xFF, 0xFE, ..] or [0xFE, 0xFF, ..])
        {
            return Rejected(fileName, 1, "UTF-8 text: this file is UTF-16 (it starts with UTF-16's byte order mark, as a spreadsheet's " +
                "\"Unicode Text\" save does, whose fields are separated by tabs). Save as \"CSV UTF-8\"; a comma-separated UTF-16 file " +
                "converts with iconv -f UTF-16 -t UTF-8");
        }
        var at = FirstInvalidUtf8(bytes);
        var crAlone = EndsLinesWithCrAlone(bytes);
        var lineStart = bytes[..at].LastIndexOf(crAlone ? (byte)'\r' : (byte)'\n') + 1;
        if (lineStart == 0 && bytes.StartsWith(Encoding.UTF8.Preamble))
        {
            lineStart = Encoding.UTF8.Preamble.Length;
        }
        var line = LineOf(bytes, at, crAlone);
        var column = 1 + Encoding.UTF8.GetCharCount(bytes[lineStart..at]);
        var value = bytes[at];
        var where = $"UTF-8 text: byte 0x{value:X2} at character {column} of this line is not UTF-8";
        // Curly quotes and dashes (0x91-0x97) are the usual stray bytes; five of 0x80-0x9F are no character at all.
        var asWindows1252 = Letter(Windows1252, value);
        if (crAlone || asWindows1252 is null)
        {
            var asMacRoman = Letter(MacRoman, value) is { } mac ? $"'{mac}' in Mac Roman" : "";
            var notWindows = asWindows1252 is null ? "no character in Windows-1252" : "";
            var named = string.Join("; ", new[] { asMacRoman, notWindows }.Where(s => s.Length > 0));
            var why = crAlone
                ? "Lines ended by CR alone are the mark of a Mac's plain \"CSV\" save (Excel for Mac's \"CSV (Macintosh)\"), which is Mac Roman"
                : "A Mac's plain \"CSV\" save (Excel for Mac's \"CSV (Macintosh)\") is Mac Roman";
            var encoding = new ImportError(fileName, line, null, null,
                $"{where}{(named.Length > 0 ? $" ({named})" : "")}. {why}: save as \"CSV UTF-8\", or convert with iconv -f MACINTOSH -t UTF-8");
            if (!crAlone)
            {
                return new ImportRejectedException(fileName, [encoding]);
            }
            var endings = new ImportError(fileName, 1, null, null,
                $"{CrAlone}. Convert both with iconv -f MACINTOSH -t UTF-8 {ShellName(fileName)} | tr '\\r' '\\n' > fixed.csv, or save as \"CSV UTF-8\"");
            return new ImportRejectedException(fileName, [endings, encoding]);
        }
        return Rejected(fileName, line,
            $"{where} ('{asWindows1252}' in Windows-1252). A spreadsheet's plain \"CSV\" " +
            "save is usually Windows-1252: save as \"CSV UTF-8\", or convert with iconv -f WINDOWS-1252 -t UTF-8");
    }

    /// <summary>The byte as a letter of <paramref name="encoding"/>, or null when it is none there (or is ASCII).</summary>
    private static string? Letter(Encoding encoding, byte value) =>
        value >= 0x80 && encoding.GetString([value]) is [var c] && !char.IsControl(c) && c != '\uFFFD' && !char.IsSurrogate(c)
            && System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) != System.Globalization.UnicodeCategory.PrivateUse
            ? c.ToString()
            : null;

    private static readonly Encoding Windows1252 = CodePagesEncodingProvider.Instance.GetEncoding(1252,
        EncoderFallback.ReplacementFallback, DecoderFallback.ReplacementFallback)!;

    private static readonly Encoding MacRoman = CodePagesEncodingProvider.Instance.GetEncoding(10000,
        EncoderFallback.ReplacementFallback, DecoderFallback.ReplacementFallback)!;

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        var buffer = new char[4096];
        var offset = 0;
        while (offset < bytes.Length)
        {
            var status = System.Text.Unicode.Utf8.ToUtf16(bytes[offset..], buffer, out var read, out _, replaceInvalidSequences: false);
            offset += read;
            if (status != System.Buffers.OperationStatus.DestinationTooSmall)
            {
                return status == System.Buffers.OperationStatus.Done ? bytes.Length - 1 : Math.Min(offset, bytes.Length - 1);
            }
        }
        return bytes.Length - 1;
    }
}
