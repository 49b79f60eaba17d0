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

/// <summary>
/// A row of the <c>DetainerRegionWeekCounts</c> rollup: detainers by the jurisdiction's state and field office, the
/// reporting week, outcome and type. Bounded by states x weeks x outcomes x types whatever the number of
/// detainers (about 11,500 rows at 100,000), so <c>detainerStats</c> by state and week and counts of a state or a
/// week range read a few thousand rows. SQLite: a table kept by triggers on <c>Detainers</c> (and on a change of a
/// jurisdiction's state or field office); SQL Server: a view summing the <c>DetainerCounts</c> indexed view.
/// </summary>
public sealed class DetainerRegionWeekCount
{
    /// <summary>The jurisdiction's state; null only for the detainers without a jurisdiction (a state is never null).</summary>
    public string? State { get; set; }
    public string? FieldOffice { get; set; }
    public DateOnly? WeekStart { get; set; }
    public DetainerOutcome Outcome { get; set; }
    public DetainerType DetainerType { get; set; }
    public bool Retracted { get; set; }
    public bool IsSynthetic { get; set; }
    public long Count { get; set; }
}

/// <summary>
/// A row of the <c>DetainerStateWeekCounts</c> rollup: <see cref="DetainerRegionWeekCount"/> without the field office
/// and the detainer type (15,954 rows at a million generated detainers against its 30,244), so <c>detainerStats</c> by
/// state and week, with or without an outcome filter, sums half the rows. Kept the same way as the other coarse rollups.
/// </summary>
public sealed class DetainerStateWeekCount
{
    /// <summary>The jurisdiction's state; null only for the detainers without a jurisdiction (a state is never null).</summary>
    public string? State { get; set; }
    public DateOnly? WeekStart { get; set; }
    public DetainerOutcome Outcome { get; set; }
    public bool Retracted { get; set; }
    public bool IsSynthetic { get; set; }
    public long Count { get; set; }
}

/// <summary>
/// A row of the <c>DetainerRegionMonthCounts</c> rollup: <see cref="DetainerRegionWeekCount"/> with the issue month
/// instead of the week, for counts and stats by state or field office and issue year, quarter or month.
/// </summary>
public sealed class DetainerRegionMonthCount
{
    public string? State { get; set; }
    public string? FieldOffice { get; set; }
    /// <summary>The first day of the month of <see cref="Detainer.IssuedOn"/>.</summary>
    public DateOnly? IssuedMonth { get; set; }
    public DetainerOutcome Outcome { get; set; }
    public DetainerType DetainerType { get; set; }
    public bool Retracted { get; set; }
    public bool IsSynthetic { get; set; }
    public long Count { get; set; }
}

/// <summary>
/// A row of the <c>DetainerCitizenshipWeekCounts</c> rollup: detainers by citizenship, reporting week, outcome and
/// type, without places (bounded by countries x weeks x outcomes x types).
/// </summary>
public sealed class DetainerCitizenshipWeekCount
{
    public string? Citizenship { get; set; }
    public DateOnly? WeekStart { get; set; }
    public DetainerOutcome Outcome { get; set; }
    public DetainerType DetainerType { get; set; }
    public bool Retracted { get; set; }
    public bool IsSynthetic { get; set; }
    public long Count { get; set; }
}
