using System.ComponentModel;
using System.Globalization;
using DetainerGraph.Api;
using DetainerGraph.Data;
using GraphQL;

namespace DetainerGraph.Corrections;

/// <summary>The detainer fields an editor can correct.</summary>
public enum DetainerField
{
    [Description("What became of the detainer: a `DetainerOutcome` name such as `DECLINED_BY_LEA`.")]
    Outcome,
    [Description("When the detainer was issued: YYYY-MM-DD, or null for unknown.")]
    IssuedOn,
    [Description("When the outcome was recorded: YYYY-MM-DD, or null for unknown. The reporting week stays as published.")]
    OutcomeRecordedOn,
    [Description("The jurisdiction it was issued to: a `Jurisdiction` ID, or null for unknown.")]
    Jurisdiction,
    [Description("The facility holding the person: a `Facility` ID, or null for unknown.")]
    Facility,
    [Description("The person's country of citizenship: text, or null for unknown.")]
    Citizenship,
    [Description("One charge's text (needs `chargeId`); its NCIC code and category are matched again.")]
    ChargeDescription,
    [Description("One charge's status (needs `chargeId`): `CHARGE` or `CONVICTION`.")]
    ChargeStatus,
}

/// <summary>The Section I entry fields an editor can correct.</summary>
public enum SectionOneEntryField
{
    [Description("The jurisdiction the row names: a `Jurisdiction` ID.")]
    Jurisdiction,
    [Description("Detainers issued to it that week: a whole number, or null where unknown.")]
    DetainersIssued,
    [Description("The row's rank: a whole number from 1.")]
    Rank,
}

/// <summary>
/// How corrected values are written as text in a <see cref="Correction"/> and read back. One format per
/// kind of value, so <c>oldValue</c> and <c>newValue</c> read the same whichever field they belong to.
/// </summary>
public static class CorrectionValues
{
    public const string Retracted = "retracted";

    /// <summary>The name a correction records for a field: the API's field name ("issuedOn", "charge.status").</summary>
    public static string FieldName(DetainerField field) => field switch
    {
        DetainerField.ChargeDescription => "charge.description",
        DetainerField.ChargeStatus => "charge.status",
        _ => JsonName(field.ToString()),
    };

    public static string FieldName(SectionOneEntryField field) => JsonName(field.ToString());

    private static string JsonName(string pascal) => char.ToLowerInvariant(pascal[0]) + pascal[1..];

    public static string Enum<T>(T value) where T : struct, Enum => value.ToString().ToConstantCase();

    public static T? ParseEnum<T>(string? text) where T : struct, Enum =>
        text is null ? null : System.Enum.GetValues<T>().Select(v => (T?)v).FirstOrDefault(v => Enum(v!.Value) == text.Trim());

    public static string? Date(DateOnly? value) => value?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static bool TryParseDate(string text, out DateOnly date) =>
        DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    public static DateOnly? ParseDate(string? text) => text is not null && TryParseDate(text, out var date) ? date : null;

    public static string? Reference(string typeName, int? id) => id is { } value ? GlobalId.Encode(typeName, value) : null;

    /// <summary>The key of a global ID of <paramref name="typeName"/>, or null when the text is not one.</summary>
    public static int? ParseReference(string typeName, string? text) =>
        text is not null && GlobalId.TryDecode(text.Trim(), out var type, out var key) && type == typeName
            && int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;

    public static string? Number(int? value) => value?.ToString(CultureInfo.InvariantCulture);

    public static int? ParseNumber(string? text) =>
        text is not null && int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : null;

    /// <summary>Stands for a value that does not parse in <see cref="Normalize(DetainerField, string?)"/>: compared by reference, it matches no stored value.</summary>
    public static readonly string Invalid = new('\0', 1);

    /// <summary>
    /// The text a correction of <paramref name="field"/> to <paramref name="value"/> stores as its new value (what the
    /// writer would record), or <see cref="Invalid"/>: how an idempotent replay is told from a different request.
    /// </summary>
    public static string? Normalize(DetainerField field, string? value) => value is null ? null : field switch
    {
        DetainerField.Outcome => ParseEnum<DetainerOutcome>(value) is { } outcome ? Enum(outcome) : Invalid,
        DetainerField.ChargeStatus => ParseEnum<ChargeStatus>(value) is { } status ? Enum(status) : Invalid,
        DetainerField.IssuedOn or DetainerField.OutcomeRecordedOn => ParseDate(value) is { } date ? Date(date) : Invalid,
        DetainerField.Jurisdiction => Reference("Jurisdiction", ParseReference("Jurisdiction", value)) ?? Invalid,
        DetainerField.Facility => Reference("Facility", ParseReference("Facility", value)) ?? Invalid,
        _ => value.Trim(),
    };

    /// <inheritdoc cref="Normalize(DetainerField, string?)"/>
    public static string? Normalize(SectionOneEntryField field, string? value) => value is null ? null : field switch
    {
        SectionOneEntryField.Jurisdiction => Reference("Jurisdiction", ParseReference("Jurisdiction", value)) ?? Invalid,
        _ => Number(ParseNumber(value)) ?? Invalid,
    };
}
