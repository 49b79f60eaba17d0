namespace DetainerGraph.Import;

public enum ImportFormat
{
    /// <summary>DDOR Section II: one declined detainer per row.</summary>
    DdorSectionTwo,
    /// <summary>ICE FOIA detainer records, the shape of pa_detainers_2007_2015.csv.</summary>
    FoiaDetainers,
    /// <summary>DDOR Section I: the week's top-ten jurisdictions by detainers issued.</summary>
    DdorSectionOne,
    /// <summary>DDOR Section III: jurisdictions' published non-cooperation policies.</summary>
    DdorSectionThree,
    /// <summary>The reports themselves: number, week, publication date, nationwide count.</summary>
    DdorReports,
    /// <summary>Corrections to published Section I entries.</summary>
    Corrections,
    /// <summary>DetainerGraph's own detainer rows, with several charges per detainer (what `generate` writes).</summary>
    Detainers,
    /// <summary>A jail's bookings that carried an ICE detainer, one row per booking charge (the shape of travis_county_ice_detainers.csv).</summary>
    JailBookings,
}

/// <summary>A format's name and the header columns that identify it.</summary>
public sealed record ImportFormatSpec(ImportFormat Format, string Name, string[] Required, string[] Optional)
{
    public static readonly IReadOnlyList<ImportFormatSpec> All =
    [
        new(ImportFormat.DdorSectionTwo, "ddor-section2",
            ["state", "county", "facility", "citizenship", "notable_criminal_activity", "charge_or_conviction", "detainer_issued_date", "detainer_declined_date"],
            ["report_week", "source_url"]),
        new(ImportFormat.FoiaDetainers, "ice-foia-detainers",
            ["date", "lift_reason", "det_facility", "city", "state", "detainer_type"],
            []),
        new(ImportFormat.DdorSectionOne, "ddor-section1",
            ["report_week", "rank", "state", "county", "detainers_issued_in_week"],
            ["source_notes"]),
        new(ImportFormat.DdorSectionThree, "ddor-section3",
            ["jurisdiction_(aor)", "date_enacted", "policy", "criteria_for_honoring_detainer"],
            []),
        new(ImportFormat.DdorReports, "ddor-reports",
            ["report_number", "week_start", "week_end", "published_on", "detainers_issued_nationwide"],
            ["source_notes"]),
        new(ImportFormat.Corrections, "corrections",
            ["report_week", "section", "rank", "state", "county", "field", "old_value", "new_value", "corrected_on", "reason", "authority"],
            []),
        new(ImportFormat.Detainers, "detainers",
            ["detainer_key", "state", "county", "facility", "citizenship", "detainer_type", "issued_date", "outcome", "outcome_date", "charge", "charge_status"],
            ["facility_city", "report_week", "source_url", "synthetic_seed"]),
        new(ImportFormat.JailBookings, "jail-ice-bookings",
            ["state", "county", "booking", "booked_on", "place_of_birth", "detainer_disposition", "detainer_disposition_date", "charge"],
            ["facility", "facility_city", "charge_code"]),
    ];

    public static ImportFormatSpec Of(ImportFormat format) => All.First(s => s.Format == format);

    /// <summary>
    /// The format whose required columns the header holds (the most specific one when several do), or null
    /// with the closest format's missing columns.
    /// </summary>
    public static ImportFormatSpec? Detect(IReadOnlyCollection<string> header, out string problem)
    {
        var columns = header.ToHashSet(StringComparer.OrdinalIgnoreCase);
        var match = All.Where(s => s.Required.All(columns.Contains)).MaxBy(s => s.Required.Length);
        if (match is not null)
        {
            problem = "";
            return match;
        }
        var closest = All.MaxBy(s => s.Required.Count(columns.Contains))!;
        var missing = closest.Required.Where(c => !columns.Contains(c));
        problem = $"a header naming one of the import formats; closest is {closest.Name}, which also needs: {string.Join(", ", missing)}";
        return null;
    }

    /// <summary>
    /// Whether a header no format matches is one format's header with its fields separated by semicolons (a spreadsheet's
    /// "CSV" in a language with decimal commas), tabs or vertical bars instead of commas: which, and the format's name.
    /// </summary>
    public static bool SeparatedBy(IReadOnlyList<string> header, out char separator, out string format)
    {
        var text = string.Join(",", header);
        foreach (var candidate in (ReadOnlySpan<char>)[';', '\t', '|'])
        {
            if (text.Contains(candidate, StringComparison.Ordinal)
                && Detect(text.Split(candidate).Select(h => h.Trim().ToLowerInvariant()).ToList(), out _) is { } spec)
            {
                (separator, format) = (candidate, spec.Name);
                return true;
            }
        }
        (separator, format) = ('\0', "");
        return false;
    }
}
