using System.Globalization;
using System.Text.RegularExpressions;
using DetainerGraph.Data;

namespace DetainerGraph.Import;

/// <summary>Parsers for the cell values the import formats share. Each returns false on anything it does not accept.</summary>
public static partial class Values
{
    public const string DateExpectation = "a date as YYYY-MM-DD, M/D/YYYY or YYYY-MM-DD HH:MM:SS, in the years 1900 to 2099";

    /// <summary>
    /// The dates a file may hold: a detainer's dates outside them are typing errors (2107 for 2017), and at the ends of
    /// the calendar a date's week or month would fall outside it (0001-01-01's Saturday is in year 0).
    /// </summary>
    public static readonly DateOnly EarliestDate = new(1900, 1, 1);

    /// <inheritdoc cref="EarliestDate"/>
    public static readonly DateOnly LatestDate = new(2099, 12, 31);

    private static bool Plausible(DateOnly date) => date >= EarliestDate && date <= LatestDate;

    private static readonly string[] DateFormats = ["yyyy-MM-dd", "M/d/yyyy", "yyyy-MM-dd HH:mm:ss"];

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
