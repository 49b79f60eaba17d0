using DetainerGraph.Data;

namespace DetainerGraph.Detainers;

/// <summary>
/// The rows of the <c>DetainerCounts</c> rollup held in memory as one array per column (row i is element i of each), so a
/// filter reads only the columns it names, in order: as objects, every question touched every row's whole object (about
/// 45 MB at a million generated detainers), 17 ms a pass; as columns, a few of 0.4-3 MB each. The navigations are arrays of
/// shared objects (a jurisdiction's row is one object however many rows name it); every text is kept once (<see cref="Texts"/>).
/// </summary>
public sealed class RollupColumns
{
    private readonly Dictionary<string, Array> _byName;

    private RollupColumns(int length)
    {
        Length = length;
        JurisdictionId = new int?[length];
        Jurisdiction = new Jurisdiction?[length];
        FacilityId = new int?[length];
        Facility = new Facility?[length];
        WeekStart = new DateOnly?[length];
        Week = new Week?[length];
        Outcome = new DetainerOutcome[length];
        DetainerType = new DetainerType[length];
        Citizenship = new string?[length];
        SourceId = new int[length];
        Source = new Source[length];
        IssuedMonth = new DateOnly?[length];
        OutcomeMonth = new DateOnly?[length];
        Retracted = new bool[length];
        IsSynthetic = new bool[length];
        Count = new long[length];
        _byName = new Dictionary<string, Array>(StringComparer.Ordinal)
        {
            [nameof(DetainerCount.JurisdictionId)] = JurisdictionId,
            [nameof(DetainerCount.Jurisdiction)] = Jurisdiction,
            [nameof(DetainerCount.FacilityId)] = FacilityId,
            [nameof(DetainerCount.Facility)] = Facility,
            [nameof(DetainerCount.WeekStart)] = WeekStart,
            [nameof(DetainerCount.Week)] = Week,
            [nameof(DetainerCount.Outcome)] = Outcome,
            [nameof(DetainerCount.DetainerType)] = DetainerType,
            [nameof(DetainerCount.Citizenship)] = Citizenship,
            [nameof(DetainerCount.SourceId)] = SourceId,
            [nameof(DetainerCount.Source)] = Source,
            [nameof(DetainerCount.IssuedMonth)] = IssuedMonth,
            [nameof(DetainerCount.OutcomeMonth)] = OutcomeMonth,
            [nameof(DetainerCount.Retracted)] = Retracted,
            [nameof(DetainerCount.IsSynthetic)] = IsSynthetic,
            [nameof(DetainerCount.Count)] = Count,
        };
    }

    public int Length { get; }
    public int?[] JurisdictionId { get; }
    public Jurisdiction?[] Jurisdiction { get; }
    public int?[] FacilityId { get; }
    public Facility?[] Facility { get; }
    public DateOnly?[] WeekStart { get; }
    public Week?[] Week { get; }
    public DetainerOutcome[] Outcome { get; }
    public DetainerType[] DetainerType { get; }
    public string?[] Citizenship { get; }
    public int[] SourceId { get; }
    public Source[] Source { get; }
    public DateOnly?[] IssuedMonth { get; }
    public DateOnly?[] OutcomeMonth { get; }
    public bool[] Retracted { get; }
    public bool[] IsSynthetic { get; }
    public long[] Count { get; }

    /// <summary>
    /// Every text the columns and the navigations' objects hold, each kept once: equal texts are the same object, so a list
    /// condition compares references (<see cref="ResidentExpressions"/>) instead of hashing each row's text.
    /// </summary>
    public Dictionary<string, string> Texts { get; } = new(StringComparer.Ordinal);

    /// <summary>The one kept instance of <paramref name="text"/>.</summary>
    public string Keep(string text) => Texts.TryGetValue(text, out var kept) ? kept : Texts[text] = text;

    /// <summary>Makes every text property of <paramref name="entity"/> (a navigation's object) the kept instance.</summary>
    public void KeepTexts(object entity)
    {
        foreach (var property in entity.GetType().GetProperties())
        {
            if (property.PropertyType == typeof(string) && property.CanWrite && property.GetValue(entity) is string text)
            {
                property.SetValue(entity, Keep(text));
            }
        }
    }

    /// <summary>The column of a <see cref="DetainerCount"/> member by its name (its element type is the member's), or null.</summary>
    public Array? Of(string member) => _byName.GetValueOrDefault(member);

    /// <summary>
    /// An empty table of <paramref name="length"/> rows and the writer that fills row after row from rollup rows (with their
    /// navigations set); more rows than <paramref name="length"/> throw.
    /// </summary>
    public static (RollupColumns Columns, Action<DetainerCount> Add) Create(int length)
    {
        var columns = new RollupColumns(length);
        var next = 0;
        return (columns, row =>
        {
            var i = next++;
            columns.JurisdictionId[i] = row.JurisdictionId;
            columns.Jurisdiction[i] = row.Jurisdiction;
            columns.FacilityId[i] = row.FacilityId;
            columns.Facility[i] = row.Facility;
            columns.WeekStart[i] = row.WeekStart;
            columns.Week[i] = row.Week;
            columns.Outcome[i] = row.Outcome;
            columns.DetainerType[i] = row.DetainerType;
            columns.Citizenship[i] = row.Citizenship is { } text ? columns.Keep(text) : null;
            columns.SourceId[i] = row.SourceId;
            columns.Source[i] = row.Source;
            columns.IssuedMonth[i] = row.IssuedMonth;
            columns.OutcomeMonth[i] = row.OutcomeMonth;
            columns.Retracted[i] = row.Retracted;
            columns.IsSynthetic[i] = row.IsSynthetic;
            columns.Count[i] = row.Count;
        }
        );
    }
}
