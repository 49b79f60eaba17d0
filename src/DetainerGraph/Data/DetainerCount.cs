namespace DetainerGraph.Data;

/// <summary>
/// A row of the <c>DetainerCounts</c> rollup: how many detainers share one combination of the report's
/// dimensions. Maintained by the database itself on every write to <c>Detainers</c> (SQLite: triggers;
/// SQL Server: an indexed view), so it is exact in the same transaction as imports and corrections, whatever
/// writes them. Read-only to the application; see <c>Detainers/DetainerCountRollup.cs</c> for how counts and
/// <c>detainerStats</c> are answered from it.
/// </summary>
public sealed class DetainerCount
{
    public int? JurisdictionId { get; set; }
    public Jurisdiction? Jurisdiction { get; set; }
    public int? FacilityId { get; set; }
    public Facility? Facility { get; set; }
    public DateOnly? WeekStart { get; set; }
    public Week? Week { get; set; }
    public DetainerOutcome Outcome { get; set; }
    public DetainerType DetainerType { get; set; }
    public string? Citizenship { get; set; }
    public int SourceId { get; set; }
    public Source Source { get; set; } = null!;
    /// <summary>The first day of the month of <see cref="Detainer.IssuedOn"/>.</summary>
    public DateOnly? IssuedMonth { get; set; }
    /// <summary>The first day of the month of <see cref="Detainer.OutcomeRecordedOn"/>.</summary>
    public DateOnly? OutcomeMonth { get; set; }
    public bool Retracted { get; set; }
    /// <summary><see cref="Detainer.IsSynthetic"/>: so the default, published-only counts are read here too.</summary>
    public bool IsSynthetic { get; set; }
    /// <summary>How many detainers have exactly these values; rows reaching zero are deleted.</summary>
    public long Count { get; set; }
}

/// <summary>
/// A row of the <c>DetainerTotals</c> rollup: <see cref="DetainerCount"/> without places, weeks and
/// citizenship, so a few thousand rows at any size; it answers counts over all places (every detainer, every
/// decline) in a millisecond. Maintained the same way.
/// </summary>
public sealed class DetainerTotal
{
    public DetainerOutcome Outcome { get; set; }
    public DetainerType DetainerType { get; set; }
    public int SourceId { get; set; }
    public Source Source { get; set; } = null!;
    public DateOnly? IssuedMonth { get; set; }
    public DateOnly? OutcomeMonth { get; set; }
    public bool Retracted { get; set; }
    public bool IsSynthetic { get; set; }
    public long Count { get; set; }
}
