using System.Globalization;
using System.Text.RegularExpressions;
using DetainerGraph.Data;

namespace DetainerGraph.Import;

/// <summary>Parsers for the cell values the import formats share. Each returns false on anything it does not accept.</summary>
public static partial class Values
{
    public const string DateExpectation =
        "a date as YYYY-MM-DD, M/D/YYYY (month first) or YYYY-MM-DD HH:MM:SS (or M/D/YYYY H:MM, as a spreadsheet saves it), in the years 1900 to 2099";

    /// <summary>
    /// The dates a file may hold: a detainer's dates outside them are typing errors (2107 for 2017), and at the ends of
    /// the calendar a date's week or month would fall outside it (0001-01-01's Saturday is in year 0).
    /// </summary>
    public static readonly DateOnly EarliestDate = new(1900, 1, 1);

    /// <inheritdoc cref="EarliestDate"/>
    public static readonly DateOnly LatestDate = new(2099, 12, 31);

    private static bool Plausible(DateOnly date) => date >= EarliestDate && date <= LatestDate;

    // M/D/YYYY H:MM and H:MM:SS are the FOIA release's "2007-10-02 00:00:00" as Excel and Google Sheets write it back.
    private static readonly string[] DateFormats = ["yyyy-MM-dd", "M/d/yyyy", "yyyy-MM-dd HH:mm:ss", "M/d/yyyy H:mm", "M/d/yyyy H:mm:ss"];

    public static bool TryParseDate(string text, out DateOnly date)
    {
        date = default;
        if (!DateTime.TryParseExact(text.Trim(), DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            return false;
        }
        date = DateOnly.FromDateTime(parsed);
        return Plausible(date);
    }

    /// <summary>
    /// What a cell <see cref="TryParseDate"/> refused was expected to be: <see cref="DateExpectation"/>, and what the cell
    /// looks like when a spreadsheet wrote it so: a day-first date (28/01/2017; the file's other slashed dates, read month
    /// first, would be misread, so the whole file is refused), or a date's serial number (42763).
    /// </summary>
    public static string DateExpectationFor(string text)
    {
        var trimmed = text.Trim();
        if (SlashDatePattern().Match(trimmed) is { Success: true } slashed
            && int.Parse(slashed.Groups["first"].ValueSpan, CultureInfo.InvariantCulture) is > 12 and <= 31
            && int.Parse(slashed.Groups["second"].ValueSpan, CultureInfo.InvariantCulture) is >= 1 and <= 12)
        {
            return $"{DateExpectation}: '{slashed.Groups["date"].Value}' is day first (D/M/YYYY, as a spreadsheet set to a day-first language "
                + "saves dates), and this file's other dates with slashes would be read month first: save the dates as YYYY-MM-DD";
        }
        if (SerialPattern().IsMatch(trimmed)
            && DateOnly.FromDayNumber(SpreadsheetDayZero.DayNumber + int.Parse(trimmed.AsSpan(0, 5), CultureInfo.InvariantCulture)) is var day
            && Plausible(day))
        {
            return $"{DateExpectation}: '{trimmed}' looks like a spreadsheet's date serial number ({day:yyyy-MM-dd} in Excel's default date system): "
                + "format the column as dates before saving";
        }
        return DateExpectation;
    }

    /// <summary>Day 0 of Excel's default (1900) date system, as its serial numbers from 1 March 1900 count.</summary>
    private static readonly DateOnly SpreadsheetDayZero = new(1899, 12, 30);

    [GeneratedRegex(@"^(?<date>(?<first>\d{1,2})/(?<second>\d{1,2})/\d{4})(\s.*)?$", RegexOptions.Singleline)]
    private static partial Regex SlashDatePattern();

    [GeneratedRegex(@"^\d{5}(\.\d{1,10})?$")]
    private static partial Regex SerialPattern();

    /// <summary>
    /// A whole number written with thousands separators ("3,083", "3.083", "3 083"), as a spreadsheet saves a number
    /// column formatted so: its digits.
    /// </summary>
    public static bool IsGroupedNumber(string text, out string digits)
    {
        var trimmed = text.Trim();
        digits = trimmed.Length <= 16 && GroupedNumberPattern().IsMatch(trimmed) ? string.Concat(trimmed.Where(char.IsAsciiDigit)) : "";
        return digits.Length > 0;
    }

    [GeneratedRegex(@"^\d{1,3}([,.\u00A0\u202F ]\d{3})+$")]
    private static partial Regex GroupedNumberPattern();

    public const string ReportWeekExpectation =
        "a reporting week: its Saturday as YYYY-MM-DD, or YYYY-MM-DD..YYYY-MM-DD from a Saturday to the Friday after, in the years 1900 to 2099";

    /// <summary>Parses a week start ("2017-01-28") or a Saturday-to-Friday range ("2017-01-28..2017-02-03").</summary>
    public static bool TryParseReportWeek(string text, out DateOnly start)
    {
        start = default;
        var parts = text.Trim().Split("..");
        if (parts.Length is < 1 or > 2
            || !DateOnly.TryParseExact(parts[0], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out start)
            || start.DayOfWeek != DayOfWeek.Saturday
            || !Plausible(start))
        {
            return false;
        }
        if (parts.Length == 2)
        {
            return DateOnly.TryParseExact(parts[1], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end)
                && end == start.AddDays(6);
        }
        return true;
    }

    /// <summary>"February 2017" (Section III's "Date Enacted") is the month's first day.</summary>
    public static bool TryParseMonth(string text, out DateOnly firstDay)
    {
        firstDay = default;
        if (!DateTime.TryParseExact(text.Trim(), ["MMMM yyyy", "MMM yyyy"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            return TryParseDate(text, out firstDay);
        }
        firstDay = DateOnly.FromDateTime(parsed);
        return Plausible(firstDay);
    }

    /// <summary>"2017-04" or "2017-04-10": a date as precisely as it is known.</summary>
    public static bool IsPartialDate(string text) =>
        PartialDatePattern().IsMatch(text)
        && (text.Length == 7
            ? DateOnly.TryParseExact(text + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
            : DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _));

    [GeneratedRegex(@"^\d{4}-\d{2}(-\d{2})?$")]
    private static partial Regex PartialDatePattern();

    private static readonly Dictionary<string, DetainerOutcome> OutcomeByLiftReason = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Booked into Detention"] = DetainerOutcome.BookedIntoDetention,
        ["Detainer Declined by LEA"] = DetainerOutcome.DeclinedByLea,
        ["Lifted"] = DetainerOutcome.Lifted,
        ["Lifted - Lack of Funds"] = DetainerOutcome.LiftedLackOfFunds,
        ["Lifted - Lack of Space"] = DetainerOutcome.LiftedLackOfSpace,
        ["Transferred"] = DetainerOutcome.Transferred,
        ["Case Closed"] = DetainerOutcome.CaseClosed,
        ["Early Release"] = DetainerOutcome.EarlyRelease,
        ["Died"] = DetainerOutcome.Died,
        ["Prosecutorial Discretion"] = DetainerOutcome.ProsecutorialDiscretion,
        ["Alien Not Subject to Deportation"] = DetainerOutcome.NotSubjectToDeportation,
        ["United States Citizen Interviewed"] = DetainerOutcome.UnitedStatesCitizenInterviewed,
    };

    public static string OutcomeExpectation { get; } =
        "a lift reason (" + string.Join(", ", OutcomeByLiftReason.Keys) + ") or empty for open";

    /// <summary>ICE's lift reason as published; an empty cell is an open detainer.</summary>
    public static bool TryParseOutcome(string text, out DetainerOutcome outcome)
    {
        outcome = DetainerOutcome.Open;
        return text.Trim().Length == 0 || OutcomeByLiftReason.TryGetValue(text.Trim(), out outcome);
    }

    /// <summary>The published lift reason for an outcome (the generator writes these).</summary>
    public static string LiftReasonOf(DetainerOutcome outcome) =>
        outcome == DetainerOutcome.Open ? "" : OutcomeByLiftReason.First(p => p.Value == outcome).Key;

    public const string DetainerTypeExpectation = "a detainer form: I-247, I-247A, I-247D, I-247N or I-247X, optionally followed by ' - ' and its title";

    /// <summary>"I247D - Immigration Detainer - Request for Action", "I-247A" or "i247n" name their form; empty is unknown.</summary>
    public static bool TryParseDetainerType(string text, out DetainerType type)
    {
        type = DetainerType.Unknown;
        var trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            return true;
        }
        var code = trimmed.Split(' ', 2)[0].Replace("-", "", StringComparison.Ordinal);
        return Enum.TryParse(code, ignoreCase: true, out type) && type != DetainerType.Unknown
            && string.Equals(type.ToString(), code, StringComparison.OrdinalIgnoreCase);
    }

    public const string ChargeStatusExpectation = "'Charge' (pending) or 'Conviction'";

    public static bool TryParseChargeStatus(string text, out ChargeStatus status)
    {
        status = ChargeStatus.Charge;
        switch (text.Trim().ToUpperInvariant())
        {
            case "CHARGE" or "PENDING" or "PENDING CHARGE" or "CHARGED":
                return true;
            case "CONVICTION" or "CONVICTED":
                status = ChargeStatus.Conviction;
                return true;
            default:
                return false;
        }
    }
}
