using DetainerGraph.Data;

namespace DetainerGraph.Import;

// What a reader makes of a file before anything touches the database: plain rows that name their
// jurisdictions and facilities by published name. The writer resolves names to records.

public sealed record JurisdictionRef(string State, string Name, JurisdictionKind Kind, string? FieldOffice);

public sealed record FacilityRef(string State, string Name, string? City, JurisdictionRef? Jurisdiction);

/// <summary>A facility's jurisdiction as found from its name, and how it was found (see <see cref="JurisdictionNames.FromFacility"/>).</summary>
public sealed record Placement(JurisdictionRef? Jurisdiction, JurisdictionResolution Resolution, string? Rule);

/// <param name="NcicCode">The NCIC code when the source gave one; otherwise it is matched from the description.</param>
public sealed record ChargeRow(string Description, ChargeStatus Status, string? NcicCode = null);

public sealed class DetainerRow
{
    public required int Line { get; init; }
    public JurisdictionRef? Jurisdiction { get; init; }
    /// <summary>How <see cref="Jurisdiction"/> was found: <see cref="JurisdictionResolution.Named"/> when the source named it.</summary>
    public JurisdictionResolution JurisdictionResolution { get; init; } = JurisdictionResolution.Named;
    public string? JurisdictionRule { get; init; }
    public FacilityRef? Facility { get; init; }
    public DateOnly? IssuedOn { get; init; }
    public DateOnly? IssuedOnOrAfter { get; init; }
    public string? PlaceOfBirth { get; init; }
    public DetainerType DetainerType { get; init; }
    public string? DetainerTypeAsPublished { get; init; }
    public DetainerOutcome Outcome { get; init; }
    public string? OutcomeAsPublished { get; init; }
    public DateOnly? OutcomeRecordedOn { get; init; }
    public DateOnly? WeekStart { get; init; }
    public string? Citizenship { get; init; }
    public string? SourceUrl { get; init; }
    public List<ChargeRow> Charges { get; } = [];
}

public sealed record PolicyRow(int Line, JurisdictionRef Jurisdiction, string? DateEnacted, DateOnly? EnactedOn, string Name, string? Criteria);

public sealed record SectionOneRow(int Line, DateOnly WeekStart, int Rank, JurisdictionRef Jurisdiction, int? DetainersIssued, string? Notes);

public sealed record ReportRow(int Line, int Number, DateOnly WeekStart, DateOnly? PublishedOn, int? DetainersIssuedNationwide);

public sealed record CorrectionRow(
    int Line,
    DateOnly WeekStart,
    int Rank,
    string State,
    string County,
    string Field,
    string? OldValue,
    string? NewValue,
    string CorrectedOn,
    string Reason,
    string Authority);

public sealed class ParsedFile(string fileName, ImportFormat format)
{
    public string FileName { get; } = fileName;
    public ImportFormat Format { get; } = format;
    public List<DetainerRow> Detainers { get; } = [];
    public List<PolicyRow> Policies { get; } = [];
    public List<SectionOneRow> SectionOne { get; } = [];
    public List<ReportRow> Reports { get; } = [];
    public List<CorrectionRow> Corrections { get; } = [];
    public ImportErrorList Errors { get; } = [];
    public List<string> Warnings { get; } = [];
    public int? SyntheticSeed { get; set; }

    public int RowCount => Detainers.Count + Policies.Count + SectionOne.Count + Reports.Count + Corrections.Count;

    /// <summary>
    /// Lets go of the detainer rows from <paramref name="start"/> on (<paramref name="count"/> of them) once they are
    /// written: a million parsed detainers with their charges are some 300 MB, and the write needs each chunk only while
    /// it writes it. The list keeps its count (what was read), and the released entries are null from then on.
    /// </summary>
    internal void ReleaseDetainers(int start, int count) =>
        System.Runtime.InteropServices.CollectionsMarshal.AsSpan(Detainers).Slice(start, count).Clear();
}
