using System.Text;

namespace DetainerGraph.Import;

/// <summary>One CSV record and the physical line it starts on (1-based, header is line 1).</summary>
public sealed record CsvRecord(int Line, IReadOnlyList<string> Fields);

/// <summary>
/// An RFC 4180 reader: quoted fields may hold commas, doubled quotes and line breaks; CRLF and LF both end
/// records; a leading UTF-8 BOM is skipped. Line numbers are physical lines, so an error message points
/// where an editor shows the row.
/// </summary>
/// <remarks>
/// Built for files of a million rows: characters are read a block at a time and scanned in a local buffer (not
/// one virtual call each), and a column's repeated values (states, outcomes, statuses, charges) come back as one
/// string instance each instead of a new string per row, until the column proves to be mostly unique.
/// </remarks>
public static class CsvReader
{
    private const int BlockSize = 1 << 16;

    /// <summary>
    /// The most characters one record may hold, quotes and commas included: far above any real row (the longest column
    /// holds 4,000 characters, a spreadsheet cell 32,767), and what keeps a file of one enormous line, or a quote left
    /// open, from taking memory in proportion to it (a 100 MB line took 840 MB; 100 million commas 2.9 GB).
    /// </summary>
    public const int MaxRecordChars = 1 << 20;

    /// <summary>The most fields one record may hold: a spreadsheet's column limit (16,384).</summary>
    public const int MaxFields = 16_384;

    public static IEnumerable<CsvRecord> Read(TextReader reader)
    {
        var line = 1;
        var fields = new List<string>();
        var field = new FieldBuffer();
        var pools = new List<ColumnPool?>();
        var recordLine = 1;
        var inQuotes = false;
        var fieldStarted = false;
        // A quote inside quotes whose next character (maybe in the next block) decides: doubled or closing.
        var quotePending = false;
        var block = new char[BlockSize];
        var first = true;
        var recordChars = 0;
        int length;
        while ((length = reader.Read(block, 0, block.Length)) > 0)
        {
            var i = 0;
            if (first)
            {
                first = false;
                if (block[0] == '\uFEFF')
                {
                    i = 1;
                }
            }
            for (; i < length; i++)
            {
                var ch = block[i];
                if (++recordChars > MaxRecordChars)
                {
                    throw new CsvFormatException(recordLine, inQuotes || quotePending
                        ? $"a record of at most {MaxRecordChars:N0} characters; this one has more, inside a quoted field opened on line {recordLine} or after it: is a quote left open?"
                        : $"a record of at most {MaxRecordChars:N0} characters; this one has more");
                }
                if (quotePending)
                {
                    quotePending = false;
                    if (ch == '"')
                    {
                        field.Append('"');
                        continue;
                    }
                    inQuotes = false;
                    // Not a doubled quote: the quote closed the field; this character is read outside quotes below.
                }
                if (inQuotes)
                {
                    if (ch == '"')
                    {
                        quotePending = true;
                    }
                    else
                    {
                        if (ch == '\n')
                        {
                            line++;
                        }
                        field.Append(ch);
                    }
                    continue;
                }
                switch (ch)
                {
                    case '"' when !fieldStarted:
                        inQuotes = true;
                        fieldStarted = true;
                        break;
                    case ',':
                        if (fields.Count + 1 >= MaxFields)
                        {
                            throw new CsvFormatException(recordLine, $"at most {MaxFields:N0} fields in a record; this one has more");
                        }
                        fields.Add(field.Take(pools, fields.Count));
                        fieldStarted = false;
                        break;
                    case '\r':
                        break;
                    case '\n':
                        if (fields.Count > 0 || fieldStarted || field.Length > 0)
                        {
                            fields.Add(field.Take(pools, fields.Count));
                            yield return new CsvRecord(recordLine, fields.ToArray());
                        }
                        fields.Clear();
                        field.Clear();
                        fieldStarted = false;
                        line++;
                        recordLine = line;
                        recordChars = 0;
                        break;
                    default:
                        field.Append(ch);
                        fieldStarted = true;
                        break;
                }
            }
        }
        if (quotePending)
        {
            inQuotes = false;
        }
        if (inQuotes)
        {
            throw new CsvFormatException(recordLine, "a quoted field is never closed");
        }
        if (fields.Count > 0 || fieldStarted || field.Length > 0)
        {
            fields.Add(field.Take(pools, fields.Count));
            yield return new CsvRecord(recordLine, fields.ToArray());
        }
    }

    public static IEnumerable<CsvRecord> ReadFile(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        foreach (var record in Read(reader))
        {
            yield return record;
        }
    }

    /// <summary>The characters of the field being read, in a buffer reused from one field to the next.</summary>
    private sealed class FieldBuffer
    {
        private char[] _chars = new char[256];

        public int Length { get; private set; }

        public void Append(char ch)
        {
            if (Length == _chars.Length)
            {
                Array.Resize(ref _chars, _chars.Length * 2);
            }
            _chars[Length++] = ch;
        }

        public void Clear() => Length = 0;

        /// <summary>The field as a string (the column's pooled instance when it has one), and clears the buffer.</summary>
        public string Take(List<ColumnPool?> pools, int column)
        {
            var span = _chars.AsSpan(0, Length);
            Length = 0;
            if (span.Length == 0)
            {
                return "";
            }
            while (pools.Count <= column)
            {
                pools.Add(new ColumnPool());
            }
            if (pools[column] is not { } pool || span.Length > ColumnPool.MaxLength)
            {
                return new string(span);
            }
            if (pool.TryGet(span, out var value))
            {
                return value;
            }
            if (!pool.TryAdd(span, out value))
            {
                // Mostly unique (keys, free text): stop pooling the column.
                pools[column] = null;
            }
            return value;
        }
    }

    /// <summary>One column's distinct values, looked up by span so a repeated value allocates nothing.</summary>
    private sealed class ColumnPool
    {
        public const int MaxLength = 128;
        private const int MaxDistinct = 4_096;

        private readonly HashSet<string> _values = new(StringComparer.Ordinal);
        private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

        public ColumnPool() => _lookup = _values.GetAlternateLookup<ReadOnlySpan<char>>();

        public bool TryGet(ReadOnlySpan<char> span, out string value) => _lookup.TryGetValue(span, out value!);

        public bool TryAdd(ReadOnlySpan<char> span, out string value)
        {
            value = new string(span);
            if (_values.Count >= MaxDistinct)
            {
                return false;
            }
            _values.Add(value);
            return true;
        }
    }
}

public sealed class CsvFormatException(int line, string problem)
    : Exception($"line {line}: {problem}")
{
    public int Line { get; } = line;
    public string Problem { get; } = problem;
}
