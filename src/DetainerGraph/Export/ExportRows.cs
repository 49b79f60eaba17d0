using System.Globalization;
using DetainerGraph.Api;
using DetainerGraph.Data;
using DetainerGraph.Detainers;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;

namespace DetainerGraph.Export;

/// <summary>
/// A detainer flattened for a spreadsheet, projected in SQL so a row is read and written without loading its
/// object graph. Nested objects become prefixed columns (<c>jurisdictionName</c>, <c>facilityCity</c>); the charges
/// become one cell each for descriptions and categories, and the fields corrected here one cell, filled per chunk of
/// rows by <see cref="FillChunkAsync"/> (neither provider aggregates a string over a navigation in one statement, and
/// a joined collection would multiply rows). A row carries what a reader needs to tell what was published from what
/// was read into it or corrected since: the source's own date bound and place of birth, how the jurisdiction was
/// found, and which values a correction changed.
/// </summary>
public sealed class DetainerExportRow
{
    public const string ChargeSeparator = "; ";

    public long Id { get; set; }
    public DateOnly? IssuedOn { get; set; }
    public DateOnly? IssuedOnOrAfter { get; set; }
    public DetainerOutcome Outcome { get; set; }
    public string? OutcomeAsPublished { get; set; }
    public DateOnly? OutcomeRecordedOn { get; set; }
    public DateOnly? WeekStart { get; set; }
    public DetainerType DetainerType { get; set; }
    public string? DetainerTypeAsPublished { get; set; }
    public string? Citizenship { get; set; }
    public string? PlaceOfBirth { get; set; }
    public int? JurisdictionId { get; set; }
    public string? JurisdictionName { get; set; }
    public string? JurisdictionState { get; set; }
    public string? JurisdictionFips { get; set; }
    public string? JurisdictionFieldOffice { get; set; }
    public JurisdictionResolution JurisdictionResolution { get; set; }
    public string? JurisdictionRule { get; set; }
    public int? FacilityId { get; set; }
    public string? FacilityName { get; set; }
    public string? FacilityCity { get; set; }
    public string? FacilityState { get; set; }
    public string? Charges { get; set; }
    public string? ChargeCategories { get; set; }
    public bool Retracted { get; set; }
    /// <summary>The fields corrections made here changed (as <c>Correction.field</c> names them), or null.</summary>
    public string? CorrectedFields { get; set; }
    public string SourceFile { get; set; } = "";
    public int SourceLine { get; set; }
    public SourceKind SourceKind { get; set; }
    public string? SourceUrl { get; set; }

    public static IQueryable<DetainerExportRow> Project(IQueryable<Detainer> detainers) => detainers.Select(d => new DetainerExportRow
    {
        Id = d.Id,
        IssuedOn = d.IssuedOn,
        IssuedOnOrAfter = d.IssuedOnOrAfter,
        Outcome = d.Outcome,
        OutcomeAsPublished = d.OutcomeAsPublished,
        OutcomeRecordedOn = d.OutcomeRecordedOn,
        WeekStart = d.WeekStart,
        DetainerType = d.DetainerType,
        DetainerTypeAsPublished = d.DetainerTypeAsPublished,
        Citizenship = d.Citizenship,
        PlaceOfBirth = d.PlaceOfBirth,
        JurisdictionId = d.JurisdictionId,
        JurisdictionName = d.Jurisdiction!.Name,
        JurisdictionState = d.Jurisdiction!.State,
        JurisdictionFips = d.Jurisdiction!.Fips,
        JurisdictionFieldOffice = d.Jurisdiction!.FieldOffice,
        JurisdictionResolution = d.JurisdictionResolution,
        JurisdictionRule = d.JurisdictionRule,
        FacilityId = d.FacilityId,
        FacilityName = d.Facility!.Name,
        FacilityCity = d.Facility!.City,
        FacilityState = d.Facility!.State,
        Retracted = d.Retracted,
        SourceFile = d.Source.FileName,
        SourceLine = d.SourceLine,
        SourceKind = d.Source.Kind,
        SourceUrl = d.SourceUrl,
    });

    /// <summary>
    /// Fills the charge cells (charges in ID order, as imported) and the corrected fields of a chunk of rows, with one
    /// query each. Only corrections made here change a value (imported ones, ICE's notes on Section I, do not), so only
    /// applied ones are named: a row whose outcome reads LIFTED beside an <c>outcomeAsPublished</c> of "RELEASED TO ICE"
    /// says <c>outcome</c> was corrected, instead of looking like a mistake of the import.
    /// </summary>
    public static async Task FillChunkAsync(DetainerDbContext db, IReadOnlyList<DetainerExportRow> rows, CancellationToken ct)
    {
        var ids = rows.Select(r => r.Id).ToList();
        var charges = (await db.Charges.AsNoTracking().Where(c => ids.Contains(c.DetainerId)).OrderBy(c => c.Id)
            .Select(c => new { c.DetainerId, c.Description, c.Category }).ToListAsync(ct)).ToLookup(c => c.DetainerId);
        var corrected = (await db.Corrections.AsNoTracking()
            .Where(c => c.DetainerId != null && ids.Contains(c.DetainerId.Value) && c.RecordedAt != null).OrderBy(c => c.Id)
            .Select(c => new { c.DetainerId, c.Field }).ToListAsync(ct)).ToLookup(c => c.DetainerId!.Value);
        foreach (var row in rows)
        {
            var of = charges[row.Id].ToList();
            row.Charges = of.Count == 0 ? null : string.Join(ChargeSeparator, of.Select(c => c.Description));
            row.ChargeCategories = of.Count == 0 ? null : string.Join(ChargeSeparator, of.Select(c => c.Category));
            var fields = corrected[row.Id].Select(c => c.Field).Distinct(StringComparer.Ordinal).ToList();
            row.CorrectedFields = fields.Count == 0 ? null : string.Join(ChargeSeparator, fields);
        }
    }

    /// <summary>
    /// The columns, in an order that only grows at its end: a script that reads an export by position keeps reading the
    /// same columns after a release adds one.
    /// </summary>
    public static readonly string[] Header =
    [
        "id", "issuedOn", "outcome", "outcomeAsPublished", "outcomeRecordedOn", "weekStart", "detainerType", "citizenship",
        "jurisdictionId", "jurisdictionName", "jurisdictionState", "jurisdictionFips", "jurisdictionFieldOffice",
        "facilityId", "facilityName", "facilityCity", "facilityState", "charges", "chargeCategories", "retracted",
        "sourceFile", "sourceLine", "sourceKind", "sourceUrl",
        // Added in the twenty-second wave.
        "issuedOnOrAfter", "detainerTypeAsPublished", "placeOfBirth", "jurisdictionResolution", "jurisdictionRule", "correctedFields",
    ];

    /// <summary>The cells in <see cref="Header"/> order: enums by their GraphQL names, dates ISO, IDs global.</summary>
    public IEnumerable<string?> Cells() =>
    [
        GlobalId.Encode("Detainer", Id), ExportValues.Date(IssuedOn), ExportValues.Enum(Outcome), OutcomeAsPublished,
        ExportValues.Date(OutcomeRecordedOn), ExportValues.Date(WeekStart), ExportValues.Enum(DetainerType), Citizenship,
        JurisdictionId is { } j ? GlobalId.Encode("Jurisdiction", j) : null, JurisdictionName, JurisdictionState, JurisdictionFips, JurisdictionFieldOffice,
        FacilityId is { } f ? GlobalId.Encode("Facility", f) : null, FacilityName, FacilityCity, FacilityState,
        Charges, ChargeCategories,
        Retracted ? "true" : "false", SourceFile, SourceLine.ToString(CultureInfo.InvariantCulture), ExportValues.Enum(SourceKind), SourceUrl,
        ExportValues.Date(IssuedOnOrAfter), DetainerTypeAsPublished, PlaceOfBirth, ExportValues.Enum(JurisdictionResolution), JurisdictionRule,
        CorrectedFields,
    ];
}

/// <summary>Values written the way the API writes them.</summary>
public static class ExportValues
{
    private static readonly Dictionary<Type, Dictionary<object, string>> EnumNames = new()
    {
        [typeof(DetainerOutcome)] = Names(new DetainerOutcomeGraphType()),
        [typeof(DetainerType)] = Names(new DetainerTypeGraphType()),
        [typeof(SourceKind)] = Names(new SourceKindGraphType()),
        [typeof(JurisdictionResolution)] = Names(new JurisdictionResolutionGraphType()),
    };

    private static Dictionary<object, string> Names(EnumerationGraphType type) => type.Values.ToDictionary(v => v.Value!, v => v.Name);

    public static string Enum<TEnum>(TEnum value)
        where TEnum : struct, System.Enum => EnumNames[typeof(TEnum)][value];

    public static string? Date(DateOnly? value) => value?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The column names of a stats export: the grouped keys, <c>count</c>, then one count per outcome.</summary>
    public static IEnumerable<string> StatsHeader(IReadOnlyList<DetainerStatsDimension> dimensions) =>
        dimensions.SelectMany(d => StatsColumns(d, ExportNames.Empty)).Select(c => c.Name)
            .Append("count")
            .Concat(DetainerOutcomeCounts.Properties.Select(p => Enum(p.Outcome)));

    public static IEnumerable<string?> StatsCells(IReadOnlyList<DetainerStatsDimension> dimensions, ExportNames names, DetainerStatsGroup group) =>
        dimensions.SelectMany(d => StatsColumns(d, names)).Select(c => c.Value(group.Keys))
            .Append(group.Count.ToString(CultureInfo.InvariantCulture))
            .Concat(DetainerOutcomeCounts.Properties.Select(p => ((int)p.Property.GetValue(group.Outcomes)!).ToString(CultureInfo.InvariantCulture)));

    /// <summary>The columns a dimension adds to a stats export; a period is its label (2017, 2017-Q1, 2017-03).</summary>
    private static IEnumerable<(string Name, Func<DetainerStatsKey, string?> Value)> StatsColumns(DetainerStatsDimension dimension, ExportNames names) => dimension switch
    {
        DetainerStatsDimension.State => [("state", k => k.State)],
        DetainerStatsDimension.Jurisdiction =>
        [
            ("jurisdictionId", k => k.JurisdictionId is { } id ? GlobalId.Encode("Jurisdiction", id) : null),
            ("jurisdictionName", k => k.JurisdictionId is { } id ? names.Jurisdictions.GetValueOrDefault(id).Name : null),
            ("jurisdictionState", k => k.JurisdictionId is { } id ? names.Jurisdictions.GetValueOrDefault(id).State : null),
        ],
        DetainerStatsDimension.FieldOffice => [("fieldOffice", k => k.FieldOffice)],
        DetainerStatsDimension.Facility =>
        [
            ("facilityId", k => k.FacilityId is { } id ? GlobalId.Encode("Facility", id) : null),
            ("facilityName", k => k.FacilityId is { } id ? names.Facilities.GetValueOrDefault(id).Name : null),
            // Facilities are told apart by city too: Pennsylvania's release has a POTTER COUNTY PRISON in Coudersport
            // and another in Wellsboro, which would read as one facility listed twice.
            ("facilityCity", k => k.FacilityId is { } id ? names.Facilities.GetValueOrDefault(id).City : null),
            ("facilityState", k => k.FacilityId is { } id ? names.Facilities.GetValueOrDefault(id).State : null),
        ],
        DetainerStatsDimension.Week => [("week", k => Date(k.Week))],
        DetainerStatsDimension.IssuedYear => [("issuedYear", k => Period.Year(k.IssuedYear)?.Label)],
        DetainerStatsDimension.IssuedQuarter => [("issuedQuarter", k => Period.Quarter(k.IssuedQuarterYear, k.IssuedQuarter)?.Label)],
        DetainerStatsDimension.IssuedMonth => [("issuedMonth", k => Period.Month(k.IssuedMonthYear, k.IssuedMonth)?.Label)],
        DetainerStatsDimension.OutcomeYear => [("outcomeYear", k => Period.Year(k.OutcomeYear)?.Label)],
        DetainerStatsDimension.OutcomeQuarter => [("outcomeQuarter", k => Period.Quarter(k.OutcomeQuarterYear, k.OutcomeQuarter)?.Label)],
        DetainerStatsDimension.OutcomeMonth => [("outcomeMonth", k => Period.Month(k.OutcomeMonthYear, k.OutcomeMonth)?.Label)],
        DetainerStatsDimension.Outcome => [("outcome", k => k.Outcome is { } o ? Enum(o) : null)],
        DetainerStatsDimension.DetainerType => [("detainerType", k => k.DetainerType is { } t ? Enum(t) : null)],
        DetainerStatsDimension.Citizenship => [("citizenship", k => k.Citizenship)],
        DetainerStatsDimension.ChargeCategory => [("chargeCategory", k => k.ChargeCategory)],
        DetainerStatsDimension.SourceKind => [("sourceKind", k => k.SourceKind is { } kind ? Enum(kind) : null)],
        DetainerStatsDimension.JurisdictionResolution => [("jurisdictionResolution", k => k.JurisdictionResolution is { } r ? Enum(r) : null)],
        DetainerStatsDimension.PlaceOfBirth => [("placeOfBirth", k => k.PlaceOfBirth)],
        DetainerStatsDimension.IssuedOnOrAfterYear => [("issuedOnOrAfterYear", k => Period.Year(k.IssuedOnOrAfterYear)?.Label)],
        _ => throw new ArgumentOutOfRangeException(nameof(dimension)),
    };
}

/// <summary>Names and places of the jurisdictions and facilities a stats export's groups refer to.</summary>
public sealed record ExportNames(
    IReadOnlyDictionary<int, (string? Name, string? State)> Jurisdictions,
    IReadOnlyDictionary<int, (string? Name, string? City, string? State)> Facilities)
{
    public static readonly ExportNames Empty = new(new Dictionary<int, (string?, string?)>(), new Dictionary<int, (string?, string?, string?)>());
}
