using System.Globalization;
using System.Text;
using System.Text.Json;

namespace DetainerGraph.Export;

/// <summary>Writes an export row by row; the caller flushes.</summary>
public interface IExportWriter
{
    Task BeginAsync(IReadOnlyList<string> header);

    Task RowAsync(IEnumerable<string?> cells);
}

/// <summary>
/// RFC 4180 CSV with a header row. A text cell that a spreadsheet would run as a formula (one starting with
/// <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, a tab or a carriage return) gets a leading apostrophe, as OWASP advises;
/// numbers and dates are written by the server and never start with one of these.
/// </summary>
public sealed class CsvExportWriter(TextWriter writer) : IExportWriter
{
    private readonly StringBuilder _line = new();

    public Task BeginAsync(IReadOnlyList<string> header) => RowAsync(header);

    public async Task RowAsync(IEnumerable<string?> cells)
    {
        _line.Clear();
        var first = true;
        foreach (var cell in cells)
        {
            if (!first)
            {
                _line.Append(',');
            }
            first = false;
            AppendCell(_line, cell);
        }
        _line.Append("\r\n");
        await writer.WriteAsync(_line);
    }

    public static string Cell(string? value)
    {
        var builder = new StringBuilder();
        AppendCell(builder, value);
        return builder.ToString();
    }

    private static void AppendCell(StringBuilder line, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }
        if (value.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            line.Append(value);
            return;
        }
        line.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }
}

/// <summary>
/// Newline-delimited JSON: one object per row, keyed by the CSV header, with counts and line numbers as numbers
/// and missing values as null. Values are not formula-escaped: JSON is read by programs, not spreadsheets.
/// </summary>
public sealed class NdjsonExportWriter(TextWriter writer) : IExportWriter, IDisposable
{
    /// <summary>
    /// The columns written as JSON numbers: a detainer's source line, and a group's count and count per outcome. Every
    /// other column is text even where it looks like a number (a year label "2017", a FIPS code, a place named "12"), so a
    /// column an export gains is text unless it is named here; a list of the text columns had to grow with every one.
    /// </summary>
    private static readonly HashSet<string> NumberColumns =
        new(["sourceLine", "count", .. Detainers.DetainerOutcomeCounts.Properties.Select(p => ExportValues.Enum(p.Outcome))], StringComparer.Ordinal);

    private readonly MemoryStream _buffer = new();
    private IReadOnlyList<string> _header = [];

    public void Dispose() => _buffer.Dispose();

    public Task BeginAsync(IReadOnlyList<string> header)
    {
        _header = header;
        return Task.CompletedTask;
    }

    public async Task RowAsync(IEnumerable<string?> cells)
    {
        _buffer.SetLength(0);
        using (var json = new Utf8JsonWriter(_buffer))
        {
            json.WriteStartObject();
            var i = 0;
            foreach (var cell in cells)
            {
                var name = _header[i++];
                if (cell is null)
                {
                    json.WriteNull(name);
                }
                else if (name == "retracted")
                {
                    json.WriteBoolean(name, cell == "true");
                }
                else if (NumberColumns.Contains(name) && long.TryParse(cell, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                {
                    json.WriteNumber(name, number);
                }
                else
                {
                    json.WriteString(name, cell);
                }
            }
            json.WriteEndObject();
        }
        await writer.WriteAsync(Encoding.UTF8.GetString(_buffer.GetBuffer(), 0, (int)_buffer.Length));
        await writer.WriteAsync('\n');
    }
}
