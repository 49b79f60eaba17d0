using DetainerGraph.Data;
using DetainerGraph.Reference;

namespace DetainerGraph.Import;

/// <summary>
/// One reader per import format. Each turns header-mapped rows into <see cref="ParsedFile"/> rows and
/// reports every bad cell; none touches the database.
/// </summary>
public sealed class FormatReaders(ReferenceData reference)
{
    private readonly JurisdictionNames _names = new(reference);
    // Each distinct facility once, shared by its rows (as JurisdictionNames shares jurisdictions).
    private readonly BoundedCache<(string State, string Name, string? City, JurisdictionRef? Jurisdiction), FacilityRef> _facilities = new(65_536);

    private FacilityRef Facility(string state, string name, string? city, JurisdictionRef? jurisdiction) =>
        _facilities.GetOrAdd((state, name, city, jurisdiction), 0, static (k, _) => new FacilityRef(k.State, k.Name, k.City, k.Jurisdiction));

    public void Read(ImportFormat format, IEnumerable<Row> rows, ParsedFile file)
    {
        switch (format)
        {
            case ImportFormat.DdorSectionTwo: ReadSectionTwo(rows, file); break;
            case ImportFormat.FoiaDetainers: ReadFoia(rows, file); break;
            case ImportFormat.DdorSectionOne: ReadSectionOne(rows, file); break;
            case ImportFormat.DdorSectionThree: ReadSectionThree(rows, file); break;
            case ImportFormat.DdorReports: ReadReports(rows, file); break;
            case ImportFormat.Corrections: ReadCorrections(rows, file); break;
            case ImportFormat.Detainers: ReadDetainers(rows, file); break;
            case ImportFormat.JailBookings: ReadJailBookings(rows, file); break;
            default: throw new ArgumentOutOfRangeException(nameof(format), format, null);
        }
    }

    private void ReadSectionTwo(IEnumerable<Row> rows, ParsedFile file)
    {
        foreach (var row in rows)
        {
            var state = row.State("state");
            var county = row.Required("county", "the county or city as published");
            var facility = row.Optional("facility");
            var description = row.Required("notable_criminal_activity", "the offense as published");
            var status = row.ChargeStatus("charge_or_conviction", required: true);
            var issued = row.Date("detainer_issued_date");
            var declined = row.Date("detainer_declined_date");
            var reportWeek = row.ReportWeek("report_week");
            if (declined is null && reportWeek is null && row.Optional("detainer_declined_date") is null)
            {
                row.Fail("report_week", null, "a report week when detainer_declined_date is empty");
            }
            var week = reportWeek ?? (declined is { } d ? Week.StartOf(d) : null);
            if (declined is { } day && reportWeek is { } start && Week.StartOf(day) != start)
            {
                row.Fail("detainer_declined_date", row.Optional("detainer_declined_date"),
                    $"a date within report_week {start:yyyy-MM-dd}..{start.AddDays(6):yyyy-MM-dd}");
            }
            if (issued is { } i && declined is { } dd && i > dd)
            {
                row.Fail("detainer_issued_date", row.Optional("detainer_issued_date"), "a date on or before detainer_declined_date");
            }
            if (state.Length == 0 || county.Length == 0 || status is null)
            {
                continue;
            }
            var jurisdiction = _names.FromName(state, county);
            var detainer = new DetainerRow
            {
                Line = row.Line,
                Jurisdiction = jurisdiction,
                Facility = facility is null ? null : Facility(state, facility, null, jurisdiction),
                IssuedOn = issued,
                Outcome = DetainerOutcome.DeclinedByLea,
                OutcomeAsPublished = "Detainer Declined by LEA",
                OutcomeRecordedOn = declined,
                WeekStart = week,
                Citizenship = row.Optional("citizenship"),
                SourceUrl = row.Optional("source_url"),
            };
            detainer.Charges.Add(new ChargeRow(description, status.Value));
            file.Detainers.Add(detainer);
        }
    }

    private void ReadFoia(IEnumerable<Row> rows, ParsedFile file)
    {
        foreach (var row in rows)
        {
            // The release does not say whether `date` is the prepare or the lift date. Open detainers carry
            // one too, so it is read as the issue (prepare) date; see data/README.md.
            var date = row.Date("date");
            if (row.Optional("date") is null)
            {
                row.Fail("date", null, Values.DateExpectation);
            }
            var outcome = row.Outcome("lift_reason");
            var facility = row.Required("det_facility", "the facility as published");
            var city = row.Optional("city");
            var state = row.State("state");
            var type = row.DetainerType("detainer_type");
            if (state.Length == 0 || facility.Length == 0)
            {
                continue;
            }
            var placement = _names.FromFacility(state, facility, city);
            file.Detainers.Add(new DetainerRow
            {
                Line = row.Line,
                Jurisdiction = placement.Jurisdiction,
                JurisdictionResolution = placement.Resolution,
                JurisdictionRule = placement.Rule,
                Facility = Facility(state, facility, city, placement.Jurisdiction),
                IssuedOn = date,
                DetainerType = type,
                DetainerTypeAsPublished = row.Optional("detainer_type"),
                Outcome = outcome,
                OutcomeAsPublished = row.Optional("lift_reason"),
            });
        }
    }

    private void ReadSectionOne(IEnumerable<Row> rows, ParsedFile file)
    {
        foreach (var row in rows)
        {
            var week = row.ReportWeek("report_week", required: true);
            var rank = row.WholeNumber("rank", required: true, min: 1);
            var state = row.State("state");
            var county = row.Required("county", "the county or city as published");
            var issued = row.WholeNumber("detainers_issued_in_week");
            if (week is null || rank is null || state.Length == 0 || county.Length == 0)
            {
                continue;
            }
            file.SectionOne.Add(new SectionOneRow(row.Line, week.Value, rank.Value, _names.FromName(state, county), issued, row.Optional("source_notes")));
        }
        foreach (var duplicate in file.SectionOne.GroupBy(e => (e.WeekStart, e.Rank)).Where(g => g.Count() > 1).SelectMany(g => g.Skip(1)))
        {
            file.Errors.Add(new ImportError(file.FileName, duplicate.Line, "rank", duplicate.Rank.ToString(System.Globalization.CultureInfo.InvariantCulture), "a rank not already given in the same week"));
        }
    }

    private void ReadSectionThree(IEnumerable<Row> rows, ParsedFile file)
    {
        foreach (var row in rows)
        {
            var text = row.Required("jurisdiction_(aor)", "'Name, State (Field Office)'");
            var name = row.Required("policy", "the policy's name as published");
            var enacted = row.Optional("date_enacted");
            DateOnly? enactedOn = null;
            if (enacted is not null)
            {
                if (Values.TryParseMonth(enacted, out var month))
                {
                    enactedOn = month;
                }
                else
                {
                    row.Fail("date_enacted", enacted, "a month and year ('February 2017') or a date");
                }
            }
            if (text.Length == 0 || name.Length == 0)
            {
                continue;
            }
            if (!_names.TryParseWithFieldOffice(text, out var jurisdiction, out var problem))
            {
                row.Fail("jurisdiction_(aor)", text, problem);
                continue;
            }
            file.Policies.Add(new PolicyRow(row.Line, jurisdiction, enacted, enactedOn, name, row.Optional("criteria_for_honoring_detainer")));
        }
    }

    private static void ReadReports(IEnumerable<Row> rows, ParsedFile file)
    {
        foreach (var row in rows)
        {
            var number = row.WholeNumber("report_number", required: true, min: 1);
            var start = row.ReportWeek("week_start", required: true);
            var end = row.Date("week_end");
            if (start is { } s && end is { } e && e != s.AddDays(6))
            {
                row.Fail("week_end", row.Optional("week_end"), $"the Friday after week_start ({s.AddDays(6):yyyy-MM-dd})");
            }
            var published = row.Date("published_on");
            var nationwide = row.WholeNumber("detainers_issued_nationwide");
            if (number is null || start is null)
            {
                continue;
            }
            file.Reports.Add(new ReportRow(row.Line, number.Value, start.Value, published, nationwide));
        }
    }

    private static void ReadCorrections(IEnumerable<Row> rows, ParsedFile file)
    {
        foreach (var row in rows)
        {
            var week = row.ReportWeek("report_week", required: true);
            var section = row.Required("section", "the report section: I");
            if (section.Length > 0 && section != "I")
            {
                row.Fail("section", section, "section I (corrections to other sections arrive with the corrections API)");
            }
            var rank = row.WholeNumber("rank", required: true, min: 1);
            var state = row.State("state");
            var county = row.Required("county", "the corrected entry's county as published");
            var field = row.Required("field", "the corrected field");
            var correctedOn = row.Required("corrected_on", "when it was corrected, as YYYY-MM or YYYY-MM-DD");
            if (correctedOn.Length > 0 && !Values.IsPartialDate(correctedOn))
            {
                row.Fail("corrected_on", correctedOn, "when it was corrected, as YYYY-MM or YYYY-MM-DD");
            }
            var reason = row.Required("reason", "why it was corrected");
            var authority = row.Required("authority", "on whose authority");
            if (week is null || rank is null || state.Length == 0 || county.Length == 0 || field.Length == 0
                || reason.Length == 0 || authority.Length == 0 || !Values.IsPartialDate(correctedOn))
            {
                continue;
            }
            file.Corrections.Add(new CorrectionRow(row.Line, week.Value, rank.Value, state, county, field,
                row.Optional("old_value"), row.Optional("new_value"), correctedOn, reason, authority));
        }
    }

    /// <summary>A key as <see cref="DetainerGenerator"/> writes it: <c>syn-SEED-N</c>.</summary>
    private static bool IsGeneratorKey(string key) =>
        key.Split('-') is ["syn", var seed, var n] && seed.Length > 0 && n.Length > 0 && seed.All(char.IsAsciiDigit) && n.All(char.IsAsciiDigit);

    private void ReadDetainers(IEnumerable<Row> rows, ParsedFile file)
    {
        var firstLineOfKey = new Dictionary<string, int>(StringComparer.Ordinal);
        DetainerRow? current = null;
        string? currentKey = null;
        var detainerCells = new string?[DetainerColumns.Length];
        foreach (var row in rows)
        {
            var key = row.Required("detainer_key", "an identifier shared by the rows of one detainer");
            var description = row.Required("charge", "the charge as published");
            var status = row.ChargeStatus("charge_status", required: true);
            var seedCell = row.Optional("synthetic_seed");
            if (seedCell is null && IsGeneratorKey(key))
            {
                // The seed is what marks a record synthetic: without it a generated detainer would be published as real.
                row.Fail("synthetic_seed", null, $"the seed of generated data: '{key}' is a key the generator writes, and without its seed the file would import as real records");
            }
            if (seedCell is { } seedText)
            {
                if (!int.TryParse(seedText, System.Globalization.CultureInfo.InvariantCulture, out var seed)
                    || (file.SyntheticSeed is { } known && known != seed))
                {
                    row.Fail("synthetic_seed", seedText, "one whole-number seed for the whole file");
                }
                else
                {
                    file.SyntheticSeed = seed;
                }
            }
            if (key.Length > 0 && key == currentKey)
            {
                RequireSameRecord(row, "detainer", key, DetainerColumns, detainerCells, firstLineOfKey[key]);
                if (current is not null && description.Length > 0 && status is not null)
                {
                    current.Charges.Add(new ChargeRow(description, status.Value));
                }
                continue;
            }
            if (key.Length > 0 && !firstLineOfKey.TryAdd(key, row.Line))
            {
                row.Fail("detainer_key", key, $"rows of one detainer to stand together (it began at line {firstLineOfKey[key]})");
                continue;
            }
            var state = row.State("state");
            var county = row.Required("county", "the county or city");
            var facility = row.Optional("facility");
            var issued = row.Date("issued_date");
            var outcome = row.Outcome("outcome");
            var outcomeDate = row.Date("outcome_date");
            var type = row.DetainerType("detainer_type");
            var reportWeek = row.ReportWeek("report_week");
            if (outcome == DetainerOutcome.Open && outcomeDate is not null)
            {
                row.Fail("outcome_date", row.Optional("outcome_date"), "no outcome date for an open detainer");
            }
            if (issued is { } i && outcomeDate is { } o && i > o)
            {
                row.Fail("issued_date", row.Optional("issued_date"), "a date on or before outcome_date");
            }
            currentKey = key;
            current = null;
            ReadCells(row, DetainerColumns, detainerCells);
            if (key.Length == 0 || state.Length == 0 || county.Length == 0 || description.Length == 0 || status is null)
            {
                continue;
            }
            var jurisdiction = _names.FromName(state, county);
            current = new DetainerRow
            {
                Line = row.Line,
                Jurisdiction = jurisdiction,
                Facility = facility is null ? null : Facility(state, facility, row.Optional("facility_city"), jurisdiction),
                IssuedOn = issued,
                DetainerType = type,
                DetainerTypeAsPublished = row.Optional("detainer_type"),
                Outcome = outcome,
                OutcomeAsPublished = row.Optional("outcome"),
                OutcomeRecordedOn = outcomeDate,
                WeekStart = reportWeek ?? (outcomeDate is { } od ? Week.StartOf(od) : null),
                Citizenship = row.Optional("citizenship"),
                SourceUrl = row.Optional("source_url"),
            };
            current.Charges.Add(new ChargeRow(description, status.Value));
            file.Detainers.Add(current);
        }
    }

    /// <summary>
    /// A jail's own export of its bookings that carried an ICE detainer (the shape of Travis County's
    /// <c>travis_county_ice_detainers.csv</c>): one row per booking charge, a booking's rows together. The
    /// detainer's disposition is mapped to an outcome by <c>data/jail_disposition_outcomes.csv</c> and kept as
    /// published; the lodge date is not in such records, so the booking date is kept as its lower bound
    /// (<c>issuedOnOrAfter</c>) and <c>issuedOn</c> stays empty; place of birth is kept as such, not as citizenship.
    /// </summary>
    private void ReadJailBookings(IEnumerable<Row> rows, ParsedFile file)
    {
        var firstLineOfBooking = new Dictionary<string, int>(StringComparer.Ordinal);
        DetainerRow? current = null;
        string? currentBooking = null;
        var bookingCells = new string?[BookingColumns.Length];
        foreach (var row in rows)
        {
            var booking = row.Required("booking", "an identifier shared by the rows of one booking");
            var description = row.Optional("charge");
            var code = row.Optional("charge_code");
            if (IsCodeWithoutItsLeadingZero(code))
            {
                row.Fail("charge_code", code, $"an 8-digit Texas offense code: this looks like 0{code} with its leading zero dropped, "
                    + "as a spreadsheet does to a column of numbers: format the column as text before saving, or restore the zero");
            }
            if (booking.Length > 0 && booking == currentBooking)
            {
                RequireSameRecord(row, "booking", booking, BookingColumns, bookingCells, firstLineOfBooking[booking]);
                if (current is not null && description is not null)
                {
                    current.Charges.Add(new ChargeRow(description, ChargeStatus.Charge, NcicCodeOf(code)));
                }
                continue;
            }
            if (booking.Length > 0 && !firstLineOfBooking.TryAdd(booking, row.Line))
            {
                row.Fail("booking", booking, $"rows of one booking to stand together (it began at line {firstLineOfBooking[booking]})");
                continue;
            }
            var state = row.State("state");
            var county = row.Required("county", "the county whose jail made the booking");
            var bookedOn = row.Date("booked_on");
            if (row.Optional("booked_on") is null)
            {
                row.Fail("booked_on", null, Values.DateExpectation);
            }
            var disposition = row.Optional("detainer_disposition");
            var outcome = DetainerOutcome.Open;
            if (disposition is not null && !reference.TryMapDisposition(disposition, out outcome))
            {
                row.Fail("detainer_disposition", disposition, "a disposition listed in data/jail_disposition_outcomes.csv (add it there with its outcome and basis)");
            }
            var dispositionDate = row.Date("detainer_disposition_date");
            if (bookedOn is { } b && dispositionDate is { } d && b > d)
            {
                row.Fail("detainer_disposition_date", row.Optional("detainer_disposition_date"), "a date on or after booked_on");
            }
            currentBooking = booking;
            current = null;
            ReadCells(row, BookingColumns, bookingCells);
            if (booking.Length == 0 || state.Length == 0 || county.Length == 0)
            {
                continue;
            }
            var jurisdiction = _names.FromName(state, county);
            var facility = row.Optional("facility");
            current = new DetainerRow
            {
                Line = row.Line,
                Jurisdiction = jurisdiction,
                Facility = facility is null ? null : Facility(state, facility, row.Optional("facility_city"), jurisdiction),
                IssuedOnOrAfter = bookedOn,
                Outcome = outcome,
                OutcomeAsPublished = disposition,
                OutcomeRecordedOn = dispositionDate,
                PlaceOfBirth = row.Optional("place_of_birth"),
            };
            if (description is not null)
            {
                current.Charges.Add(new ChargeRow(description, ChargeStatus.Charge, NcicCodeOf(code)));
            }
            file.Detainers.Add(current);
        }
    }

    /// <summary>
    /// The cells that describe a detainer rather than one of its charges: every row of the detainer repeats them, and only
    /// its first row's are read (<see cref="RequireSameRecord"/>).
    /// </summary>
    private static readonly string[] DetainerColumns =
        ["state", "county", "facility", "facility_city", "citizenship", "detainer_type", "issued_date", "outcome", "outcome_date", "report_week", "source_url"];

    /// <summary>The cells that describe a booking and its detainer rather than one charge (<see cref="RequireSameRecord"/>).</summary>
    private static readonly string[] BookingColumns =
        ["state", "county", "facility", "facility_city", "booked_on", "place_of_birth", "detainer_disposition", "detainer_disposition_date"];

    private static void ReadCells(Row row, string[] columns, string?[] cells)
    {
        for (var c = 0; c < columns.Length; c++)
        {
            cells[c] = row.Optional(columns[c]);
        }
    }

    /// <summary>
    /// Refuses a continuation row of a record (a detainer or a booking spread over one row per charge) whose record cells
    /// differ from its first row's. Only the first row's are read: a later row that says otherwise (another outcome, date
    /// or citizenship; two records keyed alike; one row edited by hand) would be dropped without a word, and the counts by
    /// outcome, year or place would follow whichever row came first.
    /// </summary>
    private static void RequireSameRecord(Row row, string noun, string key, string[] columns, string?[] firstRowCells, int firstLine)
    {
        for (var c = 0; c < columns.Length; c++)
        {
            var cell = row.Optional(columns[c]);
            if (!string.Equals(cell, firstRowCells[c], StringComparison.Ordinal))
            {
                var first = firstRowCells[c] is { } text ? $"'{(text.Length <= 80 ? text : text[..77] + "...")}'" : "an empty cell";
                row.Fail(columns[c], cell, $"{first}, as on line {firstLine}, the first row of {noun} {key}: the rows of one {noun} must agree on it");
            }
        }
    }

    /// <summary>
    /// Seven digits that are a Texas offense code once a leading zero is put back (09990018, homicide, saved from a number
    /// column as 9990018): read as they are, the code would silently name no NCIC offense.
    /// </summary>
    private bool IsCodeWithoutItsLeadingZero(string? chargeCode) =>
        chargeCode is { Length: 7 } && chargeCode.All(char.IsAsciiDigit) && reference.OffenseOfCode("0" + chargeCode[..3]) is not null;

    /// <summary>
    /// Texas offense codes have eight digits, the first four of them the NCIC offense code ("54040009" is
    /// 5404, DUI alcohol); shorter local codes say nothing, and the description is matched instead. A preparatory
    /// offense is the offense's code with a letter after it, A for an attempt, C for a conspiracy, S for a solicitation
    /// ("11990004A", <c>ATTM/AGG SEX ASLT CHILD</c>; "09990020S", <c>SOLIC/COMM CAPITAL MURDER</c>): its eight digits
    /// name the offense as well. Read as a local code, such a charge was classified by its abbreviated text alone, which
    /// filed 7 of Travis County's 180 of them in a block their code contradicts (the aggravated sexual assault of a
    /// child under Assault) and gave none of them an NCIC code.
    /// </summary>
    private string? NcicCodeOf(string? chargeCode) =>
        chargeCode is { Length: 8 or 9 } && chargeCode[..8].All(char.IsAsciiDigit)
            && (chargeCode.Length == 8 || chargeCode[8] is 'A' or 'C' or 'S')
            && reference.OffenseOfCode(chargeCode[..4]) is { } offense
            ? offense.Code
            : null;
}
