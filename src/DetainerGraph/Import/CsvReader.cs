using System.Text;

namespace DetainerGraph.Import;

/// <summary>One CSV record and the physical line it starts on (1-based, header is line 1).</summary>
public sealed record CsvRecord(int Line, IReadOnlyList<string> Fields);

/// <summary>
/// An RFC 4180 reader: quoted fields may hold commas, doubled quotes and line breaks; CRLF and LF both end
/// records; a leading UTF-8 BOM is skipped. Line numbers are physical lines, so an error message points
/// where an editor shows the row.
/// </summary>
public static class CsvReader
{
    public static IEnumerable<CsvRecord> Read(TextReader reader)
    {
        var line = 1;
        var fields = new List<string>();
        var field = new StringBuilder();
        var recordLine = 1;
        var inQuotes = false;
        var fieldStarted = false;
        int c;
        if (reader.Peek() == '\uFEFF')
        {
            reader.Read();
        }
        while ((c = reader.Read()) != -1)
        {
            var ch = (char)c;
            if (inQuotes)
            {
                if (ch == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        field.Append('"');
                    }
                    else
                    {
                        inQuotes = false;
                    }
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
                    fields.Add(field.ToString());
                    field.Clear();
                    fieldStarted = false;
                    break;
                case '\r':
                    break;
                case '\n':
                    if (fields.Count > 0 || fieldStarted || field.Length > 0)
                    {
                        fields.Add(field.ToString());
                        yield return new CsvRecord(recordLine, fields.ToArray());
                    }
                    fields.Clear();
                    field.Clear();
                    fieldStarted = false;
                    line++;
                    recordLine = line;
                    break;
                default:
                    field.Append(ch);
                    fieldStarted = true;
                    break;
            }
        }
        if (inQuotes)
        {
            throw new CsvFormatException(recordLine, "a quoted field is never closed");
        }
        if (fields.Count > 0 || fieldStarted || field.Length > 0)
        {
            fields.Add(field.ToString());
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
}

public sealed class CsvFormatException(int line, string problem)
    : Exception($"line {line}: {problem}")
{
    public int Line { get; } = line;
    public string Problem { get; } = problem;
}
