using DetainerGraph.Data;

namespace DetainerGraph.Import;

/// <summary>
/// One CSV record read through its file's header. Each accessor either returns the parsed value or
/// records an <see cref="ImportError"/> naming the line, column, value and expectation, so a reader
/// collects every problem in a file in one pass.
/// </summary>
public sealed class Row(string file, CsvRecord record, IReadOnlyDictionary<string, int> columns, ICollection<ImportError> errors)
{
    public int Line => record.Line;

    public bool Has(string column) => columns.ContainsKey(column);

    /// <summary>The trimmed cell, or null when the column is absent or the cell is empty.</summary>
    public string? Optional(string column) =>
        columns.TryGetValue(column, out var index) && index < record.Fields.Count && record.Fields[index].Trim() is { Length: > 0 } value
            ? value
            : null;

    public string Required(string column, string expected = "a value")
    {
        var value = Optional(column);
        if (value is null)
        {
            Fail(column, null, expected);
            return "";
        }
        return value;
    }

    public DateOnly? Date(string column)
    {
        var text = Optional(column);
        if (text is null)
        {
            return null;
        }
        if (Values.TryParseDate(text, out var date))
        {
            return date;
        }
        Fail(column, text, Values.DateExpectationFor(text));
        return null;
    }

    public DateOnly? ReportWeek(string column, bool required = false)
    {
        var text = required ? Required(column, Values.ReportWeekExpectation) : Optional(column);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        if (Values.TryParseReportWeek(text, out var start))
        {
            return start;
        }
        Fail(column, text, Values.ReportWeekExpectation);
        return null;
    }

    public int? WholeNumber(string column, bool required = false, int min = 0)
    {
        var text = required ? Required(column, $"a whole number of at least {min}") : Optional(column);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= min)
        {
            return value;
        }
        Fail(column, text, Values.IsGroupedNumber(text, out var digits)
            ? $"a whole number of at least {min}, without thousands separators ({digits}, not {text})"
            : $"a whole number of at least {min}");
        return null;
    }

    /// <summary>A state as a two-letter code or spelled out ("PENNSYLVANIA").</summary>
    public string State(string column)
    {
        var text = Required(column, "a U.S. state or territory");
        if (text.Length == 0)
        {
            return "";
        }
        if (Reference.States.Normalize(text) is { } code)
        {
            return code;
        }
        Fail(column, text, "a U.S. state or territory, as a two-letter code or its name");
        return "";
    }

    public DetainerOutcome Outcome(string column)
    {
        var text = Optional(column) ?? "";
        if (Values.TryParseOutcome(text, out var outcome))
        {
            return outcome;
        }
        Fail(column, text, Values.OutcomeExpectation);
        return DetainerOutcome.Open;
    }

    public DetainerType DetainerType(string column)
    {
        var text = Optional(column) ?? "";
        if (Values.TryParseDetainerType(text, out var type))
        {
            return type;
        }
        Fail(column, text, Values.DetainerTypeExpectation);
        return Data.DetainerType.Unknown;
    }

    public ChargeStatus? ChargeStatus(string column, bool required)
    {
        var text = required ? Required(column, Values.ChargeStatusExpectation) : Optional(column);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }
        if (Values.TryParseChargeStatus(text, out var status))
        {
            return status;
        }
        Fail(column, text, Values.ChargeStatusExpectation);
        return null;
    }

    public void Fail(string? column, string? value, string expected) =>
        errors.Add(new ImportError(file, Line, column, value, expected));
}
